"""Paper sizes of the built-in forms: US Letter (the default) and ISO A4.

Both forms are laid out for each size, never scaled: the content keeps its width
(7 inches, which A4's 8.27 inches holds with narrower side margins) and the taller
A4 page takes more rows before it breaks. Letter is the default because the forms
were first made for US programs; most of the rest of the world prints on A4.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from .errors import MentoringDocsError

PaperName = Literal["letter", "a4"]

#: The paper names the API and the command line accept, default first.
PAPERS: tuple[PaperName, ...] = ("letter", "a4")


class Paper(NamedTuple):
    """One paper size: its name, and its width and height in PDF points (1/72 inch).

    A named tuple, not a dataclass: as immutable, and made at import without the
    generated code a dataclass compiles (every fill imports this module).
    """

    name: PaperName
    width: float
    height: float

    @property
    def twips(self) -> tuple[int, int]:
        """Width and height in twentieths of a point, as Word's ``w:pgSz`` wants them."""
        return round(self.width * 20), round(self.height * 20)


SIZES: dict[str, Paper] = {
    "letter": Paper("letter", 612.0, 792.0),
    "a4": Paper("a4", 595.2756, 841.8898),  # 210 x 297 mm
}


def parse_paper(name: str | None) -> PaperName:
    """The canonical paper name for ``name`` (any case; None means Letter)."""
    if name is None:
        return "letter"
    key = name.strip().lower().replace("-", "").replace(" ", "")
    if key in ("letter", "usletter"):
        return "letter"
    if key == "a4":
        return "a4"
    raise MentoringDocsError(f"unknown paper size {name!r}: use 'letter' or 'a4'")


def suffix(paper: str) -> str:
    """What the built-in template's file name carries for ``paper``: nothing for Letter, ``-a4`` for A4."""
    return "" if parse_paper(paper) == "letter" else f"-{parse_paper(paper)}"
