"""--protect limits editing to the form fields (Word's "Filling in forms"); off by default."""

from __future__ import annotations

import subprocess
import sys

from conftest import SAMPLES, sample
from lxml import etree

from mentoring_docs import forms, load
from mentoring_docs.docx import blank_template, compile_template
from mentoring_docs.docx.package_edits import protected_settings

import docx_helpers as dh


def protection(blob: bytes) -> etree._Element | None:
    settings = etree.fromstring(dh.parts(blob)["word/settings.xml"])
    return settings.find("w:documentProtection", dh.NS)


def test_forms_are_unprotected_by_default() -> None:
    record = load("action_plan", sample("action_plan.json"))
    assert protection(compile_template("action_plan").render(record)) is None


def test_protect_restricts_editing_to_form_fields_and_still_reads_back(tmp_path) -> None:
    record = load("action_plan", sample("action_plan.json"))
    out = forms.fill("action_plan", record, tmp_path / "plan.docx", protect=True)
    blob = out.read_bytes()
    node = protection(blob)
    assert node is not None
    assert node.get(dh.q("w:edit")) == "forms" and node.get(dh.q("w:enforcement")) == "1"
    assert forms.read(out).data == record


def test_protection_sits_where_the_schema_wants_it() -> None:
    settings = etree.fromstring(protected_settings(dh.parts(blank_template("agreement"))["word/settings.xml"]))
    names = [etree.QName(child).localname for child in settings]
    assert names.index("documentProtection") < names.index("defaultTabStop")
    assert names.index("zoom") < names.index("documentProtection")


def test_a_template_with_its_own_protection_gets_ours_instead() -> None:
    settings = dh.parts(blank_template("agreement"))["word/settings.xml"].replace(
        b'<w:defaultTabStop', b'<w:documentProtection w:edit="readOnly" w:enforcement="1"/><w:defaultTabStop')
    template = dh.with_parts(blank_template("agreement"), {"word/settings.xml": settings})
    record = load("agreement", sample("agreement-minimal.json"))
    blob = compile_template("agreement", template, protect=True).render(record)
    root = etree.fromstring(dh.parts(blob)["word/settings.xml"])
    found = root.findall("w:documentProtection", dh.NS)
    assert len(found) == 1 and found[0].get(dh.q("w:edit")) == "forms"


def test_cli_protect(tmp_path) -> None:
    out_file = tmp_path / "agreement.docx"
    out = subprocess.run([sys.executable, "-m", "mentoring_docs.cli", "fill", "agreement",
                          str(SAMPLES / "agreement.json"), "-o", str(out_file), "--protect"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert protection(out_file.read_bytes()).get(dh.q("w:edit")) == "forms"
