"""Per party, what the agreement's signature amounts to.

Statuses, from weakest to strongest, plus the two that mean trouble:

- ``not_signed``: no typed name, no digital signature;
- ``typed``: the party typed a name (and maybe a date), no digital signature;
- ``unverified``: a digital signature is there but pyHanko is not installed, so
  nothing about it was checked (what the file shows is still reported);
- ``signed``: a digital signature whose signed bytes are intact, and everything
  added after it is form filling or further signatures (pyHanko's analysis of
  the later revisions); the signer's identity is not vouched for by any root
  given (a self-signed Acrobat ID lands here);
- ``trusted``: ``signed``, and the certificate chains to a root the program
  gave (``--trust-root``) and is valid at the time of checking;
- ``changed_after_signing``: the signed bytes no longer match, or the document
  was changed beyond form filling after the signature;
- ``invalid``: the signature itself does not verify, or cannot be parsed.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Iterator, Mapping, Sequence

from ..errors import MentoringDocsError
from ..limits import MAX_KEY_BYTES
from ..safe_read import FileRefused, read_regular
from .detect import PARTIES, SeenSignature, pdf_has_signature, seen_signatures

STATUSES: tuple[str, ...] = (
    "not_signed", "typed", "unverified", "signed", "trusted", "changed_after_signing", "invalid")

#: How each status reads in the tracker and on the command line.
LABELS: dict[str, str] = {
    "not_signed": "not signed",
    "typed": "typed name only",
    "unverified": "digitally signed (not verified here)",
    "signed": "signed, identity not verified",
    "trusted": "signed, certificate trusted",
    "changed_after_signing": "changed after signing",
    "invalid": "invalid signature",
}

#: Statuses that are a problem to report, not a state of progress.
TROUBLE = frozenset({"changed_after_signing", "invalid"})

_NOT_VERIFIED = 'not verified: pip install "mentoring-docs[signatures]" (pyHanko) to check it'


@dataclass
class PartySignature:
    """One party's signature on one agreement."""

    party: str
    status: str
    typed_name: str | None = None
    signer: str | None = None          # the certificate's subject common name
    signed_at: str | None = None       # ISO 8601, as the signer's software reported it
    name_matches: bool | None = None   # the certificate's name against the typed name
    field: str | None = None
    detail: str = ""

    @property
    def label(self) -> str:
        """The status in words (``signed, identity not verified``)."""
        return LABELS[self.status]

    @property
    def digital(self) -> bool:
        """Whether a digital signature was found for the party."""
        return self.status not in ("not_signed", "typed")

    @property
    def signed(self) -> bool:
        """Whether the party counts as having signed (typed or digitally, and nothing wrong)."""
        return self.status not in ("not_signed",) and self.status not in TROUBLE

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return asdict(self)

    def __str__(self) -> str:
        text = f"signatures.{self.party}: {self.label}"
        if self.signer:
            text += f" by {self.signer}"
            if self.name_matches is False:
                text += f" (typed name {self.typed_name!r} differs)" if self.typed_name else " (no typed name)"
        if self.signed_at:
            text += f" at {self.signed_at}"
        if self.detail:
            text += f"; {self.detail}"
        return text


def same_name(a: str | None, b: str | None) -> bool | None:
    """Whether two personal names are the same, ignoring case, accents and spacing."""
    if not a or not b:
        return None

    def norm(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text)
        return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())

    return norm(a) == norm(b)


def _typed(data: Mapping[str, Any], party: str) -> str | None:
    group = data.get("signatures", {}).get(party, {}) if isinstance(data.get("signatures"), Mapping) else {}
    name = group.get("name") if isinstance(group, Mapping) else None
    return name.strip() if isinstance(name, str) and name.strip() else None


def load_trust_roots(paths: Iterable[str | os.PathLike[str]]) -> list[Any]:
    """Certificates (PEM or DER, several per PEM file allowed) to trust as roots."""
    from asn1crypto import pem, x509

    roots = []
    for path in paths:
        try:
            blob = read_regular(path, MAX_KEY_BYTES)
        except FileRefused as exc:
            raise MentoringDocsError(f"{path}: cannot read trust root: {exc.reason}") from None
        try:
            if pem.detect(blob):
                roots += [x509.Certificate.load(der) for _type, _headers, der in pem.unarmor(blob, multiple=True)]
            else:
                roots.append(x509.Certificate.load(blob))
            for root in roots:
                root.native  # parse now: a bad file fails here, with its name
        except (ValueError, TypeError) as exc:
            raise MentoringDocsError(f"{path}: not a certificate (PEM or DER): {exc}") from None
    return roots


def signature_report(blob: bytes, data: Mapping[str, Any], *, trust_roots: Sequence[Any] = (),
                     password: str | None = None, parties: Sequence[str] = PARTIES) -> dict[str, PartySignature]:
    """Each party's signature on the agreement ``blob`` whose form data is ``data``.

    ``trust_roots`` are certificates (asn1crypto, see :func:`load_trust_roots`)
    that make a signature ``trusted``. A PDF without digital signatures is not
    parsed again: the statuses then come from the typed names alone.
    """
    out = {p: PartySignature(p, "typed" if _typed(data, p) else "not_signed", typed_name=_typed(data, p))
           for p in parties}
    if not blob.lstrip()[:5] == b"%PDF-" or not pdf_has_signature(blob):
        return out
    seen = seen_signatures(blob, password)
    if not seen:
        return out
    try:
        import pyhanko  # noqa: F401
    except ImportError:
        for s in seen:
            if s.party in out:
                _unverified(out[s.party], s, len(blob))
        return out
    for field, result in _validate(blob, trust_roots, password).items():
        party = next((s.party for s in seen if s.field == field), None)
        if party in out and _rank(result.status) >= _rank(out[party].status):
            result.party = party
            result.typed_name = out[party].typed_name
            result.name_matches = same_name(result.signer, result.typed_name)
            out[party] = result
    return out


def _rank(status: str) -> int:
    # A party with two signatures (a stray second box) is reported by the worse one.
    order = ("not_signed", "typed", "unverified", "trusted", "signed", "changed_after_signing", "invalid")
    return order.index(status)


def _unverified(entry: PartySignature, seen: SeenSignature, size: int) -> None:
    entry.status = "unverified"
    entry.field = seen.field
    reach = "covers the whole file" if seen.covers_whole_file else \
        f"covers the first {seen.byte_range[2] + seen.byte_range[3]} of {size} bytes (updates were added after it)"
    entry.detail = f"the signature {reach}; {_NOT_VERIFIED}"


def _validate(blob: bytes, trust_roots: Sequence[Any],
              password: str | None) -> dict[str, PartySignature]:
    """pyHanko's verdict on every signature, by field name."""
    with quiet_pyhanko():
        return _validate_all(blob, trust_roots, password)


@contextlib.contextmanager
def quiet_pyhanko() -> Iterator[None]:
    """pyHanko logs every failed path building with a traceback; our verdict says it in one line."""
    loggers = [logging.getLogger(name) for name in ("pyhanko", "pyhanko_certvalidator")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def _validate_all(blob: bytes, trust_roots: Sequence[Any], password: str | None) -> dict[str, PartySignature]:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from .objstreams import IndexedReader

    reader = IndexedReader(io.BytesIO(blob), strict=False)
    if reader.encrypted:
        reader.decrypt(password or "")
    results: dict[str, PartySignature] = {}
    for emb in reader.embedded_regular_signatures:
        name = emb.field_name
        entry = PartySignature("", "invalid", field=name)
        results[name] = entry
        try:
            cert = emb.signer_cert
            entry.signer = cert.subject.native.get("common_name") or cert.subject.human_friendly
        except Exception:  # noqa: BLE001 - a mangled CMS blob: reported as invalid below
            entry.signer = None
        if emb.self_reported_timestamp is not None:
            entry.signed_at = emb.self_reported_timestamp.isoformat(timespec="seconds")
        # Only the roots given count: never the system's, never fetched from the network.
        context = ValidationContext(trust_roots=list(trust_roots), allow_fetching=False, revocation_mode="soft-fail")
        # Most of a read's time for a signature with later revisions: pyHanko's diff
        # analysis lists every path from the trailer to every object of the signed
        # revision, and each of the form's ~80 appearance streams leads to the
        # embedded font, whose /W array (~2,200 numbers) is walked once per path.
        try:
            status = validate_pdf_signature(emb, signer_validation_context=context)
        except Exception as exc:  # noqa: BLE001 - pyHanko raises many kinds for a broken signature
            entry.detail = f"cannot be validated: {str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}"
            continue
        if not status.intact:
            entry.status = "changed_after_signing"
            entry.detail = "the signed bytes were changed (the file was rewritten or edited after signing)"
            continue
        if not status.valid:
            entry.detail = "the signature does not match the signed bytes and certificate"
            continue
        level = status.modification_level
        if not status.docmdp_ok or level is None or level > ModificationLevel.FORM_FILLING:
            entry.status = "changed_after_signing"
            what = {ModificationLevel.ANNOTATIONS: "annotations were added or changed",
                    ModificationLevel.OTHER: "the document's content or structure was changed"}.get(
                level, "the changes could not be limited to form filling") if level else \
                "the changes could not be limited to form filling"
            entry.detail = f"after this signature, {what}"
            continue
        if status.trusted:
            entry.status = "trusted"
        else:
            entry.status = "signed"
            entry.detail = _why_untrusted(status, bool(trust_roots))
    return results


def _why_untrusted(status: Any, had_roots: bool) -> str:
    if not had_roots:
        return "no trust root given (--trust-root)"
    problem = status.trust_problem_indic
    code = str(getattr(problem, "name", problem) or "").upper()
    if "OUT_OF_BOUNDS" in code or "EXPIRED" in code:
        return "the certificate is outside its validity period (expired or not yet valid)"
    if "REVOKED" in code:
        return "the certificate was revoked"
    if not code or "CHAIN" in code:
        return "the certificate does not chain to a given root"
    return f"the certificate is not trusted ({code.lower().replace('_', ' ')})"
