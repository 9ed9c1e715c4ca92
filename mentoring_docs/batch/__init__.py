"""Batch generation: a roster in, one folder of forms per mentoring pair out.

The modules, by job: :mod:`.run` (:func:`generate`, the run), :mod:`.planning`
(rows to tasks, in the main process), :mod:`.worker` (tasks to files, in worker
processes), :mod:`.report` (what a run reports), :mod:`.roster` and
:mod:`.columns` (reading rosters), :mod:`.folder_names` and :mod:`.ids` (names and
``agreement_id``), :mod:`.output_folder` (errors.csv, journals, lock, leftovers),
:mod:`.progress` (the terminal's progress bar).
"""

from __future__ import annotations

from ..errors import Problem
from .report import BatchReport, FileRecord, Observer, RowResult
from .roster import Roster, RosterError, RosterRow, open_roster
from .run import DEFAULT_NAME, generate

__all__ = [
    "DEFAULT_NAME", "BatchReport", "FileRecord", "Observer", "Roster", "RosterError", "RosterRow",
    "Problem", "RowResult", "generate", "open_roster",
]
