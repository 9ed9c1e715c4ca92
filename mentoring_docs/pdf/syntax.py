"""The few pieces of PDF syntax we write by hand (the fast fill path writes raw bytes)."""

from __future__ import annotations


def _escape(raw: bytes) -> bytes:
    # Inside a literal string only the backslash and parentheses are special; a raw
    # CR would be read back as LF, so line breaks are escaped too.
    if b"\\" in raw:
        raw = raw.replace(b"\\", b"\\\\")
    if b"(" in raw or b")" in raw:
        raw = raw.replace(b"(", b"\\(").replace(b")", b"\\)")
    if b"\r" in raw or b"\n" in raw:
        raw = raw.replace(b"\r", b"\\r").replace(b"\n", b"\\n")
    return raw


#: Escapes of a plain ASCII value, as one ``str.translate`` (the line breaks and tab escaped too,
#: so that what is left must be printable).
_ASCII_ESCAPES = str.maketrans({"\\": "\\\\", "(": "\\(", ")": "\\)", "\r": "\\r", "\n": "\\n", "\t": "\\t"})


def text_string(text: str) -> bytes:
    """A PDF text string for any Unicode ``text``, as a literal ``(...)``.

    Plain ASCII stays readable (PDFDocEncoding); anything else is UTF-16BE with a
    byte-order mark. Literal rather than hex strings: they are half the size, and
    parsers read them several times faster.
    """
    if text.isascii():
        if text.isprintable():
            return b"(" + _escape(text.encode("ascii")) + b")"
        escaped = text.translate(_ASCII_ESCAPES)
        if escaped.isprintable():
            return b"(" + escaped.encode("ascii") + b")"
    return b"(" + _escape(b"\xfe\xff" + text.encode("utf-16-be")) + b")"


def number(value: float) -> bytes:
    """A compact PDF number (at most two decimals)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return (text if text not in ("", "-0") else "0").encode("ascii")
