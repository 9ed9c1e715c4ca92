"""Batch generation: a roster in, one folder of forms per mentoring pair out.

The modules, by job: :mod:`.run` (:func:`generate`, the run), :mod:`.planning`
(rows to tasks, in the main process), :mod:`.worker` (tasks to files, in worker
processes), :mod:`.report` (what a run reports), :mod:`.roster` and
:mod:`.columns` (reading rosters), :mod:`.folder_names` and :mod:`.ids` (names and
``agreement_id``), :mod:`.output_folder` (errors.csv, journals, lock, leftovers),
:mod:`.progress` (the terminal's progress bar).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names
from ..errors import Problem

if TYPE_CHECKING:
    from .folder_names import DEFAULT_NAME
    from .report import BatchReport, FileRecord, Observer, RowResult
    from .roster import Roster, RosterError, RosterRow, open_roster
    from .run import generate

# The modules load on first use, so that ``from mentoring_docs.batch.folder_names
# import DEFAULT_NAME`` (the command line's help) does not load the whole batch machinery.
_LAZY = {
    "DEFAULT_NAME": ".folder_names", "BatchReport": ".report", "FileRecord": ".report", "Observer": ".report",
    "RowResult": ".report", "Roster": ".roster", "RosterError": ".roster", "RosterRow": ".roster",
    "open_roster": ".roster", "generate": ".run",
}

__all__ = [
    "DEFAULT_NAME", "BatchReport", "FileRecord", "Observer", "Roster", "RosterError", "RosterRow",
    "Problem", "RowResult", "generate", "open_roster",
]


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())
