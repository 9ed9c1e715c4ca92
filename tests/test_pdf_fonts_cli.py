"""Fonts from the command line: --font, the one warning per document, the batch summary, the sample roster."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLES
from mentoring_docs.catalogue import catalogue
from mentoring_docs.pdf import read_form
from pdfutil import read, widgets
from renderers import RENDERERS, contains_text, field_text, flattened, mupdf_notdef, notdef_glyphs, page_text, same_text

EXE = shutil.which("mentoring-docs")
CJK_TTC = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [EXE] if EXE else [sys.executable, "-m", "mentoring_docs.cli"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})


@pytest.fixture
def no_system_fonts(tmp_path) -> dict[str, str]:
    """An environment where fontconfig knows no fonts: a machine without the Noto packages."""
    if not shutil.which("fc-match"):
        pytest.skip("fontconfig not installed")
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>", encoding="utf-8")
    return {"FONTCONFIG_FILE": str(conf)}


def _record(tmp_path: Path) -> Path:
    record = json.loads((SAMPLES / "agreement.json").read_text(encoding="utf-8"))
    record["mentor"]["name"] = "王芳"
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return path


def test_fill_warns_once_when_no_font_has_a_character(tmp_path, no_system_fonts):
    out = run("fill", "agreement", str(_record(tmp_path)), "-o", str(tmp_path / "a.pdf"), env=no_system_fonts)
    assert out.returncode == 0, out.stderr
    lines = [line for line in out.stderr.splitlines() if line.startswith("warning:")]
    assert lines == [f"warning: {tmp_path / 'a.pdf'}: mentor.name: no font has 王 (U+738B), 芳 (U+82B3); "
                     "install fonts-noto-cjk or pass --font"]
    assert read((tmp_path / "a.pdf").read_bytes()).data["mentor"]["name"] == "王芳"  # still stored exactly


def test_fill_with_font_draws_what_the_system_lacks(tmp_path, no_system_fonts):
    if not CJK_TTC.exists():
        pytest.skip("fonts-noto-cjk not installed")
    out = run("fill", "agreement", str(_record(tmp_path)), "-o", str(tmp_path / "a.pdf"), "--font", str(CJK_TTC),
              env=no_system_fonts)
    assert out.returncode == 0, out.stderr
    assert "warning" not in out.stderr
    assert notdef_glyphs((tmp_path / "a.pdf").read_bytes()) == []


def test_bad_font_file_is_one_line(tmp_path):
    out = run("fill", "agreement", str(SAMPLES / "agreement.json"), "-o", str(tmp_path / "a.pdf"),
              "--font", str(tmp_path / "missing.otf"))
    assert out.returncode == 1
    assert out.stderr.strip() == f"error: {tmp_path / 'missing.otf'}: font file not found"
    assert not (tmp_path / "a.pdf").exists()


def test_batch_lists_documents_with_boxes_in_its_summary(tmp_path, no_system_fonts):
    out = run("batch", str(SAMPLES / "roster.csv"), "-o", str(tmp_path / "out"), "--formats", "pdf", "-j", "1",
              "-q", env=no_system_fonts)
    assert out.returncode == 0, out.stderr
    summary = out.stderr.strip().splitlines()[-1]
    assert "show characters no font has as boxes" in summary
    assert "agreement" in summary and ".pdf" in summary
    warned = [line for line in out.stderr.splitlines() if "warning:" in line]
    assert any("mentor.name: no font has 王 (U+738B)" in line for line in warned)


def test_sample_roster_batch_is_readable_in_every_renderer(tmp_path):
    out = run("batch", str(SAMPLES / "roster.csv"), "-o", str(tmp_path / "out"), "--formats", "pdf", "-q")
    assert out.returncode == 0, out.stderr
    assert "warning" not in out.stderr and "no font has" not in out.stderr
    pdfs = sorted((tmp_path / "out").rglob("*.pdf"))
    assert len(pdfs) == 20
    problems: dict[str, list[str]] = {}
    for pdf in pdfs:
        blob = pdf.read_bytes()
        flat = tmp_path / "flat.pdf"
        flat.write_bytes(flattened(blob))
        found = notdef_glyphs(blob) + mupdf_notdef(flat)
        kind, raw, _ = read_form(blob, name=pdf.name)
        places = {name: (page, rect) for name, page, rect in widgets(blob)}
        pages: dict[int, str] = {}
        for path, value in raw.items():
            if not isinstance(value, str) or not value or path not in places:
                continue
            if catalogue(kind).lookup(path).choices:
                continue  # drop-downs show a label, not the stored value
            page, rect = places[path]
            for renderer in RENDERERS:
                if renderer == "pdfium":
                    pages.setdefault(page, page_text(flat, page))
                    ok = contains_text(value, pages[page])
                else:
                    ok = same_text(value, field_text(renderer, flat, page, rect))
                if not ok:
                    found.append(f"{renderer}: {path}")
        if found:
            problems[str(pdf.relative_to(tmp_path))] = found
    assert problems == {}


def test_without_fontconfig_the_usual_font_folders_are_searched(tmp_path):
    # As on macOS and Windows: no fc-match on PATH, so the font folders are scanned.
    if not Path("/usr/share/fonts").is_dir():
        pytest.skip("no /usr/share/fonts on this machine")
    if not EXE:
        pytest.skip("the mentoring-docs command is not installed")
    out = run("fill", "agreement", str(_record(tmp_path)), "-o", str(tmp_path / "a.pdf"),
              env={"PATH": str(tmp_path / "empty")})
    assert out.returncode == 0, out.stderr
    assert "warning" not in out.stderr
    assert notdef_glyphs((tmp_path / "a.pdf").read_bytes()) == []
