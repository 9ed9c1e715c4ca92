"""The fast reading of PDF forms our filler filled gives exactly what the careful (pikepdf) reading gives.

:mod:`mentoring_docs.pdf.fastread` reads a filled form as the blank it was filled
from (worked out once, the careful way) plus the one update our filler appended.
It must return what the careful reading returns, or step aside (None): these
tests check both on our own forms, on forms changed afterwards (by pypdf, pikepdf,
pdftk, by hand), and on updates that lie.
"""

from __future__ import annotations

import copy
import io
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from conftest import sample
from hypothesis import HealthCheck, given, settings
from pypdf import PdfReader, PdfWriter

from mentoring_docs import forms, load
from mentoring_docs.errors import FormError
from mentoring_docs.extension import load_extension
from mentoring_docs.pdf import compile_template, fastread, reader
from strategies import records
from tools import require

ROOT = Path(__file__).resolve().parent.parent


def careful(blob: bytes) -> tuple:
    with reader._input(blob) as (stream, mode):
        form = reader._read(stream, mode, name="form.pdf", password=None)
    return form.kind, form.values, form.problems, form.extension


def fast(blob: bytes) -> tuple | None:
    """The fast reading, after the blank has been seen twice (so that it is known)."""
    for _ in range(3):
        found = fastread.read(blob, reader._learn)
    return found


def filled(kind: str = "agreement", **changes) -> bytes:
    record = copy.deepcopy(sample(f"{kind}.json"))
    record.update(changes)
    return compile_template(kind).render(load(kind, record))


@pytest.mark.parametrize("kind", ["agreement", "action_plan"])
@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_our_forms_are_read_fast_and_the_same(kind: str, paper: str) -> None:
    blob = compile_template(kind, paper=paper).render(load(kind, sample(f"{kind}.json")))
    found = fast(blob)
    assert found is not None and found == careful(blob)
    assert reader.read_form(blob, name="form.pdf").values == careful(blob)[1]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records("agreement"))
def test_any_agreement_reads_the_same_fast(record: dict) -> None:
    blob = compile_template("agreement").render(record)
    found = fast(blob)
    assert found is not None and found == careful(blob)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records("action_plan"))
def test_any_action_plan_reads_the_same_fast(record: dict) -> None:
    blob = compile_template("action_plan").render(record)
    found = fast(blob)
    assert found is not None and found == careful(blob)


def test_values_in_other_scripts_and_with_brackets_read_the_same_fast() -> None:
    blob = filled(purpose="(Arabic) مرحبا — 中文 \\ back\\slash ) ( unbalanced")
    found = fast(blob)
    assert found is not None and found == careful(blob)
    assert found[1]["purpose"].startswith("(Arabic) مرحبا")


def test_a_form_made_with_a_field_extension_reads_the_same_fast() -> None:
    extension = load_extension(ROOT / "samples" / "program-questions.json")
    record = load("agreement", {**sample("agreement.json"), "program_questions": {"site": "Leeds"}},
                  extension=extension)
    blob = compile_template("agreement", extension=extension).render(record)
    found = fast(blob)
    assert found is not None and found == careful(blob)
    assert found[3] == extension


# -- files changed after our filler: never read fast, or read the same --------------------------


def _pypdf_incremental(blob: bytes) -> bytes:
    writer = PdfWriter(io.BytesIO(blob), incremental=True)
    writer.update_page_form_field_values(writer.pages[0], {"agreement_id": "CHANGED-1"}, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pikepdf_saved(blob: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(blob)) as pdf:
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def _pikepdf_object_streams(blob: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(blob)) as pdf:
        out = io.BytesIO()
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()


def _value_changed_in_place(blob: bytes) -> bytes:
    """The update's text edited without fixing the table: offsets after it are wrong."""
    return blob.replace(b"/V (MPA-", b"/V (XMPA-", 1)


def _value_changed_same_length(blob: bytes) -> bytes:
    """An edit that keeps every offset: read fast, and it must read the edited value."""
    return blob.replace(b"/V (MPA-", b"/V (QPA-", 1)


def _name_changed(blob: bytes) -> bytes:
    return blob.replace(b"/T (agreement_id)", b"/T (agreement_iX)", 1) if blob.count(b"/T (agreement_id)") > 1 \
        else blob


def _second_update(blob: bytes) -> bytes:
    return _pypdf_incremental(blob)


CHANGES = {
    "pypdf incremental update": _pypdf_incremental,
    "saved again by pikepdf": _pikepdf_saved,
    "object streams": _pikepdf_object_streams,
    "value edited, offsets not fixed": _value_changed_in_place,
    "value edited, same length": _value_changed_same_length,
    "a field renamed in the update": _name_changed,
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_changed_forms_read_as_the_careful_reading_does(change: str) -> None:
    original = filled(agreement_id="MPA-2026-0042")
    fast(original)  # the blank is known from here on
    blob = CHANGES[change](original)
    assert blob != original or change == "a field renamed in the update"
    try:
        expected = careful(blob)
    except FormError as exc:
        with pytest.raises(FormError) as caught:
            reader.read_form(blob, name="form.pdf")
        assert str(caught.value) == str(exc)
        return
    found = fastread.read(blob, reader._learn)
    assert found is None or found == expected
    form = reader.read_form(blob, name="form.pdf")
    assert (form.kind, form.values, form.problems, form.extension) == expected


def test_an_edit_that_keeps_the_offsets_is_read_as_edited() -> None:
    original = filled(agreement_id="MPA-2026-0042")
    fast(original)
    blob = _value_changed_same_length(original)
    found = fastread.read(blob, reader._learn)
    assert found is not None and found[1]["agreement_id"] == "QPA-2026-0042" == careful(blob)[1]["agreement_id"]


def test_pdftk_output_is_read_carefully(tmp_path: Path) -> None:
    require("pdftk")
    original = filled()
    fast(original)
    source, out = tmp_path / "in.pdf", tmp_path / "out.pdf"
    source.write_bytes(original)
    subprocess.run(["pdftk", str(source), "output", str(out)], check=True, capture_output=True, timeout=120)
    blob = out.read_bytes()
    assert fastread.read(blob, reader._learn) is None
    assert forms.read(blob, name="out.pdf").data == forms.read(original, name="in.pdf").data


def test_a_long_value_in_our_update_is_left_to_the_careful_reading() -> None:
    original = filled()
    fast(original)
    with pikepdf.open(io.BytesIO(original)) as pdf:
        for field in pdf.Root.AcroForm.Fields:
            if str(field.get("/T", "")) == "purpose":
                field.V = pikepdf.String("x" * (reader._VALUE_BYTES + 10))
        out = io.BytesIO()
        pdf.save(out)
    blob = out.getvalue()
    form = reader.read_form(blob, name="form.pdf")
    assert any(p.path == "purpose" and "longer than" in p.message for p in form.problems)


def test_a_second_update_is_read_carefully() -> None:
    """Anything appended after our update (a signature, another tool's change): the fast reading steps aside."""
    original = filled()
    fast(original)
    second = _second_update(original)
    assert fastread.read(second, reader._learn) is None


def test_the_expressions_read_the_same_without_possessive_quantifiers() -> None:
    """Python 3.10 compiles them without (``fastread._compile``): the same entries."""
    plain = re.compile(fastread._DICT_ENTRY.pattern.replace(b"*+", b"*").replace(b"++", b"+").replace(b"?+", b"?"))
    assert plain.pattern != fastread._DICT_ENTRY.pattern
    blob = filled()
    objects = re.findall(rb"\n\d+ 0 obj\n(<<[^\n]*>>)\nendobj", blob)  # the dictionaries (no streams)
    assert len(objects) > 100
    for text in objects:
        inner = text[2:-2]
        assert plain.findall(inner) == fastread._DICT_ENTRY.findall(inner)
