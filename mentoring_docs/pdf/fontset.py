"""Which font draws each character: the bundled font, then the user's, then the system's.

A :class:`FontChain` answers "which font has this character?" in a fixed order:

1. the DejaVu Sans subset the blank forms embed (the characters of Windows-1252);
2. the wider DejaVu Sans subset shipped with it (Latin extensions, Greek, Cyrillic),
   subset per document like any other font;
3. fonts the user names (``--font FILE``; ``.ttf``, ``.otf``, or every font of a ``.ttc``);
4. system fonts: fontconfig (``fc-match``) on Linux and other Unix systems, the usual
   font folders on macOS and Windows.

Fonts are loaded through HarfBuzz (``uharfbuzz``) once per process (:func:`load_face`)
and shared by every chain; system fonts are looked up only for characters the
earlier fonts lack, and the answer is remembered.
"""

from __future__ import annotations

import functools
import os
import re
import struct
import sys
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # HarfBuzz loads with the first font (~14 ms): a fill of plain text never needs it
    import uharfbuzz as hb

from ..errors import MentoringDocsError
from ..limits import MAX_FONT_BYTES
from ..safe_read import FileRefused, check_regular
from .font import FORMS_FONT_FILE, font_bytes, metrics

#: Font file extensions we load.
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")


class Face:
    """One font (a file, or one font of a collection), ready to shape and to subset."""

    def __init__(self, blob: hb.Blob, index: int, label: str, *, bundled: bool = False) -> None:
        import uharfbuzz as hb

        self.label = label
        self.index = index
        self.bundled = bundled
        self.face = hb.Face(blob, index)
        self.font = hb.Font(self.face)
        self.upem: int = self.face.upem
        #: every code point the font maps to a glyph
        self.codepoints: frozenset[int] = frozenset(self.face.unicodes)
        self.is_cff = "CFF " in self.face.table_tags
        extents = self.font.get_font_extents("ltr")
        self.ascent = round(extents.ascender * 1000 / self.upem)
        self.descent = round(extents.descender * 1000 / self.upem)
        head = self.face.reference_table("head").data
        #: xMin, yMin, xMax, yMax of every glyph, in font units
        self.bbox: tuple[int, int, int, int] = struct.unpack(">hhhh", head[36:44]) if len(head) >= 44 else (0, 0, 0, 0)
        name = self.face.get_name(hb.OTNameIdPredefined.POSTSCRIPT_NAME) or label
        #: a PostScript name safe in a PDF name object
        self.postscript_name = re.sub(r"[^A-Za-z0-9-]", "", name)[:60] or "Font"
        #: advance widths (1/1000 em, two decimals) of the glyphs used so far, as the PDF font says
        self.widths: dict[int, float] = {}
        self._subset_source: hb.Face | None = None
        self._subset_uses = 0

    def has(self, code: int) -> bool:
        """Whether the font maps the code point ``code`` to a glyph."""
        return code in self.codepoints

    def advance(self, gid: int) -> float:
        """The glyph's own advance width, in 1/1000 em."""
        return self.font.get_glyph_h_advance(gid) * 1000 / self.upem

    def subset_source(self) -> hb.Face:
        """The face to subset from: preprocessed once it is used again (a big font
        takes most of a second to preprocess, then a fraction of a millisecond to subset)."""
        if self._subset_source is not None:
            return self._subset_source
        self._subset_uses += 1
        if self._subset_uses >= 2:
            import uharfbuzz as hb

            self._subset_source = hb.subset_preprocess(self.face)
            return self._subset_source
        return self.face


@functools.lru_cache(maxsize=None)
def load_face(path: str, index: int = 0) -> Face:
    """The font at ``path`` (``index`` in a collection), loaded once per process."""
    import uharfbuzz as hb

    try:
        blob = hb.Blob.from_file_path(path)
    except Exception:
        raise MentoringDocsError(f"{path}: cannot read the font file") from None
    face = Face(blob, index, f"{Path(path).name}" + (f" #{index}" if index else ""))
    if face.upem <= 0 or not face.codepoints:
        raise MentoringDocsError(f"{path}: not a font we can use (no characters)")
    return face


@functools.lru_cache(maxsize=1)
def bundled_face() -> Face:
    """The bundled DejaVu Sans subset, the same font program the blank forms embed."""
    import uharfbuzz as hb

    return Face(hb.Blob(metrics().data), 0, "DejaVu Sans (bundled)", bundled=True)


@functools.lru_cache(maxsize=1)
def packaged_face() -> Face:
    """The wider DejaVu Sans subset shipped with the package (Greek, Cyrillic, Latin extensions):
    not in the blank forms, so subset per document for the glyphs a value needs."""
    import uharfbuzz as hb

    return Face(hb.Blob(font_bytes(FORMS_FONT_FILE)), 0, "DejaVu Sans (bundled, extended)")


def user_faces(files: Iterable[str | os.PathLike[str]]) -> list[Face]:
    """Every font in ``files`` (all fonts of a collection), in order; a bad file is an error naming it."""
    faces: list[Face] = []
    for file in files:
        path = Path(file)
        try:  # HarfBuzz maps the file by name: refuse FIFOs, devices and huge files first
            check_regular(path, limit=MAX_FONT_BYTES)
        except FileRefused as exc:
            raise MentoringDocsError(f"{path}: font file not found" if exc.missing
                                     else f"{path}: font file {exc.reason}") from None
        if path.suffix.lower() not in FONT_SUFFIXES:
            raise MentoringDocsError(f"{path}: not a font file (use .ttf, .otf or .ttc)")
        first = load_face(str(path.resolve()), 0)
        faces.append(first)
        count = first.face.count if path.suffix.lower() in (".ttc", ".otc") else 1
        faces.extend(load_face(str(path.resolve()), i) for i in range(1, count))
    return faces


# -- system fonts ----------------------------------------------------------------------


def _fc_match(code: int) -> list[tuple[str, int]]:
    """Fonts fontconfig suggests for one character, best first."""
    import shutil  # here and below: only a character no bundled font has looks for system fonts
    import subprocess

    exe = shutil.which("fc-match")
    if exe is None:
        return []
    try:
        done = subprocess.run([exe, "-s", "--format", "%{file}|%{index}\n", f"sans-serif:charset={code:x}"],
                              capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    out = []
    for line in done.stdout.splitlines()[:8]:  # fonts with the character come first
        file, _, index = line.rpartition("|")
        if file and Path(file).suffix.lower() in FONT_SUFFIXES:
            out.append((file, int(index or 0)))
    return out


def _font_folders() -> list[Path]:
    if sys.platform == "darwin":
        return [Path("/System/Library/Fonts"), Path("/Library/Fonts"), Path.home() / "Library" / "Fonts"]
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        local = Path(os.environ.get("LOCALAPPDATA", str(Path.home())))
        return [windir / "Fonts", local / "Microsoft" / "Windows" / "Fonts"]
    return [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local" / "share" / "fonts"]


@functools.lru_cache(maxsize=1)
def _folder_fonts() -> tuple[str, ...]:
    """Font files in the usual folders (where there is no fontconfig), sans-serif names first."""
    found: list[str] = []
    for folder in _font_folders():
        if folder.is_dir():
            found += [str(p) for p in folder.rglob("*") if p.suffix.lower() in FONT_SUFFIXES]
    # Prefer regular sans-serif faces: the forms' own font is a regular sans.
    return tuple(sorted(found, key=lambda f: ("Sans" not in f, "Bold" in f or "Italic" in f, f)))


class SystemFonts:
    """System fonts, looked up per character on demand and remembered for the process."""

    def __init__(self) -> None:
        self._by_code: dict[int, Face | None] = {}
        self._faces: list[Face] = []

    def face_for(self, code: int) -> Face | None:
        """A system font with a glyph for ``code``, or None."""
        if code in self._by_code:
            return self._by_code[code]
        found = next((f for f in self._faces if f.has(code)), None)
        # Unassigned and private-use code points: no system font is worth a search.
        if found is None and unicodedata.category(chr(code)) not in ("Cn", "Co", "Cs"):
            import shutil

            candidates = _fc_match(code) if shutil.which("fc-match") else [(f, 0) for f in _folder_fonts()]
            for file, index in candidates:
                try:
                    face = load_face(file, index)
                except MentoringDocsError:
                    continue
                if face.has(code):
                    found = face
                    self._faces.append(face)
                    break
        self._by_code[code] = found
        return found


_SYSTEM = SystemFonts()


class FontChain:
    """The fallback chain of one filler: bundled font, user fonts, then (optionally) system fonts."""

    def __init__(self, fonts: Iterable[str | os.PathLike[str]] = (), *, system: bool = True) -> None:
        self._user = user_faces(fonts)  # now: a bad font file is an error before any value is drawn
        self.system = _SYSTEM if system else None
        self._cache: dict[int, Face | None] = {}

    @functools.cached_property
    def bundled(self) -> Face:
        """The bundled font, loaded (with HarfBuzz) when a value first needs shaping."""
        return bundled_face()

    @functools.cached_property
    def faces(self) -> list[Face]:
        """The bundled fonts, then the user's, in the order they are tried."""
        return [self.bundled, packaged_face()] + self._user

    def face_for(self, code: int) -> Face | None:
        """The first font of the chain with a glyph for ``code`` (None: no font has it)."""
        try:
            return self._cache[code]
        except KeyError:
            pass
        found = next((f for f in self.faces if f.has(code)), None)
        if found is None and self.system is not None:
            found = self.system.face_for(code)
        self._cache[code] = found
        return found


def describe_missing(chars: Iterable[str]) -> str:
    """``王 (U+738B), 芳 (U+82B3)`` for a warning."""
    return ", ".join(f"{c} (U+{ord(c):04X})" for c in chars)


def package_hint(chars: Iterable[str]) -> str:
    """The Debian package with Noto fonts for these characters."""
    for c in chars:
        name = unicodedata.name(c, "")
        if name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "IDEOGRAPHIC")):
            return "fonts-noto-cjk"
    return "fonts-noto-core"
