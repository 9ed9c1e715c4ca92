"""Batch generation: a roster in, one folder of forms per mentoring pair out.

:func:`generate` takes any iterable of rows (a :class:`~mentoring_docs.batch.roster.Roster`
read from a file, or mappings from a program) and returns a
:class:`~mentoring_docs.batch.report.BatchReport`.

How a run goes:

1. The main process reads rows one at a time and plans each (:mod:`.planning`):
   cells converted with the field catalogue (:mod:`.columns`), an ``agreement_id``
   (:mod:`.ids`) and a folder name (:mod:`.folder_names`).
2. Worker processes (``jobs``; each compiles every template once) validate the
   row's two documents, render them and write them atomically (:mod:`.worker`). A
   row is made whole or not at all; a file that exists is kept unless ``force``.
3. The main process writes ``manifest.csv`` (:mod:`mentoring_docs.manifest`) and
   ``errors.csv`` as results come in (in row order) and puts them in place at the
   end (:mod:`.output_folder`).

Only a bounded number of rows is in flight at any time, so memory does not grow
with the roster.
"""

from __future__ import annotations

import hashlib
import itertools
import multiprocessing
import os
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from .. import forms, manifest
from ..atomic import AtomicCsv
from ..catalogue import catalogue
from ..errors import MentoringDocsError, TemplateError
from ..extension import Extension, extension_of
from ..kinds import KINDS, Kind, cli_name, parse_kind
from ..paper import parse_paper
from ..safe_read import FileRefused, read_regular
from . import columns as cols
from . import output_folder
from .folder_names import DEFAULT_NAME, NamePattern
from .planning import Planner, numbered_rows
from .report import BatchReport, Observer, RowResult
from .roster import Roster, RosterRow
from .worker import Settings, Task, close_journal, filler_for, init_worker, make_pairs

__all__ = ["DEFAULT_NAME", "generate"]

# Rows handed to a worker at a time. Their files reach the disk with one flush
# (see atomic.StagedWrites), which is what makes writing thousands of small files
# fast; few enough rows that the progress bar moves smoothly and memory stays flat.
_CHUNK = 8


def _chunked(tasks: Iterator[Task], size: int) -> Iterator[list[Task]]:
    while chunk := list(itertools.islice(tasks, size)):
        yield chunk


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
    paper: str | None = None,
    fonts: Sequence[str | os.PathLike[str]] = (),
    extension: Extension | str | os.PathLike[str] | None = None,
) -> BatchReport:
    """Make every pair's documents from ``rows`` into ``outdir``; return what happened.

    ``rows`` is a :class:`~mentoring_docs.batch.roster.Roster` (see
    :func:`~mentoring_docs.batch.roster.open_roster`) or any iterable of mappings from
    column (dotted path or label, see :mod:`mentoring_docs.batch.columns`) to value,
    flat or nested like the data model; plain mappings are numbered from 1.
    ``defaults`` (same keys, nested or flat) holds values for every row; a row's
    own values win, and a list or checkbox group a row gives replaces the
    defaults' one. ``name`` is the folder name pattern. ``templates`` maps a kind
    to a custom template (file name or bytes; the format is recognised), or is a
    list of ``(kind, template)`` pairs to give one per format. ``jobs`` is the
    number of processes (default: the CPU count). ``paper`` (``letter``, the
    default, or ``a4``) picks the built-in forms' page size; a custom template
    keeps its own. ``fonts`` are font files for
    PDF values the built-in font cannot draw (tried before the system's fonts);
    documents that still show a character as a box are listed in
    ``BatchReport.missing_glyphs``. ``extension`` (a field extension or its file)
    adds its Program questions to the documents and lets them be columns; a
    :class:`Roster` opened with an extension brings its own.

    Invalid rows are reported in the result and in ``outdir/errors.csv`` while the
    valid rows are made. Existing files are never replaced unless ``force``.
    Raises :class:`MentoringDocsError` before anything is written when the set-up
    is wrong (unknown columns, defaults or template; bad name pattern).
    """
    out = Path(outdir)
    paper_name = parse_paper(paper)
    kinds_t = tuple(dict.fromkeys(parse_kind(k) for k in kinds))
    calendar = any(f.strip().lower().lstrip(".") == "ics" for f in formats)
    formats_t = tuple(dict.fromkeys(_parse_format(f) for f in formats if f.strip().lower().lstrip(".") != "ics"))
    if not kinds_t or not (formats_t or calendar):
        raise MentoringDocsError("nothing to make: give at least one kind and one format")
    ext = extension_of(extension)
    if isinstance(rows, Roster) and rows.extension is not None:
        if ext is not None and ext != rows.extension:
            raise MentoringDocsError(f"{rows.name}: opened with the field extension {rows.extension.id!r}, "
                                     f"but the batch was given {ext.id!r}")
        ext = rows.extension
    elif isinstance(rows, Roster) and ext is not None:
        raise MentoringDocsError(f"{rows.name}: open the roster with the same field extension "
                                 f"(open_roster(..., extension=...)) so that its columns are known")
    pattern, pattern_columns = _name_pattern(name, ext)
    default_values = _defaults(defaults or {}, ext)
    template_bytes, template_labels = _templates(templates, kinds_t, formats_t)
    template_ids: dict[tuple[str, str], str] = {}
    for kind in kinds_t:
        for fmt in formats_t:
            blob = template_bytes.get((kind, fmt))
            template_ids[(kind, fmt)] = hashlib.sha256(
                blob if blob is not None else forms.blank_template(kind, fmt, paper_name, extension=ext)
            ).hexdigest()
            if ext is not None and ext.questions_for(kind):
                # A custom template with another extension's questions is another input.
                template_ids[(kind, fmt)] += f"+{ext.id}:{ext.digest}"
            template_bytes.setdefault((kind, fmt), None)
    settings = Settings(str(out), kinds_t, formats_t, template_bytes, template_ids, default_values, force,
                        paper_name, calendar, tuple(str(f) for f in fonts), ext)
    # Compile every template here first: a broken custom template is one clear
    # error before anything is written (and forked workers inherit the result).
    for kind in kinds_t:
        for fmt in formats_t:
            try:
                filler_for(settings, kind, fmt)
            except MentoringDocsError as exc:
                if (kind, fmt) not in template_labels:
                    raise
                reason = str(exc).removeprefix("the template: ")
                raise TemplateError(f"{template_labels[(kind, fmt)]}: {reason}") from None

    row_iter: Iterable[Any] = rows
    columns: dict[str, cols.Column] = {}
    if isinstance(rows, Roster):
        columns = {c.header: c for c in rows.columns}
        _check_required_columns(rows, kinds_t, default_values, ext)
    else:
        row_iter, first_keys = _peek_keys(rows, ext)
        cols.resolve_all(first_keys, where="first row", extension=ext)

    if out.exists() and not out.is_dir():
        raise MentoringDocsError(f"{out}: exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    lock = output_folder.RunLock(out)
    lock.acquire()
    try:
        return _run(rows, row_iter, out, settings, pattern, pattern_columns, default_values, columns, jobs, observer)
    finally:
        lock.release()


def _run(rows: Any, row_iter: Iterable[Any], out: Path, settings: Settings, pattern: NamePattern,
         pattern_columns: Mapping[str, cols.Column], default_values: Mapping[str, Mapping[str, Any]],
         columns: Mapping[str, cols.Column], jobs: int | None, observer: Observer | None) -> BatchReport:
    output_folder.remove_stale_temporaries(out, (manifest.MANIFEST, output_folder.ERRORS))
    known = output_folder.known_files(out)
    planner = Planner(settings, pattern, known, default_values, columns, pattern_columns)
    report = BatchReport(out, out / manifest.MANIFEST, out / output_folder.ERRORS)
    total = getattr(rows, "count", None)
    if total is None and hasattr(rows, "__len__"):
        total = len(rows)  # type: ignore[arg-type]

    made = manifest.ManifestWriter(report.manifest)
    errors_csv = AtomicCsv(report.errors_file, output_folder.ERRORS_HEADER)
    jobs = max(1, jobs or _cpu_count())
    pool = None
    finished = False
    try:
        chunks = _chunked(planner.tasks(numbered_rows(row_iter, settings.extension)), _CHUNK)
        if jobs == 1:
            init_worker(settings, in_pool=False)
            done: Iterator[list[RowResult]] = map(make_pairs, chunks)
        else:
            pool = multiprocessing.get_context().Pool(jobs, initializer=init_worker, initargs=(settings,))
            done = pool.imap(make_pairs, chunks)
        if observer:
            observer.started(total)
        for results in done:
            for result in results:
                _account(report, result, made, errors_csv)
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
        close_journal()
        if finished:
            made.commit()
            errors_csv.commit()
            output_folder.clear_journals(out)
        else:
            # Interrupted: the previous manifest stays, and the journals tell the
            # next run which files this one made.
            made.discard()
            errors_csv.discard()
        if observer:
            observer.finished(report)
    return report


def _cpu_count() -> int:
    """The CPUs this process may run on (a container or taskset may allow fewer than the machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1



def _account(report: BatchReport, result: RowResult, made: manifest.ManifestWriter,
             errors_csv: AtomicCsv) -> None:
    report.rows += 1
    for record in result.files:
        made.write(result.row, result.folder, result.agreement_id, record.kind, record.format,
                   record.file, record.sha256, record.input_sha256)
        if record.status == "written":
            report.files_written += 1
        elif record.status == "kept" and result.ok:
            report.files_kept += 1
    report.warnings += result.warnings
    if result.ok:
        report.calendars_written += len(result.extra_files)
        report.pairs += 1
    else:
        report.failed_rows += 1
        report.errors.extend(result.errors)
        for error in result.errors:
            errors_csv.write((error.row, error.column, error.path, error.message))


def _check_required_columns(roster: Roster, kinds: Sequence[Kind], defaults: Mapping[str, Mapping[str, Any]],
                            extension: Extension | None = None) -> None:
    """A roster without a column for a required field would fail on every row: say so once, up front."""
    given = {(t.kind, t.path) for column in roster.columns for t in column.targets}
    missing = []
    for kind in kinds:
        cat = catalogue(kind, extension)
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
        raise MentoringDocsError(f"unknown format {fmt!r}: use {', '.join(forms.FORMATS)} or ics")
    try:
        forms.backend(name)
    except ImportError:
        raise MentoringDocsError(f"{name.upper()} output is not available in this installation") from None
    return name


def _name_pattern(name: str, extension: Extension | None = None) -> tuple[NamePattern, dict[str, cols.Column]]:
    try:
        pattern = NamePattern(name)
    except ValueError as exc:
        raise MentoringDocsError(str(exc)) from None
    found = {}
    for key in pattern.keys:
        if key in ("row", "agreement_id"):
            continue
        try:
            found[key] = cols.resolve(key, extension)
        except cols.ColumnError as exc:
            raise MentoringDocsError(f"name pattern {name!r}: {exc}") from None
    return pattern, found


def _defaults(data: Mapping[str, Any], extension: Extension | None = None) -> dict[str, dict[str, Any]]:
    """The defaults as typed values per document; every mistake is reported at once."""
    out: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}
    problems = []
    for key, value in cols.flat_items(data, "", extension):
        try:
            column = cols.resolve(key, extension)
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


def _peek_keys(rows: Iterable[Any], extension: Extension | None = None) -> tuple[Iterable[Any], list[str]]:
    """The first row's keys (to check them before anything is written) and the rows, intact."""
    iterator = iter(rows)
    try:
        first = next(iterator)
    except StopIteration:
        return iter(()), []
    keys = [key for key, _ in cols.flat_items(first, "", extension)] if isinstance(first, Mapping) else []
    return itertools.chain([first], iterator), keys
