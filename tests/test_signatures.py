"""Digital signatures: the agreement's signature fields, signing with pyHanko, and what read/track report.

Certificates are made at test time (tests/certs.py); pdfsig (poppler) and qpdf check
our signed files independently, and endesive signs a file as an independent signer.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from certs import PASSWORD, PKI, make_pki, self_signed
from conftest import ROOT
from pdfutil import ink, render, widgets
from sigutil import RECORD, append_update, field_object, filled_agreement, pdfsig
from tools import require

import mentoring_docs as md
from mentoring_docs.signatures import is_signed, sign

PARTIES = ("mentor", "mentee", "coordinator", "line_manager")


def run(*args: str, cwd: Path, block_pyhanko: bool = False) -> subprocess.CompletedProcess[str]:
    """The command line in a fresh interpreter; ``block_pyhanko`` makes it run as if pyHanko were not installed."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    prelude = "import sys; sys.modules['pyhanko'] = None; " if block_pyhanko else ""
    code = prelude + "from mentoring_docs.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=180,
                          cwd=cwd, env=env)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PKI:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory, pki: PKI) -> dict[str, Path]:
    """The agreement filled, signed by the mentor (PKCS#12), then by the mentee (PEM key and certificate)."""
    folder = tmp_path_factory.mktemp("signed")
    filled = filled_agreement(folder / "filled.pdf")
    mentor = sign(filled, "mentor", pki.mentor.p12, out=folder / "mentor.pdf", password=PASSWORD)
    both = sign(mentor, "mentee", pki.mentee.key_pem, cert=pki.mentee.cert_pem, out=folder / "both.pdf")
    return {"filled": filled, "mentor": mentor, "both": both}


# -- the blank form ---------------------------------------------------------------------


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_agreement_has_an_unsigned_signature_field_per_party_above_the_typed_name(paper: str) -> None:
    blob = md.forms.blank_template("agreement", "pdf", paper)
    places = {name: (page, rect) for name, page, rect in widgets(blob)}
    with pikepdf.open(io.BytesIO(blob)) as pdf:
        sig = [a for p in pdf.pages for a in p.obj.get("/Annots", []) if a.get("/FT") == "/Sig"]
        assert len(sig) == 4
        assert all("/V" not in a and str(a.TU).endswith("digital signature (click to sign with your digital ID)")
                   for a in sig)
    for party in PARTIES:
        page, rect = places[f"signatures.{party}.signature"]
        name_page, name_rect = places[f"signatures.{party}.name"]
        assert page == name_page
        assert rect[0] == name_rect[0] and rect[2] == name_rect[2]  # the same column
        assert rect[1] > name_rect[3] and rect[3] - rect[1] >= 20  # above the typed name, room to sign


def test_signature_fields_are_not_data_fill_read_and_custom_templates_ignore_them(tmp_path: Path) -> None:
    record = md.load("agreement", RECORD)
    out = md.fill("agreement", record, tmp_path / "a.pdf")
    result = md.read(out)
    assert result.ok and result.data == record
    assert {p: s.status for p, s in result.signatures.items()} == {
        "mentor": "typed", "mentee": "typed", "coordinator": "not_signed", "line_manager": "not_signed"}
    # A template exported for restyling keeps its signature fields and still fills.
    template = md.export_template("agreement", "pdf", tmp_path / "template.pdf")
    again = md.fill("agreement", record, tmp_path / "b.pdf", template=template)
    assert md.read(again).data == record
    assert sum(1 for name, _, _ in widgets(again.read_bytes()) if name.endswith(".signature")) == 4


def test_a_signature_field_someone_added_to_a_custom_template_is_not_an_unknown_field(tmp_path: Path) -> None:
    template = tmp_path / "ours.pdf"
    with pikepdf.open(io.BytesIO(md.forms.blank_template("agreement", "pdf"))) as pdf:
        page = pdf.pages[0]
        extra = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Sig,
            T=pikepdf.String("Signature1"), Rect=pikepdf.Array([400, 40, 560, 70]), F=4, P=page.obj))
        page.obj.Annots.append(extra)
        pdf.Root.AcroForm.Fields.append(extra)
        pdf.save(template)
    record = md.load("agreement", RECORD)
    out = md.fill("agreement", record, tmp_path / "a.pdf", template=template)
    result = md.read(out)
    assert result.ok and result.data == record


# -- signing ----------------------------------------------------------------------------


def test_mentor_then_mentee_both_signed_and_trusted(signed: dict[str, Path], pki: PKI) -> None:
    result = md.read(signed["both"], trust_roots=[pki.ca_pem])
    assert result.ok and result.data == md.load("agreement", RECORD)
    mentor, mentee, coordinator, line_manager = (result.signatures[p] for p in PARTIES)
    assert (mentor.status, mentee.status, coordinator.status, line_manager.status) == (
        "trusted", "trusted", "not_signed", "not_signed")
    assert (mentor.signer, mentee.signer) == ("Ana Lima", "Ben Okafor")
    assert mentor.name_matches is True and mentee.name_matches is True
    assert mentor.signed_at and mentor.signed_at[:4].isdigit()
    # No trust root given: signed, but nobody vouches for the identity.
    plain = md.read(signed["both"]).signatures
    assert plain["mentor"].status == plain["mentee"].status == "signed"
    assert plain["mentor"].label == "signed, identity not verified"
    # The mentee's signature was appended: the mentor's signed file is a prefix of it.
    assert signed["both"].read_bytes().startswith(signed["mentor"].read_bytes())


def test_pdfsig_reports_both_signatures_valid_and_qpdf_is_clean(signed: dict[str, Path]) -> None:
    require("pdfsig")
    require("qpdf")
    text, found = pdfsig(signed["both"])
    sigs = {f["Signature Field Name"]: f for f in found if "Signature Field Name" in f}
    for party, signer in (("mentor", "Ana Lima"), ("mentee", "Ben Okafor")):
        entry = sigs[f"signatures.{party}.signature"]
        assert entry["Signature Validation"] == "Signature is Valid.", text
        assert entry["Signer Certificate Common Name"] == signer
    assert "The signature form field is not signed." in text  # the coordinator's, still blank
    check = subprocess.run(["qpdf", "--check", str(signed["both"])], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors found" in check.stdout


@pytest.mark.parametrize("tool", ["pdftoppm", "mutool"])
def test_signature_appearance_is_drawn_in_its_field(signed: dict[str, Path], tool: str, tmp_path: Path) -> None:
    require(tool)
    places = {name: (page, rect) for name, page, rect in widgets(signed["both"].read_bytes())}
    for party, expect_ink in (("mentor", True), ("mentee", True), ("coordinator", False)):
        page, rect = places[f"signatures.{party}.signature"]
        # 200 dpi: the stamp's 7-point text is thin; at 100 dpi it is mostly grey, not dark.
        before = ink(render(tool, signed["filled"], page, tmp_path / f"{party}-0.png", dpi=200), rect, dpi=200)
        after = ink(render(tool, signed["both"], page, tmp_path / f"{party}-1.png", dpi=200), rect, dpi=200)
        assert (after > before + 200) is expect_ink, (party, before, after)


def test_line_manager_signs_an_a4_agreement_in_its_own_field(tmp_path: Path, pki: PKI) -> None:
    require("pdftoppm")
    record = md.load("agreement", {**RECORD, "signatures": {
        **RECORD["signatures"], "line_manager": {"name": "Rosa Diaz", "date": "2026-01-13"}}})
    filled = md.fill("agreement", record, tmp_path / "a4.pdf", paper="a4")
    done = run("sign", str(filled), "--as", "line_manager", "--key", str(pki.coordinator.key_pem),
               "--cert", str(pki.coordinator.cert_pem), "-o", str(tmp_path / "signed.pdf"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    signed_file = tmp_path / "signed.pdf"
    result = md.read(signed_file, trust_roots=[pki.ca_pem])
    assert result.ok and result.data == record
    manager = result.signatures["line_manager"]
    assert (manager.status, manager.signer, manager.name_matches) == ("trusted", "Rosa Diaz", True)
    assert result.signatures["coordinator"].status == "not_signed"
    # The stamp is drawn inside the line manager's field of the A4 page, nowhere else's.
    places = {name: (page, rect) for name, page, rect in widgets(signed_file.read_bytes())}
    for party, expect_ink in (("line_manager", True), ("coordinator", False)):
        page, rect = places[f"signatures.{party}.signature"]
        before = ink(render("pdftoppm", filled, page, tmp_path / f"{party}-0.png", dpi=200), rect, dpi=200)
        after = ink(render("pdftoppm", signed_file, page, tmp_path / f"{party}-1.png", dpi=200), rect, dpi=200)
        assert (after > before + 200) is expect_ink, (party, before, after)
    row = md.track([signed_file], trust_roots=[pki.ca_pem]).pairs[0]
    assert row.signed_line_manager and row.line_manager_signature == "trusted"
    assert row.coordinator_signature == "not_signed"


def test_sign_from_the_command_line_in_place_and_refusals(tmp_path: Path, pki: PKI) -> None:
    filled = filled_agreement(tmp_path / "a.pdf")
    original = filled.read_bytes()
    done = run("sign", str(filled), "--as", "mentor", "--key", str(pki.mentor.p12),
               "--password-file", str(pki.password_file), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert filled.read_bytes().startswith(original) and is_signed(filled.read_bytes())
    again = run("sign", str(filled), "--as", "mentor", "--key", str(pki.mentor.p12),
                "--password-file", str(pki.password_file), cwd=tmp_path)
    assert again.returncode == 1 and "signatures.mentor.signature is already signed" in again.stderr
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("nope\n")
    bad = run("sign", str(filled), "--as", "mentee", "--key", str(pki.mentee.p12), "--password-file", str(wrong),
              cwd=tmp_path)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr and "mentee.p12" in bad.stderr
    plan = md.fill("action_plan", md.load("action_plan", {"mentor": {"name": "A"}, "mentee": {"name": "B"}}),
                   tmp_path / "plan.pdf")
    nofield = run("sign", str(plan), "--as", "mentor", "--key", str(pki.mentor.p12),
                  "--password-file", str(pki.password_file), cwd=tmp_path)
    assert nofield.returncode == 1 and "has no signature field signatures.mentor.signature" in nofield.stderr
    out = run("read", str(filled), "--trust-root", str(pki.ca_pem), "--signatures", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)["signatures"]
    assert report["mentor"]["status"] == "trusted" and report["mentee"]["status"] == "typed"
    assert "signatures.mentor: signed, certificate trusted by Ana Lima" in out.stderr
    # The key's password may come from the environment; -o leaves FILE as it was.
    before = filled.read_bytes()
    env_signed = subprocess.run(
        [sys.executable, "-m", "mentoring_docs.cli", "sign", str(filled), "--as", "mentee", "--key",
         str(pki.mentee.p12), "-o", str(tmp_path / "both.pdf")], capture_output=True, text=True, timeout=180,
        cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(ROOT), MENTORING_DOCS_KEY_PASSWORD=PASSWORD))
    assert env_signed.returncode == 0, env_signed.stderr
    assert filled.read_bytes() == before
    assert md.read(tmp_path / "both.pdf").signatures["mentee"].status == "signed"


def test_expired_and_self_signed_certificates_are_signed_not_trusted(tmp_path: Path, pki: PKI) -> None:
    filled = filled_agreement(tmp_path / "a.pdf")
    sign(filled, "mentor", pki.expired.p12, password=PASSWORD)
    sign(filled, "mentee", pki.self_signed.key_pem, cert=pki.self_signed.cert_pem)
    result = md.read(filled, trust_roots=[pki.ca_pem])
    mentor, mentee = result.signatures["mentor"], result.signatures["mentee"]
    assert mentor.status == "signed" and "outside its validity period" in mentor.detail
    assert mentee.status == "signed" and mentee.label == "signed, identity not verified"
    assert "does not chain to a given root" in mentee.detail
    assert mentee.name_matches is True


def test_flat_copy_draws_the_signatures_and_says_they_prove_nothing(signed: dict[str, Path], tmp_path: Path) -> None:
    require("pdftotext")
    require("pdfsig")
    original = signed["both"].read_bytes()
    copy = tmp_path / "final.pdf"
    done = run("flatten", str(signed["both"]), "-o", str(copy), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "carry no proof of who signed" in done.stderr and "(mentee, mentor)" in done.stderr
    assert signed["both"].read_bytes() == original
    with pikepdf.open(copy) as pdf:
        assert "/AcroForm" not in pdf.Root
    assert "does not contain any signatures" in pdfsig(copy)[0]
    text = subprocess.run(["pdftotext", "-layout", str(copy), "-"], capture_output=True, text=True, timeout=60).stdout
    assert "Digitally signed by Ana Lima" in text and "Digitally signed by Ben Okafor" in text
    same = run("flatten", str(signed["both"]), "-o", str(signed["both"]), "--force", cwd=tmp_path)
    assert same.returncode == 1 and "is the file to flatten" in same.stderr
    assert signed["both"].read_bytes() == original


def test_a_name_the_stamp_font_cannot_draw_is_left_to_the_certificate(tmp_path: Path) -> None:
    require("pdftotext")
    who = self_signed(tmp_path / "ids", "cyrillic", "Дмитрий Иванов")
    filled = filled_agreement(tmp_path / "a.pdf")
    sign(filled, "mentee", who.key_pem, cert=who.cert_pem)
    assert md.read(filled).signatures["mentee"].signer == "Дмитрий Иванов"
    flat = md.flatten_copy(filled, tmp_path / "flat.pdf")
    text = subprocess.run(["pdftotext", str(flat.path), "-"], capture_output=True, text=True, timeout=60).stdout
    assert "Digitally signed (the name is in the certificate)" in text


# -- changes after signing ----------------------------------------------------------------


def test_rewritten_by_pypdf_is_changed_after_signing(signed: dict[str, Path], tmp_path: Path, pki: PKI) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(signed["mentor"])))
    writer.update_page_form_field_values(None, {"purpose": "Something else entirely."}, auto_regenerate=False)
    out = tmp_path / "pypdf.pdf"
    with open(out, "wb") as handle:
        writer.write(handle)
    result = md.read(out, trust_roots=[pki.ca_pem])
    assert result.data["purpose"] == "Something else entirely."
    assert result.signatures["mentor"].status == "changed_after_signing"


def test_page_content_changed_incrementally_is_changed_after_signing(signed: dict[str, Path], tmp_path: Path,
                                                                     pki: PKI) -> None:
    blob = signed["mentor"].read_bytes()
    with pikepdf.open(io.BytesIO(blob)) as pdf:
        page = pdf.pages[0].obj
        number = page.objgen[0]
        size = int(pdf.trailer.Size)
        body = pikepdf.Dictionary({k: v for k, v in page.items() if k != "/Contents"}).unparse()[:-2]
        contents = page.Contents
        old = [c.objgen for c in (contents if isinstance(contents, pikepdf.Array) else [contents])]
    refs = b" ".join(b"%d %d R" % ref for ref in old)
    stamp = b"BT /Helv 30 Tf 100 400 Td (VOID) Tj ET"
    changed = append_update(blob, {number: body + b" /Contents [" + refs + b" %d 0 R] >>" % size},
                            new=[b"<< /Length %d >>\nstream\n" % len(stamp) + stamp + b"\nendstream"])
    out = tmp_path / "stamped.pdf"
    out.write_bytes(changed)
    assert md.read(out, trust_roots=[pki.ca_pem]).signatures["mentor"].status == "changed_after_signing"
    run_done = run("read", str(out), cwd=tmp_path)
    assert run_done.returncode == 1 and "signatures.mentor: changed after signing" in run_done.stderr


@pytest.mark.parametrize("drawn", [False, True], ids=["value only", "value and a new appearance"])
def test_form_filling_after_the_mentor_signed_keeps_the_signature(signed: dict[str, Path], tmp_path: Path,
                                                                   pki: PKI, drawn: bool) -> None:
    blob = signed["mentor"].read_bytes()
    number, body = field_object(blob, "meetings.location")
    if drawn:  # as a filler that draws: a new appearance stream, named by a new appearance dictionary
        with pikepdf.open(io.BytesIO(blob)) as pdf:
            size = int(pdf.trailer.Size)
        body = re.sub(rb"/AP \d+ 0 R", b"/AP << /N %d 0 R >>" % size, body)
        assert b"/AP << /N" in body
        stream = b"BT /Helv 10 Tf 2 5 Td (Room 4B) Tj ET"
        new = [b"<< /Subtype /Form /BBox [0 0 100 17] /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)]
        updated = append_update(blob, {number: body + b" /V (Room 4B) >>"}, new)
    else:
        updated = append_update(blob, {number: body + b" /V (Room 4B) >>"})
    out = tmp_path / "filled-later.pdf"
    out.write_bytes(updated)
    result = md.read(out, trust_roots=[pki.ca_pem])
    assert result.data["meetings"]["location"] == "Room 4B"
    assert result.signatures["mentor"].status == "trusted"
    # ...and the mentee can still sign after that, both staying valid.
    sign(out, "mentee", pki.mentee.p12, password=PASSWORD)
    both = md.read(out, trust_roots=[pki.ca_pem]).signatures
    assert both["mentor"].status == both["mentee"].status == "trusted"


# -- an independent signer ----------------------------------------------------------------


def _endesive_signer():  # type: ignore[no-untyped-def]
    """endesive's PDF signing module.

    ``endesive.pdf`` also imports endesive's own verifier, which needs oscrypto;
    oscrypto 1.3.0 cannot parse the version of OpenSSL 3.0.1x ("Error detecting
    the version of libcrypto", fixed in its repository, not released). Signing
    does not need the verifier, so when that import fails the signing module is
    loaded without its package's ``__init__``.
    """
    try:
        from endesive.pdf import cms
    except Exception:  # noqa: BLE001 - oscrypto raises its own LibraryNotFoundError
        import types

        import endesive

        for name in [m for m in sys.modules if m.startswith("endesive.pdf")]:
            del sys.modules[name]
        package = types.ModuleType("endesive.pdf")
        package.__path__ = [str(Path(endesive.__file__).parent / "pdf")]
        sys.modules["endesive.pdf"] = package
        from endesive.pdf import cms
    return cms


def test_file_signed_by_endesive_is_read_like_ours(tmp_path: Path, pki: PKI) -> None:
    from cryptography.hazmat.primitives.serialization import pkcs12

    cms = _endesive_signer()

    filled = filled_agreement(tmp_path / "a.pdf")
    blob = filled.read_bytes()
    places = {name: (page, rect) for name, page, rect in widgets(blob)}
    page, rect = places["signatures.mentor.signature"]
    key, cert, chain = pkcs12.load_key_and_certificates(pki.mentor_rsa.p12.read_bytes(), PASSWORD.encode())
    udct = {"sigflags": 3, "sigpage": page, "sigfield": "EndesiveSignature", "auto_sigfield": True,
            "signaturebox": rect, "signature": "Signed with endesive", "contact": "ana@example.org",
            "location": "Lisbon", "signingdate": "D:20260112100000+00'00'", "reason": "Mentor",
            "aligned": 16384}
    out = tmp_path / "endesive.pdf"
    out.write_bytes(blob + cms.sign(blob, udct, key, cert, chain, "sha256"))
    require("pdfsig")
    text, found = pdfsig(out)
    assert {f.get("Signature Field Name"): f.get("Signature Validation") for f in found}["EndesiveSignature"] \
        == "Signature is Valid.", text
    result = md.read(out, trust_roots=[pki.ca_pem])
    mentor = result.signatures["mentor"]
    assert mentor.field == "EndesiveSignature"  # its own field, placed over the mentor's
    assert (mentor.status, mentor.signer, mentor.name_matches) == ("trusted", "Ana Lima", True)
    assert result.signatures["mentee"].status == "typed"


# -- nothing we write breaks a signature ----------------------------------------------------


def test_fill_refuses_to_replace_or_rewrite_a_signed_file(signed: dict[str, Path], tmp_path: Path) -> None:
    data = tmp_path / "data.json"
    data.write_text(json.dumps(RECORD))
    target = tmp_path / "signed.pdf"
    target.write_bytes(signed["mentor"].read_bytes())
    forced = run("fill", "agreement", str(data), "-o", str(target), "--force", cwd=tmp_path)
    assert forced.returncode == 1
    assert "is digitally signed; replacing it would break its signature" in forced.stderr
    assert target.read_bytes() == signed["mentor"].read_bytes()
    for option in (["--flatten"], ["--password", "pw"], []):
        done = run("fill", "agreement", str(data), "-o", str(tmp_path / f"x{len(option)}.pdf"),
                   "--template", str(target), *option, cwd=tmp_path)
        assert done.returncode == 1 and "signing must come last" in done.stderr, done.stderr
        assert (option[0] if option else "filling it") in done.stderr
        assert not (tmp_path / f"x{len(option)}.pdf").exists()


def test_batch_never_replaces_a_signed_file_even_with_force(signed: dict[str, Path], tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("mentor.name,mentee.name,timeframe.start_date,timeframe.end_date\n"
                      "Ana Lima,Ben Okafor,2026-01-12,2026-07-10\n", encoding="utf-8")
    out = tmp_path / "out"
    first = run("batch", str(roster), "-o", str(out), "--formats", "pdf", "--kinds", "agreement", "-q", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    target = out / "Ben Okafor - Ana Lima" / "agreement.pdf"
    target.write_bytes(signed["mentor"].read_bytes())
    again = run("batch", str(roster), "-o", str(out), "--formats", "pdf", "--kinds", "agreement", "-q", "--force",
                cwd=tmp_path)
    assert again.returncode == 1
    assert "agreement.pdf: digitally signed; kept as it is (a signed document is never replaced, even with --force)" \
        in again.stderr
    assert "never replaced" in (out / "errors.csv").read_text(encoding="utf-8-sig")
    assert target.read_bytes() == signed["mentor"].read_bytes()
    # A signed Word file is kept the same way.
    word = _signed_docx(out / "Ben Okafor - Ana Lima" / "agreement.docx")
    before = word.read_bytes()
    docx = run("batch", str(roster), "-o", str(out), "--formats", "docx", "--kinds", "agreement", "-q", "--force",
               cwd=tmp_path)
    assert docx.returncode == 1 and "agreement.docx: digitally signed; kept as it is" in docx.stderr
    assert word.read_bytes() == before


# -- Word -----------------------------------------------------------------------------------


def _signed_docx(path: Path) -> Path:
    """A filled Word agreement with an XML signature part, as Word stores one."""
    import zipfile

    plain = md.fill("agreement", md.load("agreement", RECORD), path.with_name("plain.docx"), overwrite=True)
    path.unlink(missing_ok=True)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("_xmlsignatures/origin.sigs", b"")
        dst.writestr("_xmlsignatures/sig1.xml",
                     b'<?xml version="1.0"?><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"/>')
    return path


def test_signed_word_file_is_reported_and_never_rewritten(tmp_path: Path) -> None:
    docx = _signed_docx(tmp_path / "agreement.docx")
    result = md.read(docx)
    assert result.signature_note == "digitally signed (not verified here)"
    assert result.data["signatures"]["mentor"]["name"] == "Ana Lima"
    assert result.signatures["mentor"].status == "typed"
    data = tmp_path / "data.json"
    data.write_text(json.dumps(RECORD))
    before = docx.read_bytes()
    forced = run("fill", "agreement", str(data), "-o", str(docx), "--force", cwd=tmp_path)
    assert forced.returncode == 1 and "digitally signed" in forced.stderr
    assert docx.read_bytes() == before
    shown = run("read", str(docx), cwd=tmp_path)
    assert "digitally signed (not verified here)" in shown.stderr


# -- without pyHanko --------------------------------------------------------------------------


def test_without_pyhanko_sign_says_what_to_install_and_read_reports_what_it_sees(
        signed: dict[str, Path], tmp_path: Path, pki: PKI) -> None:
    done = run("sign", str(signed["filled"]), "--as", "mentor", "--key", str(pki.mentor.p12), "-o",
               str(tmp_path / "x.pdf"), cwd=tmp_path, block_pyhanko=True)
    assert done.returncode == 1
    assert 'pip install "mentoring-docs[signatures]"' in done.stderr and "Traceback" not in done.stderr
    read = run("read", str(signed["both"]), "--signatures", cwd=tmp_path, block_pyhanko=True)
    assert read.returncode == 0, read.stderr
    report = json.loads(read.stdout)["signatures"]
    assert report["mentor"]["status"] == report["mentee"]["status"] == "unverified"
    assert "updates were added after it" in report["mentor"]["detail"]
    assert "covers the whole file" in report["mentee"]["detail"]
    (tmp_path / "returned").mkdir()
    (tmp_path / "returned" / "agreement.pdf").write_bytes(signed["both"].read_bytes())
    tracked = run("track", str(tmp_path / "returned"), "-o", str(tmp_path / "t.json"), cwd=tmp_path,
                  block_pyhanko=True)
    assert tracked.returncode == 0, tracked.stderr
    pair = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))["pairs"][0]
    assert (pair["mentor_signature"], pair["mentee_signature"], pair["signed_mentor"]) == (
        "unverified", "unverified", True)


# -- tracking -------------------------------------------------------------------------------


def test_track_shows_each_partys_signature_and_problems(signed: dict[str, Path], tmp_path: Path,
                                                        pki: PKI) -> None:
    returned = tmp_path / "returned"
    (returned / "good").mkdir(parents=True)
    (returned / "good" / "agreement.pdf").write_bytes(signed["both"].read_bytes())
    other = md.load("agreement", {**RECORD, "mentor": {"name": "Cy Park"}, "mentee": {"name": "Dee Ruiz"},
                                  "signatures": {"mentor": {"name": "Cy Park"}}})
    (returned / "bad").mkdir()
    bad = md.fill("agreement", other, returned / "bad" / "agreement.pdf")
    sign(bad, "mentor", pki.mentor.p12, password=PASSWORD)  # signed by Ana Lima, typed Cy Park
    tracker = md.track([returned], trust_roots=[pki.ca_pem])
    rows = {p.mentor: p for p in tracker.pairs}
    good = rows["Ana Lima"]
    assert (good.mentor_signature, good.mentee_signature, good.coordinator_signature) == (
        "trusted", "trusted", "not_signed")
    assert good.signed_mentor and good.signed_mentee and not good.signed_coordinator
    assert "mentor: signed, certificate trusted, Ana Lima" in (good.signature_details or "")
    problems = [p for p in tracker.problems if p.category == "signature"]
    assert [(p.pair, p.path) for p in problems] == [(rows["Cy Park"].pair, "signatures.mentor.signature")]
    assert "typed name is 'Cy Park'" in problems[0].problem
    page = tmp_path / "tracker.html"
    done = run("track", str(returned), "-o", str(page), "--trust-root", str(pki.ca_pem), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    html = page.read_text(encoding="utf-8")
    assert "Mentor: signed, certificate trusted" in html
    plain = md.track([returned])  # no root given: a valid signature is signed, not an error
    assert {p.mentor_signature for p in plain.pairs} == {"signed"}
    assert not [p for p in plain.problems if p.category == "signature" and "identity" in p.problem]


def test_reading_an_unsigned_agreement_never_loads_pyhanko(signed: dict[str, Path]) -> None:
    # The README's promise: checking costs only files that carry a signature.
    code = ("import sys, mentoring_docs as md; r = md.read(sys.argv[1]); "
            "print(r.signatures['mentor'].status, any(m.split('.')[0] == 'pyhanko' for m in sys.modules))")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for name, expected in (("filled", "typed False"), ("mentor", "signed True")):
        done = subprocess.run([sys.executable, "-c", code, str(signed[name])], capture_output=True, text=True,
                              timeout=180, env=env, check=True)
        assert done.stdout.strip() == expected, name
