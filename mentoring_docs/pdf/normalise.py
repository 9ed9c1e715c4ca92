"""Prepare a customised PDF template for the fast filler.

A template restyled in another program may use cross-reference streams, object
streams, ``NeedAppearances`` or fonts without Greek and Cyrillic. Rewriting it
once through qpdf gives the plain layout the filler appends to, and adds our
embedded font to the form's resources so values render the same as on the
built-in forms.
"""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Dictionary, Name

from ..errors import FormError, TemplateError
from .assemble import font_objects, save
from .font import RESOURCE_NAME


def normalise(template: bytes, *, name: str) -> bytes:
    """``template`` rewritten with a classic cross-reference table and our font in /DR."""
    try:
        pdf = pikepdf.open(io.BytesIO(template))
    except pikepdf.PasswordError:
        raise FormError(name, "the template is encrypted; give an unencrypted copy") from None
    except pikepdf.PdfError as exc:
        raise FormError(name, f"not a readable PDF ({str(exc).strip().splitlines()[0]})") from None
    with pdf:
        if pdf.is_encrypted:
            raise FormError(name, "the template is encrypted; give an unencrypted copy")
        acro = pdf.Root.get("/AcroForm")
        if not isinstance(acro, Dictionary) or not acro.get("/Fields"):
            raise TemplateError(f"{name}: the PDF has no form fields")
        if "/NeedAppearances" in acro:
            del acro["/NeedAppearances"]  # we write every appearance ourselves
        if "/XFA" in acro:
            del acro["/XFA"]  # an XFA form would hide the AcroForm values in some viewers
        resources = acro.get("/DR")
        if not isinstance(resources, Dictionary):
            resources = acro.DR = Dictionary()
        fonts = resources.get("/Font")
        if not isinstance(fonts, Dictionary):
            fonts = resources.Font = Dictionary()
        if "/" + RESOURCE_NAME not in fonts:
            fonts[Name("/" + RESOURCE_NAME)] = font_objects(pdf)
        return save(pdf)
