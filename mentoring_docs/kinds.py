"""The two kinds of document mentoring-docs knows, and how users may spell them."""

from __future__ import annotations

from typing import Literal

from .errors import MentoringDocsError

Kind = Literal["agreement", "action_plan"]

#: Canonical kind names, in the order a mentoring relationship produces them.
KINDS: tuple[Kind, ...] = ("agreement", "action_plan")

#: Human titles of each kind, as printed on the forms.
TITLES: dict[str, str] = {
    "agreement": "Mentoring Partnership Agreement",
    "action_plan": "Mentoring Action Plan",
}


def parse_kind(name: str) -> Kind:
    """Return the canonical kind for ``name``.

    Accepts the canonical names and the command-line spelling with a hyphen
    (``action-plan``), in any case.
    """
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key in KINDS:
        return key  # type: ignore[return-value]
    raise MentoringDocsError(
        f"unknown document kind {name!r}: use 'agreement' or 'action-plan'"
    )


def cli_name(kind: str) -> str:
    """The spelling of ``kind`` used on the command line and in file names."""
    return kind.replace("_", "-")

#: Output formats of the forms, by file extension (here, not in ``forms``, so that the
#: command line can list them without loading the form machinery).
FORMATS: tuple[str, ...] = ("docx", "pdf")
