"""Tracking returned forms: one tracker of every pair's progress across a program.

A coordinator collects the agreements and action plans pairs send back (Word and
PDF, in any folders) and asks who has returned and signed, how far each plan has
come, what is overdue and which dates are near. :func:`track` reads every form
under the given paths and returns a :class:`Tracker` whose tables a program can use
directly; :meth:`Tracker.write` saves them as XLSX, CSV, JSON or HTML.

The modules, by job: :mod:`.tables` (the table model), :mod:`.collect` (finding and
reading files), :mod:`.build` (pairing and the rows; the rules are in its
docstring), :mod:`.copies` (the copy used), :mod:`.issued_pairs` (a row per issued
pair), :mod:`.rollups` and :mod:`.alerts` (the programs and alerts tables),
:mod:`.audience` (the manager's view), :mod:`.tracker` (the :class:`Tracker`),
:mod:`.output` (the writers).
"""

from __future__ import annotations

from .build import build, midpoint, pair_names_key, track
from .collect import Returned, collect, discover, read_document
from .tables import TABLES, ActivityRow, DocumentRow, PairRow, ProblemRow, QuestionRow, ReviewRow
from .tracker import Tracker

__all__ = [
    "ActivityRow", "DocumentRow", "PairRow", "ProblemRow", "QuestionRow", "Returned", "ReviewRow", "TABLES", "Tracker",
    "build", "collect", "discover", "midpoint", "pair_names_key", "read_document", "track",
]
