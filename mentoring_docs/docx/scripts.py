"""Writing direction and script of a typed value: the run and paragraph marks Word sets when a person types it.

Word keeps, on each run a person types, what the keyboard told it: text typed
in Arabic or Hebrew is a right-to-left run (``w:rtl``) whose fonts come from the
complex-script slot (``w:rFonts w:hint="cs"``); Chinese, Japanese and Korean
text carries ``w:hint="eastAsia"``, so shared characters (punctuation, quotes)
take the East Asian font; Indic and South-East Asian scripts use the
complex-script font (``w:cs``). A paragraph whose first strong character is
right-to-left is a right-to-left paragraph (``w:bidi``): it starts at the right
margin, and LibreOffice lays it out from its paragraph direction alone.

Direction comes from :func:`unicodedata.bidirectional`, the Unicode bidi class
of each character. That is all the classification needs (strong left, strong
right, or neutral/weak), so no dependency is added for it; the full bidi
algorithm (reordering for display) is the editor's job, not ours.

Only values holding a character of these scripts come here: the compiler
tests ``str.isascii`` and then :func:`needs_marks` (both run in C), so Latin
values are written as before, at the same cost. The character classes of the
scripts are compiled on first use, not at import: compiling them walks every code
point of their ranges in Python (~8 ms), which a fill of Latin text never needs.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from .ooxml import NSMAP, insert_in_order, qn, text_runs_content

#: Blocks whose characters need marks: right-to-left scripts, the complex scripts of
#: South and South-East Asia, and the East Asian ones (CJK, kana, Hangul, full-width forms).
_RTL_BLOCKS = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff"
_COMPLEX_BLOCKS = "\u0900-\u0dff\u0e00-\u0fff\u1000-\u109f\u1780-\u18af\u1a00-\u1aaf\ua8e0-\ua8ff\u1b00-\u1b7f"
_EAST_ASIAN_BLOCKS = ("\u1100-\u11ff\u2e80-\u2fdf\u2ff0-\u30ff\u3100-\u31ff\u3200-\ua4cf\ua960-\ua97f"
                      "\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff")
#: Below this code point no block above starts.
_FIRST_SPECIAL = "\u0590"


@functools.cache
def _special() -> re.Pattern[str]:
    return re.compile(f"[{_RTL_BLOCKS}{_COMPLEX_BLOCKS}{_EAST_ASIAN_BLOCKS}]")


@functools.cache
def _classes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The East Asian and the complex-script character classes."""
    return re.compile(f"[{_EAST_ASIAN_BLOCKS}]"), re.compile(f"[{_COMPLEX_BLOCKS}]")


def needs_marks(text: str) -> bool:
    """Whether ``text`` holds a character of the scripts above (right-to-left, complex or East Asian).

    Text of Western European languages, with its typographic punctuation (dashes, curly
    quotes, the euro sign: all of Windows-1252), is told apart in C without the pattern.
    """
    if text.isascii() or max(text) < _FIRST_SPECIAL:
        return False
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return _special().search(text) is not None
    return False

# Run classes. LATIN is everything written left to right without marks (Latin, Greek, Cyrillic...).
LATIN, RTL, EAST_ASIAN, COMPLEX = "latin", "rtl", "eastAsia", "complex"
_NEUTRAL = ""     # spaces, punctuation, European digits: take the class of their neighbours
_ATTACHED = "+"   # combining marks and joiners: always stay with the character before them

#: The font the complex-script slot names for each script, as Windows ships them (Word
#: falls back to them too); LibreOffice, lacking one, takes any installed font with the glyphs.
_COMPLEX_FONTS = (
    ("\u0900", "\u0dff", "Nirmala UI"),       # Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil, ... Sinhala
    ("\u0e00", "\u0eff", "Leelawadee UI"),    # Thai, Lao
    ("\u0f00", "\u0fff", "Microsoft Himalaya"),  # Tibetan
    ("\u1000", "\u109f", "Myanmar Text"),
    ("\u1780", "\u17ff", "Khmer UI"),
)


def _class(ch: str, east_asian: re.Pattern[str], complex_script: re.Pattern[str]) -> str:
    bidi = unicodedata.bidirectional(ch)
    if bidi in ("R", "AL", "AN"):  # Arabic-Indic digits are typed on the Arabic keyboard
        return RTL
    if east_asian.match(ch):
        return EAST_ASIAN
    if bidi == "L":
        return COMPLEX if complex_script.match(ch) else LATIN
    if bidi in ("NSM", "BN"):
        return _ATTACHED
    return _NEUTRAL


def starts_right_to_left(text: str) -> bool:
    """Whether the first strong character of ``text`` is right-to-left (Unicode bidi rule P2, isolates aside)."""
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        if bidi == "L":
            return False
        if bidi in ("R", "AL"):
            return True
    return False


def split_runs(text: str) -> list[tuple[str, str]]:
    """``text`` cut into ``(class, piece)`` runs, as typing it with the matching keyboards gives.

    Neutral characters (spaces, punctuation, European digits) between two
    characters of one class join them; between right-to-left text and other
    text they take the paragraph's direction; at the start or end, their one
    neighbour's class, else the paragraph's. Combining marks stay with the
    character before them, so no grapheme cluster is cut.
    """
    rtl_paragraph = starts_right_to_left(text)
    east_asian, complex_script = _classes()
    classes = [_class(ch, east_asian, complex_script) for ch in text]
    # Combining marks follow the character before them (at the start: the one after).
    for i, cls in enumerate(classes):
        if cls == _ATTACHED:
            classes[i] = classes[i - 1] if i else _NEUTRAL
    n = len(classes)
    i = 0
    while i < n:
        if classes[i] != _NEUTRAL:
            i += 1
            continue
        j = i
        while j < n and classes[j] == _NEUTRAL:
            j += 1
        before = classes[i - 1] if i else None
        after = classes[j] if j < n else None
        classes[i:j] = [_resolve(before, after, rtl_paragraph)] * (j - i)
        i = j
    runs: list[tuple[str, str]] = []
    start = 0
    for k in range(1, n + 1):
        if k == n or classes[k] != classes[start]:
            runs.append((classes[start], text[start:k]))
            start = k
    return runs


def _resolve(before: str | None, after: str | None, rtl_paragraph: bool) -> str:
    if before == after and before is not None:
        return before
    if before == RTL or after == RTL:
        if rtl_paragraph:
            return RTL
        other = after if before == RTL else before
        return other if other is not None else LATIN
    if before == LATIN or after == LATIN:
        # Between Latin and East Asian or Indic text: a space or a bracket typed in
        # Latin mode needs no hint, and one shown in the Latin font looks as typed.
        return LATIN
    if before is not None:
        return before
    if after is not None:
        return after
    return RTL if rtl_paragraph else LATIN


def _complex_font(piece: str) -> str | None:
    for ch in piece:
        for low, high, font in _COMPLEX_FONTS:
            if low <= ch <= high:
                return font
    return None


_RFONTS = qn("w:rFonts")
_RTL = qn("w:rtl")
_HINT = qn("w:hint")
_CS = qn("w:cs")
#: Run properties that come after ``w:rFonts`` / after ``w:rtl`` in the schema's order.
_BEFORE_RFONTS = {qn("w:rStyle")}
_AFTER_RTL = {qn(f"w:{name}") for name in ("cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")}


class RunProps:
    """The ``w:rPr`` of a value's runs for each class, built once from the template's own properties."""

    def __init__(self, run_props: str) -> None:
        self.latin = run_props
        self._base = run_props
        self._by_key: dict[tuple[str, str | None], str] = {}

    def get(self, cls: str, piece: str) -> str:
        """The ``w:rPr`` (with its tags, or "") of a run of class ``cls`` showing ``piece``."""
        if cls == LATIN:
            return self.latin
        font = _complex_font(piece) if cls == COMPLEX else None
        key = (cls, font)
        found = self._by_key.get(key)
        if found is None:
            found = self._by_key[key] = _marked(self._base, cls, font)
        return found


_PREFIX = re.compile(r"(?<=[<\s])([A-Za-z_][\w.-]*):[A-Za-z_]")


def _marked(run_props: str, cls: str, font: str | None) -> str:
    """``run_props`` (a template's ``w:rPr`` text, namespace declarations stripped) with the marks of ``cls``."""
    from lxml import etree  # here: only a value in a marked script needs it, and a render otherwise runs without lxml

    # The text lost its declarations: give each prefix one again (a template may use
    # prefixes we do not know; their URIs do not matter, they are stripped again below).
    known = dict(NSMAP)
    for prefix in set(_PREFIX.findall(run_props)) - set(known) - {"xmlns", "xml"}:
        known[prefix] = f"urn:mentoring-docs:{prefix}"
    decls = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in known.items())
    if run_props:
        props = etree.fromstring(run_props.replace("<w:rPr", f"<w:rPr {decls}", 1))
    else:
        props = etree.fromstring(f"<w:rPr {decls}/>")
    fonts = props.find(_RFONTS)
    if fonts is None:
        fonts = etree.Element(_RFONTS)
        position = sum(1 for child in props if child.tag in _BEFORE_RFONTS)
        props.insert(position, fonts)
    if cls == EAST_ASIAN:
        fonts.set(_HINT, "eastAsia")
    else:
        fonts.set(_HINT, "cs")
        if font is not None and _CS not in fonts.attrib:
            fonts.set(_CS, font)
    if cls == RTL and props.find(_RTL) is None:
        insert_in_order(props, etree.Element(_RTL), _AFTER_RTL)
    text = etree.tostring(props, encoding="unicode")
    return re.sub(r' xmlns:\w+="[^"]*"', "", text)


def value_runs(text: str, props: RunProps) -> str:
    """The ``w:r`` elements showing ``text``, one per run of :func:`split_runs`, each with its marks."""
    return "".join(f"<w:r>{props.get(cls, piece)}{text_runs_content(piece)}</w:r>"
                   for cls, piece in split_runs(text))


__all__ = ["COMPLEX", "EAST_ASIAN", "LATIN", "RTL", "RunProps", "needs_marks", "split_runs", "starts_right_to_left", "value_runs"]
