"""Forms filled or saved by other programs read back; our forms are safe to fill with them."""

from __future__ import annotations

import io
import logging
import subprocess

import pikepdf
import pytest
from pypdf import PdfReader, PdfWriter

from mentoring_docs import load
from mentoring_docs.pdf import blank_template
from pdfutil import fill, read, sample, stored
from tools import require

VALUES = {
    "mentor.name": "Анна (Ann) \\ Müller & Co <x>",
    "mentee.name": "王芳",
    "timeframe.start_date": "2026-01-12",
    "timeframe.end_date": "2026-07-10",
    "meetings.frequency": "monthly",
    "purpose": "Line one\nLine two {{ x }}",
    "boundaries": "No performance reviews",
    "commitments.mentee_other": "Send the agenda",
    "ending.notice_days": "14",
    "ending.review_date": "2026-06-26",
    "ending.next_step": "continue_with_changes",
    "evaluation.dates.0.name": "Midpoint survey",
    "signatures.line_manager.name": "Owen Barrett",
}
TICKED = ("focus.areas.networking", "commitments.mentor.keep_meetings", "evaluation.will_complete", "ending.no_fault")
EXPECTED = {
    "mentor": {"name": "Анна (Ann) \\ Müller & Co <x>"},
    "mentee": {"name": "王芳"},
    "timeframe": {"start_date": "2026-01-12", "end_date": "2026-07-10"},
    "meetings": {"frequency": "monthly"},
    "purpose": "Line one\nLine two {{ x }}",
    "focus": {"areas": ["networking"]},
    "boundaries": "No performance reviews",
    "commitments": {"mentor": ["keep_meetings"], "mentee_other": "Send the agenda"},
    "evaluation": {"will_complete": True, "dates": [{"name": "Midpoint survey"}]},
    "ending": {"no_fault": True, "notice_days": 14, "review_date": "2026-06-26", "next_step": "continue_with_changes"},
    "signatures": {"line_manager": {"name": "Owen Barrett"}},
}
PLAN_VALUES = {
    "mentor.name": "Priya", "mentee.name": "Daniel", "goals.0.title": "Ship it",
    "goals.0.current_situation": "Manual views", "goals.0.measure": "Failed loads", "goals.0.target_value": "under 1",
    "goals.0.activities.0.description": "Pair", "goals.0.activities.0.cost.amount": "49.5",
    "goals.0.activities.0.cost.currency": "EUR", "competencies.0.name": "Modelling",
    "competencies.0.baseline_rating": "2", "competencies.0.final_rating": "4", "strengths.0": "Careful",
    "development_areas.1": "Estimating",
}
PLAN_EXPECTED = {
    "mentor": {"name": "Priya"}, "mentee": {"name": "Daniel"},
    "goals": [{"title": "Ship it", "current_situation": "Manual views", "measure": "Failed loads",
               "target_value": "under 1", "activities": [
                   {"description": "Pair", "cost": {"amount": 49.5, "currency": "EUR"}}]}],
    "competencies": [{"name": "Modelling", "baseline_rating": 2, "final_rating": 4}],
    "strengths": ["Careful"], "development_areas": ["Estimating"],
}


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fdf_string(text: str) -> bytes:
    raw = b"\xfe\xff" + text.encode("utf-16-be")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _xfdf(values: dict[str, str], ticked: tuple[str, ...] = ()) -> str:
    fields = "".join(f'<field name="{k}"><value>{_xml(v)}</value></field>' for k, v in values.items())
    fields += "".join(f'<field name="{k}"><value>Yes</value></field>' for k in ticked)
    return f'<?xml version="1.0" encoding="UTF-8"?><xfdf xmlns="http://ns.adobe.com/xfdf/"><fields>{fields}</fields></xfdf>'


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_pdftk_fills_the_new_parts_of_both_forms_on_both_papers(tmp_path, paper):
    require("pdftk")
    for kind, values, ticked, expected in (("agreement", VALUES, TICKED, EXPECTED),
                                           ("action_plan", PLAN_VALUES, (), PLAN_EXPECTED)):
        (tmp_path / "blank.pdf").write_bytes(blank_template(kind, paper))
        (tmp_path / "v.xfdf").write_text(_xfdf(values, ticked), encoding="utf-8")
        subprocess.run(["pdftk", "blank.pdf", "fill_form", "v.xfdf", "output", "out.pdf"], cwd=tmp_path, check=True,
                       capture_output=True, timeout=120)
        result = read((tmp_path / "out.pdf").read_bytes())
        assert result.problems == []
        assert result.data == load(kind, expected)


def test_pdftk_reads_and_fills_again_a_form_we_filled(tmp_path):
    # Our fill appends a compact update (object stream, cross-reference stream); pdftk
    # follows only a classic table at the end, which the hybrid section gives it.
    require("pdftk")
    record = sample("agreement")
    (tmp_path / "ours.pdf").write_bytes(fill("agreement", record))
    dump = subprocess.run(["pdftk", "ours.pdf", "dump_data_fields_utf8"], cwd=tmp_path, check=True,
                          capture_output=True, timeout=120).stdout.decode("utf-8")
    assert f"FieldName: mentor.name\nFieldNameAlt: Mentor: Full name\nFieldFlags: 0\nFieldValue: " \
           f"{record['mentor']['name']}\n" in dump
    (tmp_path / "v.xfdf").write_text(_xfdf({"boundaries": "No performance reviews"}), encoding="utf-8")
    subprocess.run(["pdftk", "ours.pdf", "fill_form", "v.xfdf", "output", "out.pdf"], cwd=tmp_path, check=True,
                   capture_output=True, timeout=120)
    assert read((tmp_path / "out.pdf").read_bytes()).data == {**record, "boundaries": "No performance reviews"}


def test_pdftk_fill_form_with_xfdf(tmp_path):
    require("pdftk")
    (tmp_path / "blank.pdf").write_bytes(blank_template("agreement"))
    fields = "".join(f'<field name="{k}"><value>{_xml(v)}</value></field>' for k, v in VALUES.items())
    fields += "".join(f'<field name="{k}"><value>Yes</value></field>' for k in TICKED)
    (tmp_path / "v.xfdf").write_text('<?xml version="1.0" encoding="UTF-8"?><xfdf xmlns="http://ns.adobe.com/xfdf/">'
                                     f"<fields>{fields}</fields></xfdf>", encoding="utf-8")
    subprocess.run(["pdftk", "blank.pdf", "fill_form", "v.xfdf", "output", "out.pdf"], cwd=tmp_path, check=True,
                   capture_output=True, timeout=120)
    result = read((tmp_path / "out.pdf").read_bytes())
    assert result.problems == []
    assert result.data == load("agreement", EXPECTED)


def test_pdftk_fill_form_with_fdf(tmp_path):
    require("pdftk")
    (tmp_path / "blank.pdf").write_bytes(blank_template("agreement"))
    entries = b"".join(b"<< /T " + _fdf_string(k) + b" /V " + _fdf_string(v) + b" >>\n" for k, v in VALUES.items())
    entries += b"".join(b"<< /T (" + k.encode() + b") /V /Yes >>\n" for k in TICKED)
    (tmp_path / "v.fdf").write_bytes(b"%FDF-1.2\n1 0 obj\n<< /FDF << /Fields [\n" + entries
                                     + b"] >> >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
    subprocess.run(["pdftk", "blank.pdf", "fill_form", "v.fdf", "output", "out.pdf"], cwd=tmp_path, check=True,
                   capture_output=True, timeout=120)
    result = read((tmp_path / "out.pdf").read_bytes())
    assert result.problems == []
    assert result.data == load("agreement", EXPECTED)


def test_trap_pdftk_keeps_long_values_whole(tmp_path):
    # With reportlab's default MaxLen of 100, pdftk would cut this value to 100 characters.
    require("pdftk")
    (tmp_path / "blank.pdf").write_bytes(blank_template("agreement"))
    long_name = "N" * 250
    (tmp_path / "v.xfdf").write_text('<?xml version="1.0" encoding="UTF-8"?><xfdf xmlns="http://ns.adobe.com/xfdf/">'
                                     f'<fields><field name="mentor.name"><value>{long_name}</value></field>'
                                     '</fields></xfdf>', encoding="utf-8")
    subprocess.run(["pdftk", "blank.pdf", "fill_form", "v.xfdf", "output", "out.pdf"], cwd=tmp_path, check=True,
                   capture_output=True, timeout=120)
    assert read((tmp_path / "out.pdf").read_bytes()).data["mentor"]["name"] == long_name


def test_pyPDFForm_filled_form_reads_back():
    from PyPDFForm import PdfWrapper

    values = dict(VALUES)
    values["meetings.frequency"] = 3  # PyPDFForm picks dropdown options by index ("" is option 0)
    values.update({name: True for name in TICKED})
    blob = PdfWrapper(blank_template("agreement"), use_full_widget_name=True).fill(values).read()
    result = read(blob)
    assert result.problems == []
    assert result.data == load("agreement", EXPECTED)


def _pypdf_fill(blob: bytes, values: dict, incremental: bool = False) -> bytes:
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    writer = PdfWriter(io.BytesIO(blob), incremental=True) if incremental else PdfWriter(clone_from=io.BytesIO(blob))
    writer.update_page_form_field_values(None, values, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pypdf_incremental_update_on_our_filled_form_reads_back():
    record = sample("agreement")
    ours = fill("agreement", record)
    updated = _pypdf_fill(ours, {"meetings.location": "Room 4.12 (east wing)"}, incremental=True)
    assert updated.startswith(ours)  # really an incremental update of our file
    record["meetings"]["location"] = "Room 4.12 (east wing)"
    assert read(updated).data == record


def test_trap_pypdf_needs_the_exact_on_state_name():
    # pypdf leaves a checkbox off unless given its on-state ("/Yes" on our forms).
    blob = blank_template("agreement")
    wrong = _pypdf_fill(blob, {**VALUES, "focus.areas.networking": "/On"})
    right = _pypdf_fill(blob, {**VALUES, "focus.areas.networking": "/Yes"})
    assert "focus" not in read(wrong).data
    assert read(right).data["focus"]["areas"] == ["networking"]


def test_pypdf_draws_latin_with_the_forms_helvetica(tmp_path):
    # The form's /DA names Helvetica (WinAnsiEncoding): pypdf encodes text for it one
    # byte per character, which is what Helvetica reads (an embedded Type0 font in
    # /DA made it draw boxes).
    require("pdftotext")
    path = tmp_path / "pypdf.pdf"
    blob = blank_template("agreement")
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    writer = PdfWriter(clone_from=io.BytesIO(blob))
    writer.update_page_form_field_values(None, {"mentor.name": "Zoë Müller"}, auto_regenerate=True)
    writer.write(path)
    with pikepdf.open(path) as pdf:
        widget = next(a for a in pdf.pages[0].Annots if str(a.get("/T")) == "name"
                      and str(a.Parent.T) == "mentor")
        stream = widget.AP.N.read_bytes()
    assert b"/Helv" in stream and "Zoë Müller".encode("cp1252") in stream
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"], capture_output=True,
                          timeout=60).stdout.decode("utf-8")
    assert "Zoë Müller" in text


def test_checkbox_on_state_named_differently_reads_as_ticked(tmp_path):
    # Another program may call the on-state /On or /1: any state but /Off is a tick,
    # and the filler ticks such a box with its own state name.
    with pikepdf.open(io.BytesIO(blank_template("agreement"))) as pdf:
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", []):
                if "/AP" in annot and "/N" in annot.AP and "/Yes" in annot.AP.N:
                    annot.AP.N.On = annot.AP.N.Yes
                    del annot.AP.N["/Yes"]
        out = io.BytesIO()
        pdf.save(out)
    renamed = out.getvalue()
    ticked = _pypdf_fill(renamed, {**VALUES, "focus.areas.networking": "/On"})
    assert read(ticked).data["focus"]["areas"] == ["networking"]
    from mentoring_docs.pdf import compile_template

    record = sample("agreement")
    blob = compile_template("agreement", renamed).render(record)
    assert b"/AS /On" in stored(blob)
    assert read(blob).data == record


def test_reading_uses_appearance_state_when_a_tool_set_no_value():
    record = sample("agreement")
    blob = fill("agreement", record)
    with pikepdf.open(io.BytesIO(blob)) as pdf:
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", []):
                if "/AS" in annot and "/V" in annot:
                    del annot["/V"]
        out = io.BytesIO()
        pdf.save(out)
    assert read(out.getvalue()).data["focus"]["areas"] == record["focus"]["areas"]
