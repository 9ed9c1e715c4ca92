"""The command line, run as users run it: the installed console script, in a real process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from conftest import SAMPLES
from pdfutil import stored

EXE = shutil.which("mentoring-docs")


def run(*args, stdin=None):
    command = [EXE] if EXE else [sys.executable, "-m", "mentoring_docs.cli"]
    return subprocess.run([*command, *args], input=stdin, capture_output=True, text=True, timeout=120)


def test_help_and_version():
    out = run("--help")
    assert out.returncode == 0 and "validate" in out.stdout and "schema" in out.stdout
    version = run("--version")
    assert version.returncode == 0 and version.stdout.startswith("mentoring-docs, version ")


@pytest.mark.parametrize("kind,name", [("agreement", "agreement.json"), ("action-plan", "action_plan.json"),
                                       ("agreement", "agreement-minimal.json")])
def test_validate_accepts_the_samples(kind, name):
    out = run("validate", kind, str(SAMPLES / name))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("OK")


def test_validate_names_all_three_mistakes(tmp_path):
    data = json.loads((SAMPLES / "agreement.json").read_text(encoding="utf-8"))
    data["mentor"]["emial"] = data["mentor"].pop("email")
    data["timeframe"]["end_date"] = "2025-01-01"
    data["meetings"]["format"] = "telepathy"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    out = run("validate", "agreement", str(bad))
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    lines = out.stderr.splitlines()
    assert len(lines) == 3
    assert any("mentor.emial: unknown field; did you mean 'email'?" in line for line in lines)
    assert any("timeframe.end_date: must be after the start date" in line for line in lines)
    assert any("meetings.format: 'telepathy' is not one of" in line for line in lines)
    assert all(line.startswith(f"{bad}: ") for line in lines)


def test_validate_reads_stdin():
    out = run("validate", "agreement", "-", stdin=(SAMPLES / "agreement-minimal.json").read_text(encoding="utf-8"))
    assert out.returncode == 0 and "<stdin>: OK" in out.stdout


def test_validate_malformed_json_gives_line_and_column(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"mentor": {"name": "A"}\n "mentee": {}}', encoding="utf-8")
    out = run("validate", "agreement", str(bad))
    assert out.returncode == 1
    assert out.stderr.strip() == f"{bad}: line 2, column 2: invalid JSON: Expecting ',' delimiter"


@pytest.mark.parametrize("args", [("validate", "agreement", "/no/such/file.json"), ("validate", "contract", "x.json"),
                                  ("schema",), ("frobnicate",)])
def test_usage_mistakes_exit_2_with_one_line(args):
    out = run(*args)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert "Error:" in out.stderr


@pytest.mark.parametrize("kind", ["agreement", "action-plan"])
def test_schema_prints_the_json_schema(kind):
    out = run("schema", kind)
    assert out.returncode == 0
    schema = json.loads(out.stdout)
    assert schema["$schema"].endswith("2020-12/schema")
    expected = ["mentor", "mentee", "timeframe"] if kind == "agreement" else ["mentor", "mentee"]
    assert schema["required"] == expected


def test_paper_option_on_fill_and_template(tmp_path):
    from mentoring_docs import read
    from mentoring_docs.forms import blank_template

    for fmt in ("pdf", "docx"):
        out = tmp_path / f"a4.{fmt}"
        done = run("fill", "agreement", str(SAMPLES / "agreement.json"), "-o", str(out), "--paper", "A4")
        assert done.returncode == 0, done.stderr
        letter = tmp_path / f"letter.{fmt}"
        assert run("fill", "agreement", str(SAMPLES / "agreement.json"), "-o", str(letter)).returncode == 0
        assert read(out).data == read(letter).data
        blank = tmp_path / f"blank-a4.{fmt}"
        assert run("template", "action-plan", "--format", fmt, "-o", str(blank), "--paper", "a4").returncode == 0
        assert blank.read_bytes() == blank_template("action_plan", fmt, "a4") != blank_template("action_plan", fmt)
    done = run("fill", "agreement", str(SAMPLES / "agreement.json"), "-o", str(tmp_path / "x.pdf"), "--paper", "legal")
    assert done.returncode == 2 and "legal" in done.stderr and "Traceback" not in done.stderr
    done = run("fill", "agreement", str(SAMPLES / "agreement.json"), "-o", str(tmp_path / "y.pdf"), "--paper", "a4",
               "--template", str(tmp_path / "blank-a4.pdf"))
    assert done.returncode == 2 and "customised --template keeps its own page size" in done.stderr
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "y.pdf").exists()


def test_paper_option_in_python(tmp_path):
    import mentoring_docs as md
    from mentoring_docs.forms import blank_template

    record = md.load("action_plan", json.loads((SAMPLES / "action_plan.json").read_text(encoding="utf-8")))
    out = md.fill("action_plan", record, tmp_path / "plan.pdf", paper="a4")
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in stored(out.read_bytes())  # in the form's object streams
    assert md.read(out).data == record
    assert md.Filler("action_plan", "docx", paper="a4").paper == "a4"
    import io
    import zipfile

    word = zipfile.ZipFile(io.BytesIO(md.Filler("action_plan", "docx", paper="A4").render(record)))
    assert b'<w:pgSz w:w="11906" w:h="16838"/>' in word.read("word/document.xml")
    exported = md.export_template("agreement", "docx", tmp_path / "t.docx", paper="a4")
    assert exported.read_bytes() == blank_template("agreement", "docx", "a4")
    with pytest.raises(md.MentoringDocsError, match="customised template keeps its own page size"):
        md.Filler("agreement", "pdf", template=blank_template("agreement", "pdf"), paper="a4")
    with pytest.raises(md.MentoringDocsError, match="unknown paper size 'b5'"):
        md.Filler("agreement", "pdf", paper="b5")
