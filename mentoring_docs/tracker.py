"""Tracking returned forms: one tracker of every pair's progress across a program.

A coordinator collects the agreements and action plans pairs send back (Word and
PDF, in any folders) and asks who has returned and signed, how far each plan has
come, what is overdue and which dates are near. :func:`track` reads every form
under the given paths and returns a :class:`Tracker` whose tables a program can use
directly; :meth:`Tracker.write` saves them as XLSX, CSV, JSON or HTML.

The rules, in one place (``docs/tracking.md`` explains them for users):

- **Discovery.** Every ``.docx`` and ``.pdf`` under a folder, recursively (suffix in
  any case). Hidden files and folders (``.name``), Office lock files (``~$name``) and
  macOS resource forks (``._name``) are skipped; a file named on its own is always read.
- **One bad file never stops the rest.** Anything that cannot be read becomes a row
  of the problems table; values that break a rule of the data model are problems too,
  with their dotted path, and the rest of the form is still used.
- **Pair identity.** Documents carrying an ``agreement_id`` belong to the pair with that
  id. A document without one joins the pair whose documents bear the same mentor and
  mentee names (compared after Unicode NFKC normalisation, case folding and collapsing
  white space); if several pairs with ids match, it is ambiguous and tracked under the
  names alone, with a problem row; if no pair matches, the names are the identity.
- **Newest version wins.** When a pair returned several copies of the same kind of
  document, the one with the latest file modification time is used (ties: the later
  path in sort order); the others are listed as superseded in the documents table.
  Modification time is what a copy, a mail client or a file share keeps best, but it
  is only as good as the way files were collected.
- **Dates.** A missing midpoint check is the day halfway between start and end
  (rounded down), as the data model says. ``days to`` values are counted from the
  as-of date and are negative once the day has passed. An activity is overdue when its
  target date is before the as-of date and its status is neither completed nor deferred.
- **Signatures.** A signature counts when its typed name is filled in; the date
  alone does not sign.
- **Issued documents** (``manifest=``, the ``manifest.csv`` batch generation writes): see
  :mod:`mentoring_docs.issued`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import unicodedata
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from . import forms
from .errors import FormError, MentoringDocsError, Problem
from .issued import Issued, read_manifest
from .kinds import KINDS, TITLES, Kind
from .safe_read import FileRefused, open_regular, read_limited

__all__ = [
    "ActivityRow", "DocumentRow", "PairRow", "ProblemRow", "Returned", "ReviewRow", "TABLES", "Tracker",
    "build", "collect", "discover", "midpoint", "pair_names_key", "read_document", "track",
]

#: File suffixes read when a folder is searched.
SUFFIXES = (".docx", ".pdf")

#: Statuses that end an activity's claim on its target date.
CLOSED = ("completed", "deferred")

#: The tables of a tracker, in the order outputs show them.
TABLES = ("pairs", "activities", "reviews", "problems", "documents")


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
}
CATEGORY_TITLES = {
    "unreadable": "Unreadable file", "invalid": "Invalid value", "unidentified": "Unknown pair",
    "ambiguous": "Ambiguous pair", "not_returned": "Not returned",
}

#: Statuses of the documents table.
DOCUMENT_STATUSES = {
    "used": "the pair's newest copy of this document; its values are in the tables",
    "superseded": "an older copy; a newer one of the same pair is used",
    "issued_copy": "byte for byte the copy that was issued (manifest): not filled in, not counted as returned",
    "unidentified": "cannot tell which pair it belongs to",
}
STATUS_TITLES = {
    "used": "Used", "superseded": "Superseded", "issued_copy": "Issued copy, unchanged", "unidentified": "Unknown pair",
}


@dataclass(frozen=True, kw_only=True)
class PairRow:
    """One mentoring pair: what came back, where the partnership stands in time, how the plan goes."""

    pair: str = column("Pair")
    agreement_id: str | None = column("Agreement ID")
    program: str | None = column("Program")
    mentor: str | None = column("Mentor")
    mentee: str | None = column("Mentee")
    coordinator: str | None = column("Coordinator")
    agreement_returned: bool = column("Agreement returned")
    signed_mentor: bool = column("Signed by mentor")
    signed_mentee: bool = column("Signed by mentee")
    signed_coordinator: bool = column("Signed by coordinator")
    start: dt.date | None = column("Start")
    midpoint: dt.date | None = column("Midpoint check")
    midpoint_estimated: bool = column("Midpoint estimated")
    end: dt.date | None = column("End")
    days_to_midpoint: int | None = column("Days to midpoint")
    days_to_end: int | None = column("Days to end")
    action_plan_returned: bool = column("Action plan returned")
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


@dataclass(frozen=True, kw_only=True)
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


@dataclass(frozen=True, kw_only=True)
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


@dataclass(frozen=True, kw_only=True)
class ProblemRow:
    """Something the coordinator must look at: a file, what is wrong, and where in the form.

    ``category`` is one of :data:`PROBLEM_CATEGORIES`.
    """

    file: str = column("File")
    category: str = column("Category", titles=CATEGORY_TITLES)
    pair: str | None = column("Pair", default=None)
    document: str | None = column("Document", titles=TITLES, default=None)
    path: str = column("Field", default="")
    problem: str = column("Problem", wide=True)



@dataclass(frozen=True, kw_only=True)
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


ROW_TYPES: dict[str, type] = {
    "pairs": PairRow, "activities": ActivityRow, "reviews": ReviewRow,
    "problems": ProblemRow, "documents": DocumentRow,
}


@dataclass
class Tracker:
    """Every pair of a program as of one day: the tables a coordinator reads.

    Each table is a list of frozen dataclass rows with typed values (dates as
    :class:`datetime.date`, counts as ``int``, flags as ``bool``, enumerations as
    their data-model values, absent values as ``None``).
    """

    as_of: dt.date
    pairs: list[PairRow]
    activities: list[ActivityRow]
    reviews: list[ReviewRow]
    problems: list[ProblemRow]
    documents: list[DocumentRow]

    def tables(self) -> dict[str, list[Any]]:
        """The tables by name, in :data:`TABLES` order."""
        return {name: getattr(self, name) for name in TABLES}

    def to_dict(self) -> dict[str, Any]:
        """The tracker as one JSON-able object: ``as_of`` and each table as a list of objects."""
        out: dict[str, Any] = {"as_of": self.as_of.isoformat()}
        for name, rows in self.tables().items():
            out[name] = [{k: _json_value(v) for k, v in asdict(row).items()} for row in rows]
        return out

    def write(self, out: str | os.PathLike[str], *, overwrite: bool = False) -> list[Path]:
        """Save the tracker; the format follows ``out``'s extension (.xlsx, .csv, .json, .html).

        Returns the files written (CSV writes one per table). Nothing is replaced
        unless ``overwrite``.
        """
        from .tracker_output import write

        return write(self, out, overwrite=overwrite)


def columns(table: str) -> list[tuple[str, Mapping[str, Any]]]:
    """``(name, metadata)`` of each column of ``table``, in order."""
    return [(f.name, f.metadata) for f in fields(ROW_TYPES[table])]


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


# -- reading the files --------------------------------------------------------------


@dataclass(frozen=True)
class Returned:
    """One form read back from a file, with what the tracker needs to place it."""

    file: str
    format: str
    kind: Kind
    data: Mapping[str, Any]
    problems: tuple[Problem, ...]
    modified: dt.datetime
    sha256: str

    @property
    def folder(self) -> str:
        """The name of the folder the file is in."""
        return Path(self.file).parent.name


def _skipped(name: str) -> bool:
    return name.startswith((".", "~$"))


def discover(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[ProblemRow]]:
    """The files to read under ``paths``, in a stable order, and a problem for each missing path.

    Folders are searched recursively for ``.docx`` and ``.pdf`` files; a file given
    by name is read whatever its name.
    """
    found: list[Path] = []
    problems: list[ProblemRow] = []
    seen: set[str] = set()

    def add(path: Path) -> None:
        key = os.path.normcase(os.path.realpath(path))
        if key not in seen:
            seen.add(key)
            found.append(path)

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not _skipped(d))
                for name in sorted(files):
                    if not _skipped(name) and name.lower().endswith(SUFFIXES):
                        add(Path(folder) / name)
        elif path.exists():
            add(path)
        else:
            problems.append(ProblemRow(file=str(path), category="unreadable", path="",
                                       problem="no such file or folder"))
    return found, problems


def read_document(path: str | os.PathLike[str], *, password: str | None = None) -> Returned | ProblemRow:
    """Read one file: the form it holds, or the problem that stops it being read.

    ``password`` opens encrypted PDFs. Never raises for a bad file: a damaged
    document can trip any reader, and one such file must not stop a
    coordinator's whole run.
    """
    label = str(path)
    try:
        # Regular files only, bounded: a FIFO or a link to /dev/zero is a problem row.
        with open_regular(path, label=label, limit=forms.MAX_FORM_BYTES) as handle:
            stat = os.fstat(handle.fileno())
            blob = read_limited(handle, forms.MAX_FORM_BYTES, label)
        result = forms.read(blob, name=label, password=password)
    except FileRefused as exc:  # gone since it was found, a FIFO, a device, too large
        return _unreadable(label, f"cannot read the file: {exc.reason}" if exc.missing else exc.reason)
    except FormError as exc:
        return _unreadable(label, exc.reason)
    except MentoringDocsError as exc:
        return _unreadable(label, str(exc))
    except OSError as exc:
        return _unreadable(label, f"cannot read the file: {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 - see docstring
        return _unreadable(label, f"could not be read ({type(exc).__name__}: {exc})")
    return Returned(
        file=label, format=result.format, kind=result.kind, data=result.data,
        problems=tuple(result.problems), modified=dt.datetime.fromtimestamp(stat.st_mtime),
        sha256=hashlib.sha256(blob).hexdigest(),
    )


def _unreadable(file: str, message: str) -> ProblemRow:
    return ProblemRow(file=file, category="unreadable", path="", problem=message)


def collect(paths: Iterable[str | os.PathLike[str]], *,
            password: str | None = None) -> tuple[list[Returned], list[ProblemRow]]:
    """Read every form under ``paths``: the documents read, and a problem for each file that was not."""
    files, problems = discover(paths)
    documents: list[Returned] = []
    for path in files:
        outcome = read_document(path, password=password)
        if isinstance(outcome, Returned):
            documents.append(outcome)
        else:
            problems.append(outcome)
    return documents, problems


def track(paths: Iterable[str | os.PathLike[str]], *, as_of: dt.date | None = None,
          manifest: str | os.PathLike[str] | Sequence[Issued] | None = None,
          password: str | None = None) -> Tracker:
    """Read every returned form under ``paths`` into a :class:`Tracker`.

    ``as_of`` (default: today) is the day overdue activities and days-to counts are
    measured from. ``manifest`` is batch generation's ``manifest.csv`` (or the
    :class:`~mentoring_docs.issued.Issued` rows read from it): issued documents that
    have not come back become problems. ``password`` opens PDFs encrypted with it
    (the one password of a program's confidential copies).
    """
    issued = read_manifest(manifest) if isinstance(manifest, (str, os.PathLike)) else manifest
    documents, problems = collect(paths, password=password)
    return build(documents, as_of=as_of or dt.date.today(), issued=issued, unreadable=problems)


# -- pairing ------------------------------------------------------------------------


def pair_names_key(mentor: Any, mentee: Any) -> tuple[str, str] | None:
    """The identity of a pair by names, or None when either name is missing.

    Names are compared after NFKC normalisation (so full-width and composed forms
    match), case folding, and collapsing runs of white space.
    """
    keys = []
    for name in (mentor, mentee):
        if not isinstance(name, str):
            return None
        key = " ".join(unicodedata.normalize("NFKC", name).casefold().split())
        if not key:
            return None
        keys.append(key)
    return keys[0], keys[1]


def _names(data: Mapping[str, Any]) -> tuple[str | None, str | None]:
    return _text(_get(data, "mentor", "name")), _text(_get(data, "mentee", "name"))


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None


def _date(value: Any) -> dt.date | None:
    # Data that failed validation is still typed by the reader, but be strict anyway.
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None


@dataclass
class _Pair:
    agreement_id: str | None
    names: tuple[str, str] | None
    documents: dict[str, list[Returned]] = field(default_factory=dict)
    used: dict[str, Returned] = field(default_factory=dict)

    def label(self) -> str:
        if self.agreement_id:
            return self.agreement_id
        mentor, mentee = self.display_names()
        return f"{mentor} / {mentee}"

    def display_names(self) -> tuple[str | None, str | None]:
        for kind in KINDS:
            if kind in self.used:
                mentor, mentee = _names(self.used[kind].data)
                if mentor or mentee:
                    return mentor, mentee
        return None, None


def _newest_first(docs: list[Returned]) -> list[Returned]:
    return sorted(docs, key=lambda d: (d.modified, d.file), reverse=True)


def midpoint(start: dt.date, end: dt.date) -> dt.date:
    """The day halfway between ``start`` and ``end``, rounded down (the data model's default)."""
    return start + dt.timedelta(days=(end - start).days // 2)


def build(documents: Iterable[Returned], *, as_of: dt.date, issued: Sequence[Issued] | None = None,
          unreadable: Iterable[ProblemRow] = ()) -> Tracker:
    """The tracker of ``documents`` as of ``as_of``: pairing, newest versions, and every table.

    This is the part of :func:`track` that does not touch files, so a program that
    has already read its forms (or a test) can call it directly.
    """
    problems: list[ProblemRow] = list(unreadable)
    document_rows: list[DocumentRow] = []
    issued = list(issued or ())
    issued_hashes = {item.sha256: item for item in issued if item.sha256}

    pairs: dict[Any, _Pair] = {}
    by_names: dict[tuple[str, str], set[str]] = {}
    pending: list[Returned] = []
    for doc in sorted(documents, key=lambda d: d.file):
        aid = _text(doc.data.get("agreement_id"))
        names = pair_names_key(*_names(doc.data))
        if doc.sha256 in issued_hashes:
            document_rows.append(_document_row(doc, "issued_copy", aid))
            continue
        if aid is None:
            pending.append(doc)
            continue
        pair = pairs.setdefault(("id", aid), _Pair(aid, names))
        pair.documents.setdefault(doc.kind, []).append(doc)
        if names:
            by_names.setdefault(names, set()).add(aid)

    for doc in pending:
        names = pair_names_key(*_names(doc.data))
        if names is None:
            document_rows.append(_document_row(doc, "unidentified", None))
            problems.append(ProblemRow(
                file=doc.file, category="unidentified", document=doc.kind, path="agreement_id",
                problem="no agreement ID and no mentor and mentee names: cannot tell which pair it belongs to"))
            continue
        ids = sorted(by_names.get(names, ()))
        if len(ids) == 1:
            key: Any = ("id", ids[0])
        else:
            key = ("names", names)
            if ids:
                problems.append(ProblemRow(
                    file=doc.file, category="ambiguous", document=doc.kind, path="agreement_id",
                    problem=f"no agreement ID, and its names match several agreements ({', '.join(ids)}); "
                            "tracked under the names alone"))
        pair = pairs.setdefault(key, _Pair(None, names))
        pair.documents.setdefault(doc.kind, []).append(doc)

    for pair in pairs.values():
        for kind, docs in pair.documents.items():
            pair.used[kind] = _newest_first(docs)[0]
    for pair in pairs.values():
        for kind, docs in pair.documents.items():
            newest, *older = _newest_first(docs)
            for doc in older:
                document_rows.append(_document_row(doc, "superseded", pair.label(), superseded_by=newest.file))

    pair_rows: list[PairRow] = []
    activity_rows: list[ActivityRow] = []
    review_rows: list[ReviewRow] = []
    for pair in sorted(pairs.values(), key=_pair_order):
        label = pair.label()
        pair_problems: list[ProblemRow] = []
        for kind in KINDS:
            doc = pair.used.get(kind)
            if doc is None:
                continue
            document_rows.append(_document_row(doc, "used", label))
            pair_problems += [
                ProblemRow(file=doc.file, category="invalid", pair=label, document=doc.kind,
                           path=p.path, problem=p.message)
                for p in doc.problems
            ]
        activities = list(_activities(pair, label, as_of))
        reviews = list(_reviews(pair, label))
        pair_rows.append(_pair_row(pair, label, as_of, activities, reviews, len(pair_problems)))
        activity_rows += activities
        review_rows += reviews
        problems += pair_problems

    problems += _not_returned(issued, pairs.values())
    document_rows.sort(key=lambda r: r.file)
    return Tracker(as_of, pair_rows, activity_rows, review_rows, problems, document_rows)


def _pair_order(pair: _Pair) -> tuple[str, str, str]:
    mentor, mentee = pair.display_names()
    return ((mentor or "").casefold(), (mentee or "").casefold(), pair.label())


def _document_row(doc: Returned, status: str, pair: str | None, *, superseded_by: str | None = None) -> DocumentRow:
    return DocumentRow(file=doc.file, format=doc.format, document=doc.kind, pair=pair, modified=doc.modified,
                       status=status, superseded_by=superseded_by, problems=len(doc.problems), sha256=doc.sha256)


def _activities(pair: _Pair, label: str, as_of: dt.date) -> Iterator[ActivityRow]:
    plan = pair.used.get("action_plan")
    if plan is None:
        return
    mentor, mentee = pair.display_names()
    for g, goal in enumerate(_list(plan.data.get("goals")), start=1):
        for a, activity in enumerate(_list(goal.get("activities")), start=1):
            status = activity.get("status") or "not_started"
            target = _date(activity.get("target_date"))
            overdue = target is not None and target < as_of and status not in CLOSED
            effort = _get(activity, "effort", "amount")
            yield ActivityRow(
                pair=label, mentor=mentor, mentee=mentee, goal=g, goal_title=_text(goal.get("title")),
                goal_target=_date(goal.get("target_date")), activity=a,
                description=_text(activity.get("description")), kind=_text(activity.get("kind")),
                effort=effort if isinstance(effort, (int, float)) and not isinstance(effort, bool) else None,
                effort_unit=_text(_get(activity, "effort", "unit")), target_date=target, status=status,
                completed_on=_date(activity.get("completed_on")), overdue=overdue,
                days_overdue=(as_of - target).days if overdue and target else None, file=plan.file,
            )


def _reviews(pair: _Pair, label: str) -> Iterator[ReviewRow]:
    plan = pair.used.get("action_plan")
    if plan is None:
        return
    mentor, mentee = pair.display_names()
    for n, review in enumerate(_list(plan.data.get("reviews")), start=1):
        yield ReviewRow(
            pair=label, mentor=mentor, mentee=mentee, review=n, date=_date(review.get("date")),
            objective=_text(review.get("objective")), progress=_text(review.get("progress")),
            next_steps=_text(review.get("next_steps")), file=plan.file,
        )


def _list(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _pair_row(pair: _Pair, label: str, as_of: dt.date, activities: list[ActivityRow],
              reviews: list[ReviewRow], problem_count: int) -> PairRow:
    agreement = pair.used.get("agreement")
    plan = pair.used.get("action_plan")
    data: Mapping[str, Any] = agreement.data if agreement else {}
    mentor, mentee = pair.display_names()
    timeframe = data.get("timeframe") or {}
    start, end = _date(timeframe.get("start_date")), _date(timeframe.get("end_date"))
    middle = _date(timeframe.get("midpoint_check"))
    estimated = middle is None and start is not None and end is not None and start < end
    if estimated:
        middle = midpoint(start, end)  # type: ignore[arg-type]
    completed = sum(1 for a in activities if a.status == "completed")
    upcoming = [a.target_date for a in activities
                if a.target_date is not None and a.status not in CLOSED and a.target_date >= as_of]
    review_dates = [r.date for r in reviews if r.date is not None]
    aid = pair.agreement_id or _text((plan.data if plan else {}).get("agreement_id"))
    return PairRow(
        pair=label, agreement_id=aid, program=_text(_get(data, "program", "name")),
        mentor=mentor, mentee=mentee, coordinator=_text(_get(data, "program", "coordinator", "name")),
        agreement_returned=agreement is not None,
        signed_mentor=_signed(data, "mentor"), signed_mentee=_signed(data, "mentee"),
        signed_coordinator=_signed(data, "coordinator"),
        start=start, midpoint=middle, midpoint_estimated=estimated, end=end,
        days_to_midpoint=(middle - as_of).days if middle else None,
        days_to_end=(end - as_of).days if end else None,
        action_plan_returned=plan is not None,
        goals=len(_list(plan.data.get("goals"))) if plan else None,
        activities_completed=completed if plan else None,
        activities_total=len(activities) if plan else None,
        progress=(completed / len(activities)) if plan and activities else None,
        overdue=sum(1 for a in activities if a.overdue) if plan else None,
        next_target=min(upcoming, default=None),
        last_review=max(review_dates, default=None),
        problems=problem_count,
        agreement_file=agreement.file if agreement else None,
        action_plan_file=plan.file if plan else None,
    )


def _signed(data: Mapping[str, Any], who: str) -> bool:
    return _text(_get(data, "signatures", who, "name")) is not None


def _not_returned(issued: Sequence[Issued], pairs: Iterable[_Pair]) -> list[ProblemRow]:
    """A problem for each issued document no used document answers (rules in :mod:`issued`)."""
    if not issued:
        return []
    by_id: set[tuple[str, str]] = set()
    by_folder: set[tuple[str, str]] = set()
    for pair in pairs:
        for kind, doc in pair.used.items():
            aid = pair.agreement_id or _text(doc.data.get("agreement_id"))
            if aid:
                by_id.add((aid, kind))
            by_folder.add((doc.folder, kind))
    out = []
    for item in issued:
        kinds = [item.kind] if item.kind else list(KINDS)
        if item.agreement_id:
            back = any((item.agreement_id, k) in by_id for k in kinds)
        else:
            back = any((item.folder, k) in by_folder for k in kinds)
        if not back:
            where = f"manifest row {item.row}" if item.row is not None else "the manifest"
            out.append(ProblemRow(
                file=item.file, category="not_returned", pair=item.agreement_id or item.folder,
                document=item.kind, path="", problem=f"issued ({where}) but not returned"))
    return out
