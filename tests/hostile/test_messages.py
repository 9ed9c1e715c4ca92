"""Messages that say what is wrong, not something near it."""

from __future__ import annotations

import json

import pytest

from conftest import SAMPLES
from hostile.harness import run_cli


@pytest.mark.parametrize("escape,message", [
    ("\\ud800", "mentor.name: contains a lone surrogate U+D800 (half of a character pair), which is not valid text"),
    ("\\udfff", "mentor.name: contains a lone surrogate U+DFFF"),
    ("\\u0001", "mentor.name: contains the control character U+0001, which forms cannot hold"),
    ("\\uffff", "mentor.name: contains the noncharacter U+FFFF, which forms cannot hold"),
])
def test_bad_characters_are_named_for_what_they_are(tmp_path, escape, message):
    text = (SAMPLES / "agreement.json").read_text(encoding="utf-8").replace('"Priya Raman"', f'"Priya{escape}"')
    (tmp_path / "data.json").write_text(text, encoding="utf-8")
    for args in (("validate", "agreement", tmp_path / "data.json"),
                 ("fill", "agreement", tmp_path / "data.json", "-o", tmp_path / "out.docx")):
        result = run_cli(*args, cwd=tmp_path)
        result.clean_failure(message)
        if "surrogate" in message:
            assert "control character" not in result.stderr


def test_a_repeated_key_deep_inside_is_named_by_its_path(tmp_path):
    record = json.loads((SAMPLES / "action_plan.json").read_text(encoding="utf-8"))
    text = json.dumps(record).replace('"title": ', '"title": "first", "title": ', 1)
    (tmp_path / "plan.json").write_text(text, encoding="utf-8")
    result = run_cli("validate", "action-plan", tmp_path / "plan.json", cwd=tmp_path)
    result.clean_failure("goals.0.title: given more than once in the same object")
