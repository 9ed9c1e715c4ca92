"""What a file's signatures look like without validating them, and the write guards.

Everything here works without pyHanko: it finds signed signature fields and the
byte ranges they cover (pikepdf), and XML signature parts in Word files. The
writers (``fill``, ``batch``) ask :func:`is_signed` before replacing a file or
rewriting a template, because any rewrite breaks a signature.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pikepdf

from ..errors import MentoringDocsError

#: The parties whose signatures the agreement holds, in form order.
PARTIES: tuple[str, ...] = ("mentor", "mentee", "coordinator", "line_manager")

#: Word keeps XML digital signatures in parts under this folder of the package.
DOCX_SIGNATURE_FOLDER = "_xmlsignatures/"

_SIG_FIELD = re.compile(r"^signatures\.(mentor|mentee|coordinator|line_manager)(?:\.signature)?$")


class SignedDocumentError(MentoringDocsError):
    """Refused to write something that would break a digital signature."""


@dataclass
class SeenSignature:
    """A signed signature field as the file shows it (not validated)."""

    field: str                      # fully qualified field name
    party: str | None               # whose it is, by name or by where it sits on the page
    page: int | None
    rect: tuple[float, float, float, float] | None
    byte_range: tuple[int, ...]
    covers_whole_file: bool         # False: updates were appended after this signature


def party_of_field(name: str) -> str | None:
    """The party a signature field of ours belongs to, by its name."""
    match = _SIG_FIELD.match(name)
    return match.group(1) if match else None


def pdf_has_signature(blob: bytes) -> bool:
    """A fast test (no parsing): a signed PDF has a signature dictionary with a /ByteRange."""
    return b"/ByteRange" in blob


def docx_has_signature(blob: bytes) -> bool:
    """Whether a Word package holds an XML digital signature part."""
    if DOCX_SIGNATURE_FOLDER.encode() not in blob:  # the name is stored plainly in the ZIP directory
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as package:
            return any(n.startswith(DOCX_SIGNATURE_FOLDER) for n in package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def is_signed(blob: bytes) -> bool:
    """Whether ``blob`` (a PDF or a Word file) carries a digital signature."""
    if blob[:5] == b"%PDF-" or blob.lstrip()[:5] == b"%PDF-":
        return pdf_has_signature(blob) and bool(seen_signatures(blob))
    if blob[:2] == b"PK":
        return docx_has_signature(blob)
    return False


def refuse_if_signed(blob: bytes, what: str, action: str) -> None:
    """Raise :class:`SignedDocumentError` when ``blob`` is signed: ``action`` would break it."""
    if is_signed(blob):
        raise SignedDocumentError(
            f"{what} is digitally signed; {action} would break its signature "
            "(signing must come last: fill, then sign)")


def _field_name(obj: pikepdf.Object) -> str:
    import pikepdf  # here, not at module level: a Word fill must not load it
    parts: list[str] = []
    seen = set()
    node: pikepdf.Object | None = obj
    while isinstance(node, pikepdf.Dictionary) and len(parts) < 32:
        if node.objgen != (0, 0):
            if node.objgen in seen:
                break
            seen.add(node.objgen)
        if "/T" in node:
            parts.append(str(node.get("/T")))
        node = node.get("/Parent")
    return ".".join(reversed(parts))


def _inherited(obj: pikepdf.Object, key: str) -> pikepdf.Object | None:
    import pikepdf  # here, not at module level: a Word fill must not load it
    node: pikepdf.Object | None = obj
    for _ in range(32):
        if not isinstance(node, pikepdf.Dictionary):
            return None
        if key in node:
            return node.get(key)
        node = node.get("/Parent")
    return None


def signature_widgets(pdf: pikepdf.Pdf) -> list[tuple[pikepdf.Object, int, str]]:
    """Every signature widget on the pages: (widget, page index, field name)."""
    import pikepdf  # here, not at module level: a Word fill must not load it
    found: list[tuple[pikepdf.Object, int, str]] = []
    for index, page in enumerate(pdf.pages):
        annots = page.obj.get("/Annots")
        if not isinstance(annots, pikepdf.Array):
            continue
        for annot in annots:
            if not isinstance(annot, pikepdf.Dictionary) or annot.get("/Subtype") != pikepdf.Name.Widget:
                continue
            if _inherited(annot, "/FT") != pikepdf.Name.Sig:
                continue
            found.append((annot, index, _field_name(annot)))
    return found


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(w, 0.0) * max(h, 0.0)


def _rect(obj: pikepdf.Object) -> tuple[float, float, float, float] | None:
    import pikepdf  # here, not at module level: a Word fill must not load it
    rect = obj.get("/Rect")
    if not isinstance(rect, pikepdf.Array) or len(rect) != 4:
        return None
    x1, y1, x2, y2 = (float(v) for v in rect)
    return (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))


def seen_signatures(blob: bytes, password: str | None = None) -> list[SeenSignature]:
    """Every signed signature field of a PDF, with its party and what its bytes cover.

    A signature made in a field of its own (some tools draw a new box rather than
    use ours) belongs to the party whose signature field it overlaps most.
    """
    import pikepdf  # here, not at module level: a Word fill must not load it
    try:
        pdf = pikepdf.open(io.BytesIO(blob), password=password or "")
    except (pikepdf.PdfError, ValueError, RuntimeError):
        return []
    with pdf:
        widgets = signature_widgets(pdf)
        ours: dict[str, tuple[int, tuple[float, float, float, float]]] = {}
        for annot, page, name in widgets:
            party, rect = party_of_field(name), _rect(annot)
            if party and rect:
                ours[party] = (page, rect)
        out = []
        for annot, page, name in widgets:
            value = _inherited(annot, "/V")
            if not isinstance(value, pikepdf.Dictionary) or "/ByteRange" not in value:
                continue
            rect = _rect(annot)
            party = party_of_field(name)
            if party is None and rect is not None:
                scores = {p: _overlap(rect, r) for p, (pg, r) in ours.items() if pg == page}
                best = max(scores.items(), key=lambda kv: kv[1], default=(None, 0.0))
                party = best[0] if best[1] > 0 else None
            byte_range = tuple(int(v) for v in value.get("/ByteRange", pikepdf.Array()))
            covers = len(byte_range) == 4 and byte_range[2] + byte_range[3] == len(blob)
            out.append(SeenSignature(name, party, page, rect, byte_range, covers))
        return out
