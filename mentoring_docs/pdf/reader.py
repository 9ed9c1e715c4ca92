"""Reading completed PDF forms: ours, and ours as filled or saved by other programs.

Whatever filled the form (our filler, Acrobat, Preview, a browser, pdftk with FDF
or XFDF, PyPDFForm, pypdf), the values are in the fields' ``/V`` entries; we walk
the field tree (safely: see :mod:`.fields`) and return each value as the text the
person left, or True/False for a checkbox whatever its "on" state is called.
Turning text into typed data, and reporting what does not fit, is the core's job.
"""

from __future__ import annotations

import contextlib
import decimal
import io
import os
import re
import zlib
from typing import BinaryIO, Callable, Iterator

import pikepdf
from pikepdf import Name

from ..catalogue import catalogue
from ..errors import FormError, Problem
from ..flat_paths import pattern_of
from ..form_format import RawForm
from ..kinds import KINDS, TITLES, Kind
from ..extension import Extension
from ..limits import MAX_FIELD_NAME_CHARS, MAX_LONG_TEXT_CHARS
from .extension_info import stored_extension
from . import fastread
from .fields import FieldTreeError, TerminalField, terminal_fields

_DAMAGE = ("reconstruct", "damaged", "xref not found", "unable to find trailer", "EOF")


#: Bytes of the longest value any field may hold (UTF-16 with a byte order mark, or UTF-8): a
#: value stored in more is refused without being inflated or decoded whole.
_VALUE_BYTES = MAX_LONG_TEXT_CHARS * 4 + 4


fastread.configure(_VALUE_BYTES)


class _Refused(Exception):
    """A value that is not read as text: too long, or not text at all."""


def _too_long() -> _Refused:
    return _Refused(f"is longer than {MAX_LONG_TEXT_CHARS:,} characters (the longest a field may hold); not read")


def _text(value: pikepdf.Object) -> str:
    if isinstance(value, pikepdf.String):
        if len(bytes(value)) > _VALUE_BYTES:  # the stored string's length, before it is decoded
            raise _too_long()
        return str(value)
    if isinstance(value, Name):
        return str(value)[1:]
    if isinstance(value, pikepdf.Array):  # a multiple-choice list: not ours, but keep every value
        if len(value) > 1000:
            raise _Refused(f"is a list of {len(value):,} values; not read")
        text = ", ".join(_text(v) for v in value)
        if len(text) > MAX_LONG_TEXT_CHARS:
            raise _too_long()
        return text
    if isinstance(value, pikepdf.Stream):  # rich text value stored as a stream
        return _stream_text(value)
    if isinstance(value, (int, decimal.Decimal)) and not isinstance(value, bool):
        return str(value)  # a number some tool stored as a number: the core checks it as text
    if isinstance(value, pikepdf.Dictionary):
        raise _Refused("holds a PDF dictionary instead of text; not read")
    raise _Refused(f"holds a PDF {type(value).__name__.lower()} instead of text; not read")


def _stream_text(stream: pikepdf.Stream) -> str:
    """The text of a value stored as a stream, inflated at most to :data:`_VALUE_BYTES`.

    pikepdf's ``read_bytes`` would inflate the whole stream first (a few megabytes
    of PDF can inflate to gigabytes), so the stored bytes are inflated here, in
    one bounded step. Only what forms use is read: no filter, or FlateDecode.
    """
    filters = stream.get("/Filter")
    if isinstance(filters, pikepdf.Array):
        filters = filters[0] if len(filters) == 1 else filters
    if isinstance(filters, pikepdf.Array) or "/DecodeParms" in stream:
        raise _Refused("is stored with PDF filters forms do not use; not read")
    declared = stream.get("/Length")
    if isinstance(declared, int) and declared > _VALUE_BYTES * 1024:  # a ratio no text value needs
        raise _too_long()
    raw = stream.read_raw_bytes()
    if filters is None:
        data = raw[:_VALUE_BYTES + 1]
    elif filters == Name.FlateDecode:
        try:
            data = zlib.decompressobj().decompress(raw, _VALUE_BYTES + 1)
        except zlib.error:
            raise _Refused("is a damaged compressed stream; not read") from None
    else:
        raise _Refused(f"is stored with the PDF filter {filters}, which forms do not use; not read")
    if len(data) > _VALUE_BYTES:
        raise _too_long()
    if data.startswith((b"\xfe\xff", b"\xff\xfe")):
        return data.decode("utf-16", "replace")
    return data.decode("utf-8", "replace")


def _value(tf: TerminalField) -> str | bool | None:
    if tf.is_checkbox:
        state = tf.value
        if state is None:  # some tools only set the widget's appearance state
            state = next((w.get("/AS") for w in tf.widgets if "/AS" in w and w.get("/AS") is not None), None)
        return state is not None and str(state) not in ("/Off", "")
    if tf.value is None:
        return None
    return _text(tf.value)


def _kind(patterns: list[str], title: Callable[[], str]) -> Kind | None:
    scores = {kind: sum(p in catalogue(kind).by_path for p in patterns) for kind in KINDS}
    best = max(scores.values())
    if best == 0:
        return None
    leaders = [k for k in KINDS if scores[k] == best]
    if len(leaders) == 1:
        return leaders[0]
    wanted = title().strip().lower()  # only the shared fields (names of the pair): the title decides
    for kind in leaders:
        if wanted == TITLES[kind].lower():
            return kind
    return leaders[0]


@contextlib.contextmanager
def _input(source: bytes) -> Iterator[tuple[BinaryIO, pikepdf.AccessMode]]:
    """The bytes as a stream qpdf reads fast.

    qpdf reads a Python stream (BytesIO) through a call back into Python for
    every read, which made reading a form twice as slow as parsing it. A memory
    file (Linux) can be memory-mapped, so qpdf reads the bytes directly. Where
    there is none, BytesIO does the same job more slowly.
    """
    fd = -1
    if source and hasattr(os, "memfd_create"):
        try:
            fd = os.memfd_create("mentoring-docs-form", os.MFD_CLOEXEC)
        except OSError:  # not allowed here (a sandbox): read from memory instead
            fd = -1
    if fd < 0:
        yield io.BytesIO(source), pikepdf.AccessMode.default
        return
    with open(fd, "w+b") as stream:
        stream.write(source)
        stream.flush()
        stream.seek(0)
        yield stream, pikepdf.AccessMode.mmap


def read_form(source: bytes, *, name: str, password: str | None = None) -> RawForm:
    """The kind of a completed form, its raw values by concrete dotted path, values not
    read, and the field extension it was made with (see :mod:`.extension_info`).

    A value that is not text (a dictionary) or is longer than any field may hold
    is not read but returned as a problem with its path; a stream is never
    inflated past that length. A damaged or over-long record of the extension is
    a problem on ``program_questions``.

    Raises :class:`FormError` naming ``name`` for a file that is not a readable
    form of ours: not a PDF, damaged or cut short, encrypted without the right
    password, with no fields of ours, or with a field tree that loops.
    """
    fast = fastread.read(source, _learn)
    if fast is not None:
        return RawForm(*fast)
    with _input(source) as (stream, mode):
        return _read(stream, mode, name=name, password=password)


_OBJECT_START = re.compile(rb"\d+[\x00\t\n\x0c\r ]+\d+[\x00\t\n\x0c\r ]+obj")


def _cut_in_an_update(stream: BinaryIO) -> bool:
    """Whether an object starts after the file's last ``%%EOF`` near its end: an incremental update cut short.

    qpdf looks for ``startxref`` among the file's last bytes only; when the file was cut
    just after a revision, it finds that revision's and reads it without a warning (a
    filled form cut just after its blank would read as the blank, empty). Cut further
    on, qpdf rebuilds the cross-reference table and says so.
    """
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(max(0, size - _TAIL_BYTES))
    tail = stream.read()
    stream.seek(0)
    end = tail.rfind(b"%%EOF")
    return end >= 0 and _OBJECT_START.search(tail, end) is not None


#: Bytes at the end of a file looked at for an update cut short (qpdf looks for startxref in its last 1,054).
_TAIL_BYTES = 4096


def _learn(data: bytes) -> fastread.Blank | None:
    """What the careful reading finds in a blank form (for :mod:`.fastread`), or None if it is not a clean one."""
    try:
        with _input(data) as (stream, mode):
            pdf = pikepdf.open(stream, access_mode=mode, inherit_page_attributes=False)
            with pdf:
                found: list[Problem] = []
                fields = []
                for tf in terminal_fields(pdf):
                    if len(tf.name) > MAX_FIELD_NAME_CHARS:
                        return None
                    if tf.has_value:
                        fields.append(tf)
                if pdf.get_warnings() or not fields:
                    return None
                patterns = [pattern_of(tf.name) for tf in fields]
                kind = _kind(patterns, lambda: _title(pdf))
                if kind is None:
                    return None
                extension, damaged = stored_extension(pdf)
                if damaged is not None:
                    found.append(damaged)
                return fastread.blank_from(pdf, data, kind=kind, extension=extension, problems=found,
                                           fields=fields, ours=catalogue(kind, extension).by_path,
                                           pattern_of=pattern_of)
    except (pikepdf.PdfError, FieldTreeError, ValueError, RuntimeError, TypeError, fastread.Unsure):
        return None


def _read(stream: BinaryIO, mode: pikepdf.AccessMode, *, name: str,
          password: str | None) -> RawForm:
    if _cut_in_an_update(stream):
        raise FormError(name, "the PDF is damaged or cut short (an update after its last end-of-file marker)")
    try:
        # Pages are never looked at: do not let qpdf walk the page tree on opening.
        pdf = pikepdf.open(stream, password=password or "", access_mode=mode, inherit_page_attributes=False)
    except pikepdf.PasswordError:
        if password:
            raise FormError(name, "wrong password for this encrypted PDF") from None
        raise FormError(name, "the PDF is encrypted; give its password (--password)") from None
    except pikepdf.PdfError as exc:
        raise FormError(name, f"not a readable PDF ({_first_line(exc)})") from None
    except (ValueError, RuntimeError) as exc:
        raise FormError(name, f"not a readable PDF ({_first_line(exc)})") from None
    with pdf:
        found: list[Problem] = []
        try:
            fields = []
            for tf in terminal_fields(pdf):
                if len(tf.name) > MAX_FIELD_NAME_CHARS:  # no field of ours; and not worth matching
                    found.append(Problem("", f"a field name {len(tf.name):,} characters long (at most "
                                             f"{MAX_FIELD_NAME_CHARS}); that field is not read"))
                elif tf.has_value:
                    fields.append(tf)
            damage = [w for w in pdf.get_warnings() if any(d.lower() in w.lower() for d in _DAMAGE)]
        except FieldTreeError as exc:
            raise FormError(name, str(exc)) from None
        except pikepdf.PdfError as exc:
            raise FormError(name, f"damaged PDF ({_first_line(exc)})") from None
        if damage:
            raise FormError(name, "the PDF is damaged or cut short (" + _first_line(Exception(damage[0])) + ")")
        if not fields:
            raise FormError(name, "the PDF has no form fields")
        patterns = [pattern_of(tf.name) for tf in fields]
        kind = _kind(patterns, lambda: _title(pdf))
        if kind is None:
            raise FormError(name, "none of the PDF's form fields belongs to a mentoring agreement or action plan")
        extension, damaged = stored_extension(pdf)
        if damaged is not None:
            found.append(damaged)
        ours = catalogue(kind, extension).by_path
        raw: dict[str, str | bool | None] = {}
        for tf, pattern in zip(fields, patterns):
            try:
                value = _value(tf)
            except _Refused as exc:
                found.append(Problem(tf.name, str(exc)))
                continue
            # Fields that are not ours (a Submit button, a stamp) only matter when
            # someone typed into them: then the core reports them instead of dropping them.
            if pattern not in ours and value in (None, "", False):
                continue
            raw[tf.name] = value
        return RawForm(kind, raw, found, extension)


def _title(pdf: pikepdf.Pdf) -> str:
    try:
        return str(pdf.docinfo.get("/Title", ""))
    except (pikepdf.PdfError, ValueError):
        return ""


def _first_line(exc: BaseException) -> str:
    # qpdf names its input by the Python stream's repr; the user knows the file by name.
    text = _STREAM_NAME.sub("", str(exc)).strip()
    return text.splitlines()[0][:160] if text else type(exc).__name__


_STREAM_NAME = re.compile(
    r"(?:stream\s+)?<(?:[^<>]*\bobject at 0x[0-9a-fA-F]+|_io\.\w+ name=[^<>]*)>:?\s*"
)
