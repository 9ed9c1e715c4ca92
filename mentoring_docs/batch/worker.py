"""The work on one chunk of rows, in a worker process: validate, render, stage, write.

Each process compiles every template once (:func:`filler_for`), notes each file in
its own journal before the file gets its name (:mod:`.output_folder`), and makes a
pair whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from .. import forms, validation
from ..validation import Record
from ..atomic import StagedWrites
from ..calendar.files import CALENDAR_NAME, pair_calendar, verdict
from ..catalogue import catalogue, unflatten
from ..flat_paths import merge
from ..errors import (
    FROM_DEFAULTS, MISSING_GLYPHS, DataError, MentoringDocsError, MissingGlyphsWarning, OutputExistsError, Problem,
)
from ..extension import Extension
from ..kinds import Kind
from ..signatures.hooks import SIGNED_KEPT, is_signed_file
from . import columns as cols
from . import output_folder
from .folder_names import file_name
from .report import FileRecord, RowResult


# --- settings shared with the worker processes -------------------------------------


@dataclass(frozen=True)
class Settings:
    outdir: str
    kinds: tuple[Kind, ...]
    formats: tuple[str, ...]
    templates: dict[tuple[str, str], bytes | None]
    template_ids: dict[tuple[str, str], str]
    defaults: dict[str, dict[str, Any]]
    force: bool
    paper: str | None = None
    #: Also make each pair's ``calendar.ics`` (``--formats ics``).
    calendar: bool = False
    fonts: tuple[str, ...] = ()
    #: The field extension whose questions the documents carry.
    extension: Extension | None = None


@dataclass
class Task:
    row: int
    folder: str
    agreement_id: str
    values: dict[str, dict[str, Any]]
    origins: dict[str, dict[str, str]]
    problems: list[Problem]
    known: dict[str, list[tuple[str, str]]]


_SETTINGS: Settings | None = None
_FILLERS: dict[tuple[str, str, str], forms.Filler] = {}
_JOURNAL: output_folder.Journal | None = None


def filler_for(settings: Settings, kind: str, fmt: str) -> forms.Filler:
    """The compiled template for ``kind`` and ``fmt``: compiled once per process."""
    key = (kind, fmt, settings.template_ids[(kind, fmt)])
    filler = _FILLERS.get(key)
    if filler is None:
        template = settings.templates[(kind, fmt)]
        # The paper picks a built-in form; a customised template keeps its own page size.
        paper = settings.paper if template is None else None
        # Font files only reach the backends that draw with them (PDF).
        fonts = settings.fonts if "fonts" in forms.backend(fmt).OPTIONS else ()
        filler = _FILLERS[key] = forms.Filler(kind, fmt, template=template, paper=paper, fonts=fonts,
                                              extension=settings.extension)
    return filler


def init_worker(settings: Settings, *, in_pool: bool = True) -> None:
    global _SETTINGS, _JOURNAL
    if in_pool:
        # Ctrl-C reaches the whole process group: the main process stops the
        # pool, and workers must not each print a traceback on the way out.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _SETTINGS = settings
    _JOURNAL = None
    for kind in settings.kinds:
        for fmt in settings.formats:
            filler_for(settings, kind, fmt)


def _journal(settings: Settings) -> output_folder.Journal:
    global _JOURNAL
    if _JOURNAL is None:
        _JOURNAL = output_folder.Journal(Path(settings.outdir))
    return _JOURNAL


# --- the work on one row (in a worker process) -------------------------------------


def make_pairs(tasks: list[Task]) -> list[RowResult]:
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
            result.errors.append(_row_problem(task.row, _describe(exc, task.folder)))
    try:
        placed = staged.commit()
    except OSError as exc:
        staged.discard()
        for result, files in placing:
            if files:
                result.errors.append(_row_problem(result.row, _describe(exc, result.folder)))
        return results
    for result, files in placing:
        for target, record in files:
            problem = placed.get(target)
            if problem is None:
                result.files.append(record)
            elif isinstance(problem, OutputExistsError):
                result.errors.append(_row_problem(result.row, f"{record.file}: appeared while this run was writing; kept as it is"))
            else:
                result.errors.append(_row_problem(result.row, _describe(problem, result.folder)))
    return results


def _describe(exc: BaseException, folder: str) -> str:
    """One line for an error met while making a row; a bug must not cost the other rows."""
    if isinstance(exc, MentoringDocsError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{exc.filename or folder}: {exc.strerror}"
    return f"unexpected error ({type(exc).__name__}: {exc}); please report it"


def _row_problem(row: int, message: str) -> Problem:
    """A problem with a row as a whole (its folder or files), not one of its cells."""
    return Problem("", message, row=row)


def _records(settings: Settings, task: Task, result: RowResult) -> dict[str, Record]:
    """The validated record of each document, within every form's list limits; problems go to ``result.errors``."""
    records: dict[str, Record] = {}
    reported = {(e.path, e.message) for e in result.errors}
    bad_cells = {e.path for e in result.errors if e.path}
    for kind in settings.kinds:
        flat = merge(catalogue(kind, settings.extension), settings.defaults.get(kind, {}), task.values.get(kind, {}))
        flat.setdefault("agreement_id", task.agreement_id)
        origins = task.origins.get(kind, {})
        try:
            record = validation.load(kind, unflatten(kind, flat, settings.extension), extension=settings.extension)
            problems = [p for fmt in settings.formats for p in filler_for(settings, kind, fmt).limit_problems(record)]
            if problems:
                raise DataError(problems)
            records[kind] = record
        except DataError as exc:
            for problem in exc.problems:
                path = shown_path(kind, problem.path)
                if path in bad_cells or (path, problem.message) in reported:
                    continue  # the cell's own error already says why the value is missing
                reported.add((path, problem.message))
                column = _column_of(problem.path, origins, settings.defaults.get(kind, {}), flat)
                result.errors.append(Problem(path, problem.message, row=task.row, column=column))
    return records


def _extension() -> Extension | None:
    return _SETTINGS.extension if _SETTINGS is not None else None


def shown_path(kind: str, path: str, extension: Extension | None = None) -> str:
    """A path as a column header would name it: action-plan-only fields get a prefix."""
    cat = catalogue("agreement", extension if extension is not None else _extension())
    if kind == "agreement" or not path or cat.lookup(path) is not None:
        return path
    return f"{kind}.{path}"


def _column_of(path: str, origins: Mapping[str, str], defaults: Mapping[str, Any],
               flat: Mapping[str, Any]) -> str:
    """The column to blame for a problem at ``path``."""
    if path in origins and (path in flat or path not in defaults):
        return origins[path]
    if path in defaults:
        return FROM_DEFAULTS
    inside = [(known, header) for known, header in origins.items() if known.startswith(path + ".")]
    if inside:
        # A problem with a whole list (more items than a form has rows) is the
        # last item's doing: blame the column that gave the item with the highest index.
        return max(inside, key=lambda item: _index_after(item[0], path))[1]
    for known, header in origins.items():
        if path.startswith(known + "."):
            return header
    return ""


def _index_after(path: str, prefix: str) -> int:
    """The list index right after ``prefix`` in ``path`` (-1 when that part is not an index)."""
    part = path[len(prefix) + 1:].split(".", 1)[0]
    return int(part) if part.isdigit() else -1


def _input_sha(settings: Settings, kind: str, fmt: str, record: Mapping[str, Any]) -> str:
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


def _stage_pair(settings: Settings, task: Task, records: Mapping[str, Mapping[str, Any]],
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
        result.errors.append(_row_problem(task.row, f"{task.folder}: is {where}; refused"))
        return []
    names = [file_name(kind, fmt) for kind in settings.kinds for fmt in settings.formats]
    output_folder.remove_stale_temporaries(folder, names + ([CALENDAR_NAME] if settings.calendar else []))
    pending: list[tuple[Kind, str, Path, str, str]] = []  # kind, fmt, path, relative name, input digest
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
                result.errors.append(_row_problem(task.row, f"{relative}: is not a regular file; refused"))
                continue
            if settings.force:
                if is_signed_file(target):  # --force never undoes a signature
                    result.errors.append(_row_problem(task.row, f"{relative}: {SIGNED_KEPT}"))
                    continue
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
                result.errors.append(_row_problem(
                    task.row, f"{relative}: {why}; kept as it is (use --force to make it again)"))
            else:
                result.errors.append(_row_problem(
                    task.row,
                    f"{relative}: already exists and may hold a pair's answers; "
                    "kept as it is (use --force to replace it)",
                ))
    calendar = _calendar(settings, task, records, folder, result) if settings.calendar else None
    if result.errors or (not pending and calendar is None):
        return []
    # Render everything first: a failure while rendering leaves no half-made pair.
    # Each PDF warns once when no font has some of its characters: the warning is
    # kept with the row, naming the document, for the console and the summary.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", MissingGlyphsWarning)
        blobs = []
        for kind, fmt, target, relative, source in pending:
            blobs.append((kind, fmt, target, relative, source, filler_for(settings, kind, fmt).render(records[kind])))
            result.warnings += [Problem("", str(w.message), row=task.row, file=relative, category=MISSING_GLYPHS)
                                for w in caught if w.category is MissingGlyphsWarning]
            caught.clear()
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
        if calendar is not None:
            temporaries.append(staged.stage(folder / CALENDAR_NAME, calendar, overwrite=True))
            result.extra_files.append(f"{task.folder}/{CALENDAR_NAME}")
    except BaseException:
        staged.discard(temporaries)
        raise
    return files


def _calendar(settings: Settings, task: Task, records: Mapping[str, Mapping[str, Any]], folder: Path,
              result: RowResult) -> bytes | None:
    """The pair's calendar bytes when ``calendar.ics`` is to be (re)written; None when it stays as it is."""
    data, notes = pair_calendar(records.get("agreement"), records.get("action_plan"))
    result.warnings += [Problem("", note, row=task.row) for note in notes]
    what = verdict(folder / CALENDAR_NAME, data, force=settings.force)
    relative = f"{task.folder}/{CALENDAR_NAME}"
    if what == "not_a_file":
        result.errors.append(_row_problem(task.row, f"{relative}: is not a regular file; refused"))
    elif what == "differs":
        result.errors.append(_row_problem(task.row, f"{relative}: already exists with other events; "
                                                    "kept as it is (use --force to make it again)"))
    return data if what == "write" else None



def close_journal() -> None:
    global _JOURNAL
    if _JOURNAL is not None:
        _JOURNAL.close()
        _JOURNAL = None
