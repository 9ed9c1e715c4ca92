"""The tracker's tables: one frozen dataclass per row type, and the columns' metadata.

This is the table model only; :mod:`.build` fills it and :mod:`.output` writes it,
both importing it, so neither needs the other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any, Mapping, Sequence

from ..errors import Problem
from ..kinds import TITLES, Kind
from ..signatures.status import LABELS as SIGNATURE_LABELS

__all__ = [
    "ALERTS", "ActivityRow", "AlertRow", "CATEGORY_TITLES", "CLOSED", "CompetencyRow", "DOCUMENT_STATUSES",
    "DocumentRow", "PROBLEM_CATEGORIES", "PairRow", "ProblemRow", "ProgramRow", "QuestionRow", "RETURN_STATES",
    "RETURN_STATE_TITLES", "ROW_TYPES", "ReviewRow", "STATUS_TITLES", "TABLES", "Tables", "average_change", "column",
    "columns", "json_value",
]

#: The tables of a tracker, in the order outputs show them (``programs`` is filled by
#: :mod:`.rollups`, ``alerts`` by :mod:`.alerts`).
TABLES = ("pairs", "activities", "reviews", "competencies", "questions", "problems", "documents", "programs", "alerts")


def column(label: str, *, choices: tuple[Kind, str] | None = None, titles: Mapping[str, str] | None = None,
           percent: bool = False, wide: bool = False, default: Any = MISSING) -> Any:
    """Metadata of one table column: its heading, and how writers show its values to people.

    ``choices`` names the catalogue field (kind, pattern) whose labels stand for an
    enumeration's values; ``titles`` maps other coded values to words; ``percent``
    marks a fraction shown as a percentage; ``wide`` marks free text.
    """
    return field(default=default, metadata={"label": label, "choices": choices, "titles": titles,
                                         "percent": percent, "wide": wide})


# -- the tables ---------------------------------------------------------------------

#: What kinds of problem the problems table holds (its ``category`` values).
PROBLEM_CATEGORIES = {
    "unreadable": "the file could not be read as one of our forms",
    "invalid": "a value could not be read or breaks a rule of the data model",
    "unidentified": "the form does not say which pair it belongs to",
    "ambiguous": "the form has no agreement ID and its names match several agreements",
    "not_returned": "issued (listed in the manifest) but not found among the returned files",
    "signature": "a digital signature changed after signing, invalid, or by someone other than the typed name",
}
CATEGORY_TITLES = {
    "unreadable": "Unreadable file", "invalid": "Invalid value", "unidentified": "Unknown pair",
    "ambiguous": "Ambiguous pair", "not_returned": "Not returned",
    "signature": "Signature",
}

#: Statuses of the documents table.
DOCUMENT_STATUSES = {
    "used": "the pair's newest valid copy of this document; its values are in the tables",
    "superseded": "an older copy; a newer one of the same pair is used",
    "rejected": "a newer copy with invalid values; an older valid copy is used instead",
    "issued_copy": "byte for byte the copy that was issued (manifest): not filled in, not counted as returned",
    "unidentified": "cannot tell which pair it belongs to",
}
STATUS_TITLES = {
    "used": "Used", "superseded": "Superseded", "rejected": "Newer but invalid: not used",
    "issued_copy": "Issued copy, unchanged", "unidentified": "Unknown pair",
}

#: Whether an issued document came back (``agreement_state``, ``action_plan_state``; with a manifest only).
RETURN_STATES = {
    "not_returned": "issued, and no filled-in copy has come back",
    "returned": "a filled-in copy came back and is used",
    "returned_invalid": "a copy came back, but the one used or a newer one has invalid values (see problems)",
}
RETURN_STATE_TITLES = {"not_returned": "not returned", "returned": "returned", "returned_invalid": "returned, invalid"}

#: Activity statuses that end an activity's claim on its target date.
CLOSED = ("completed", "deferred")

#: The kinds of early warning (the alerts table's ``alert`` column), as people read them;
#: :mod:`.alerts` says when each is raised.
ALERTS = {
    "no_recent_review": "No recent review",
    "midpoint_missed": "Midpoint passed without a review",
    "ending_with_open_activities": "Ending with activities open",
    "ended_without_closing_review": "Ended without a closing review",
    "agreement_not_returned": "Agreement not returned",
}


@dataclass(frozen=True, kw_only=True, slots=True)
class PairRow:
    """One mentoring pair: what came back, where the partnership stands in time, how the plan goes."""

    pair: str = column("Pair")
    agreement_id: str | None = column("Agreement ID")
    program: str | None = column("Program")
    mentor: str | None = column("Mentor")
    mentee: str | None = column("Mentee")
    coordinator: str | None = column("Coordinator")
    confidentiality: str | None = column("Confidentiality", choices=("agreement", "confidentiality.level"),
                                         default=None)
    agreement_returned: bool = column("Agreement returned")
    agreement_state: str | None = column("Agreement", titles=RETURN_STATE_TITLES, default=None)
    signed_mentor: bool = column("Signed by mentor")
    signed_mentee: bool = column("Signed by mentee")
    signed_coordinator: bool = column("Signed by coordinator")
    signed_line_manager: bool = column("Signed by line manager")
    mentor_signature: str = column("Mentor signature", titles=SIGNATURE_LABELS, default="not_signed")
    mentee_signature: str = column("Mentee signature", titles=SIGNATURE_LABELS, default="not_signed")
    coordinator_signature: str = column("Coordinator signature", titles=SIGNATURE_LABELS, default="not_signed")
    line_manager_signature: str = column("Line manager signature", titles=SIGNATURE_LABELS, default="not_signed")
    signature_details: str | None = column("Digital signatures", wide=True, default=None)
    start: dt.date | None = column("Start")
    midpoint: dt.date | None = column("Midpoint check")
    midpoint_estimated: bool = column("Midpoint estimated")
    end: dt.date | None = column("End")
    days_to_midpoint: int | None = column("Days to midpoint")
    days_to_end: int | None = column("Days to end")
    action_plan_returned: bool = column("Action plan returned")
    action_plan_state: str | None = column("Action plan", titles=RETURN_STATE_TITLES, default=None)
    goals: int | None = column("Goals")
    activities_completed: int | None = column("Activities completed")
    activities_total: int | None = column("Activities")
    progress: float | None = column("Progress", percent=True)
    overdue: int | None = column("Overdue activities")
    next_target: dt.date | None = column("Next target date")
    last_review: dt.date | None = column("Last review")
    problems: int = column("Problems")
    agreement_file: str | None = column("Agreement file")
    action_plan_file: str | None = column("Action plan file")


@dataclass(frozen=True, kw_only=True, slots=True)
class ActivityRow:
    """One learning activity of an action plan, with its goal and whether it is overdue."""

    pair: str = column("Pair")
    mentor: str | None = column("Mentor")
    mentee: str | None = column("Mentee")
    goal: int = column("Goal no.")
    goal_title: str | None = column("Goal", wide=True)
    goal_target: dt.date | None = column("Goal target date")
    activity: int = column("Activity no.")
    description: str | None = column("Activity", wide=True)
    kind: str | None = column("Kind", choices=("action_plan", "goals.*.activities.*.kind"))
    effort: float | None = column("Effort")
    effort_unit: str | None = column("Effort unit", choices=("action_plan", "goals.*.activities.*.effort.unit"))
    target_date: dt.date | None = column("Target date")
    status: str = column("Status", choices=("action_plan", "goals.*.activities.*.status"))
    completed_on: dt.date | None = column("Completed on")
    overdue: bool = column("Overdue")
    days_overdue: int | None = column("Days overdue")
    file: str = column("File")


@dataclass(frozen=True, kw_only=True, slots=True)
class ReviewRow:
    """One progress review recorded in an action plan."""

    pair: str = column("Pair")
    mentor: str | None = column("Mentor")
    mentee: str | None = column("Mentee")
    review: int = column("Review no.")
    date: dt.date | None = column("Meeting date")
    objective: str | None = column("Meeting objective", wide=True)
    progress: str | None = column("Progress", wide=True)
    next_steps: str | None = column("Next steps", wide=True)
    file: str = column("File")


@dataclass(frozen=True, kw_only=True, slots=True)
class CompetencyRow:
    """One competency of an action plan: its ratings (1 to 5) and the change from baseline to final."""

    pair: str = column("Pair")
    mentor: str | None = column("Mentor")
    mentee: str | None = column("Mentee")
    competency: int = column("Competency no.")
    name: str | None = column("Competency", wide=True)
    baseline: int | None = column("Baseline rating")
    target: int | None = column("Target rating")
    final: int | None = column("Final rating")
    change: int | None = column("Change")
    file: str = column("File")


def average_change(rows: Sequence[CompetencyRow]) -> float | None:
    """The mean of ``rows``' changes (final minus baseline rating), over those rated both times."""
    changes = [row.change for row in rows if row.change is not None]
    return sum(changes) / len(changes) if changes else None


@dataclass(frozen=True, kw_only=True, slots=True)
class QuestionRow:
    """One answer to a program question (a field extension's ``program_questions``) in a used form.

    A table of its own, one row per question and document, rather than a column per
    question in the pairs table: a program's questions differ from one extension to
    the next and per document, and a long table keeps every writer's columns fixed.
    ``answer`` is typed (a date, a number, a choice's label, several labels or list
    items one per line) when the form was read with its extension; ``checked``
    is false when it was read without it (or with another one), and the answer is
    then the text the form holds.
    """

    pair: str = column("Pair")
    mentor: str | None = column("Mentor")
    mentee: str | None = column("Mentee")
    document: str = column("Document", titles=TITLES)
    question: str = column("Question")
    label: str | None = column("Label")
    answer: Any = column("Answer", wide=True)
    checked: bool = column("Checked")
    file: str = column("File")


@dataclass(frozen=True, kw_only=True, slots=True)
class ProblemRow:
    """A row of the problems table: one :class:`~mentoring_docs.errors.Problem` and the pair it concerns.

    Tracking finds each problem as a :class:`~mentoring_docs.errors.Problem` (with its
    ``file`` and ``category``, one of :data:`PROBLEM_CATEGORIES`); :meth:`of` makes the
    table's row, adding the pair and the document kind.
    """

    file: str = column("File")
    category: str = column("Category", titles=CATEGORY_TITLES)
    pair: str | None = column("Pair", default=None)
    document: str | None = column("Document", titles=TITLES, default=None)
    path: str = column("Field", default="")
    problem: str = column("Problem", wide=True)

    @classmethod
    def of(cls, problem: Problem, *, pair: str | None = None, document: str | None = None) -> "ProblemRow":
        """The row of ``problem`` (its file, category, path and message) for ``pair`` and ``document``."""
        return cls(file=problem.file, category=problem.category, pair=pair, document=document,
                   path=problem.path, problem=problem.message)


@dataclass(frozen=True, kw_only=True, slots=True)
class DocumentRow:
    """One form that was read, and whether the tracker used it."""

    file: str = column("File")
    format: str = column("Format")
    document: str = column("Document", titles=TITLES)
    pair: str | None = column("Pair")
    modified: dt.datetime = column("Modified")
    status: str = column("Status", titles=STATUS_TITLES)
    superseded_by: str | None = column("Superseded by")
    problems: int = column("Problems")
    sha256: str = column("SHA-256")


@dataclass(frozen=True, kw_only=True, slots=True)
class ProgramRow:
    """The figures of one program, as a coordinator reports them upwards (see :mod:`.rollups`)."""

    program: str | None = column("Program")
    pairs: int = column("Pairs")
    agreements_returned: float | None = column("Agreements returned", percent=True)
    signed_by_both: float | None = column("Signed by both", percent=True)
    action_plans_returned: float | None = column("Action plans returned", percent=True)
    activities: int = column("Activities")
    activities_completed: float | None = column("Activities completed", percent=True)
    overdue_activities: int = column("Overdue activities")
    past_midpoint_without_review: int = column("Past midpoint without a review")
    average_progress: float | None = column("Average progress", percent=True)
    average_competency_change: float | None = column("Average competency change", default=None)


@dataclass(frozen=True, kw_only=True, slots=True)
class AlertRow:
    """A pair that needs attention: why, and since when (see :mod:`.alerts`)."""

    pair: str = column("Pair")
    program: str | None = column("Program")
    mentor: str | None = column("Mentor")
    mentee: str | None = column("Mentee")
    alert: str = column("Alert", titles=ALERTS)
    reason: str = column("Reason", wide=True)
    date: dt.date = column("Date")


ROW_TYPES: dict[str, type] = {
    "pairs": PairRow, "activities": ActivityRow, "reviews": ReviewRow, "competencies": CompetencyRow,
    "questions": QuestionRow,
    "problems": ProblemRow, "documents": DocumentRow, "programs": ProgramRow, "alerts": AlertRow,
}


@dataclass
class Tables:
    """Every pair of a program as of one day: the tables a coordinator reads.

    Each table is a list of frozen dataclass rows with typed values (dates as
    :class:`datetime.date`, counts as ``int``, flags as ``bool``, enumerations as
    their data-model values, absent values as ``None``).
    """

    as_of: dt.date
    pairs: list[PairRow]
    activities: list[ActivityRow]
    reviews: list[ReviewRow]
    #: The two tables with a row per file (or more): :func:`~mentoring_docs.tracking.track` keeps
    #: them on disk (:class:`~mentoring_docs.tracking.spool.Spool`), read as any sequence is.
    problems: Sequence[ProblemRow]
    documents: Sequence[DocumentRow]
    # Defaulted, so that code building the tables positionally keeps working.
    competencies: list[CompetencyRow] = field(default_factory=list)
    questions: list[QuestionRow] = field(default_factory=list)
    programs: list[ProgramRow] = field(default_factory=list)
    alerts: list[AlertRow] = field(default_factory=list)
    #: Who the tables are for: ``coordinator`` (everything) or ``manager`` (see :mod:`.audience`).
    audience: str = "coordinator"

    @property
    def average_competency_change(self) -> float | None:
        """The mean change from baseline to final rating, over competencies rated both times."""
        return average_change(self.competencies)

    def tables(self) -> dict[str, list[Any]]:
        """The tables by name, in :data:`TABLES` order."""
        return {name: getattr(self, name) for name in TABLES}

    def to_dict(self, *, tables: bool = True) -> dict[str, Any]:
        """The tracker as one JSON-able object: ``as_of`` and each table as a list of objects
        (without ``tables``: only what comes before the tables)."""
        out: dict[str, Any] = {"as_of": self.as_of.isoformat(),
                               "average_competency_change": self.average_competency_change}
        if self.audience != "coordinator":
            out["audience"] = self.audience
        if tables:
            for name, rows in self.tables().items():
                out[name] = [{k: json_value(v) for k, v in asdict(row).items()} for row in rows]
        return out


def columns(table: str) -> list[tuple[str, Mapping[str, Any]]]:
    """``(name, metadata)`` of each column of ``table``, in order."""
    return [(f.name, f.metadata) for f in fields(ROW_TYPES[table])]


def json_value(value: Any) -> Any:
    """A cell's value as JSON holds it: dates and times in ISO 8601, the rest as it is."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
