"""Early warnings: the pairs a coordinator should look at now, each with a reason and a date.

One row per pair and reason (a pair may have several), as of the tracker's day:

- ``no_recent_review``: the partnership is under way (started, not ended) and no
  review has been recorded for ``stale_days`` days (default 60), counted from the
  last review, or from the start when there is none. The date is the day the pair
  crossed the line.
- ``midpoint_missed``: the midpoint check (given, or estimated halfway) has passed,
  the partnership has not ended, and no review is dated from
  :data:`MIDPOINT_WINDOW_DAYS` days before the midpoint on. Date: the midpoint.
- ``ending_with_open_activities``: the end date is at most :data:`ENDING_DAYS` days
  away (today included) and activities are neither completed nor deferred. Date: the end.
- ``ended_without_closing_review``: the end date has passed and no review is dated
  from :data:`CLOSING_WINDOW_DAYS` days before the end on. Date: the end.
- ``agreement_not_returned``: no agreement has come back ``return_days`` days
  (default 21) after the start date (known from the issued copy with ``--manifest``).
  Date: the start plus ``return_days``.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Iterator, Sequence

from .tables import ALERTS, CLOSED, ActivityRow, AlertRow, PairRow

__all__ = ["ALERTS", "AlertRow", "RETURN_DAYS", "STALE_DAYS", "alerts", "missed_midpoint"]

#: Days without a review before a pair is flagged (``--stale-days``).
STALE_DAYS = 60
#: Days after the start by which the agreement should be back (``--return-days``).
RETURN_DAYS = 21
#: An end date this close (in days), with activities still open, is flagged.
ENDING_DAYS = 14
#: A review this many days before the midpoint check, or later, counts as the midpoint review.
MIDPOINT_WINDOW_DAYS = 7
#: A review this many days before the end, or later, counts as the closing review.
CLOSING_WINDOW_DAYS = 14


def missed_midpoint(pair: PairRow, as_of: dt.date) -> bool:
    """True when ``pair``'s midpoint check has passed with no review from shortly before it on."""
    if pair.midpoint is None or pair.midpoint >= as_of:
        return False
    window = pair.midpoint - dt.timedelta(days=MIDPOINT_WINDOW_DAYS)
    return pair.last_review is None or pair.last_review < window


def alerts(pairs: Sequence[PairRow], activities: Iterable[ActivityRow], as_of: dt.date, *,
           stale_days: int | None = None, return_days: int | None = None) -> list[AlertRow]:
    """Every warning for ``pairs`` as of ``as_of``, oldest date first."""
    stale = STALE_DAYS if stale_days is None else stale_days
    late = RETURN_DAYS if return_days is None else return_days
    open_by_pair: dict[str, int] = {}
    for activity in activities:
        if activity.status not in CLOSED:
            open_by_pair[activity.pair] = open_by_pair.get(activity.pair, 0) + 1
    rows = [row for pair in pairs for row in _pair_alerts(pair, open_by_pair.get(pair.pair, 0), as_of, stale, late)]
    return sorted(rows, key=lambda r: (r.date, r.pair, list(ALERTS).index(r.alert)))


def _pair_alerts(pair: PairRow, open_activities: int, as_of: dt.date, stale: int,
                 late: int) -> Iterator[AlertRow]:
    def alert(code: str, reason: str, date: dt.date) -> AlertRow:
        return AlertRow(pair=pair.pair, program=pair.program, mentor=pair.mentor, mentee=pair.mentee,
                        alert=code, reason=reason, date=date)

    running = pair.start is not None and pair.start <= as_of and (pair.end is None or as_of <= pair.end)
    if running and pair.start is not None:
        since = pair.last_review if pair.last_review and pair.last_review > pair.start else pair.start
        if (as_of - since).days >= stale:
            what = f"last review {since.isoformat()}" if pair.last_review else \
                f"no review recorded since the start ({since.isoformat()})"
            yield alert("no_recent_review", f"no review in {stale} days: {what}", since + dt.timedelta(days=stale))
    if running and pair.midpoint is not None and missed_midpoint(pair, as_of):
        estimated = " (estimated)" if pair.midpoint_estimated else ""
        yield alert("midpoint_missed", f"midpoint check{estimated} {pair.midpoint.isoformat()} passed "
                                       "without a review", pair.midpoint)
    if pair.end is not None and 0 <= (pair.end - as_of).days <= ENDING_DAYS and open_activities:
        days = (pair.end - as_of).days
        when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        yield alert("ending_with_open_activities",
                    f"ends {when} with {open_activities} activit{'ies' if open_activities != 1 else 'y'} open",
                    pair.end)
    if pair.end is not None and pair.end < as_of:
        window = pair.end - dt.timedelta(days=CLOSING_WINDOW_DAYS)
        if pair.last_review is None or pair.last_review < window:
            yield alert("ended_without_closing_review",
                        f"ended {pair.end.isoformat()} without a closing review", pair.end)
    if not pair.agreement_returned and pair.start is not None:
        due = pair.start + dt.timedelta(days=late)
        if as_of >= due:
            yield alert("agreement_not_returned",
                        f"agreement not returned {(as_of - pair.start).days} days after the start "
                        f"({pair.start.isoformat()}; due within {late} days)", due)
