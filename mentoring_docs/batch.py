"""Batch generation: a roster in, one folder of forms per mentoring pair out.

:func:`generate` takes any iterable of rows (a :class:`~mentoring_docs.roster.Roster`
read from a file, or mappings from a program) and returns a :class:`BatchReport`.

How a run goes:

1. The main process reads rows one at a time, converts each cell with the field
   catalogue (:mod:`mentoring_docs.columns`), gives the row its ``agreement_id``
   (:mod:`mentoring_docs.ids`) and its folder name (:mod:`mentoring_docs.naming`).
2. Worker processes (``jobs``; each compiles every template once) validate the
   row's two documents, render them and write them atomically. A row is made
   whole or not at all; a file that exists is kept unless ``force``.
3. The main process writes ``manifest.csv`` and ``errors.csv`` as results come in
   (in row order) and puts them in place at the end (:mod:`mentoring_docs.ledger`).

Only a bounded number of rows is in flight at any time, so memory does not grow
with the roster.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import multiprocessing
import os
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Protocol, Sequence

from . import columns as cols
from . import forms, ledger, validate
from .catalogue import catalogue, unflatten
from .errors import DataError, MentoringDocsError, OutputExistsError, TemplateError
from .ids import AgreementIds
from .io import StagedWrites
from .kinds import KINDS, Kind, cli_name, parse_kind
from .naming import NamePattern, UniqueNames, safe_name
from .roster import Roster, RosterRow
from .safe_read import FileRefused, read_regular

__all__ = [
    "DEFAULT_NAME", "BatchReport", "FileRecord", "Observer", "RowError", "RowResult",
    "file_name", "generate",
]

#: The default folder name: the mentee's name, then the mentor's.
DEFAULT_NAME = "{mentee.name} - {mentor.name}"

#: Where a value came from when a row did not give it.
FROM_DEFAULTS = "(defaults)"

# Rows handed to a worker at a time. Their files reach the disk with one flush
# (see io.StagedWrites), which is what makes writing thousands of small files
# fast; few enough rows that the progress bar moves smoothly and memory stays flat.
_CHUNK = 8


def file_name(kind: str, fmt: str) -> str:
    """The name of a pair's document: ``agreement.docx``, ``action-plan.pdf``..."""
    return f"{cli_name(kind)}.{fmt}"


# --- results ----------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem with one roster row.

    ``row`` is the row number as the spreadsheet shows it, ``column`` the header
    of the cell concerned (``(defaults)`` for a value from the defaults file, empty
    when no single cell is to blame), ``path`` the dotted path of the field.
    """

    row: int
    column: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}"
        if self.column and self.column not in (self.path, FROM_DEFAULTS):
            where += f", column {self.column!r}"
        elif self.column == FROM_DEFAULTS:
            where += " (from the defaults)"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


@dataclass(frozen=True)
class FileRecord:
    """A document of a pair: where it is (relative to the output folder) and its digests.

    ``status`` is ``written`` (made by this run), ``kept`` (made by an earlier run
    from the same data and left untouched since) or ``issued`` (made by an earlier
    run but changed since, presumably filled in by the pair; kept as it is).
    """

    kind: str
    format: str
    file: str
    sha256: str
    input_sha256: str
    status: str


@dataclass
class RowResult:
    """What became of one row."""

    row: int
    folder: str
    agreement_id: str
    files: list[FileRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every document of the pair is in place."""
        return not self.errors


@dataclass
class BatchReport:
    """The outcome of a batch: counts, every error, and where the reports are.

    ``pairs`` counts rows whose documents are all in place; ``files_written`` and
    ``files_kept`` count documents made now and documents an earlier run made.
    """

    outdir: Path
    manifest: Path
    errors_file: Path
    rows: int = 0
    pairs: int = 0
    files_written: int = 0
    files_kept: int = 0
    failed_rows: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every row was made."""
        return self.failed_rows == 0

    def summary(self) -> str:
        """One line saying how many pairs, files and errors."""
        files = self.files_written + self.files_kept
        text = (
            f"{self.rows} {_plural(self.rows, 'row')}: {self.pairs} {_plural(self.pairs, 'pair')} ready, "
            f"{files} {_plural(files, 'file')} ({self.files_written} written, {self.files_kept} already there)"
        )
        if self.failed_rows:
            text += (
                f"; {self.failed_rows} {_plural(self.failed_rows, 'row')} failed with "
                f"{len(self.errors)} {_plural(len(self.errors), 'error')}, listed in {self.errors_file}"
            )
        else:
            text += "; no errors"
        return text


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


class Observer(Protocol):
    """Follows a run, e.g. to draw a progress bar and print errors as they come."""

    def started(self, total: int | None) -> None:
        """The run begins; ``total`` rows are expected (None when unknown)."""

    def row_done(self, result: RowResult) -> None:
        """One row is finished, successfully or not."""

    def finished(self, report: BatchReport) -> None:
        """The run is over (also after an interruption)."""


# --- settings shared with the worker processes -------------------------------------


@dataclass(frozen=True)
class _Settings:
    outdir: str
    kinds: tuple[Kind, ...]
    formats: tuple[str, ...]
    templates: dict[tuple[str, str], bytes | None]
    template_ids: dict[tuple[str, str], str]
    defaults: dict[str, dict[str, Any]]
    force: bool


@dataclass
class _Task:
    row: int
    folder: str
    agreement_id: str
    values: dict[str, dict[str, Any]]
    origins: dict[str, dict[str, str]]
    problems: list[RowError]
    known: dict[str, list[tuple[str, str]]]


_SETTINGS: _Settings | None = None
_FILLERS: dict[tuple[str, str, str], forms.Filler] = {}
_JOURNAL: ledger.Journal | None = None


def _filler(settings: _Settings, kind: str, fmt: str) -> forms.Filler:
    """The compiled template for ``kind`` and ``fmt``: compiled once per process."""
    key = (kind, fmt, settings.template_ids[(kind, fmt)])
    filler = _FILLERS.get(key)
    if filler is None:
        filler = _FILLERS[key] = forms.Filler(kind, fmt, template=settings.templates[(kind, fmt)])
    return filler


def _init_worker(settings: _Settings, *, in_pool: bool = True) -> None:
    global _SETTINGS, _JOURNAL
    if in_pool:
        # Ctrl-C reaches the whole process group: the main process stops the
        # pool, and workers must not each print a traceback on the way out.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _SETTINGS = settings
    _JOURNAL = None
    for kind in settings.kinds:
        for fmt in settings.formats:
            _filler(settings, kind, fmt)


def _journal(settings: _Settings) -> ledger.Journal:
    global _JOURNAL
    if _JOURNAL is None:
        _JOURNAL = ledger.Journal(Path(settings.outdir))
    return _JOURNAL


# --- the work on one row (in a worker process) -------------------------------------


def _make_pairs(tasks: list[_Task]) -> list[RowResult]:
    """Make the pairs of a chunk of rows; their files reach the disk with one flush."""
    settings = _SETTINGS
    assert settings is not None, "worker not initialised"
    staged = StagedWrites()
    results = []
    placing: list[tuple[RowResult, list[tuple[Path, FileRecord]]]] = []
    for task in tasks:
        result = RowResult(task.row, task.folder, task.agreement_id, errors=list(task.problems))
        results.append(result)
        try:
            records = _records(settings, task, result)
            if not result.errors:
                placing.append((result, _stage_pair(settings, task, records, result, staged)))
        except Exception as exc:
            result.errors.append(RowError(task.row, "", "", _describe(exc, task.folder)))
    try:
        placed = staged.commit()
    except OSError as exc:
        staged.discard()
        for result, files in placing:
            if files:
                result.errors.append(RowError(result.row, "", "", _describe(exc, result.folder)))
        return results
    for result, files in placing:
        for target, record in files:
            problem = placed.get(target)
            if problem is None:
                result.files.append(record)
            elif isinstance(problem, OutputExistsError):
                result.errors.append(RowError(result.row, "", "", f"{record.file}: appeared while this run was writing; kept as it is"))
            else:
                result.errors.append(RowError(result.row, "", "", _describe(problem, result.folder)))
    return results


def _describe(exc: BaseException, folder: str) -> str:
    """One line for an error met while making a row; a bug must not cost the other rows."""
    if isinstance(exc, MentoringDocsError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{exc.filename or folder}: {exc.strerror}"
    return f"unexpected error ({type(exc).__name__}: {exc}); please report it"


def _records(settings: _Settings, task: _Task, result: RowResult) -> dict[str, dict[str, Any]]:
    """The validated record of each document; problems go to ``result.errors``."""
    records: dict[str, dict[str, Any]] = {}
    reported = {(e.path, e.message) for e in result.errors}
    bad_cells = {e.path for e in result.errors if e.path}
    for kind in settings.kinds:
        flat = cols.merge(settings.defaults.get(kind, {}), task.values.get(kind, {}), kind)
        flat.setdefault("agreement_id", task.agreement_id)
        origins = task.origins.get(kind, {})
        try:
            records[kind] = validate.load(kind, unflatten(kind, flat))
        except DataError as exc:
            for problem in exc.problems:
                path = _shown_path(kind, problem.path)
                if path in bad_cells or (path, problem.message) in reported:
                    continue  # the cell's own error already says why the value is missing
                reported.add((path, problem.message))
                column = _column_of(problem.path, origins, settings.defaults.get(kind, {}), flat)
                result.errors.append(RowError(task.row, column, path, problem.message))
    return records


def _shown_path(kind: str, path: str) -> str:
    """A path as a column header would name it: action-plan-only fields get a prefix."""
    if kind == "agreement" or not path or catalogue("agreement").lookup(path) is not None:
        return path
    return f"{kind}.{path}"


def _column_of(path: str, origins: Mapping[str, str], defaults: Mapping[str, Any],
               flat: Mapping[str, Any]) -> str:
    """The column to blame for a problem at ``path``."""
    if path in origins and (path in flat or path not in defaults):
        return origins[path]
    if path in defaults:
        return FROM_DEFAULTS
    for known, header in origins.items():
        if known.startswith(path + ".") or path.startswith(known + "."):
            return header
    return ""


def _input_sha(settings: _Settings, kind: str, fmt: str, record: Mapping[str, Any]) -> str:
    """A digest of everything a document is made from: its data and its template."""
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_iso)
    blob = f"{kind}\x1f{fmt}\x1f{settings.template_ids[(kind, fmt)]}\x1f{text}"
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _iso(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__}")


def _sha_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stage_pair(settings: _Settings, task: _Task, records: Mapping[str, Mapping[str, Any]],
                result: RowResult, staged: StagedWrites) -> list[tuple[Path, FileRecord]]:
    """Check a pair's folder and files, render what is missing and stage it to be written.

    Returns the staged files and their records; a problem goes to ``result.errors``
    and stages nothing, so a pair is made whole or not at all.
    """
    outdir = Path(settings.outdir)
    folder = outdir / task.folder
    real_outdir = os.path.realpath(outdir)
    real_folder = os.path.realpath(folder)
    # The name is a single safe component, but a link planted in the output
    # folder could still point elsewhere: check where the folder really is.
    if os.path.dirname(real_folder) != real_outdir or folder.is_symlink():
        inside = os.path.commonpath([real_outdir, real_folder]) == real_outdir
        where = (f"a link to {os.path.relpath(real_folder, real_outdir)!r} inside the output folder" if inside
                 else "a link out of the output folder")
        result.errors.append(RowError(task.row, "", "", f"{task.folder}: is {where}; refused"))
        return []
    names = [file_name(kind, fmt) for kind in settings.kinds for fmt in settings.formats]
    ledger.remove_stale_temporaries(folder, names)
    pending: list[tuple[str, str, Path, str, str]] = []  # kind, fmt, path, relative name, input digest
    for kind in settings.kinds:
        for fmt in settings.formats:
            name = file_name(kind, fmt)
            target = folder / name
            relative = f"{task.folder}/{name}"
            source = _input_sha(settings, kind, fmt, records[kind])
            if not os.path.lexists(target):
                pending.append((kind, fmt, target, relative, source))
                continue
            if target.is_symlink() or not target.is_file():
                result.errors.append(RowError(task.row, "", "", f"{relative}: is not a regular file; refused"))
                continue
            if settings.force:
                pending.append((kind, fmt, target, relative, source))
                continue
            current = _sha_of_file(target)
            earlier = task.known.get(relative, [])
            if (current, source) in earlier:
                result.files.append(FileRecord(kind, fmt, relative, current, source, "kept"))
            elif earlier:
                # Ours, but not as we would make it now: changed by someone (a pair
                # filling it in) or made from other data. The manifest keeps the
                # record of what was issued, for tracking.
                same = [entry for entry in earlier if entry[0] == current]
                sha, made_from = (same or earlier)[-1]
                result.files.append(FileRecord(kind, fmt, relative, sha, made_from, "issued"))
                why = "made earlier from other data or another template" if same else \
                    "changed since it was made (perhaps filled in by the pair)"
                result.errors.append(RowError(
                    task.row, "", "", f"{relative}: {why}; kept as it is (use --force to make it again)"))
            else:
                result.errors.append(RowError(
                    task.row, "", "",
                    f"{relative}: already exists and may hold a pair's answers; "
                    "kept as it is (use --force to replace it)",
                ))
    if result.errors or not pending:
        return []
    # Render everything first: a failure while rendering leaves no half-made pair.
    blobs = [(kind, fmt, target, relative, source, _filler(settings, kind, fmt).render(records[kind], validated=True))
             for kind, fmt, target, relative, source in pending]
    journal = _journal(settings)
    files: list[tuple[Path, FileRecord]] = []
    temporaries: list[Path] = []
    try:
        for kind, fmt, target, relative, source, blob in blobs:
            sha = hashlib.sha256(blob).hexdigest()
            # Noted before the file gets its name (and flushed with it): a file
            # that exists is always known to the next run.
            journal.record(relative, sha, source)
            temporaries.append(staged.stage(target, blob, overwrite=settings.force))
            files.append((target, FileRecord(kind, fmt, relative, sha, source, "written")))
    except BaseException:
        staged.discard(temporaries)
        raise
    return files


# --- planning rows (in the main process) -------------------------------------------


class _Planner:
    """Turns rows into tasks: typed values, an agreement_id and a unique folder each."""

    def __init__(self, settings: _Settings, pattern: NamePattern, known: ledger.Known,
                 defaults: Mapping[str, Mapping[str, Any]], columns: Mapping[str, cols.Column],
                 pattern_columns: Mapping[str, cols.Column]) -> None:
        self.settings = settings
        self.pattern = pattern
        self.known = known
        self.defaults = defaults
        self.columns: dict[str, cols.Column | cols.ColumnError] = dict(columns)
        self.pattern_columns = pattern_columns
        self.names = UniqueNames(ledger.RESERVED)
        self.ids = AgreementIds()

    def column(self, header: str) -> cols.Column | cols.ColumnError:
        found = self.columns.get(header)
        if found is None:
            try:
                found = cols.resolve(header)
            except cols.ColumnError as exc:
                found = exc
            if len(self.columns) < 10_000:  # a program sending ever new keys must not grow memory
                self.columns[header] = found
        return found

    def tasks(self, rows: Iterable[tuple[int, Mapping[str, Any], list[tuple[str, str]]]]) -> Iterator[_Task]:
        for number, cells, read_problems in rows:
            yield self.plan(number, cells, read_problems)

    def plan(self, number: int, cells: Mapping[str, Any], read_problems: list[tuple[str, str]]) -> _Task:
        values: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}
        origins: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
        problems = [RowError(number, column, "", message) for column, message in read_problems]
        seen_problems: set[tuple[str, str]] = set()
        resolved = []
        for header, value in cells.items():
            column = self.column(header)
            if isinstance(column, cols.ColumnError):
                problems.append(RowError(number, header, "", str(column)))
                continue
            resolved.append((column, value))
        # Columns naming one document explicitly go last, so they win.
        resolved.sort(key=lambda item: item[0].specific)
        for column, value in resolved:
            for target in column.targets:
                origins[target.kind][target.path] = column.header
                try:
                    pairs = target.convert(value)
                except ValueError as exc:
                    path = _shown_path(target.kind, target.path)
                    if (path, str(exc)) not in seen_problems:
                        seen_problems.add((path, str(exc)))
                        problems.append(RowError(number, column.header, path, str(exc)))
                    continue
                if column.specific and pairs:
                    # An explicit column replaces the shared one's values for its path.
                    for path in [p for p in values[target.kind] if p == target.path or p.startswith(target.path + ".")]:
                        del values[target.kind][path]
                for path, typed in pairs:
                    values[target.kind][path] = typed
        agreement_id = self._agreement_id(values)
        folder = self.names.claim(self._folder_name(number, values, agreement_id))
        known = {}
        for kind in self.settings.kinds:
            for fmt in self.settings.formats:
                relative = f"{folder}/{file_name(kind, fmt)}"
                if relative in self.known:
                    known[relative] = self.known[relative]
        return _Task(number, folder, agreement_id,
                     {k: v for k, v in values.items() if v}, {k: v for k, v in origins.items() if v},
                     problems, known)

    def value(self, values: Mapping[str, Mapping[str, Any]], path: str) -> Any:
        for kind in KINDS:
            if path in values[kind]:
                return values[kind][path]
        for kind in KINDS:
            if path in self.defaults.get(kind, {}):
                return self.defaults[kind][path]
        return None

    def _agreement_id(self, values: Mapping[str, Mapping[str, Any]]) -> str:
        given = self.value(values, "agreement_id")
        if given:
            return str(given)
        return self.ids.assign(
            self.value(values, "mentee.name"), self.value(values, "mentor.name"),
            self.value(values, "program.name"), self.value(values, "timeframe.start_date"),
        )

    def _folder_name(self, number: int, values: Mapping[str, Mapping[str, Any]], agreement_id: str) -> str:
        texts: dict[str, str] = {}
        for key in self.pattern.keys:
            if key == "row":
                texts[key] = str(number)
            elif key == "agreement_id":
                texts[key] = agreement_id
            else:
                target = self.pattern_columns[key].targets[0]
                value = self.value(values, target.path)
                texts[key] = "" if value is None else (target.field.to_text(value) if target.field else str(value))
        filled = self.pattern.format(texts)
        return safe_name(filled) if filled.strip(" -_.") else safe_name(f"row {number}")


def _chunked(tasks: Iterator[_Task], size: int) -> Iterator[list[_Task]]:
    while chunk := list(itertools.islice(tasks, size)):
        yield chunk


def _numbered(rows: Iterable[Any]) -> Iterator[tuple[int, Mapping[str, Any], list[tuple[str, str]]]]:
    """``(row number, flat cells, reading problems)`` for roster rows and plain mappings alike."""
    for position, row in enumerate(rows, start=1):
        if isinstance(row, RosterRow):
            yield row.number, row.cells, row.problems
        elif isinstance(row, Mapping):
            yield position, dict(cols.flat_items(row)), []
        else:
            yield position, {}, [("", f"expected a mapping of column to value, got {type(row).__name__}")]


# --- the run --------------------------------------------------------------------


def generate(
    rows: Iterable[Mapping[str, Any] | RosterRow],
    outdir: str | os.PathLike[str],
    *,
    kinds: Sequence[str] = KINDS,
    formats: Sequence[str] = forms.FORMATS,
    defaults: Mapping[str, Any] | None = None,
    name: str = DEFAULT_NAME,
    templates: Mapping[str, str | os.PathLike[str] | bytes] | Iterable[tuple[str, str | os.PathLike[str] | bytes]] | None = None,
    jobs: int | None = None,
    force: bool = False,
    observer: Observer | None = None,
) -> BatchReport:
    """Make every pair's documents from ``rows`` into ``outdir``; return what happened.

    ``rows`` is a :class:`~mentoring_docs.roster.Roster` (see
    :func:`~mentoring_docs.roster.open_roster`) or any iterable of mappings from
    column (dotted path or label, see :mod:`mentoring_docs.columns`) to value,
    flat or nested like the data model; plain mappings are numbered from 1.
    ``defaults`` (same keys, nested or flat) holds values for every row; a row's
    own values win, and a list or checkbox group a row gives replaces the
    defaults' one. ``name`` is the folder name pattern. ``templates`` maps a kind
    to a custom template (file name or bytes; the format is recognised), or is a
    list of ``(kind, template)`` pairs to give one per format. ``jobs`` is the
    number of processes (default: the CPU count).

    Invalid rows are reported in the result and in ``outdir/errors.csv`` while the
    valid rows are made. Existing files are never replaced unless ``force``.
    Raises :class:`MentoringDocsError` before anything is written when the set-up
    is wrong (unknown columns, defaults or template; bad name pattern).
    """
    out = Path(outdir)
    kinds_t = tuple(dict.fromkeys(parse_kind(k) for k in kinds))
    formats_t = tuple(dict.fromkeys(_parse_format(f) for f in formats))
    if not kinds_t or not formats_t:
        raise MentoringDocsError("nothing to make: give at least one kind and one format")
    pattern, pattern_columns = _name_pattern(name)
    default_values = _defaults(defaults or {})
    template_bytes, template_labels = _templates(templates, kinds_t, formats_t)
    template_ids = {}
    for kind in kinds_t:
        for fmt in formats_t:
            blob = template_bytes.get((kind, fmt))
            template_ids[(kind, fmt)] = hashlib.sha256(
                blob if blob is not None else forms.blank_template(kind, fmt)
            ).hexdigest()
            template_bytes.setdefault((kind, fmt), None)
    settings = _Settings(str(out), kinds_t, formats_t, template_bytes, template_ids, default_values, force)
    # Compile every template here first: a broken custom template is one clear
    # error before anything is written (and forked workers inherit the result).
    for kind in kinds_t:
        for fmt in formats_t:
            try:
                _filler(settings, kind, fmt)
            except MentoringDocsError as exc:
                if (kind, fmt) not in template_labels:
                    raise
                reason = str(exc).removeprefix("the template: ")
                raise TemplateError(f"{template_labels[(kind, fmt)]}: {reason}") from None

    row_iter: Iterable[Any] = rows
    columns: dict[str, cols.Column] = {}
    if isinstance(rows, Roster):
        columns = {c.header: c for c in rows.columns}
        _check_required_columns(rows, kinds_t, default_values)
    else:
        row_iter, first_keys = _peek_keys(rows)
        cols.resolve_all(first_keys, where="first row")

    if out.exists() and not out.is_dir():
        raise MentoringDocsError(f"{out}: exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    lock = ledger.RunLock(out)
    lock.acquire()
    try:
        return _run(rows, row_iter, out, settings, pattern, pattern_columns, default_values, columns, jobs, observer)
    finally:
        lock.release()


def _run(rows: Any, row_iter: Iterable[Any], out: Path, settings: _Settings, pattern: NamePattern,
         pattern_columns: Mapping[str, cols.Column], default_values: Mapping[str, Mapping[str, Any]],
         columns: Mapping[str, cols.Column], jobs: int | None, observer: Observer | None) -> BatchReport:
    ledger.remove_stale_temporaries(out, (ledger.MANIFEST, ledger.ERRORS))
    known = ledger.known_files(out)
    planner = _Planner(settings, pattern, known, default_values, columns, pattern_columns)
    report = BatchReport(out, out / ledger.MANIFEST, out / ledger.ERRORS)
    total = getattr(rows, "count", None)
    if total is None and hasattr(rows, "__len__"):
        total = len(rows)  # type: ignore[arg-type]

    manifest = ledger.AtomicCsv(report.manifest, ledger.MANIFEST_HEADER)
    errors_csv = ledger.AtomicCsv(report.errors_file, ledger.ERRORS_HEADER)
    jobs = max(1, jobs or _cpu_count())
    pool = None
    finished = False
    try:
        chunks = _chunked(planner.tasks(_numbered(row_iter)), _CHUNK)
        if jobs == 1:
            _init_worker(settings, in_pool=False)
            done: Iterator[list[RowResult]] = map(_make_pairs, chunks)
        else:
            pool = multiprocessing.get_context().Pool(jobs, initializer=_init_worker, initargs=(settings,))
            done = pool.imap(_make_pairs, chunks)
        if observer:
            observer.started(total)
        for results in done:
            for result in results:
                _account(report, result, manifest, errors_csv)
                if observer:
                    observer.row_done(result)
        finished = True
    finally:
        if pool is not None:
            if finished:
                pool.close()
            else:
                pool.terminate()
            pool.join()
        _close_journal()
        if finished:
            manifest.commit()
            errors_csv.commit()
            ledger.clear_journals(out)
        else:
            # Interrupted: the previous manifest stays, and the journals tell the
            # next run which files this one made.
            manifest.discard()
            errors_csv.discard()
        if observer:
            observer.finished(report)
    return report


def _cpu_count() -> int:
    """The CPUs this process may run on (a container or taskset may allow fewer than the machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _close_journal() -> None:
    global _JOURNAL
    if _JOURNAL is not None:
        _JOURNAL.close()
        _JOURNAL = None


def _account(report: BatchReport, result: RowResult, manifest: ledger.AtomicCsv,
             errors_csv: ledger.AtomicCsv) -> None:
    report.rows += 1
    for record in result.files:
        manifest.write((result.row, result.folder, result.agreement_id, record.kind, record.format,
                        record.file, record.sha256, record.input_sha256))
        if record.status == "written":
            report.files_written += 1
        elif record.status == "kept" and result.ok:
            report.files_kept += 1
    if result.ok:
        report.pairs += 1
    else:
        report.failed_rows += 1
        report.errors.extend(result.errors)
        for error in result.errors:
            errors_csv.write((error.row, error.column, error.path, error.message))


def _check_required_columns(roster: Roster, kinds: Sequence[Kind], defaults: Mapping[str, Mapping[str, Any]]) -> None:
    """A roster without a column for a required field would fail on every row: say so once, up front."""
    given = {(t.kind, t.path) for column in roster.columns for t in column.targets}
    missing = []
    for kind in kinds:
        cat = catalogue(kind)
        for fd in cat.fields:
            if not fd.required or fd.list_path or not _groups_required(cat, fd.path):
                continue
            if (kind, fd.path) not in given and fd.path not in defaults.get(kind, {}) and fd.path != "agreement_id":
                if fd.path not in missing:
                    missing.append(fd.path)
    if missing:
        raise MentoringDocsError(
            f"{roster.name}: no column for {', '.join(missing)}, which every pair needs "
            "(add the column, or give the value in --defaults)"
        )


def _groups_required(cat: Any, path: str) -> bool:
    parts = path.split(".")
    return all(cat.groups[".".join(parts[:end])].required for end in range(1, len(parts)))


def _parse_format(fmt: str) -> str:
    name = fmt.strip().lower().lstrip(".")
    if name not in forms.FORMATS:
        raise MentoringDocsError(f"unknown format {fmt!r}: use {' or '.join(forms.FORMATS)}")
    try:
        forms.backend(name)
    except ImportError:
        raise MentoringDocsError(f"{name.upper()} output is not available in this installation") from None
    return name


def _name_pattern(name: str) -> tuple[NamePattern, dict[str, cols.Column]]:
    try:
        pattern = NamePattern(name)
    except ValueError as exc:
        raise MentoringDocsError(str(exc)) from None
    found = {}
    for key in pattern.keys:
        if key in ("row", "agreement_id"):
            continue
        try:
            found[key] = cols.resolve(key)
        except cols.ColumnError as exc:
            raise MentoringDocsError(f"name pattern {name!r}: {exc}") from None
    return pattern, found


def _defaults(data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The defaults as typed values per document; every mistake is reported at once."""
    out: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}
    problems = []
    for key, value in cols.flat_items(data):
        try:
            column = cols.resolve(key)
        except cols.ColumnError as exc:
            problems.append(f"defaults: {exc}")
            continue
        for target in column.targets:
            if target.path in ("agreement_id", "plan_id"):
                problems.append(f"defaults: {key!r} would give every pair the same identifier; leave it to the roster")
                break
            try:
                for path, typed in target.convert(value):
                    out[target.kind][path] = typed
            except ValueError as exc:
                problems.append(f"defaults: {key}: {exc}")
                break
    if problems:
        raise MentoringDocsError("\n".join(dict.fromkeys(problems)))
    return out


def _templates(templates: Any, kinds: Sequence[str], formats: Sequence[str]
               ) -> tuple[dict[tuple[str, str], bytes | None], dict[tuple[str, str], str]]:
    """Custom templates by (kind, format), and how messages name each one."""
    out: dict[tuple[str, str], bytes | None] = {}
    labels: dict[tuple[str, str], str] = {}
    if not templates:
        return out, labels
    items = templates.items() if isinstance(templates, Mapping) else templates
    for kind_name, source in items:
        kind = parse_kind(kind_name)
        if isinstance(source, bytes):
            blob, label = source, f"the {cli_name(kind)} template"
        else:
            label = str(source)
            try:
                blob = read_regular(source, forms.MAX_FORM_BYTES, label=label)
            except FileRefused as exc:
                raise MentoringDocsError(f"{label}: cannot read template: {exc.reason}") from None
        fmt = forms.detect_format(blob[:8])
        if fmt is None:
            raise MentoringDocsError(f"{label}: not a Word (.docx) or PDF template")
        if kind not in kinds or fmt not in formats:
            raise MentoringDocsError(
                f"{label}: a {fmt.upper()} template for {cli_name(kind)}, which this batch does not make"
            )
        if (kind, fmt) in out:
            raise MentoringDocsError(f"{label}: a second {fmt.upper()} template for {cli_name(kind)}")
        out[(kind, fmt)] = blob
        labels[(kind, fmt)] = label
    return out, labels


def _peek_keys(rows: Iterable[Any]) -> tuple[Iterable[Any], list[str]]:
    """The first row's keys (to check them before anything is written) and the rows, intact."""
    iterator = iter(rows)
    try:
        first = next(iterator)
    except StopIteration:
        return iter(()), []
    keys = [key for key, _ in cols.flat_items(first)] if isinstance(first, Mapping) else []
    return itertools.chain([first], iterator), keys
