"""The tracker as one self-contained web page: a row per pair, progress bars, what is due.

The page loads nothing from the network: its stylesheet and script are inlined, and
a Content-Security-Policy forbids every other source (the script is allowed by its
hash only). Values read from forms are untrusted, so the template escapes
everything (autoescape on) and no form value is ever placed inside the script.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import IO, Callable, Iterable

from jinja2 import Environment, StrictUndefined

from .cells import display, text

from ..tables import ALERTS, ActivityRow, PairRow, Tables, columns

#: Dates this many days ahead (or fewer) are highlighted as coming up.
UPCOMING_DAYS = 14


def signature_label(status: str) -> str:
    """A party's signature status (``signed``) as the page shows it."""
    from ...signatures.status import LABELS

    return LABELS.get(status, status)


def _resource(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def environment() -> Environment:
    """The Jinja environment of the page: autoescape on, undefined names are errors."""
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["iso"] = lambda d: d.isoformat() if d else ""
    env.filters["signature"] = signature_label  # a party's signature status in words
    return env


@dataclass(frozen=True)
class When:
    """A date as the page shows it: the day, how far from the as-of date, and its highlight."""

    date: dt.date | None
    days: int | None
    note: str = ""

    @property
    def css(self) -> str:
        if self.days is None:
            return ""
        if self.days < 0:
            return "past"
        return "soon" if self.days <= UPCOMING_DAYS else ""

    @property
    def relative(self) -> str:
        if self.days is None:
            return ""
        if self.days == 0:
            return "today"
        if self.days > 0:
            return f"in {self.days} d"
        return f"{-self.days} d ago"


def _when(date: dt.date | None, as_of: dt.date, note: str = "") -> When:
    return When(date, (date - as_of).days if date else None, note)


@dataclass(frozen=True)
class Upcoming:
    """One date in the coming days: what happens, for which pair."""

    date: dt.date
    days: int
    what: str
    mentor: str | None
    mentee: str | None


def _upcoming(tracker: Tables) -> list[Upcoming]:
    horizon = tracker.as_of + dt.timedelta(days=UPCOMING_DAYS)
    found: list[Upcoming] = []

    def add(date: dt.date | None, what: str, mentor: str | None, mentee: str | None) -> None:
        if date is not None and tracker.as_of <= date <= horizon:
            found.append(Upcoming(date, (date - tracker.as_of).days, what, mentor, mentee))

    for pair in tracker.pairs:
        add(pair.midpoint, "Midpoint check" + (" (estimated)" if pair.midpoint_estimated else ""),
            pair.mentor, pair.mentee)
        add(pair.end, "Partnership ends", pair.mentor, pair.mentee)
    for activity in tracker.activities:
        if activity.status not in ("completed", "deferred"):
            add(activity.target_date, f"Activity {activity.goal}.{activity.activity} due: {activity.description or ''}",
                activity.mentor, activity.mentee)
    return sorted(found, key=lambda u: (u.date, (u.mentor or "").casefold(), u.what))


def _programs(pairs: Iterable["PairRow"]) -> list[str]:
    return sorted({p.program for p in pairs if p.program})


def _summary(tracker: Tables, upcoming: list[Upcoming]) -> list[tuple[str, str, str]]:
    pairs = tracker.pairs
    n = len(pairs)
    done = sum(p.activities_completed or 0 for p in pairs)
    total = sum(p.activities_total or 0 for p in pairs)
    overdue = sum(p.overdue or 0 for p in pairs)
    problems = len(tracker.problems)
    return [
        ("Pairs", str(n), ""),
        ("Agreements returned", f"{sum(p.agreement_returned for p in pairs)} / {n}", ""),
        ("Signed by both partners", f"{sum(p.signed_mentor and p.signed_mentee for p in pairs)} / {n}", ""),
        ("Action plans returned", f"{sum(p.action_plan_returned for p in pairs)} / {n}", ""),
        ("Activities completed", f"{done} / {total}", ""),
        ("Overdue activities", str(overdue), "alert" if overdue else ""),
        (f"Due in {UPCOMING_DAYS} days", str(len(upcoming)), "soon" if upcoming else ""),
        ("Problems", str(problems), "alert" if problems else ""),
        ("Average competency change", _change(tracker.average_competency_change), ""),
        ("Need attention", str(len({a.pair for a in tracker.alerts})), "alert" if tracker.alerts else ""),
    ]


def _change(value: float | None) -> str:
    """A mean rating change as people read it: signed, one decimal, a dash when nothing was rated twice."""
    return "–" if value is None else f"{value:+.1f}"


def _overdue(activities: Iterable["ActivityRow"]) -> list["ActivityRow"]:
    return sorted((a for a in activities if a.overdue),
                  key=lambda a: (-(a.days_overdue or 0), (a.mentor or "").casefold(), a.goal, a.activity))


def streams(tracker: Tables, out: Path) -> dict[Path, Callable[[IO[bytes]], None]]:
    """The page (UTF-8 HTML), written as the template renders it."""
    return {out: functools.partial(_write, tracker)}


def _write(tracker: Tables, handle: IO[bytes]) -> None:

    script = _resource("tracker.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    upcoming = _upcoming(tracker)
    programs = _programs(tracker.pairs)
    as_of = tracker.as_of
    page = environment().from_string(_resource("tracker.html.j2")).generate(
        title="Mentoring tracker" + (f": {programs[0]}" if len(programs) == 1 else ""),
        programs=programs,
        as_of=as_of,
        generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        summary=_summary(tracker, upcoming),
        pairs=[(p, _when(p.start, as_of), _when(p.midpoint, as_of, "estimated: halfway between start and end"
                                                 if p.midpoint_estimated else ""),
                _when(p.end, as_of), _when(p.next_target, as_of), _when(p.last_review, as_of))
               for p in tracker.pairs],
        overdue=_overdue(tracker.activities),
        competencies=tracker.competencies,
        average_change=_change(tracker.average_competency_change),
        upcoming=upcoming,
        upcoming_days=UPCOMING_DAYS,
        alerts=tracker.alerts,
        alert_title=lambda code: ALERTS.get(code, code),
        program_rows=tracker.programs,
        program_columns=columns("programs"),
        audience=tracker.audience,
        questions=tracker.questions,
        # The manager's view blanks every answer (audience.py): the column would be empty.
        question_columns=[(name, meta) for name, meta in columns("questions")
                          if not (name == "answer" and tracker.audience == "manager")],
        problems=tracker.problems,
        documents=tracker.documents,
        problem_columns=columns("problems"),
        document_columns=columns("documents"),
        cell=text,
        change=_change,
        status_label=lambda value: display({"choices": ("action_plan", "goals.*.activities.*.status")}, value),
        style=_resource("tracker.css"),
        script=script,
        script_hash=f"sha256-{digest}",
    )
    for piece in page:  # the files-read table may have a row per file: not joined in memory
        handle.write(piece.encode("utf-8"))
