"""Our filled PDFs as the real programs see them: pdftk, qpdf, poppler and MuPDF."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from mentoring_docs import load
from mentoring_docs.catalogue import catalogue, flatten
from mentoring_docs.pdf import blank_template
from pdfutil import fill, ink, render, sample, widgets
from tools import require

GREEK_CYRILLIC = load("agreement", {
    "mentor": {"name": "Ζωή Παπαδοπούλου"}, "mentee": {"name": "Жанна Петрова"},
    "program": {"name": "Łódź · Café · Ærø"},
    "timeframe": {"start_date": "2026-01-12", "end_date": "2026-07-10"},
})


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    out = {}
    for kind in ("agreement", "action_plan"):
        record = sample(kind)
        path = folder / f"{kind}.pdf"
        path.write_bytes(fill(kind, record))
        blank = folder / f"{kind}-blank.pdf"
        blank.write_bytes(blank_template(kind))
        out[kind] = (record, path, blank)
    return out


@pytest.mark.parametrize("kind", ["agreement", "action_plan"])
def test_qpdf_check_finds_no_errors(filled, kind):
    require("qpdf")
    _record, path, _blank = filled[kind]
    run = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No syntax or stream encoding errors" in run.stdout


@pytest.mark.parametrize("kind", ["agreement", "action_plan"])
def test_pdftk_dumps_the_values_we_filled(filled, kind):
    require("pdftk")
    record, path, _blank = filled[kind]
    run = subprocess.run(["pdftk", str(path), "dump_data_fields_utf8"], capture_output=True, timeout=120)
    assert run.returncode == 0, run.stderr
    dumped: dict[str, str] = {}
    name = None
    for block in run.stdout.decode("utf-8").split("---\n"):
        name = value = None
        lines = block.split("\n")
        for i, line in enumerate(lines):
            if line.startswith("FieldName: "):
                name = line[len("FieldName: "):]
            if line.startswith("FieldValue: "):
                # a multi-line value runs on until the next "Field..." line
                rest = [line[len("FieldValue: "):]]
                for more in lines[i + 1:]:
                    if more.startswith("Field"):
                        break
                    rest.append(more)
                value = "\n".join(rest).rstrip("\n")
        if name and value is not None:
            dumped[name] = value
    cat = catalogue(kind)
    for path_, value in flatten(kind, record).items():
        fd = cat.lookup(path_)
        expected = "Yes" if value is True else fd.to_text(value)
        assert dumped.get(path_) == expected, path_


@pytest.mark.parametrize("kind", ["agreement", "action_plan"])
def test_qpdf_json_shows_the_values_we_filled(filled, kind):
    require("qpdf")
    record, path, _blank = filled[kind]
    run = subprocess.run(["qpdf", "--json", "--json-key=acroform", "--json-key=qpdf", str(path)],
                         capture_output=True, timeout=120)
    assert run.returncode == 0, run.stderr
    dumped = json.loads(run.stdout)
    # A text field's /V is an object of its own (the fill replaces it): qpdf names it, and shows it.
    objects = {key.removeprefix("obj:"): value.get("value") for key, value in dumped["qpdf"][1].items()}
    fields = {f["fullname"]: objects[f["value"]] if re.fullmatch(r"\d+ 0 R", f["value"] or "") else f["value"]
              for f in dumped["acroform"]["fields"]}
    cat = catalogue(kind)
    for path_, value in flatten(kind, record).items():
        expected = "/Yes" if value is True else cat.lookup(path_).to_text(value)
        assert fields[path_].removeprefix("u:") == expected, path_


@pytest.mark.parametrize("tool", ["pdftoppm", "mutool"])
@pytest.mark.parametrize("kind", ["agreement", "action_plan"])
def test_every_filled_field_shows_in_poppler_and_mupdf(filled, tmp_path, kind, tool):
    require(tool)
    record, path, blank = filled[kind]
    values = flatten(kind, record)
    places = widgets(path.read_bytes())
    pages = sorted({page for _, page, _ in places})
    missing = []
    checked = 0
    for page in pages:
        full = render(tool, path, page, tmp_path / f"full-{page}.png")
        empty = render(tool, blank, page, tmp_path / f"empty-{page}.png")
        for name, where, rect in places:
            if where != page or name not in values:
                continue
            checked += 1
            if ink(full, rect) <= ink(empty, rect) + 3:
                missing.append(name)
    assert missing == []
    assert checked > 40


def test_unchecked_boxes_stay_empty_in_renders(filled, tmp_path):
    require("pdftoppm")
    record, path, blank = filled["agreement"]
    ticked = {f"focus.areas.{a}" for a in record["focus"]["areas"]}
    places = [w for w in widgets(path.read_bytes()) if w[0].startswith("focus.areas.")]
    page = places[0][1]
    full = render("pdftoppm", path, page, tmp_path / "f.png")
    empty = render("pdftoppm", blank, page, tmp_path / "e.png")
    for name, _page, rect in places:
        assert (ink(full, rect) > ink(empty, rect) + 3) == (name in ticked), name


def test_greek_cyrillic_and_accents_render_as_text(tmp_path):
    require("pdftotext")
    path = tmp_path / "greek.pdf"
    path.write_bytes(fill("agreement", GREEK_CYRILLIC))
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"], capture_output=True,
                          timeout=60).stdout.decode("utf-8")
    for value in ("Ζωή Παπαδοπούλου", "Жанна Петрова", "Łódź · Café · Ærø"):
        assert value in text
