"""The built-in blank PDF forms kept compiled (mentoring_docs/templates/compiled/*.pdf.json): in sync
with what parsing the blanks gives, used by a fill without options, filling the very bytes a parsed
blank gives, and ignored (the blank parsed again) when stale or unreadable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from prepared_support import copy_package, fill_in_copy
from strategies import records
from tools import require

import mentoring_docs
from mentoring_docs import load
from mentoring_docs.kinds import KINDS
from mentoring_docs.paper import PAPERS
from mentoring_docs.pdf import compile_template, prepared

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = {"agreement": "agreement.json", "action_plan": "action_plan.json"}
EVERY = [(kind, paper) for kind in KINDS for paper in PAPERS]


def _record(kind: str):
    return load(kind, json.loads((ROOT / "samples" / SAMPLE[kind]).read_text(encoding="utf-8")))


@pytest.mark.parametrize(("kind", "paper"), EVERY)
def test_committed_compiled_blanks_are_what_parsing_the_blanks_gives(kind, paper):
    path = Path(mentoring_docs.__file__).parent / "templates" / "compiled" / prepared.file_name(kind, paper)
    assert path.read_text(encoding="utf-8") == prepared.text(kind, paper), (
        f"the compiled blank PDF forms are out of date: run {prepared.COMMAND}")


def test_check_command_says_whether_they_are_current_whatever_the_hash_seed():
    # pikepdf lists a dictionary's keys as a set: the file must not depend on its order.
    for seed in ("0", "1", "2"):
        done = subprocess.run([sys.executable, "-m", "mentoring_docs.pdf.prepared", "--check"], capture_output=True,
                              text=True, env={**os.environ, "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(("kind", "paper"), EVERY)
def test_a_fill_without_options_uses_the_compiled_file(kind, paper):
    kept = prepared.load(kind, paper)
    assert kept is not None
    assert sorted(vars(kept)) == sorted(vars(prepared._compile(kind, paper)))
    used = compile_template(kind, paper=paper)
    assert vars(used).keys() == vars(kept).keys()
    assert used.slots == kept.slots and used.base == kept.base
    assert used is not prepared.load(kind, paper)  # a new form each time, as compiling gives


@pytest.mark.parametrize(("kind", "paper"), EVERY)
def test_the_compiled_file_fills_the_bytes_a_parsed_blank_gives(kind, paper, tmp_path):
    kept, now = prepared.load(kind, paper), prepared._compile(kind, paper)
    assert kept is not None
    filled = kept.render(_record(kind))
    assert filled == now.render(_record(kind))
    # and a form that reads back as the record (with our reader, and qpdf finds it sound)
    out = tmp_path / "filled.pdf"
    out.write_bytes(filled)
    result = mentoring_docs.read(out)
    assert result.problems == [] and result.data == dict(_record(kind))
    require("qpdf")
    check = subprocess.run(["qpdf", "--check", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


@settings(max_examples=25, deadline=None)
@given(data=records("agreement"))
def test_any_agreement_fills_the_same_from_the_compiled_file(data):
    # Any script: values the bundled font lacks go through HarfBuzz and a subset font.
    assert prepared.load("agreement", "letter").render(data) == prepared._compile("agreement", "letter").render(data)


@settings(max_examples=15, deadline=None)
@given(data=records("action_plan", {"goals": 3, "goals.*.activities": 4}))
def test_any_action_plan_fills_the_same_from_the_compiled_file(data):
    assert prepared.load("action_plan", "a4").render(data) == prepared._compile("action_plan", "a4").render(data)


@pytest.mark.parametrize("change", ["filler", "blank", "font", "damaged"])
def test_a_stale_or_damaged_compiled_file_is_ignored_and_the_blank_parsed(tmp_path, change):
    package = copy_package(tmp_path)
    if change == "filler":  # the code that compiles changed: what it makes may differ
        path = package / "pdf" / "filler.py"
        path.write_text(path.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    elif change == "blank":  # the blank was regenerated but not its compiled form
        path = package / "templates" / "agreement.pdf"
        path.write_bytes(path.read_bytes() + b"\n")
    elif change == "font":
        path = package / "fonts" / "DejaVuSans-latin.ttf"
        path.write_bytes(path.read_bytes() + b"\0\0\0\0")
    else:
        path = package / "templates" / "compiled" / "agreement.pdf.json"
        path.write_text(path.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    out = tmp_path / "a.pdf"
    assert fill_in_copy(tmp_path, out, 'pdf', 'pikepdf') == ["True", "True 0"]
    check = subprocess.run([sys.executable, "-m", "mentoring_docs.pdf.prepared", "--check"], capture_output=True,
                           text=True, cwd=tmp_path)
    assert check.returncode == 1 and prepared.COMMAND in check.stderr
    if change in ("filler", "damaged"):  # the same blank, parsed: the same document
        reference = tmp_path / "reference.pdf"
        mentoring_docs.fill("agreement", _record("agreement"), reference)
        assert out.read_bytes() == reference.read_bytes()


def test_a_current_copy_is_used_without_pikepdf(tmp_path):
    # The control case of the test above: the same copy, unchanged, loads the compiled file.
    copy_package(tmp_path)
    out = tmp_path / "a.pdf"
    assert fill_in_copy(tmp_path, out, 'pdf', 'pikepdf') == ["False", "False 0"]
    reference = tmp_path / "reference.pdf"
    mentoring_docs.fill("agreement", _record("agreement"), reference)
    assert out.read_bytes() == reference.read_bytes()


def test_options_that_change_the_form_parse_the_blank():
    from mentoring_docs.pdf.filler import compile_form

    for options in ({"password": "secret"}, {"flatten": True}, {"system_fonts": False}):
        form = compile_form("agreement", None, **options)  # type: ignore[arg-type]
        assert form.password == options.get("password") and form.flatten == bool(options.get("flatten"))
        assert (form.chain.system is None) == (options.get("system_fonts") is False)
