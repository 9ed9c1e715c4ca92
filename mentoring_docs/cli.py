"""The ``mentoring-docs`` command: a thin layer over the Python API.

Exit codes: 0 success; 1 the input was read but is invalid (data errors, unreadable
forms); 2 the command was used wrongly (unknown option, missing file). Errors caused
by the user are one line each on stderr, never a traceback.
"""

from __future__ import annotations

import functools
import os
import sys
import warnings
from typing import Any, Callable, TypeVar

import click

# Only what every command needs is imported here (not even pathlib or json: os.path
# answers the few questions about files); each command imports the rest of the library
# it uses, so ``--version`` or a Word fill does not pay for the schemas, the PDF
# libraries, batch or tracking (bench/bench_startup.py measures the start).
from . import __version__
from .errors import DataError, MentoringDocsError, MissingGlyphsWarning
from .kinds import FORMATS, KINDS, cli_name, parse_kind
from .limits import MAX_DATA_BYTES, MAX_KEY_BYTES, capped
from .safe_read import FileRefused, read_limited, read_regular

F = TypeVar("F", bound=Callable[..., Any])

#: ``batch --name``'s default, shown in its help: :data:`mentoring_docs.batch.folder_names.DEFAULT_NAME`
#: (a test keeps them equal; importing batch for it would load batch on every command).
DEFAULT_NAME = "{mentee.name} - {mentor.name}"

FONT_HELP = ("PDF: a font file (.ttf, .otf, .ttc) for characters the built-in font lacks, tried before the "
             "system's fonts; repeat for more.")

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
    from .extension import load_extension

    return load_extension(fields_file)


def _reports_errors(func: F) -> F:
    """Turn user errors into one-line messages and exit codes instead of tracebacks."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DataError as exc:
            for line in capped(str(exc).splitlines()):
                click.echo(line, err=True)
            sys.exit(1)
        except MentoringDocsError as exc:
            for number, line in enumerate(capped(str(exc).splitlines())):
                click.echo(f"error: {line}" if number == 0 else line, err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def _read_input(source: str) -> tuple[bytes, str]:
    """Bytes of a file argument, ``-`` meaning standard input; a missing file is a usage error."""
    if source == "-":
        return read_limited(sys.stdin.buffer, MAX_DATA_BYTES, "<stdin>"), "<stdin>"
    try:
        return read_regular(source, MAX_DATA_BYTES), source
    except FileRefused as exc:
        if exc.missing:
            raise click.UsageError(f"{source}: no such file") from None
        raise


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
    from .json_schema import json_schema_text

    click.echo(json_schema_text(parse_kind(kind), extension=_extension(fields_file)), nl=False)


@main.command(name="validate")
@click.argument("kind", type=KIND_CHOICE)
@click.argument("file")
@_fields_option
@_reports_errors
def validate_command(kind: str, file: str, fields_file: str | None) -> None:
    """Check a JSON FILE (or - for stdin) against the data model of KIND."""
    from . import validation

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
@click.option("--paper", type=click.Choice(["letter", "a4"], case_sensitive=False), default="letter", show_default=True,
              help="Page size of the built-in forms: letter (US, Canada) or a4 (Europe and most other countries).")
@click.option("--font", "fonts", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help=FONT_HELP)
@_fields_option
@_reports_errors
def fill(kind: str, data: str, out: str, template: str | None, force: bool, protect: bool,
         password: str | None, flatten: bool, paper: str, fonts: tuple[str, ...], fields_file: str | None) -> None:
    """Fill a form of KIND with the JSON in DATA (a file, or - for stdin)."""
    from . import forms, validation

    kind = parse_kind(kind)
    extension = _extension(fields_file)
    blob, label = _read_input(data)
    record = validation.load_json(kind, blob, source=label, extension=extension)
    if template is not None and paper.lower() != "letter":
        raise click.UsageError("--paper chooses a built-in form; a customised --template keeps its own page size")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", MissingGlyphsWarning)
        written = forms.fill(kind, record, out, template=template, overwrite=force, extension=extension,
                             protect=protect, password=password, flatten=flatten, fonts=fonts,
                             paper=None if template is not None else paper)
    for warning in caught:
        if warning.category is MissingGlyphsWarning:
            click.echo(f"warning: {written}: {warning.message}", err=True)
    click.echo(f"wrote {written}", err=True)


_TRUST_ROOT = click.option(
    "--trust-root", "trust_roots", multiple=True, type=click.Path(exists=True, dir_okay=False), metavar="CA.pem",
    help="A root certificate (PEM or DER) the program trusts: signatures chaining to it are 'trusted'. Repeatable.")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), help="Write the JSON here instead of stdout.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option("--password", envvar="MENTORING_DOCS_PASSWORD", help="Password of an encrypted PDF. Also read from MENTORING_DOCS_PASSWORD.")
@_TRUST_ROOT
@click.option("--signatures", "show_signatures", is_flag=True,
              help="Print each party's signature status as JSON instead of the form's data.")
@_fields_option
@_reports_errors
def read(file: str, out: str | None, force: bool, password: str | None, trust_roots: tuple[str, ...],
         show_signatures: bool, fields_file: str | None) -> None:
    """Read a completed Word or PDF form and print its data as JSON.

    Values that could not be read, or that break a rule, are listed on stderr with
    their path and the exit code is 1; everything else is still printed. Digital
    signatures are reported on stderr, one line per party; a signature changed
    after signing, or invalid, also makes the exit code 1.
    """
    from . import forms
    from .signatures.status import TROUBLE

    if not os.path.exists(file):
        raise click.UsageError(f"{file}: no such file")
    extension = _extension(fields_file)
    result = forms.read(file, password=password, trust_roots=trust_roots, extension=extension)
    if show_signatures:
        import json

        text = json.dumps({"file": result.file, "note": result.signature_note,
                           "signatures": {p: s.to_dict() for p, s in result.signatures.items()}},
                          indent=2, ensure_ascii=False) + "\n"
    else:
        text = result.to_json()
    if out:
        from .atomic import atomic_write

        atomic_write(out, text.encode("utf-8"), overwrite=force)
    else:
        click.echo(text, nl=False)
    for note in result.notes:
        click.echo(f"{result.file}: note: {note}", err=True)
    for line in capped(f"{result.file}: {problem}" for problem in result.problems):
        click.echo(line, err=True)
    if result.signature_note:
        click.echo(f"{result.file}: {result.signature_note}", err=True)
    digital = [s for s in result.signatures.values() if s.digital]
    for entry in digital:
        click.echo(f"{result.file}: {entry}", err=True)
    if result.problems or any(s.status in TROUBLE for s in digital):
        sys.exit(1)


@main.command(name="sign")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--as", "party", required=True, type=click.Choice(["mentor", "mentee", "coordinator", "line_manager"]),
              help="Whose signature field to sign.")
@click.option("--key", required=True, type=click.Path(exists=True, dir_okay=False),
              help="A PKCS#12 digital ID (.p12/.pfx), or a PEM private key given with --cert.")
@click.option("--cert", type=click.Path(exists=True, dir_okay=False), help="The certificate (PEM) of a PEM --key.")
@click.option("--password-file", type=click.Path(exists=True, dir_okay=False),
              help="A file whose first line is the password of the key (else MENTORING_DOCS_KEY_PASSWORD).")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False),
              help="Write the signed PDF here (default: sign FILE in place, appending the signature).")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@click.option("--reason", help="The reason recorded with the signature (default: 'Signed as PARTY').")
@_reports_errors
def sign_command(file: str, party: str, key: str, cert: str | None, password_file: str | None, out: str | None,
                 force: bool, reason: str | None) -> None:
    """Sign PARTY's signature field of an agreement PDF with a digital ID.

    The signature is appended as an incremental update, so signatures made before
    stay valid; sign last, after every field is filled.
    """
    from .signatures import sign

    if not os.path.exists(file):
        raise click.UsageError(f"{file}: no such file")  # anything else there is refused by the reader, with why
    password = os.environ.get("MENTORING_DOCS_KEY_PASSWORD")
    if password_file:
        try:
            lines = read_regular(password_file, MAX_KEY_BYTES).decode("utf-8").splitlines()
        except FileRefused as exc:
            if exc.missing:
                raise click.UsageError(f"{password_file}: no such file") from None
            raise
        except UnicodeDecodeError:
            raise MentoringDocsError(f"{password_file}: not UTF-8 text") from None
        password = lines[0] if lines else ""
    written = sign(file, party, key, out=out, cert=cert, password=password, reason=reason, overwrite=force)
    click.echo(f"signed signatures.{party} in {written}", err=True)


@main.command()
@click.argument("kind", type=KIND_CHOICE)
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), required=True, help="docx or pdf.")
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False), help="File to write.")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@click.option("--paper", type=click.Choice(["letter", "a4"], case_sensitive=False), default="letter", show_default=True,
              help="Page size of the built-in forms: letter (US, Canada) or a4 (Europe and most other countries).")
@_fields_option
@_reports_errors
def template(kind: str, fmt: str, out: str, force: bool, paper: str, fields_file: str | None) -> None:
    """Export the built-in template of KIND, to restyle and pass to fill --template."""
    from . import forms

    written = forms.export_template(parse_kind(kind), fmt, out, overwrite=force, paper=paper,
                                    extension=_extension(fields_file))
    click.echo(f"wrote {written}", err=True)


@main.command(name="flatten")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False), help="The flat copy to write.")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@click.option("--password", envvar="MENTORING_DOCS_PASSWORD", help="Password of an encrypted PDF.")
@_reports_errors
def flatten_command(file: str, out: str, force: bool, password: str | None) -> None:
    """Write a flat copy of a filled or signed PDF form: values and signatures drawn into the page.

    FILE is left as it is. Signatures in the copy are pictures: they prove nothing,
    and the command says so.
    """
    from .signatures import flatten_copy

    if not os.path.exists(file):
        raise click.UsageError(f"{file}: no such file")  # anything else there is refused by the reader, with why
    copy = flatten_copy(file, out, password=password, overwrite=force)
    click.echo(f"wrote {copy.path}", err=True)
    if copy.warning:
        click.echo(f"warning: {copy.warning}", err=True)


@main.command(name="batch")
@click.argument("roster", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False),
              help="Folder to fill with one folder per pair, manifest.csv and errors.csv.")
@click.option("--kinds", default="agreement,action-plan", show_default=True, help="Documents to make, comma-separated.")
@click.option("--formats", default="docx,pdf", show_default=True,
              help="Formats to make, comma-separated: docx, pdf, and ics for a calendar per pair.")
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
@click.option("--paper", type=click.Choice(["letter", "a4"], case_sensitive=False), default="letter", show_default=True,
              help="Page size of the built-in forms: letter (US, Canada) or a4 (Europe and most other countries).")
@click.option("--font", "fonts", multiple=True, type=click.Path(dir_okay=False), metavar="FILE", help=FONT_HELP)
@_fields_option
@_reports_errors
def batch_command(roster: str, outdir: str, kinds: str, formats: str, defaults_file: str | None, pattern: str,
                  templates: tuple[str, ...], sheet: str | None, jobs: int | None, force: bool, quiet: bool,
                  paper: str, fonts: tuple[str, ...], fields_file: str | None) -> None:
    """Make every pair's agreement and action plan from a ROSTER (CSV, XLSX or JSON Lines).

    Invalid rows are listed on stderr and in OUTDIR/errors.csv while the others are
    made; the exit code is 1 if any row failed.
    """
    from . import batch, validation
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
            paper=paper, fonts=fonts,
        )
    except KeyboardInterrupt:
        click.echo("interrupted: run the same command again to finish", err=True)
        sys.exit(130)
    # Each row's warnings were printed as the row finished (ConsoleObserver.row_done).
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
              help="Batch generation's OUTDIR/manifest.csv: every issued pair gets a row; documents not returned are listed.")
@click.option("--password", envvar="MENTORING_DOCS_PASSWORD",
              help="Password of encrypted PDFs. Also read from MENTORING_DOCS_PASSWORD.")
@click.option("--stale-days", type=click.IntRange(min=1), help="Warn about pairs with no review in this many days (default 60).")
@click.option("--return-days", type=click.IntRange(min=0), help="Warn when the agreement is not back this many days after the start (default 21).")
@click.option("--audience", type=click.Choice(["coordinator", "manager"]), default="coordinator", show_default=True,
              help="manager: no free text, and pairs that keep their partnership private show counts only.")
@click.option("--ics", "ics", type=click.Path(dir_okay=False), help="Also write a calendar (.ics) of the due dates.")
@click.option("--force", is_flag=True, help="Replace the output file(s) if they exist.")
@_TRUST_ROOT
@_fields_option
@_reports_errors
def track(paths: tuple[str, ...], out: str, as_of: Any, manifest: str | None, password: str | None,
          stale_days: int | None, return_days: int | None, audience: str, ics: str | None, force: bool,
          trust_roots: tuple[str, ...], fields_file: str | None) -> None:
    """Read every returned form under PATHS (folders searched recursively) into one tracker.

    A file that cannot be read, or holds invalid values, is listed in the tracker's
    problems table; it never stops the run.
    """
    from .tracking import track as build_tracker
    from .tracking.output import check

    extension = _extension(fields_file)
    check(out, overwrite=force)  # fail before reading a thousand forms, not after
    if ics:
        _check_ics(ics, force)
    tracker = build_tracker(paths, as_of=as_of, manifest=manifest, password=password, trust_roots=trust_roots,
                            stale_days=stale_days, return_days=return_days,
                            extension=extension).for_audience(audience)
    written = tracker.write(out, overwrite=force)
    if ics:
        from .calendar import calendar_bytes, tracker_events
        from .atomic import atomic_write

        events = tracker_events(tracker, return_days=return_days).events
        written.append(atomic_write(ics, calendar_bytes(events, name="Mentoring due dates"), overwrite=force))
    used = sum(1 for d in tracker.documents if d.status == "used")
    click.echo(f"{len(tracker.pairs)} pairs from {used} forms, {len(tracker.problems)} problems "
               f"as of {tracker.as_of.isoformat()}; wrote {', '.join(str(p) for p in written)}", err=True)


def _check_ics(out: str, force: bool) -> None:
    if os.path.splitext(out)[1].lower() != ".ics":
        raise click.UsageError(f"{out}: a calendar file must end in .ics")
    if os.path.exists(out) and not force:
        raise MentoringDocsError(f"{out}: already exists; use --force to replace it")


@main.command(name="calendar")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False), help="The calendar file (.ics).")
@click.option("--password", envvar="MENTORING_DOCS_PASSWORD", help="Password of encrypted PDFs. Also read from MENTORING_DOCS_PASSWORD.")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@_reports_errors
def calendar_command(files: tuple[str, ...], out: str, password: str | None, force: bool) -> None:
    """Make a calendar (.ics) from agreements and action plans (JSON data, Word or PDF forms).

    The meetings become a recurring event; the midpoint check, milestones, end date,
    activity target dates and reviews all-day events. What cannot be scheduled
    without guessing is said on stderr.
    """
    from .calendar import write_calendar

    _check_ics(out, force)
    made = write_calendar(files, out, overwrite=force, password=password)
    for warning in made.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"{made.events} events for {made.pairs} pair{'s' if made.pairs != 1 else ''}; wrote {out}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
