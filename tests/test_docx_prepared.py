"""The built-in Word templates kept compiled (mentoring_docs/templates/compiled/*.json): in sync with
what the compiler makes, used by a fill, rendering the very bytes a compile gives, and ignored
(the template compiled again) when stale or unreadable."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from prepared_support import copy_package, fill_in_copy
from strategies import records

import mentoring_docs
from mentoring_docs import load
from mentoring_docs.docx import compile_template, prepared
from mentoring_docs.docx.compiler import compile_docx
from mentoring_docs.docx.template import packaged_template
from mentoring_docs.kinds import KINDS
from mentoring_docs.paper import PAPERS

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = {"agreement": "agreement.json", "action_plan": "action_plan.json"}
EVERY = [(kind, paper) for kind in KINDS for paper in PAPERS]


def _compiled_now(kind: str, paper: str):
    return compile_docx(kind, packaged_template(kind, paper), name=f"the built-in {kind} template")


def _record(kind: str):
    return load(kind, json.loads((ROOT / "samples" / SAMPLE[kind]).read_text(encoding="utf-8")))


@pytest.mark.parametrize(("kind", "paper"), EVERY)
def test_committed_compiled_templates_are_what_the_compiler_makes(kind, paper):
    path = Path(mentoring_docs.__file__).parent / "templates" / "compiled" / prepared.file_name(kind, paper)
    assert path.read_text(encoding="utf-8") == prepared.text(kind, paper), (
        f"the compiled built-in templates are out of date: run {prepared.COMMAND}")


def test_check_command_says_whether_they_are_current():
    done = subprocess.run([sys.executable, "-m", "mentoring_docs.docx.prepared", "--check"], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(("kind", "paper"), EVERY)
def test_a_fill_of_a_built_in_template_uses_the_compiled_file(kind, paper):
    kept = prepared.load(kind, paper)
    assert kept is not None
    assert compile_template(kind, paper=paper) is kept


@pytest.mark.parametrize(("kind", "paper"), EVERY)
def test_the_compiled_file_renders_the_bytes_a_compile_gives(kind, paper):
    kept, now = prepared.load(kind, paper), _compiled_now(kind, paper)
    assert kept is not None
    assert kept.placeholders == now.placeholders
    assert kept.render(_record(kind)) == now.render(_record(kind))
    if kind == "agreement":  # few fields set: the empty states of most controls
        minimal = load(kind, json.loads((ROOT / "samples" / "agreement-minimal.json").read_text(encoding="utf-8")))
        assert kept.render(minimal) == now.render(minimal)


@settings(max_examples=30, deadline=None)
@given(data=records("action_plan"))
def test_any_action_plan_renders_the_same_from_the_compiled_file(data):
    record = data
    assert prepared.load("action_plan", "letter").render(record) == _compiled_now("action_plan", "letter").render(record)


@settings(max_examples=30, deadline=None)
@given(data=records("agreement"))
def test_any_agreement_renders_the_same_from_the_compiled_file(data):
    record = data
    assert prepared.load("agreement", "a4").render(record) == _compiled_now("agreement", "a4").render(record)


@pytest.mark.parametrize("change", ["compiler", "template", "schema", "damaged"])
def test_a_stale_or_damaged_compiled_file_is_ignored_and_the_template_compiled(tmp_path, change):
    package = copy_package(tmp_path)
    if change == "compiler":  # the code that compiles changed: what it makes may differ
        path = package / "docx" / "compiler.py"
        path.write_text(path.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    elif change == "template":  # someone regenerated the template but not its compiled form
        path = package / "templates" / "agreement.docx"
        path.write_bytes(path.read_bytes() + b"\0")
    elif change == "schema":  # the catalogue the program names its fields from changed
        path = package / "rules.py"
        path.write_text(path.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    else:
        path = package / "templates" / "compiled" / "agreement.docx.json"
        path.write_text(path.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    out = tmp_path / "a.docx"
    assert fill_in_copy(tmp_path, out, 'docx', 'mentoring_docs.docx.compiler') == ["True", "True 0"]
    check = subprocess.run([sys.executable, "-m", "mentoring_docs.docx.prepared", "--check"], capture_output=True,
                           text=True, cwd=tmp_path)
    assert check.returncode == 1 and prepared.COMMAND in check.stderr
    if change in ("compiler", "schema", "damaged"):  # the same template, compiled: the same document
        reference = tmp_path / "reference.docx"
        mentoring_docs.fill("agreement", _record("agreement"), reference)
        assert out.read_bytes() == reference.read_bytes()


def test_a_current_copy_is_used_without_compiling(tmp_path):
    # The control case of the test above: the same copy, unchanged, loads the compiled file.
    copy_package(tmp_path)
    out = tmp_path / "a.docx"
    assert fill_in_copy(tmp_path, out, 'docx', 'mentoring_docs.docx.compiler') == ["False", "False 0"]
    reference = tmp_path / "reference.docx"
    mentoring_docs.fill("agreement", _record("agreement"), reference)
    assert out.read_bytes() == reference.read_bytes()
