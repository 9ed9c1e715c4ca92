"""Signing a party's signature field with a certificate (pyHanko).

The signature is appended as an *incremental update*: the bytes that earlier
signatures cover are left exactly as they are, so the mentor can sign, then the
mentee signs the mentor's signed file, and both signatures stay valid. Signing
must come last: anything that rewrites the file afterwards breaks them.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from ..errors import MentoringDocsError
from ..limits import MAX_FORM_BYTES, MAX_KEY_BYTES
from ..safe_read import FileRefused, read_regular
from ..atomic import atomic_write
from .detect import PARTIES, SignedDocumentError, seen_signatures, signature_widgets
from .status import quiet_pyhanko

INSTALL_HINT = 'pip install "mentoring-docs[signatures]" (from a clone: pip install ".[signatures]"), which adds pyHanko'


class SigningUnavailable(MentoringDocsError):
    """pyHanko, which signing needs, is not installed."""

    def __init__(self) -> None:
        super().__init__(f"signing needs pyHanko, which is not installed: {INSTALL_HINT}")


def _read(path: str | os.PathLike[str], what: str, limit: int = MAX_KEY_BYTES) -> bytes:
    try:
        return read_regular(path, limit)
    except FileRefused as exc:
        if exc.missing:
            raise MentoringDocsError(f"{path}: {what} not found") from None
        raise MentoringDocsError(f"{path}: cannot read {what}: {exc.reason}") from None


def _signer(key: str | os.PathLike[str], cert: str | os.PathLike[str] | None, passphrase: bytes | None):  # type: ignore[no-untyped-def]
    """A pyHanko signer from a PKCS#12 file, or a PEM/DER key with its certificate."""
    from pyhanko.sign import signers

    key_path = Path(key)
    _read(key_path, "key file")  # a clear message for a missing file before pyHanko's own
    if cert is None:
        if key_path.suffix.lower() not in (".p12", ".pfx"):
            raise MentoringDocsError(f"{key}: give the certificate with --cert, or a .p12/.pfx file holding both")
        try:
            signer = signers.SimpleSigner.load_pkcs12(str(key_path), passphrase=passphrase)
        except (ValueError, TypeError) as exc:
            raise MentoringDocsError(f"{key}: cannot open the PKCS#12 file (wrong or missing password?): {exc}") from None
    else:
        _read(cert, "certificate file")
        try:
            signer = signers.SimpleSigner.load(str(key_path), str(cert), key_passphrase=passphrase)
        except (ValueError, TypeError) as exc:
            raise MentoringDocsError(f"{key}: cannot load the key and certificate: {exc}") from None
    if signer is None:  # pyHanko logs the reason and returns None for a bad file or password
        raise MentoringDocsError(f"{key}: cannot load the key (wrong or missing password: give it with "
                                 "--password-file or MENTORING_DOCS_KEY_PASSWORD; or not a key file?)")
    return signer


def _stamp_style(signer_name: str):  # type: ignore[no-untyped-def]
    """How a signature looks in its field: a thin frame, who signed and when, no logo.

    pyHanko's built-in font (Courier) is used: with an embedded OpenType font (its
    ``[opentype]`` extra, uharfbuzz 0.55) the glyphs were spaced far too wide in
    poppler and MuPDF alike, so the text ran out of the field. Courier draws
    Latin-1 only; a name beyond it (Greek, Cyrillic, CJK...) would print as
    garbage, so the stamp then leaves the name to the certificate.
    """
    from pyhanko import stamp
    from pyhanko.pdf_utils import text

    try:
        signer_name.encode("latin-1")
        first = "Digitally signed by %(signer)s"
    except UnicodeEncodeError:
        first = "Digitally signed (the name is in the certificate)"
    return stamp.TextStampStyle(stamp_text=first + "\n%(ts)s",
                                text_box_style=text.TextBoxStyle(font_size=7), border_width=1, background=None,
                                timestamp_format="%Y-%m-%d %H:%M %Z")


def _common_name(signer: object) -> str:
    cert = getattr(signer, "signing_cert", None)
    try:
        return str(cert.subject.native.get("common_name") or "") if cert is not None else ""
    except (AttributeError, ValueError):
        return ""


def sign(source: str | os.PathLike[str], party: str, key: str | os.PathLike[str], *,
         out: str | os.PathLike[str] | None = None, cert: str | os.PathLike[str] | None = None,
         password: str | bytes | None = None, reason: str | None = None, location: str | None = None,
         overwrite: bool = False) -> Path:
    """Sign ``party``'s signature field of the agreement PDF ``source``.

    ``key`` is a PKCS#12 file (``.p12``/``.pfx``) holding key and certificate, or a
    PEM/DER private key with its certificate in ``cert``; ``password`` unlocks it.
    The result goes to ``out``, or back to ``source`` when ``out`` is None (the
    signature is appended; the bytes before it do not change). An existing ``out``
    other than ``source`` is kept unless ``overwrite``.
    """
    try:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.pdf_utils.misc import PdfError as HankoPdfError
        from pyhanko.sign import signers
        from pyhanko.sign.general import SigningError
    except ImportError:
        raise SigningUnavailable() from None
    import pikepdf

    from .objstreams import IndexedReader

    if party not in PARTIES:
        raise MentoringDocsError(f"--as {party!r}: use one of {', '.join(PARTIES)}")
    blob = _read(source, "PDF", MAX_FORM_BYTES)
    if not blob.lstrip()[:5] == b"%PDF-":
        raise MentoringDocsError(f"{source}: not a PDF; only the PDF form can carry a verifiable signature")
    field = f"signatures.{party}.signature"
    try:
        with pikepdf.open(io.BytesIO(blob)) as pdf:
            if pdf.is_encrypted:
                raise MentoringDocsError(f"{source}: encrypted PDFs cannot be signed here")
            names = {name: annot for annot, _page, name in signature_widgets(pdf)}
            if field not in names:
                raise MentoringDocsError(f"{source}: has no signature field {field} (not an agreement form "
                                         "of this version? make it again with mentoring-docs fill)")
    except pikepdf.PdfError as exc:
        raise MentoringDocsError(f"{source}: not a readable PDF ({exc})") from None
    if any(s.field == field for s in seen_signatures(blob)):
        raise SignedDocumentError(f"{source}: {field} is already signed")
    passphrase = password.encode("utf-8") if isinstance(password, str) else password
    with quiet_pyhanko():
        signer = _signer(key, cert, passphrase)
    meta = signers.PdfSignatureMetadata(field_name=field, reason=reason or f"Signed as {party}",
                                        location=location, md_algorithm="sha256")
    try:
        # The indexed reader: pyHanko's own re-reads an object stream's header per object.
        writer = IncrementalPdfFileWriter.from_reader(IndexedReader(io.BytesIO(blob), strict=False))
        with quiet_pyhanko():
            pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=_stamp_style(_common_name(signer)))
            signed = pdf_signer.sign_pdf(writer, existing_fields_only=True, output=io.BytesIO())
    except (SigningError, HankoPdfError, ValueError) as exc:
        raise MentoringDocsError(f"{source}: cannot sign: {exc}") from None
    data = signed.getvalue()
    target = Path(out) if out is not None else Path(source)
    same = target.exists() and Path(source).exists() and target.resolve() == Path(source).resolve()
    return atomic_write(target, data, overwrite=overwrite or same)
