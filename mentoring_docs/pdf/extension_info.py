"""Which field extension a PDF form was made with, kept in its document information.

The document information dictionary (``/Info``) survives filling by our filler
(which appends to the form), by pdftk, browsers and Acrobat. It holds the
extension's id, digest and definition (canonical JSON), so a reader can read the
form's program questions without the extension file, and tell a wrong one.
"""

from __future__ import annotations

import pikepdf

from ..extension import Extension, from_definition

#: Keys of the document information dictionary (second-class names: no registered prefix needed).
ID_KEY = "/MentoringDocsExtension"
DIGEST_KEY = "/MentoringDocsExtensionDigest"
DEFINITION_KEY = "/MentoringDocsExtensionDefinition"


def store_extension(pdf: pikepdf.Pdf, extension: Extension) -> None:
    """Record ``extension`` in ``pdf``'s document information."""
    info = pdf.docinfo
    info[ID_KEY] = pikepdf.String(extension.id)
    info[DIGEST_KEY] = pikepdf.String(extension.digest)
    info[DEFINITION_KEY] = pikepdf.String(extension.definition)


def stored_extension(pdf: pikepdf.Pdf) -> tuple[Extension | None, str | None]:
    """``(extension, problem)``: the extension a form keeps, and what is wrong when it cannot be used."""
    try:
        info = pdf.trailer.get("/Info")
        if info is None or DEFINITION_KEY not in info:
            return None, None
        ext_id, digest = str(info.get(ID_KEY, "")), str(info.get(DIGEST_KEY, ""))
        definition = str(info[DEFINITION_KEY])
    except (pikepdf.PdfError, ValueError, TypeError):
        return None, None
    extension = from_definition(definition)
    if extension is None or extension.digest != digest:
        return None, (f"the form says it was made with the field extension {ext_id!r} (digest {digest}), "
                      "but the definition it keeps is damaged; its program questions cannot be read")
    return extension, None
