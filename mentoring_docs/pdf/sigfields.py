"""Unsigned digital-signature fields (``/FT /Sig``) on the agreement form.

Each party's signature group (``signatures.mentor``, ``signatures.mentee``,
``signatures.coordinator``, ``signatures.line_manager``) has a typed name and a date;
the form also gets one signature field per party, on the ruled "Signature" line above
the typed name, for Acrobat, Reader or ``mentoring-docs sign`` to sign with a
certificate. The field is placed from the typed name's widget as laid out for the
form's paper, so it follows the name on Letter and A4 alike.

Field names are hierarchical (a period separates partial names), and
``signatures.mentor`` is already the parent of ``signatures.mentor.name``; a PDF
field cannot be both a parent and a signature field, so the signature field is
``signatures.mentor.signature``. These fields are not part of the data model:
the filler and the reader only take text, choice and checkbox fields, so a
signature field is never filled, read as data or reported as unknown.
"""

from __future__ import annotations

from typing import Iterable

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from .layout import LABEL_SIZE, SIGNATURE_LINE_H, Widget

#: The partial name of a party's signature field under its group.
SIGNATURE_KEY = "signature"
#: Annotation flag: print the field with the page.
_F_PRINT = 4


def signature_field_name(party: str) -> str:
    """The fully qualified name of ``party``'s signature field."""
    return f"signatures.{party}.{SIGNATURE_KEY}"


def signature_rect(name_rect: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """Where a party's signature field goes, from its typed-name box.

    The layout paints the signature line row (``SIGNATURE_LINE_H`` high, the rule
    26 points below its top) right above the row of the typed name, whose box
    starts a label's height below that row's top. The field covers the space above
    the rule, so a signature appearance sits on the line.
    """
    x1, _y1, x2, y2 = name_rect
    row_top = y2 + LABEL_SIZE + 3 + SIGNATURE_LINE_H
    rule = row_top - 26
    return (x1, rule, x2, row_top - 1)


def _find(acro: pikepdf.Object, path: str) -> pikepdf.Object | None:
    """The field dictionary named ``path`` in the form's field tree (ours: shallow and loop-free)."""
    level: Iterable[pikepdf.Object] = acro.get("/Fields", Array())
    found = None
    for part in path.split("."):
        found = next((f for f in level if str(f.get("/T", "")) == part), None)
        if found is None:
            return None
        level = found.get("/Kids", Array())
    return found


def add_signature_fields(pdf: pikepdf.Pdf, widgets: Iterable[Widget]) -> list[str]:
    """Add an unsigned signature field above every ``signatures.<party>.name`` box.

    Returns the names of the fields added (none for a form without signatures).
    """
    acro = pdf.Root.get("/AcroForm")
    if acro is None:
        return []
    added = []
    for w in widgets:
        parts = w.path.split(".")
        if len(parts) != 3 or parts[0] != "signatures" or parts[2] != "name":
            continue
        party = parts[1]
        parent = _find(acro, f"signatures.{party}")
        if parent is None:
            continue
        page = pdf.pages[w.page]
        x1, y1, x2, y2 = (round(v, 2) for v in signature_rect(w.rect))
        # "Signatures: Mentor: Signed by" -> "Mentor"
        labels = [part.strip() for part in w.field.full_label.split(":")]
        label = labels[-2] if len(labels) >= 2 else party
        field = pdf.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.Widget, FT=Name.Sig, T=String(SIGNATURE_KEY),
            TU=String(f"{label}: digital signature (click to sign with your digital ID)"),
            Rect=Array([x1, y1, x2, y2]), F=_F_PRINT, P=page.obj, Parent=parent,
        ))
        parent.Kids.append(field)
        annots = page.obj.get("/Annots")
        if annots is None:
            page.obj.Annots = Array([field])
        else:
            annots.append(field)
        added.append(signature_field_name(party))
    return added
