"""Folder names that are safe on every file system, and unique within one output folder.

A pair's folder is named from people's names, which may hold anything: slashes,
``..``, control characters, any script. :func:`safe_name` turns such text into one
path component that Linux, macOS and Windows all accept and that cannot point
anywhere but where it is put; :class:`UniqueNames` hands out each name once,
adding a stable `` (2)``, `` (3)``... to later rows that would collide.
"""

from __future__ import annotations

import re
import unicodedata

from ..kinds import cli_name
from .digests import DigestSet, digest

#: The default folder name: the mentee's name, then the mentor's.
DEFAULT_NAME = "{mentee.name} - {mentor.name}"

#: Longest folder name, in UTF-8 bytes. File systems allow 255 bytes (ext4, APFS)
#: or 255 UTF-16 units (NTFS); staying well below leaves room for the rest of a
#: path on Windows, where whole paths are limited too.
MAX_NAME_BYTES = 120

#: What a name becomes when nothing usable is left of it.
FALLBACK = "pair"

# Reserved by Windows (and refused by many sync tools) in file names: the ASCII
# punctuation below, C0 and C1 control characters, and Unicode's bidirectional
# overrides, which can make a name display as something it is not.
_FORBIDDEN = re.compile(
    '[<>:"/\\\\|?*\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]'
)
_SPACES = re.compile(r"\s+")
_DOTS = re.compile(r"\.{2,}")
_UNDERSCORES = re.compile(r"_{2,}")
# Windows refuses these as a name or as the part before the first dot, in any case.
_WINDOWS_RESERVED = re.compile(
    r"(?i)^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)"
)


def safe_name(text: str, *, max_bytes: int = MAX_NAME_BYTES, fallback: str = FALLBACK) -> str:
    """One path component made from ``text``, safe on every common file system.

    Runs of white space (tabs and line breaks too) become one space; path
    separators, characters Windows reserves and control characters become ``_``;
    ``..`` cannot occur; leading and trailing spaces, dots and underscores go
    (Windows drops trailing dots, and a leading dot hides a file), and so do
    leading ``-``, ``=``, ``+`` and ``@``; Windows device names such as ``CON`` or
    ``nul.txt`` get a ``_`` appended; the result is cut to ``max_bytes`` UTF-8
    bytes without splitting a character. Letters of every script are kept, in NFC form.
    """
    name = unicodedata.normalize("NFC", text)
    name = _SPACES.sub(" ", name)
    name = _FORBIDDEN.sub("_", name)
    name = _DOTS.sub(".", name)
    name = _UNDERSCORES.sub("_", name)
    name = _trim(name)
    name = _cut(name, max_bytes)
    if not name:
        return fallback
    if _WINDOWS_RESERVED.match(name):
        stem, dot, rest = name.partition(".")
        name = _cut(f"{stem}_{dot}{rest}", max_bytes)
    return name


def _trim(name: str) -> str:
    # A leading "-" reads as an option to command-line tools, and "=", "+", "@"
    # as a formula when the manifest is opened in a spreadsheet.
    return name.strip(" ._").lstrip("-+=@ ._")


def _cut(name: str, max_bytes: int) -> str:
    """``name`` shortened to ``max_bytes`` UTF-8 bytes, at a character boundary."""
    raw = name.encode("utf-8")
    if len(raw) <= max_bytes:
        return name
    cut = raw[:max_bytes].decode("utf-8", errors="ignore")
    # Do not leave a base letter separated from its accents, or a dangling joiner.
    while cut and (unicodedata.category(cut[-1]).startswith("M") or cut[-1] in "\u200c\u200d"):
        cut = cut[:-1]
    return _trim(cut)


def collision_key(name: str) -> str:
    """The form under which two names clash on case-insensitive file systems (Windows, macOS)."""
    return unicodedata.normalize("NFC", name).casefold()


class UniqueNames:
    """Hands out folder names, each once; a name already taken gets `` (2)``, `` (3)``...

    Names are compared as case-insensitive file systems compare them. The suffix
    depends only on the order in which names are asked for, so the same roster
    always gives the same folders.
    """

    def __init__(self, reserved: tuple[str, ...] = (), *, max_bytes: int = MAX_NAME_BYTES) -> None:
        self.max_bytes = max_bytes
        # A 64-bit digest of each key stands for the name, in a compact table:
        # a roster of many thousand rows costs a few hundred kilobytes.
        self._taken = DigestSet()
        # For a name that clashed: the last suffix number it was given (only clashing names are kept).
        self._last: dict[int, int] = {}
        for name in reserved:
            self._taken.add(digest(collision_key(name)))

    def claim(self, name: str) -> str:
        """``name`` itself if still free, otherwise ``name (n)`` with the lowest free ``n``."""
        key = digest(collision_key(name))
        if self._taken.add(key):
            return name
        # Start after the last suffix this name was given: thousands of rows with the
        # same name would otherwise try (2), (3)... again each time (quadratic).
        number = self._last.get(key, 1)
        while True:
            number += 1
            suffix = f" ({number})"
            candidate = _cut(name, self.max_bytes - len(suffix.encode("utf-8"))) + suffix
            if self._taken.add(digest(collision_key(candidate))):
                self._last[key] = number
                return candidate


class NamePattern:
    """A folder name pattern such as ``{mentee.name} - {mentor.name}``.

    Placeholders in braces name a field (any column header works: a dotted path or
    a label) or ``row`` / ``agreement_id``; ``{{`` and ``}}`` stand for braces. The
    filled-in pattern is passed through :func:`safe_name`, so it never makes more
    than one folder level whatever it contains.
    """

    _PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.parts: list[tuple[bool, str]] = []  # (is a placeholder, text or key)
        position = 0
        for match in self._PLACEHOLDER.finditer(pattern):
            self.parts.append((False, pattern[position:match.start()]))
            token = match.group()
            if token in ("{{", "}}"):
                self.parts.append((False, token[0]))
            elif match.group(1) is None:
                raise ValueError(f"unbalanced {token!r} in name pattern {pattern!r}; write {token * 2} for a brace")
            elif not match.group(1).strip():
                raise ValueError(f"empty {{}} in name pattern {pattern!r}")
            else:
                self.parts.append((True, match.group(1).strip()))
            position = match.end()
        self.parts.append((False, pattern[position:]))
        self.keys: tuple[str, ...] = tuple(dict.fromkeys(text for is_key, text in self.parts if is_key))

    def format(self, values: dict[str, str]) -> str:
        """The pattern with each placeholder replaced by ``values[key]`` (empty when missing)."""
        return "".join(values.get(text, "") if is_key else text for is_key, text in self.parts)


def file_name(kind: str, fmt: str) -> str:
    """The name of a pair's document: ``agreement.docx``, ``action-plan.pdf``..."""
    return f"{cli_name(kind)}.{fmt}"
