"""Who a tracker is written for: the coordinator (everything) or managers (no free text).

``track --audience manager`` writes the same tables for people outside the pair and
the coordinator:

- **No free text.** Whatever a pair wrote in their own words is left out: goal
  titles and activity descriptions (the plan's wording), review objectives, progress
  and next steps, competency names (the ratings stay), the answers to the program's
  own questions (a field extension's: a question may ask for anything, and read
  without its extension every answer is the form's text), and problem messages (they may quote a value from a form; the
  problem's category is said instead). The tracker's tables never hold the
  agreement's purpose or the activities' notes, in any audience.
- **Private pairs show counts only.** A pair whose agreement chose
  ``confidentiality.level = private`` ("what we discuss stays between the two of
  us") keeps its pair row with its counts (goals, activities, completed, overdue,
  progress) and its agreed dates (start, midpoint, end), but not the dates of its
  activities and reviews: its activity, review, competency and question rows are left out, as are the
  next target date and the last review date, and its warnings give their kind
  without details.

Names, the program, signatures and return states stay: they are what a manager
report is for.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from ..errors import MentoringDocsError
from .spool import Mapped
from .tables import ALERTS, PROBLEM_CATEGORIES, ProblemRow, Tables

__all__ = ["AUDIENCES", "FREE_TEXT", "for_audience"]

T = TypeVar("T", bound=Tables)

#: The audiences a tracker can be written for.
AUDIENCES = ("coordinator", "manager")

#: The columns that hold a pair's own words, by table.
FREE_TEXT = {
    "activities": ("goal_title", "description"),
    "reviews": ("objective", "progress", "next_steps"),
    "competencies": ("name",),
    "questions": ("answer",),
    "problems": ("problem",),
}


def for_audience(tracker: T, audience: str) -> T:
    """``tracker`` as ``audience`` may see it (see the module documentation)."""
    if audience == "coordinator":
        return tracker
    if audience != "manager":
        raise MentoringDocsError(f"unknown audience {audience!r}: use {' or '.join(AUDIENCES)}")
    private = {p.pair for p in tracker.pairs if p.confidentiality == "private"}

    def blank(row: Any, table: str) -> Any:
        return dataclasses.replace(row, **{name: None for name in FREE_TEXT[table]})

    return dataclasses.replace(
        tracker,
        pairs=[dataclasses.replace(p, next_target=None, last_review=None) if p.pair in private else p
               for p in tracker.pairs],
        activities=[blank(a, "activities") for a in tracker.activities if a.pair not in private],
        reviews=[blank(r, "reviews") for r in tracker.reviews if r.pair not in private],
        competencies=[blank(c, "competencies") for c in tracker.competencies if c.pair not in private],
        questions=[blank(q, "questions") for q in tracker.questions if q.pair not in private],
        problems=Mapped(tracker.problems, _problem_category),  # as it is read: the table may be on disk
        alerts=[dataclasses.replace(a, reason=ALERTS[a.alert]) if a.pair in private else a
                for a in tracker.alerts],
        audience="manager",
    )


def _problem_category(row: ProblemRow) -> ProblemRow:
    """``row`` with its message (which may quote a form's value) replaced by what its category means."""
    return dataclasses.replace(row, problem=PROBLEM_CATEGORIES[row.category])
