"""The ``mentoring-docs`` command: a thin layer over the Python API.

Exit codes: 0 success; 1 the input was read but is invalid (data errors, unreadable
forms); 2 the command was used wrongly (unknown option, missing file). Errors caused
by the user are one line each on stderr, never a traceback.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any, Callable, TypeVar

import click

from . import __version__, forms, validation
from .batch.run import DEFAULT_NAME
from .errors import DataError, MentoringDocsError
from .json_schema import json_schema_text
from .kinds import KINDS, cli_name, parse_kind

F = TypeVar("F", bound=Callable[..., Any])

KIND_CHOICE = click.Choice([cli_name(k) for k in KINDS] + ["action_plan"], case_sensitive=False)


def _fields_option(func: F) -> F:
    """``--fields FILE``: a field extension (the program's own questions), read and checked up front."""
    return click.option(
        "--fields", "fields_file", type=click.Path(dir_okay=False), metavar="FILE",
        help="A field extension file (.json or .toml): the program's own questions.")(func)


def _extension(fields_file: str | None) -> Any:
    """The extension a ``--fields`` file declares; a bad file is one error per problem, by path."""
    if fields_file is None:
        return None
    if not Path(fields_file).is_file():
        raise click.UsageError(f"{fields_file}: no such file")
    from .extension import load_extension

    return load_extension(fields_file)


def _reports_errors(func: F) -> F:
    """Turn user errors into one-line messages and exit codes instead of tracebacks."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DataError as exc:
            for line in str(exc).splitlines():
                click.echo(line, err=True)
            sys.exit(1)
        except MentoringDocsError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def _read_input(source: str) -> tuple[bytes, str]:
    """Bytes of a file argument, ``-`` meaning standard input; a missing file is a usage error."""
    if source == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    path = Path(source)
    if not path.is_file():
        raise click.UsageError(f"{source}: no such file")
    return path.read_bytes(), source


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mentoring-docs")
def main() -> None:
    """Fill and read mentoring agreement and action plan forms (Word and PDF)."""


@main.command()
@click.argument("kind", type=KIND_CHOICE)
@_fields_option
@_reports_errors
def schema(kind: str, fields_file: str | None) -> None:
    """Print the JSON Schema of KIND (agreement or action-plan)."""
    click.echo(json_schema_text(parse_kind(kind), extension=_extension(fields_file)), nl=False)


@main.command(name="validate")
@click.argument("kind", type=KIND_CHOICE)
@click.argument("file")
@_fields_option
@_reports_errors
def validate_command(kind: str, file: str, fields_file: str | None) -> None:
    """Check a JSON FILE (or - for stdin) against the data model of KIND."""
    extension = _extension(fields_file)
    blob, label = _read_input(file)
    validation.load_json(parse_kind(kind), blob, source=label, extension=extension)
    click.echo(f"{label}: OK")


@main.command()
@click.argument("kind", type=KIND_CHOICE)
@click.argument("data")
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False),
              help="File to write; .docx or .pdf decides the format.")
@click.option("--template", type=click.Path(dir_okay=False), help="A customised template to fill instead of the built-in one.")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@click.option("--protect", is_flag=True, help="Word: allow editing of the form fields only.")
@click.option("--password", envvar="MENTORING_DOCS_PASSWORD", help="PDF: encrypt with this password (AES-256). Also read from MENTORING_DOCS_PASSWORD.")
@click.option("--flatten", is_flag=True, help="PDF: draw the values into the page; the copy can no longer be edited.")
@_fields_option
@_reports_errors
def fill(kind: str, data: str, out: str, template: str | None, force: bool, protect: bool,
         password: str | None, flatten: bool, fields_file: str | None) -> None:
    """Fill a form of KIND with the JSON in DATA (a file, or - for stdin)."""
    kind = parse_kind(kind)
    extension = _extension(fields_file)
    blob, label = _read_input(data)
    record = validation.load_json(kind, blob, source=label, extension=extension)
    written = forms.fill(kind, record, out, template=template, overwrite=force, extension=extension,
                         protect=protect, password=password, flatten=flatten)
    click.echo(f"wrote {written}", err=True)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), help="Write the JSON here instead of stdout.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option("--password", envvar="MENTORING_DOCS_PASSWORD", help="Password of an encrypted PDF. Also read from MENTORING_DOCS_PASSWORD.")
@_fields_option
@_reports_errors
def read(file: str, out: str | None, force: bool, password: str | None, fields_file: str | None) -> None:
    """Read a completed Word or PDF form and print its data as JSON.

    Values that could not be read, or that break a rule, are listed on stderr with
    their path and the exit code is 1; everything else is still printed.
    """
    if not Path(file).exists():
        raise click.UsageError(f"{file}: no such file")
    extension = _extension(fields_file)
    result = forms.read(file, password=password, extension=extension)
    text = result.to_json()
    if out:
        from .atomic import atomic_write

        atomic_write(out, text.encode("utf-8"), overwrite=force)
    else:
        click.echo(text, nl=False)
    for note in result.notes:
        click.echo(f"{result.file}: note: {note}", err=True)
    for problem in result.problems:
        click.echo(f"{result.file}: {problem}", err=True)
    if result.problems:
        sys.exit(1)


@main.command()
@click.argument("kind", type=KIND_CHOICE)
@click.option("--format", "fmt", type=click.Choice(list(forms.FORMATS)), required=True, help="docx or pdf.")
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False), help="File to write.")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@_fields_option
@_reports_errors
def template(kind: str, fmt: str, out: str, force: bool, fields_file: str | None) -> None:
    """Export the built-in template of KIND, to restyle and pass to fill --template."""
    written = forms.export_template(parse_kind(kind), fmt, out, overwrite=force, extension=_extension(fields_file))
    click.echo(f"wrote {written}", err=True)


@main.command(name="batch")
@click.argument("roster", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False),
              help="Folder to fill with one folder per pair, manifest.csv and errors.csv.")
@click.option("--kinds", default="agreement,action-plan", show_default=True, help="Documents to make, comma-separated.")
@click.option("--formats", default="docx,pdf", show_default=True, help="Formats to make, comma-separated.")
@click.option("--defaults", "defaults_file", type=click.Path(exists=True, dir_okay=False),
              help="JSON with values for every pair (program, dates, meeting policy...); the roster's own values win.")
@click.option("--name", "pattern", default=DEFAULT_NAME, show_default=True,
              help="Folder name of each pair; {field} is replaced by the row's value, {row} by its number.")
@click.option("--template", "templates", multiple=True, metavar="KIND=FILE",
              help="A customised template (.docx or .pdf) for KIND; repeat for more.")
@click.option("--sheet", help="XLSX: the worksheet to read (default: the first).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Processes to use (default: the number of CPUs).")
@click.option("--force", is_flag=True, help="Replace documents that already exist.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar; only errors and the summary.")
@_fields_option
@_reports_errors
def batch_command(roster: str, outdir: str, kinds: str, formats: str, defaults_file: str | None, pattern: str,
                  templates: tuple[str, ...], sheet: str | None, jobs: int | None, force: bool, quiet: bool,
                  fields_file: str | None) -> None:
    """Make every pair's agreement and action plan from a ROSTER (CSV, XLSX or JSON Lines).

    Invalid rows are listed on stderr and in OUTDIR/errors.csv while the others are
    made; the exit code is 1 if any row failed.
    """
    from . import batch
    from .batch.progress import ConsoleObserver
    from .batch.roster import open_roster

    extension = _extension(fields_file)
    defaults = None
    if defaults_file:
        blob, label = _read_input(defaults_file)
        defaults = validation.parse_json(blob, source=label)
        if not isinstance(defaults, dict):
            raise MentoringDocsError(f"{label}: the defaults must be a JSON object")
    pairs = []
    for item in templates:
        kind, sep, file = item.partition("=")
        if not sep or not file:
            raise click.UsageError(f"--template {item!r}: write it as KIND=FILE, e.g. agreement=ours.docx")
        pairs.append((kind, file))
    observer = ConsoleObserver(bar=not quiet and sys.stderr.isatty(), source=roster)
    try:
        report = batch.generate(
            open_roster(roster, sheet=sheet, extension=extension), outdir, kinds=_split(kinds), formats=_split(formats),
            defaults=defaults, name=pattern, templates=pairs, jobs=jobs, force=force, observer=observer,
        )
    except KeyboardInterrupt:
        click.echo("interrupted: run the same command again to finish", err=True)
        sys.exit(130)
    click.echo(report.summary(), err=True)
    if not report.ok:
        sys.exit(1)


def _split(text: str) -> list[str]:
    return [part for part in (p.strip() for p in text.split(",")) if part]


def _as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    from .text_values import parse_date

    try:
        return parse_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False),
              help="tracker.xlsx, .csv (one file per table), .json or .html.")
@click.option("--as-of", "as_of", callback=_as_of, metavar="DATE",
              help="Day to measure overdue activities and days-to from (default: today).")
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False),
              help="Batch generation's OUTDIR/manifest.csv: issued documents not returned become problems.")
@click.option("--password", envvar="MENTORING_DOCS_PASSWORD",
              help="Password of encrypted PDFs. Also read from MENTORING_DOCS_PASSWORD.")
@click.option("--force", is_flag=True, help="Replace the output file(s) if they exist.")
@_fields_option
@_reports_errors
def track(paths: tuple[str, ...], out: str, as_of: Any, manifest: str | None, password: str | None,
          force: bool, fields_file: str | None) -> None:
    """Read every returned form under PATHS (folders searched recursively) into one tracker.

    A file that cannot be read, or holds invalid values, is listed in the tracker's
    problems table; it never stops the run.
    """
    from .tracking import track as build_tracker
    from .tracking.output import check

    extension = _extension(fields_file)
    check(out, overwrite=force)  # fail before reading a thousand forms, not after
    tracker = build_tracker(paths, as_of=as_of, manifest=manifest, password=password, extension=extension)
    written = tracker.write(out, overwrite=force)
    used = sum(1 for d in tracker.documents if d.status == "used")
    click.echo(f"{len(tracker.pairs)} pairs from {used} forms, {len(tracker.problems)} problems "
               f"as of {tracker.as_of.isoformat()}; wrote {', '.join(str(p) for p in written)}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
