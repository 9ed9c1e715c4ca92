"""The small calls the rest of the library makes into the signature code.

Kept here so that reading, filling, batch and tracking each need one line: what a
signature means, and when a write would break one, is decided in this package.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Sequence

from ..limits import MAX_FORM_BYTES
from ..safe_read import FileRefused, read_regular
from .detect import docx_has_signature, refuse_if_signed

if TYPE_CHECKING:
    from ..forms import ReadResult
    from .status import PartySignature

# .status (pyHanko's side, logging, the report types) loads in the calls that read
# signatures: a fill only asks whether the file it would replace is signed.

#: Batch's report on a signed document it found in the way, even with --force.
SIGNED_KEPT = "digitally signed; kept as it is (a signed document is never replaced, even with --force)"

#: What a Word file with an XML digital signature is reported as.
DOCX_NOTE = "digitally signed (not verified here)"


def trust_roots_of(roots: Sequence[Any]) -> list[Any]:
    """Certificates from a mix of file names and already loaded certificates."""
    from .status import load_trust_roots

    files = [r for r in roots if isinstance(r, (str, os.PathLike))]
    return [r for r in roots if not isinstance(r, (str, os.PathLike))] + (load_trust_roots(files) if files else [])


def attach(result: "ReadResult", blob: bytes, *, trust_roots: Sequence[Any] = (), password: str | None = None) -> None:
    """Fill in ``result.signatures`` (agreements) and ``result.signature_note`` (signed Word files)."""
    from .status import signature_report

    if result.format == "docx" and docx_has_signature(blob):
        result.signature_note = DOCX_NOTE
    if result.kind != "agreement":
        return
    roots = trust_roots_of(trust_roots) if trust_roots else []
    if result.format == "pdf":
        result.signatures = signature_report(blob, result.data, trust_roots=roots, password=password)
    else:
        result.signatures = signature_report(b"", result.data)


def refuse_signed_output(out: str | os.PathLike[str], overwrite: bool) -> None:
    """``fill --force`` must not replace a signed file: the signatures would be lost."""
    if not overwrite:
        return  # the writer refuses to replace any existing file anyway
    try:
        blob = read_regular(out, MAX_FORM_BYTES)
    except FileRefused:
        return  # nothing there, or nothing a form could be: the writer decides
    refuse_if_signed(blob, str(out), "replacing it")


def refuse_signed_template(template: bytes | None, label: str, options: dict[str, Any]) -> None:
    """A signed template is never filled: preparing it (and ``--flatten``, ``--password``) rewrites it."""
    if template is None:
        return
    rewrites = [f"--{name}" for name in ("flatten", "password") if options.get(name)]
    refuse_if_signed(template, label, " and ".join(rewrites) if rewrites else "filling it")


def summary(signatures: dict[str, PartySignature]) -> str:
    """One line about the digital signatures of an agreement, for a tracker cell."""
    from .status import LABELS

    parts = []
    for party, entry in signatures.items():
        if not entry.digital:
            continue
        text = f"{party}: {LABELS[entry.status]}"
        if entry.signer:
            text += f", {entry.signer}"
        if entry.signed_at:
            text += f", {entry.signed_at}"
        if entry.name_matches is not None:
            text += ", name matches" if entry.name_matches else f", typed name {entry.typed_name!r} differs"
        parts.append(text)
    return "; ".join(parts)


def trouble(signatures: dict[str, PartySignature]) -> list[tuple[str, str]]:
    """``(field path, message)`` for each signature a coordinator must look at."""
    from .status import TROUBLE

    out = []
    for party, entry in signatures.items():
        path = entry.field or f"signatures.{party}.signature"
        if entry.status in TROUBLE:
            out.append((path, str(entry).split(": ", 1)[1]))
        elif entry.digital and entry.name_matches is False:
            out.append((path, f"signed by {entry.signer}, but the typed name is {entry.typed_name!r}"))
    return out


def is_signed_file(path: str | os.PathLike[str]) -> bool:
    """Whether the file at ``path`` exists and carries a digital signature."""
    from .detect import is_signed

    try:
        return is_signed(read_regular(path, MAX_FORM_BYTES))
    except FileRefused:
        return False
