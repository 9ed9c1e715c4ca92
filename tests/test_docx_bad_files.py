"""Files that are not readable forms fail fast, with one line naming the file."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zipfile

import docx
import pytest
from conftest import sample

from mentoring_docs import load
from mentoring_docs.docx import blank_template, compile_template, read_form, sniff
from mentoring_docs.docx.package import MAX_PART_BYTES
from mentoring_docs.errors import FormError

import docx_helpers as dh


def filled() -> bytes:
    return compile_template("agreement").render(load("agreement", sample("agreement.json")))


def refuse(blob: bytes, name: str = "returned.docx") -> str:
    with pytest.raises(FormError) as caught:
        read_form(blob, name=name)
    message = str(caught.value)
    assert message.startswith(f"{name}: ") and "\n" not in message
    return message


def zip_with(document: bytes, level: int = 9) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", document)
    return out.getvalue()


def test_not_a_zip() -> None:
    assert not sniff(b"Dear mentor,")
    assert "not a Word document" in refuse(b"Dear mentor, here is my plan.", "notes.docx")


def test_a_damaged_zip() -> None:
    blob = filled()
    assert "damaged Word document" in refuse(blob[: len(blob) // 2])
    corrupt = bytearray(blob)
    start = corrupt.find(b"word/document.xml") + len(b"word/document.xml")
    corrupt[start + 40: start + 400] = b"\x00" * 360  # garbage in the compressed body
    assert "damaged Word document" in refuse(bytes(corrupt))


def test_a_zip_that_is_not_a_word_document() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    assert "no word/document.xml" in refuse(out.getvalue(), "roster.xlsx")


def test_a_malformed_body() -> None:
    assert "not well-formed" in refuse(zip_with(b"<w:document><w:body>"))


def test_a_word_document_with_no_fields_of_ours() -> None:
    document = docx.Document()
    document.add_paragraph("Minutes of our first meeting")
    out = io.BytesIO()
    document.save(out)
    assert "no mentoring-docs form fields" in refuse(out.getvalue(), "minutes.docx")


def test_a_zip_bomb_is_refused_before_it_is_inflated() -> None:
    huge = zip_with(b" " * (MAX_PART_BYTES + 1024), level=9)
    assert len(huge) < 200_000
    message = refuse(huge, "bomb.docx")
    assert "refused" in message and "word/document.xml" in message


def test_a_part_inflating_far_beyond_any_document_is_refused() -> None:
    dense = zip_with(b"\x00" * (8 * 1024 * 1024), level=9)
    message = refuse(dense, "dense.docx")
    assert "refused" in message and "fold" in message


def test_a_zip_lying_about_its_sizes_is_caught() -> None:
    blob = bytearray(zip_with(b"<x>" + b"a" * 3_000_000 + b"</x>"))
    # Declare 1000 bytes in both the local header and the central directory.
    local = blob.find(b"PK\x03\x04", blob.find(b"word/document.xml") - 60)
    struct.pack_into("<I", blob, local + 22, 1000)
    central = blob.rfind(b"PK\x01\x02", 0, blob.rfind(b"word/document.xml"))
    struct.pack_into("<I", blob, central + 24, 1000)
    message = refuse(bytes(blob), "liar.docx")
    assert "damaged" in message or "refused" in message


def test_the_cli_reads_a_damaged_file_with_one_line_and_exit_1(tmp_path) -> None:
    path = tmp_path / "returned.docx"
    path.write_bytes(filled()[:3000])
    out = subprocess.run([sys.executable, "-m", "mentoring_docs.cli", "read", str(path)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert out.stderr.count("\n") == 1 and str(path) in out.stderr


def test_a_blank_template_reads_as_a_form_with_required_fields_missing() -> None:
    from mentoring_docs import forms

    result = forms.read(blank_template("agreement"), name="blank.docx")
    assert result.kind == "agreement"
    assert {p.path for p in result.problems} >= {"mentor.name", "mentee.name"}


def test_a_form_whose_record_part_was_lost_is_still_recognised() -> None:
    from mentoring_docs import forms

    record = load("action_plan", sample("action_plan.json"))
    blob = compile_template("action_plan").render(record)
    stripped = dh.with_parts(blob, {name: None for name in dh.parts(blob) if name.startswith("customXml/")})
    result = forms.read(stripped, name="stripped.docx")
    assert result.kind == "action_plan" and result.data == record
