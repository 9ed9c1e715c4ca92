"""PDF through the command line: fill, template, read, passwords and bad files."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, SAMPLES

from mentoring_docs import load, to_json
from mentoring_docs.pdf import blank_template


def run(*args, cwd):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "mentoring_docs.cli", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd, env=env)


def test_fill_read_round_trip_with_password(tmp_path):
    out = run("fill", "agreement", str(SAMPLES / "agreement.json"), "-o", "a.pdf", "--password", "pw", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    denied = run("read", "a.pdf", cwd=tmp_path)
    assert denied.returncode == 1
    assert denied.stderr.strip() == "error: a.pdf: the PDF is encrypted; give its password (--password)"
    read = run("read", "a.pdf", "--password", "pw", cwd=tmp_path)
    assert read.returncode == 0, read.stderr
    sample = json.loads((SAMPLES / "agreement.json").read_text(encoding="utf-8"))
    assert json.loads(read.stdout) == json.loads(to_json("agreement", load("agreement", sample)))


def test_template_export_and_refusal_to_overwrite(tmp_path):
    assert run("template", "action-plan", "--format", "pdf", "-o", "blank.pdf", cwd=tmp_path).returncode == 0
    assert (tmp_path / "blank.pdf").read_bytes().startswith(b"%PDF-")
    again = run("template", "action-plan", "--format", "pdf", "-o", "blank.pdf", cwd=tmp_path)
    assert again.returncode == 1 and "already exists" in again.stderr


def test_too_many_rows_is_one_line_per_list(tmp_path):
    data = json.loads((SAMPLES / "action_plan.json").read_text(encoding="utf-8"))
    data["reviews"] = data.get("reviews", [])[:1] * 9
    (tmp_path / "plan.json").write_text(json.dumps(data), encoding="utf-8")
    out = run("fill", "action-plan", "plan.json", "-o", "p.pdf", cwd=tmp_path)
    assert out.returncode == 1
    assert out.stderr.strip() == "reviews: the PDF form has room for 6 items; this record has 9"
    assert not (tmp_path / "p.pdf").exists()


@pytest.mark.parametrize("cut", ["half", "just after the blank"])
def test_bad_pdf_is_one_line_and_exit_1(tmp_path, cut):
    """A filled form cut short, in its blank or in the update after it (which qpdf would
    otherwise skip without a word, reading the blank's empty fields)."""
    good = run("fill", "agreement", str(SAMPLES / "agreement.json"), "-o", "a.pdf", cwd=tmp_path)
    assert good.returncode == 0
    blob = (tmp_path / "a.pdf").read_bytes()
    at = len(blob) // 2 if cut == "half" else len(blank_template("agreement")) + 300
    (tmp_path / "cut.pdf").write_bytes(blob[:at])
    out = run("read", "cut.pdf", cwd=tmp_path)
    assert out.returncode == 1
    assert out.stderr.startswith("error: cut.pdf: ") and out.stderr.count("\n") == 1
    assert "Traceback" not in out.stderr
