"""Program roll-ups: one row per program with the figures a coordinator reports upwards.

Per program (the agreement's ``program.name``; pairs without one are grouped as
"no program"): pairs (with ``--manifest``, every issued pair), the share of
agreements returned and signed by both partners, the share of action plans
returned, the share of all planned activities completed, overdue activities, pairs
whose midpoint check passed without a review (see :func:`.alerts.missed_midpoint`)
and the average progress of the plans that came back, and the average change of
the competencies rated at baseline and at the end. Shares are fractions of the
program's pairs (or activities); a share of nothing is empty.
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from .alerts import missed_midpoint
from .tables import CompetencyRow, PairRow, ProgramRow, average_change

__all__ = ["ProgramRow", "programs"]


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def programs(pairs: Sequence[PairRow], as_of: dt.date,
             competencies: Sequence[CompetencyRow] = ()) -> list[ProgramRow]:
    """One :class:`ProgramRow` per program among ``pairs``, by name (pairs without a program last).

    ``competencies`` give each program's average competency change (their pair's program).
    """
    groups: dict[str | None, list[PairRow]] = {}
    for pair in pairs:
        groups.setdefault(pair.program, []).append(pair)
    program_of = {pair.pair: pair.program for pair in pairs}
    rated: dict[str | None, list[CompetencyRow]] = {}
    for row in competencies:
        rated.setdefault(program_of.get(row.pair), []).append(row)
    rows = []
    for name in sorted(groups, key=lambda n: (n is None, (n or "").casefold())):
        members = groups[name]
        n = len(members)
        total = sum(p.activities_total or 0 for p in members)
        progress = [p.progress for p in members if p.progress is not None]
        rows.append(ProgramRow(
            program=name, pairs=n,
            agreements_returned=_share(sum(p.agreement_returned for p in members), n),
            signed_by_both=_share(sum(p.signed_mentor and p.signed_mentee for p in members), n),
            action_plans_returned=_share(sum(p.action_plan_returned for p in members), n),
            activities=total,
            activities_completed=_share(sum(p.activities_completed or 0 for p in members), total),
            overdue_activities=sum(p.overdue or 0 for p in members),
            past_midpoint_without_review=sum(missed_midpoint(p, as_of) for p in members),
            average_progress=sum(progress) / len(progress) if progress else None,
            average_competency_change=average_change(rated.get(name, ())),
        ))
    return rows
