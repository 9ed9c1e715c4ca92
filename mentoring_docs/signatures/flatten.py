"""A flat copy of a signed agreement: every value and signature drawn into the page.

People ask for a "final" PDF to print or archive. Flattening rewrites the whole
file, which would break the signatures, so it never happens in place: the copy is
a new file, the signed original is left as it is, and the caller is told that a
signature drawn into a page is a picture that proves nothing.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from ..errors import MentoringDocsError
from ..atomic import atomic_write
from ..limits import MAX_FORM_BYTES
from ..safe_read import read_regular
from ..pdf.filler import flatten_form
from .detect import seen_signatures

NO_PROOF = ("the signatures drawn in this copy are pictures only: they carry no proof of who signed or "
            "that nothing changed; keep the signed original")


@dataclass
class FlatCopy:
    """The copy written, and whose signatures it shows as pictures."""

    path: Path
    drawn_signatures: list[str] = field(default_factory=list)

    @property
    def warning(self) -> str | None:
        """What to tell the user about the drawn signatures (None when there are none)."""
        if not self.drawn_signatures:
            return None
        return f"{self.path}: {NO_PROOF} ({', '.join(self.drawn_signatures)})"


def flatten_copy(source: str | os.PathLike[str], out: str | os.PathLike[str], *, password: str | None = None,
                 overwrite: bool = False) -> FlatCopy:
    """Write a flat copy of the form ``source`` to ``out`` (never over ``source`` itself).

    Field values and signature appearances are drawn into the pages; no field is
    left. The signed original keeps its signatures; the copy's drawn signatures
    carry no proof (:attr:`FlatCopy.warning` says so).
    """
    src, target = Path(source), Path(out)
    blob = read_regular(src, MAX_FORM_BYTES, label=str(source))
    if target.exists() and target.resolve() == src.resolve():
        raise MentoringDocsError(f"{out}: is the file to flatten; write the flat copy to another file")
    seen = seen_signatures(blob, password)
    drawn = sorted({s.party or s.field for s in seen}, key=str)
    try:
        pdf = pikepdf.open(io.BytesIO(blob), password=password or "")
    except pikepdf.PasswordError:
        raise MentoringDocsError(f"{source}: the PDF is encrypted; give its password") from None
    except pikepdf.PdfError as exc:
        raise MentoringDocsError(f"{source}: not a readable PDF ({exc})") from None
    with pdf:
        flatten_form(pdf)  # the same flattening as fill --flatten
        buffer = io.BytesIO()
        pdf.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return FlatCopy(atomic_write(target, buffer.getvalue(), overwrite=overwrite), drawn)
