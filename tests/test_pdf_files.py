"""Confidential and final copies, custom templates, and files that are not forms of ours."""

from __future__ import annotations

import io
import os
import subprocess

import pikepdf
import pytest
from reportlab.pdfgen.canvas import Canvas

from mentoring_docs import FormError, TemplateError, load
from mentoring_docs.forms import Filler
from mentoring_docs.pdf import blank_template, compile_template, read_form, sniff
from pdfutil import fill, read, sample, widgets
from tools import require


def _one_line_error(blob: bytes, name: str = "returned.pdf", **kwargs) -> str:
    with pytest.raises(FormError) as info:
        read_form(blob, name=name, **kwargs)
    message = str(info.value)
    assert message.startswith(f"{name}: ") and "\n" not in message
    return message


# -- passwords and flattening ----------------------------------------------------------


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("kind, most", [("agreement", 60), ("action_plan", 80)])
def test_a_filled_sample_is_small_and_an_incremental_update_of_the_blank(kind, most, paper, tmp_path):
    # The README's sizes: the bundled complete samples, every field drawn.
    require("qpdf")
    blob = compile_template(kind, paper=paper).render(load(kind, sample(kind)))
    assert len(blob) <= most * 1024, f"{kind} ({paper}): {len(blob) / 1024:.1f} KiB"
    blank = blank_template(kind, paper)
    assert blob.startswith(blank) and len(blob) > len(blank)
    with pikepdf.open(io.BytesIO(blob)) as pdf:
        # The update ends with a hybrid section (its objects in a cross-reference stream behind a
        # one-entry classic table), pointing back at the blank's.
        assert "/XRefStm" in pdf.trailer and len(blank) < int(pdf.trailer.XRefStm) < len(blob)
        assert int(pdf.trailer.Prev) < len(blank)
    assert blob[blob.rindex(b"startxref"):].split()[1] == str(blob.rindex(b"\nxref\n") + 1).encode()
    (tmp_path / "filled.pdf").write_bytes(blob)
    check = subprocess.run(["qpdf", "--check", str(tmp_path / "filled.pdf")], capture_output=True, timeout=60)
    assert check.returncode == 0 and not check.stderr, check.stdout + check.stderr
    assert read(blob).data == sample(kind)


def test_password_encrypts_with_aes256_and_reads_back_with_it():
    record = sample("agreement")
    blob = fill("agreement", record, password="s3cret (pass)")
    with pikepdf.open(io.BytesIO(blob), password="s3cret (pass)") as pdf:
        assert pdf.encryption.R == 6 and pdf.encryption.bits == 256 and "aes" in str(pdf.encryption.stream_method)
    assert b"Priya" not in blob  # values are not in the clear
    assert read(blob, password="s3cret (pass)").data == record


def test_encrypted_form_without_or_with_a_wrong_password_is_a_clear_error():
    blob = fill("agreement", sample("agreement"), password="s3cret")
    assert "give its password" in _one_line_error(blob)
    assert "wrong password" in _one_line_error(blob, password="guess")


def test_flatten_draws_values_into_the_page_and_removes_the_fields(tmp_path):
    require("pdftotext")
    record = sample("agreement")
    blob = fill("agreement", record, flatten=True)
    with pikepdf.open(io.BytesIO(blob)) as pdf:
        assert "/AcroForm" not in pdf.Root
        assert not any(a.get("/Subtype") == "/Widget" for p in pdf.pages for a in p.obj.get("/Annots", []))
    path = tmp_path / "final.pdf"
    path.write_bytes(blob)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, timeout=60).stdout.decode()
    assert record["mentor"]["name"] in text and record["program"]["name"] in text
    assert "no form fields" in _one_line_error(blob)


def test_flatten_and_password_together():
    blob = fill("agreement", sample("agreement"), flatten=True, password="pw")
    with pikepdf.open(io.BytesIO(blob), password="pw") as pdf:
        assert "/AcroForm" not in pdf.Root


def test_filler_writes_pdf_through_the_forms_api(tmp_path):
    out = Filler("agreement", "pdf").fill(load("agreement", sample("agreement")), tmp_path / "a.pdf")
    assert read(out.read_bytes()).data == sample("agreement")


# -- custom templates --------------------------------------------------------------------


def test_custom_template_restyled_elsewhere_is_normalised_and_filled():
    # A template re-saved by another program: object streams and NeedAppearances.
    with pikepdf.open(io.BytesIO(blank_template("agreement"))) as pdf:
        pdf.Root.AcroForm.NeedAppearances = True
        pdf.docinfo["/Title"] = "Our restyled agreement"
        out = io.BytesIO()
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    record = sample("agreement")
    blob = compile_template("agreement", out.getvalue()).render(record)
    assert read(blob).data == record


def test_custom_template_missing_or_unknown_fields_is_a_template_error():
    with pikepdf.open(io.BytesIO(blank_template("agreement"))) as pdf:
        first = pdf.Root.AcroForm.Fields[0]
        first.T = pikepdf.String("agreement_number")
        out = io.BytesIO()
        pdf.save(out)
    with pytest.raises(TemplateError) as info:
        compile_template("agreement", out.getvalue())
    assert "agreement_number" in str(info.value) and "agreement_id" in str(info.value)


# -- files that are not forms of ours ------------------------------------------------------


def test_sniff():
    assert sniff(b"%PDF-1.7\n") and not sniff(b"PK\x03\x04") and not sniff(b"")


def test_not_a_pdf():
    assert "not a readable PDF" in _one_line_error(b"%PDF-1.4\nthis is not really a PDF at all")
    assert "not a readable PDF" in _one_line_error(b"hello")


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_truncated_pdf(keep):
    blob = fill("agreement", sample("agreement"))
    message = _one_line_error(blob[: int(len(blob) * keep)])
    assert "damaged" in message or "not a readable PDF" in message
    assert " object at 0x" not in message


def test_pdf_without_fields():
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, "Just a letter.")
    canvas.save()
    assert "no form fields" in _one_line_error(buffer.getvalue())


def test_pdf_whose_fields_are_not_ours():
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, "Tax form")
    canvas.acroForm.textfield(name="taxpayer_id", x=72, y=600, value="123")
    canvas.save()
    assert "mentoring agreement or action plan" in _one_line_error(buffer.getvalue())


def test_field_tree_that_loops_is_an_error_not_a_hang():
    with pikepdf.open(io.BytesIO(blank_template("agreement"))) as pdf:
        parent = next(f for f in pdf.Root.AcroForm.Fields if "/Kids" in f)
        child = next(k for k in parent.Kids if "/Kids" not in k) if any("/Kids" not in k for k in parent.Kids) \
            else parent.Kids[0]
        child.Kids = pikepdf.Array([parent])  # the child points back at its parent
        del child["/FT"]
        out = io.BytesIO()
        pdf.save(out)
    assert "loops" in _one_line_error(out.getvalue())


def test_values_of_foreign_fields_are_reported_not_dropped():
    record = sample("agreement")
    with pikepdf.open(io.BytesIO(fill("agreement", record))) as pdf:
        extra = pdf.make_indirect(pikepdf.Dictionary(FT=pikepdf.Name.Tx, T=pikepdf.String("favourite_colour"),
                                                     V=pikepdf.String("teal")))
        pdf.Root.AcroForm.Fields.append(extra)
        out = io.BytesIO()
        pdf.save(out)
    result = read(out.getvalue())
    assert [p.path for p in result.problems] == ["favourite_colour"]
    assert result.data == record


# -- where the reader cannot map the file ---------------------------------------------------


@pytest.mark.parametrize("how", ["refused", "absent"])
def test_without_memory_files_reading_falls_back_and_gives_the_same_answers(monkeypatch, how):
    # On Linux the reader hands qpdf a memory-mapped copy; elsewhere (another OS,
    # a sandbox that refuses memfd_create) it reads from BytesIO, with the same results.
    good = fill("action_plan", sample("action_plan"))
    encrypted = fill("agreement", sample("agreement"), password="s3cret")
    cut = good[: len(good) // 2]
    expected = (read_form(good, name="a.pdf"), read_form(encrypted, name="b.pdf", password="s3cret"),
                _one_line_error(cut), _one_line_error(encrypted), _one_line_error(b"%PDF-1.4\nnot really"))
    if how == "refused":
        def refuse(*args, **kwargs):
            raise OSError(1, "Operation not permitted")
        monkeypatch.setattr(os, "memfd_create", refuse)
    else:
        monkeypatch.delattr(os, "memfd_create")
    assert (read_form(good, name="a.pdf"), read_form(encrypted, name="b.pdf", password="s3cret"),
            _one_line_error(cut), _one_line_error(encrypted), _one_line_error(b"%PDF-1.4\nnot really")) == expected


def test_an_empty_file_is_not_a_readable_pdf():
    assert "not a readable PDF" in _one_line_error(b"")
