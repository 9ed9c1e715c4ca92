"""Which field extension a PDF form was made with, kept in its document information.

The document information dictionary (``/Info``) survives filling by our filler
(which appends to the form), by pdftk, browsers and Acrobat. It holds the
extension's id, digest and definition (canonical JSON), so a reader can read the
form's program questions without the extension file, and tell a wrong one.
"""

from __future__ import annotations

import pikepdf

from ..errors import Problem
from ..extension import SECTION, Extension
from ..extension import stored_extension as from_stored
from ..limits import MAX_EXTENSION_DEFINITION_CHARS

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


def stored_extension(pdf: pikepdf.Pdf) -> tuple[Extension | None, Problem | None]:
    """``(extension, problem)``: the extension a form keeps, and what is wrong when it cannot be used.

    The form may come from anyone: a definition that is not a string, longer than
    :data:`~mentoring_docs.limits.MAX_EXTENSION_DEFINITION_CHARS` or not a sound
    extension is a problem, never an exception, and is measured before it is decoded.
    """
    try:
        info = pdf.trailer.get("/Info")
        if not isinstance(info, pikepdf.Dictionary) or DEFINITION_KEY not in info:
            return None, None
        ext_id, digest = _text(info.get(ID_KEY)), _text(info.get(DIGEST_KEY))
        stored = info.get(DEFINITION_KEY)
        if not isinstance(stored, pikepdf.String):
            return None, Problem(SECTION, f"the form's {DEFINITION_KEY[1:]} entry is not text; "
                                          "its program questions are not typed or checked")
        # UTF-16 takes at most 4 bytes a character (plus its byte-order mark): the
        # bytes alone tell an over-long definition, without decoding megabytes.
        size = len(bytes(stored))
        if size > 4 * MAX_EXTENSION_DEFINITION_CHARS + 2:
            return None, Problem(SECTION, f"the form says it was made with the field extension {ext_id!r}, but "
                                          f"the definition it keeps is {size:,} bytes long (at most "
                                          f"{MAX_EXTENSION_DEFINITION_CHARS:,} characters are allowed); "
                                          "its program questions are not typed or checked")
        definition = str(stored)
    except (pikepdf.PdfError, ValueError, TypeError, UnicodeError):
        return None, Problem(SECTION, "the form's record of its field extension cannot be read; "
                                      "its program questions are not typed or checked")
    return from_stored(ext_id, digest, definition)


def _text(value: object) -> str:
    """A short string entry of the document information (an id, a digest); anything else is empty."""
    if not isinstance(value, pikepdf.String) or len(bytes(value)) > _MAX_NAME_BYTES:
        return ""
    return str(value)


#: An id is at most 64 characters and a digest 16: anything longer is not ours.
_MAX_NAME_BYTES = 4 * 64 + 2
