"""Building the tracker: pairing returned forms, picking the newest copy, filling every table.

A coordinator collects the agreements and action plans pairs send back (Word and
PDF, in any folders) and asks who has returned and signed, how far each plan has
come, what is overdue and which dates are near. :func:`track` reads every form
under the given paths and returns a :class:`Tracker` whose tables a program can use
directly; :meth:`Tracker.write` saves them as XLSX, CSV, JSON or HTML.

The rules, in one place (``docs/tracking.md`` explains them for users):

- **Discovery** and reading: see :mod:`.collect`. Values that break a rule of the data model are problems too,
  with their dotted path, and the rest of the form is still used.
- **Pair identity.** Documents carrying an ``agreement_id`` belong to the pair with that
  id. A document without one joins the pair whose documents bear the same mentor and
  mentee names (compared by :mod:`mentoring_docs.identity`'s rule: Unicode NFKC
  normalisation, case folding and collapsing white space); if several pairs with ids match, it is ambiguous and tracked under the
  names alone, with a problem row; if no pair matches, the names are the identity.
- **Newest valid copy wins.** When a pair returned several copies of the same kind of
  document, the newest one (latest file modification time; ties: the later path in
  sort order) without problems is used; newer copies with problems are listed as
  rejected, older ones as superseded, in the documents table (:mod:`.copies`).
  Modification time is what a copy, a mail client or a file share keeps best, but it
  is only as good as the way files were collected.
- **Dates.** A missing midpoint check is the day halfway between start and end
  (rounded down), as the data model says. ``days to`` values are counted from the
  as-of date and are negative once the day has passed. An activity is overdue when its
  target date is before the as-of date and its status is neither completed nor deferred.
- **Signatures.** A signature counts when its typed name is filled in (the date
  alone does not sign) or a digital signature is intact; a digital signature changed
  after signing, or invalid, does not count and is a problem (``signature``), as is a
  certificate whose name differs from the typed name. Statuses: :mod:`mentoring_docs.signatures.status`.
- **Issued documents** (``manifest=``, the ``manifest.csv`` batch generation writes): see
  :mod:`mentoring_docs.manifest`; every issued pair gets a row (:mod:`.issued_pairs`).
- **Roll-ups and warnings**: :mod:`.rollups` and :mod:`.alerts`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from ..catalogue import catalogue
from ..errors import Problem
from ..extension import SECTION, extension_of
from ..identity import pair_names_key
from ..kinds import KINDS
from ..manifest import Issued, read_manifest
from ..record_values import date_of, text_of, value_at
from . import alerts, issued_pairs, rollups
from .collect import Returned, needed, read_document, walk_names
from .copies import Choice, Copies, stripped
from .spool import Sorter, Spool
from .tables import CLOSED, ActivityRow, CompetencyRow, DocumentRow, PairRow, ProblemRow, QuestionRow, ReviewRow
from .tracker import Tracker

__all__ = ["CLOSED", "build", "midpoint", "pair_names_key", "track"]


def track(paths: Iterable[str | os.PathLike[str]], *, as_of: dt.date | None = None,
          manifest: str | os.PathLike[str] | Sequence[Issued] | None = None,
          password: str | None = None, trust_roots: Sequence[Any] = (), stale_days: int | None = None,
          return_days: int | None = None, extension: Any = None) -> Tracker:
    """Read every returned form under ``paths`` into a :class:`Tracker`.

    ``as_of`` (default: today) is the day overdue activities and days-to counts are
    measured from. ``manifest`` is batch generation's ``manifest.csv`` (or the
    :class:`~mentoring_docs.manifest.Issued` rows read from it): issued documents that
    have not come back become problems. ``password`` opens PDFs encrypted with it
    (the one password of a program's confidential copies). ``trust_roots`` are the
    root certificates (files) digital signatures must chain to to be ``trusted``.
    ``stale_days`` and ``return_days`` tune the early warnings (:mod:`.alerts`).
    ``extension`` (a field extension or its file) reads the program questions of
    forms made with it; their answers are the questions table.

    Forms are read one at a time and each is cut down to what the tables need as soon
    as it is read (:func:`.collect.needed`; see :class:`.copies.Copies`); what each
    file adds to the documents and problems tables is kept on disk (:mod:`.spool`),
    so memory grows with the number of pairs, not with the number of files.
    """
    from ..signatures.hooks import trust_roots_of

    issued = read_manifest(manifest) if isinstance(manifest, (str, os.PathLike)) else manifest
    roots, fields = trust_roots_of(trust_roots), extension_of(extension)
    intake = _Intake(issued)
    missing: list[Problem] = []  # paths given that do not exist: as many as the paths given
    unreadable: Spool[Problem] = Spool()  # one per file that is not a form: on disk
    for path in walk_names(paths, missing):
        outcome = read_document(path, password=password, trust_roots=roots, extension=fields)
        if isinstance(outcome, Returned):
            intake.add(outcome)
        else:
            unreadable.append(outcome)
    return intake.build(as_of=as_of or dt.date.today(), unreadable=itertools.chain(missing, unreadable),
                        read_issued=issued_pairs.issued_reader(password), stale_days=stale_days,
                        return_days=return_days)


# -- pairing ------------------------------------------------------------------------


def _names(data: Mapping[str, Any]) -> tuple[str | None, str | None]:
    return text_of(value_at(data, "mentor", "name")), text_of(value_at(data, "mentee", "name"))


@dataclass
class _Pair:
    agreement_id: str | None
    copies: dict[str, Copies] = field(default_factory=dict)
    used: dict[str, Returned] = field(default_factory=dict)
    rejected: dict[str, list[Returned]] = field(default_factory=dict)
    #: The pair's documents in the manifest, and the issued agreement's data (names, dates) when read.
    issued: list[Issued] = field(default_factory=list)
    issued_data: Mapping[str, Any] | None = None

    def label(self) -> str:
        if self.agreement_id:
            return self.agreement_id
        mentor, mentee = self.display_names()
        if mentor is None and mentee is None and self.issued:
            return self.issued[0].folder  # issued without an ID, nothing read: the pair folder names it
        return f"{mentor} / {mentee}"

    def display_names(self) -> tuple[str | None, str | None]:
        for kind in KINDS:
            if kind in self.used:
                mentor, mentee = _names(self.used[kind].data)
                if mentor or mentee:
                    return mentor, mentee
        if self.issued_data is not None:
            return _names(self.issued_data)
        return None, None

    def add(self, doc: Returned, new_copies: Callable[[], Copies] = Copies) -> None:
        copies = self.copies.get(doc.kind)
        if copies is None:
            copies = self.copies[doc.kind] = new_copies()
        copies.add(doc)


def midpoint(start: dt.date, end: dt.date) -> dt.date:
    """The day halfway between ``start`` and ``end``, rounded down (the data model's default)."""
    return start + dt.timedelta(days=(end - start).days // 2)


def build(documents: Iterable[Returned], *, as_of: dt.date, issued: Sequence[Issued] | None = None,
          unreadable: Iterable[Problem] = (), read_issued: issued_pairs.Reader | None = None,
          stale_days: int | None = None, return_days: int | None = None) -> Tracker:
    """The tracker of ``documents`` as of ``as_of``: pairing, newest versions, and every table.

    This is the part of :func:`track` that does not touch files, so a program that
    has already read its forms (or a test) can call it directly. ``read_issued``
    reads an issued copy's data (names and dates of a pair nothing came back from).
    The order of ``documents`` does not matter.
    """
    intake = _Intake(issued)
    for doc in documents:
        intake.add(doc)
    return intake.build(as_of=as_of, unreadable=unreadable, read_issued=read_issued, stale_days=stale_days,
                        return_days=return_days)


class _Intake:
    """Documents as they are read, grouped by pair, each kept only as far as the tables need it.

    The rules are those of the module documentation; what is kept per document:
    the values the tables read of the copies that may still be used (:class:`Copies`),
    and for the newer invalid copies their documents-table row and problems. What
    only a file needs (its documents-table row once it is superseded, issued or
    unidentified; the file, kind and names of a document without an agreement ID,
    for its problem row) goes to disk, sorted by file (:class:`.spool.Sorter`); in
    memory stays what each pair and each group of copies needs. Whatever order the
    documents come in, the tracker is the same as if they came sorted by file (pairs
    keep the order of their first file, as the rules' ties need).
    """

    def __init__(self, issued: Sequence[Issued] | None) -> None:
        self.issued = list(issued or ())
        self.issued_hashes = {item.sha256 for item in self.issued if item.sha256}
        self.issued_copies: dict[str, Returned] = {}
        #: Documents-table rows by file; a superseded copy's row comes with the id() of its
        #: group of copies (the pair and the copy used are known only at the end).
        self.document_rows: Sorter[tuple[DocumentRow, int | None]] = Sorter(_by_file)
        #: The groups of copies (a pair's, or an id-less names group's, one kind) that spilled a
        #: superseded copy, by id() (kept here, so the id stays theirs).
        self.spilled: dict[int, Copies] = {}
        self.pairs: dict[str, _Pair] = {}  # by agreement ID
        self.first_file: dict[Any, str] = {}  # by pair (or names group): its first file in sort order
        self.by_names: dict[tuple[str, str], set[str]] = {}
        #: Documents without an ID: grouped by their names until every ID is known, and
        #: (file, kind, names) of each, for their problem rows.
        self.groups: dict[tuple[str, str], _Pair] = {}
        self.pending: Sorter[tuple[str, str, tuple[str, str] | None]] = Sorter(_first)

    def _copies(self) -> Copies:
        """A new group of copies whose superseded copies' rows go straight to disk."""
        return Copies(self._spill)

    def _spill(self, doc: Returned, copies: Copies) -> None:
        self.spilled.setdefault(id(copies), copies)
        self.document_rows.add((_document_row(doc, "superseded", None), id(copies)))

    def _first(self, key: Any, file: str) -> None:
        known = self.first_file.get(key)
        if known is None or file < known:
            self.first_file[key] = file

    def add(self, doc: Returned) -> None:
        """Take one document read into account."""
        doc = replace(doc, data=needed(doc.data))
        aid = text_of(doc.data.get("agreement_id"))
        names = pair_names_key(*_names(doc.data))
        if doc.sha256 in self.issued_hashes:
            self.document_rows.add((_document_row(doc, "issued_copy", aid), None))
            self.issued_copies.setdefault(doc.sha256, doc)  # the same bytes: the same values
            return
        if aid is None:
            self.pending.add((doc.file, doc.kind, names))
            if names is None:
                self.document_rows.add((_document_row(doc, "unidentified", None), None))
                return
            self._first(("names", names), doc.file)
            self.groups.setdefault(names, _Pair(None)).add(doc, self._copies)
            return
        pair = self.pairs.get(aid)
        if pair is None:
            pair = self.pairs[aid] = _Pair(aid)
        self._first(("id", aid), doc.file)
        pair.add(doc, self._copies)
        if names:
            self.by_names.setdefault(names, set()).add(aid)

    def build(self, *, as_of: dt.date, unreadable: Iterable[Problem] = (),
              read_issued: issued_pairs.Reader | None = None, stale_days: int | None = None,
              return_days: int | None = None) -> Tracker:
        """The tracker of the documents added, as of ``as_of``."""
        problems: Spool[ProblemRow] = Spool(ProblemRow.of(p) for p in unreadable)
        document_rows = self.document_rows
        issued = self.issued
        pairs: dict[Any, _Pair] = {
            ("id", aid): self.pairs[aid] for aid in sorted(self.pairs, key=lambda a: self.first_file[("id", a)])}
        for file, kind, names in self.pending.sorted():
            if names is None:
                problems.append(ProblemRow.of(Problem(
                    "agreement_id", "no agreement ID and no mentor and mentee names: cannot tell which pair it "
                                    "belongs to", file=file, category="unidentified"), document=kind))
                continue
            ids = sorted(self.by_names.get(names, ()))
            if len(ids) > 1:
                problems.append(ProblemRow.of(Problem(
                    "agreement_id", f"no agreement ID, and its names match several agreements ({', '.join(ids)}); "
                                    "tracked under the names alone",
                    file=file, category="ambiguous"), document=kind))
        merged_into: dict[int, Copies] = {}  # by id() of a names group's copies joined to a pair's
        for names in sorted(self.groups, key=lambda n: self.first_file[("names", n)]):
            group = self.groups[names]
            matches = self.by_names.get(names, set())
            if len(matches) == 1:
                pair = pairs[("id", next(iter(matches)))]
                for kind, copies in group.copies.items():
                    if kind not in pair.copies:
                        pair.copies[kind] = self._copies()
                    pair.copies[kind].merge(copies)
                    merged_into[id(copies)] = pair.copies[kind]  # its spilled rows are the target's
            else:
                pairs[("names", names)] = group
        self.groups.clear()

        choices: dict[tuple[int, str], Choice] = {}
        owner: dict[int, tuple[_Pair, Choice]] = {}  # by id() of each pair's group of copies
        for pair in pairs.values():
            for kind, copies in pair.copies.items():
                choice = choices[id(pair), kind] = copies.choice()
                owner[id(copies)] = (pair, choice)
                pair.used[kind] = choice.used
                if choice.rejected:
                    pair.rejected[kind] = list(choice.rejected)
            pair.copies = {}
        issued_pairs.attach(pairs, issued, issued_pairs.reusing(self.issued_copies, read_issued),
                            lambda aid, names: _Pair(aid))
        self.issued_copies = {}
        for pair in pairs.values():
            for kind in pair.used:
                choice = choices.pop((id(pair), kind))  # every copy used was chosen above
                for doc in choice.superseded:
                    document_rows.add((_document_row(doc, "superseded", pair.label(),
                                                     superseded_by=choice.used.file), None))
                for doc in choice.rejected:
                    document_rows.add((_document_row(doc, "rejected", pair.label(),
                                                     superseded_by=choice.used.file), None))
        # Each group of copies that spilled: the pair label and copy used its superseded rows get.
        resolved: dict[int, tuple[str, str]] = {}
        for key, copies in self.spilled.items():
            target = copies
            while id(target) in merged_into:
                target = merged_into[id(target)]
            found = owner.get(id(target))
            if found is not None:
                resolved[key] = (found[0].label(), found[1].used.file)
        # The choices hold each copy used with all its values: let each pair's go once its rows are made.
        self.spilled, owner, merged_into = {}, {}, {}

        pair_rows: list[PairRow] = []
        activity_rows: list[ActivityRow] = []
        review_rows: list[ReviewRow] = []
        question_rows: list[QuestionRow] = []
        competency_rows: list[CompetencyRow] = []
        for pair in sorted(pairs.values(), key=_pair_order):
            label = pair.label()
            pair_problems: list[ProblemRow] = []
            for kind in KINDS:
                used = pair.used.get(kind)
                if used is None:
                    continue
                document_rows.add((_document_row(used, "used", label), None))
                pair_problems += [
                    ProblemRow.of(replace(p, file=used.file, category="invalid"), pair=label, document=used.kind)
                    for p in used.problems
                ]
                pair_problems += _signature_problems(used, label)
                pair_problems += [
                    ProblemRow.of(replace(p, file=bad.file, category="invalid",
                                          message=f"{p.message} (newer copy, not used: "
                                                  f"{Path(used.file).name} is used instead)"),
                                  pair=label, document=bad.kind)
                    for bad in pair.rejected.get(kind, ()) for p in bad.problems
                ]
            activities = list(_activities(pair, label, as_of))
            reviews = list(_reviews(pair, label))
            row = _pair_row(pair, label, as_of, activities, reviews, len(pair_problems))
            if issued:
                row = issued_pairs.with_states(row, pair)
            pair_rows.append(row)
            activity_rows += activities
            review_rows += reviews
            competency_rows += _competencies(pair, label)
            question_rows += _questions(pair, label)
            problems.extend(pair_problems)
            _release(pair)

        problems.extend(_not_returned(issued, pairs.values()))
        documents: Spool[DocumentRow] = Spool(_placed(document_rows.sorted(), resolved))
        return Tracker(as_of, pair_rows, activity_rows, review_rows, problems, documents,
                       competencies=competency_rows,
                       questions=question_rows,
                       programs=rollups.programs(pair_rows, as_of, competency_rows),
                       alerts=alerts.alerts(pair_rows, activity_rows, as_of, stale_days=stale_days,
                                            return_days=return_days))


def _by_file(entry: tuple[DocumentRow, int | None]) -> str:
    return entry[0].file


def _first(item: tuple[str, str, Any]) -> str:
    return item[0]


def _placed(entries: Iterable[tuple[DocumentRow, int | None]],
            resolved: Mapping[int, tuple[str, str]]) -> Iterator[DocumentRow]:
    """Documents-table rows, a superseded copy's given its pair and the copy used instead."""
    for row, slot in entries:
        if slot is None:
            yield row
        else:  # every group of copies that spilled a copy had a valid copy, so it was chosen
            label, used = resolved[slot]
            yield replace(row, pair=label, superseded_by=used)


def _release(pair: _Pair) -> None:
    """Drop what ``pair``'s rows were made from, keeping what :func:`_not_returned` reads
    (each used copy's agreement ID and folder): its rows hold the rest."""
    for kind, doc in pair.used.items():
        aid = doc.data.get("agreement_id")
        pair.used[kind] = replace(stripped(doc), data={"agreement_id": aid} if aid is not None else {})
    pair.rejected = {kind: [stripped(bad) for bad in bad_copies] for kind, bad_copies in pair.rejected.items()}
    pair.issued_data = None


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
            target = date_of(activity.get("target_date"))
            overdue = target is not None and target < as_of and status not in CLOSED
            effort = value_at(activity, "effort", "amount")
            yield ActivityRow(
                pair=label, mentor=mentor, mentee=mentee, goal=g, goal_title=text_of(goal.get("title")),
                goal_target=date_of(goal.get("target_date")), activity=a,
                description=text_of(activity.get("description")), kind=text_of(activity.get("kind")),
                effort=effort if isinstance(effort, (int, float)) and not isinstance(effort, bool) else None,
                effort_unit=text_of(value_at(activity, "effort", "unit")), target_date=target, status=status,
                completed_on=date_of(activity.get("completed_on")), overdue=overdue,
                days_overdue=(as_of - target).days if overdue and target else None, file=plan.file,
            )


def _plan_list(pair: _Pair, key: str) -> Iterator[tuple[Returned, str | None, str | None, int, Mapping[str, Any]]]:
    """Each entry of the used action plan's list ``key``, numbered from 1, with the plan and the pair's names."""
    plan = pair.used.get("action_plan")
    if plan is None:
        return
    mentor, mentee = pair.display_names()
    for n, item in enumerate(_list(plan.data.get(key)), start=1):
        yield plan, mentor, mentee, n, item


def _reviews(pair: _Pair, label: str) -> Iterator[ReviewRow]:
    for plan, mentor, mentee, n, review in _plan_list(pair, "reviews"):
        yield ReviewRow(
            pair=label, mentor=mentor, mentee=mentee, review=n, date=date_of(review.get("date")),
            objective=text_of(review.get("objective")), progress=text_of(review.get("progress")),
            next_steps=text_of(review.get("next_steps")), file=plan.file,
        )


def _competencies(pair: _Pair, label: str) -> Iterator[CompetencyRow]:
    for plan, mentor, mentee, n, item in _plan_list(pair, "competencies"):
        baseline, final = _rating(item.get("baseline_rating")), _rating(item.get("final_rating"))
        yield CompetencyRow(
            pair=label, mentor=mentor, mentee=mentee, competency=n, name=text_of(item.get("name")),
            baseline=baseline, target=_rating(item.get("target_rating")), final=final,
            change=final - baseline if baseline is not None and final is not None else None, file=plan.file,
        )


def _rating(value: Any) -> int | None:
    # A form read with a problem may leave any value here; only a whole rating counts.
    return value if isinstance(value, int) and not isinstance(value, bool) else None
def _questions(pair: _Pair, label: str) -> Iterator[QuestionRow]:
    """A row per program question of each used document (see :class:`QuestionRow`)."""
    mentor, mentee = pair.display_names()
    for kind in KINDS:
        doc = pair.used.get(kind)
        if doc is None or not isinstance(doc.data.get(SECTION), Mapping):
            continue
        if doc.extension is not None:
            cat = catalogue(kind, doc.extension)
            for question in doc.extension.questions_for(kind):
                value = value_at(doc.data, *question.path.split("."))
                yield QuestionRow(pair=label, mentor=mentor, mentee=mentee, document=kind, question=question.path,
                                  label=question.label, answer=_answer(cat, question.path, value), checked=True,
                                  file=doc.file)
        else:  # read as text: the form's own paths, in the order it holds them
            for path, text in _text_answers(doc.data[SECTION], SECTION):
                yield QuestionRow(pair=label, mentor=mentor, mentee=mentee, document=kind, question=path,
                                  label=None, answer=text, checked=False, file=doc.file)


def _answer(cat: Any, path: str, value: Any) -> Any:
    """A typed answer as a cell shows it: choices by their labels, several values one per line."""
    if value is None:
        return None
    if path in cat.choice_sets:  # a checkbox group: the labels of the ticked boxes
        labels = {fd.path.rsplit(".", 1)[1]: fd.label for fd in cat.choice_sets[path]}
        return "\n".join(labels.get(v, v) for v in value) or None
    if isinstance(value, list):
        return "\n".join(str(v) for v in value) or None
    fd = cat.by_path.get(path)
    if fd is not None and fd.choices:
        return fd.choice_label(value)
    return value


def _text_answers(node: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, Mapping):
        for key, inner in node.items():
            yield from _text_answers(inner, f"{path}.{key}")
    elif isinstance(node, list):
        if all(isinstance(item, str) for item in node):
            yield path, "\n".join(node)
        else:
            for index, item in enumerate(node):
                yield from _text_answers(item, f"{path}.{index}")
    elif node is not None:
        yield path, str(node)


def _list(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _pair_row(pair: _Pair, label: str, as_of: dt.date, activities: list[ActivityRow],
              reviews: list[ReviewRow], problem_count: int) -> PairRow:
    agreement = pair.used.get("agreement")
    plan = pair.used.get("action_plan")
    # A pair nothing came back from still has the names and dates it was issued with.
    data: Mapping[str, Any] = agreement.data if agreement else (pair.issued_data or {})
    mentor, mentee = pair.display_names()
    timeframe = data.get("timeframe") or {}
    start, end = date_of(timeframe.get("start_date")), date_of(timeframe.get("end_date"))
    middle = date_of(timeframe.get("midpoint_check"))
    estimated = middle is None and start is not None and end is not None and start < end
    if estimated:
        middle = midpoint(start, end)  # type: ignore[arg-type]
    completed = sum(1 for a in activities if a.status == "completed")
    upcoming = [a.target_date for a in activities
                if a.target_date is not None and a.status not in CLOSED and a.target_date >= as_of]
    review_dates = [r.date for r in reviews if r.date is not None]
    aid = pair.agreement_id or text_of((plan.data if plan else {}).get("agreement_id"))
    return PairRow(
        pair=label, agreement_id=aid, program=text_of(value_at(data, "program", "name")),
        mentor=mentor, mentee=mentee, coordinator=text_of(value_at(data, "program", "coordinator", "name")),
        confidentiality=text_of(value_at(data, "confidentiality", "level")),
        agreement_returned=agreement is not None,
        signed_mentor=_signed(agreement, "mentor"), signed_mentee=_signed(agreement, "mentee"),
        signed_coordinator=_signed(agreement, "coordinator"), signed_line_manager=_signed(agreement, "line_manager"),
        mentor_signature=_signature(agreement, "mentor"), mentee_signature=_signature(agreement, "mentee"),
        coordinator_signature=_signature(agreement, "coordinator"),
        line_manager_signature=_signature(agreement, "line_manager"),
        signature_details=_signature_details(agreement),
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


def _signed(doc: Returned | None, who: str) -> bool:
    entry = doc.signatures.get(who) if doc else None
    if entry is not None:
        return bool(entry.signed)
    return doc is not None and text_of(value_at(doc.data, "signatures", who, "name")) is not None


def _signature(doc: Returned | None, who: str) -> str:
    entry = doc.signatures.get(who) if doc else None
    if entry is not None:
        return str(entry.status)
    return "typed" if _signed(doc, who) else "not_signed"


def _signature_details(doc: Returned | None) -> str | None:
    from ..signatures.hooks import summary

    if doc is None:
        return None
    text = "; ".join(t for t in (doc.signature_note and f"Word file {doc.signature_note}",
                                 summary(dict(doc.signatures))) if t)
    return text or None


def _signature_problems(doc: Returned, label: str) -> list[ProblemRow]:
    from ..signatures.hooks import trouble

    return [ProblemRow.of(Problem(path, message, file=doc.file, category="signature"), pair=label, document=doc.kind)
            for path, message in trouble(dict(doc.signatures))]


def _not_returned(issued: Sequence[Issued], pairs: Iterable[_Pair]) -> list[ProblemRow]:
    """A problem for each issued document no used document answers (rules in :mod:`issued`)."""
    if not issued:
        return []
    by_id: set[tuple[str, str]] = set()
    by_folder: set[tuple[str, str]] = set()
    for pair in pairs:
        for kind, doc in pair.used.items():
            aid = pair.agreement_id or text_of(doc.data.get("agreement_id"))
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
            out.append(ProblemRow.of(
                Problem("", f"issued ({where}) but not returned", file=item.file, category="not_returned"),
                pair=item.agreement_id or item.folder, document=item.kind))
    return out

