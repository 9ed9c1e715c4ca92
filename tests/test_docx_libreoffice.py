"""Forms survive LibreOffice: filled by us, opened and saved again by soffice, read back the same.

LibreOffice 7.4 (Debian 12) drops ``w:tag`` from every control it saves and
``w:alias`` from checkbox, date and drop-down controls; these tests prove the
bookmarks and the document structure carry the fields across. All files go
through one soffice run per filter, since each start costs seconds.
"""

from __future__ import annotations

import copy
import functools
import warnings
from pathlib import Path

import pytest
import strategies
from conftest import sample
from hypothesis.errors import NonInteractiveExampleWarning

from mentoring_docs import forms, load
from mentoring_docs.docx import blank_template, compile_template

import docx_helpers as dh
from test_docx_roundtrip import tricky_agreement

FILTERS = ("MS Word 2007 XML", "Office Open XML Text")


def busy_action_plan() -> dict:
    """Several goals with many activities, line breaks and scripts: more rows than the blank form shows."""
    raw = sample("action_plan.json")
    goal = raw["goals"][0]
    raw["goals"] = []
    for number in range(4):
        g = copy.deepcopy(goal)
        g["title"] = f"Goal {number}: 提高 <SQL> & {{{{ skills }}}}"
        g["description"] = f"Line one of goal {number}\nline two\twith a tab"
        g["objectives"] = [f"Objective {number}.{i}" for i in range(number + 1)]
        g["activities"] = (goal.get("activities", []) * 3)[: number + 2]
        raw["goals"].append(g)
    return load("action_plan", raw)


RANDOM = 4  # random valid records of each kind, from the hypothesis strategies


@functools.lru_cache(maxsize=None)
def random_records() -> dict[str, tuple[str, dict]]:
    """A few random valid records (any script, markup, tabs, line breaks), drawn once per run.

    LibreOffice is too slow to run inside a hypothesis test, so a handful of its
    examples join the one batch soffice converts; a failure prints the record.
    """
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonInteractiveExampleWarning)
        for kind in ("agreement", "action_plan"):
            for number in range(RANDOM):
                out[f"random-{kind}-{number}"] = (kind, strategies.records(kind).example())
    return out


def records() -> dict[str, tuple[str, dict]]:
    return {
        "agreement": ("agreement", load("agreement", sample("agreement.json"))),
        "minimal": ("agreement", load("agreement", sample("agreement-minimal.json"))),
        "tricky": ("agreement", tricky_agreement()),
        "plan": ("action_plan", load("action_plan", sample("action_plan.json"))),
        "busy": ("action_plan", busy_action_plan()),
        # Names ending in -a4 are filled into the A4 forms.
        "agreement-a4": ("agreement", load("agreement", sample("agreement.json"))),
        "plan-a4": ("action_plan", load("action_plan", sample("action_plan.json"))),
        **random_records(),
    }


def paper_of(name: str) -> str:
    return "a4" if name.endswith("-a4") else "letter"


@pytest.fixture(scope="module", params=FILTERS)
def resaved(request, tmp_path_factory) -> dict[str, Path]:
    """Every test file, filled by us then re-saved by LibreOffice with one DOCX filter."""
    folder = tmp_path_factory.mktemp("lo")
    sources = []
    for name, (kind, record) in records().items():
        path = folder / f"{name}.docx"
        path.write_bytes(compile_template(kind, paper=paper_of(name)).render(record))
        sources.append(path)
        protected = folder / f"{name}-protected.docx"
        protected.write_bytes(compile_template(kind, protect=True, paper=paper_of(name)).render(record))
        sources.append(protected)
    for kind in ("agreement", "action_plan"):
        path = folder / f"template-{kind}.docx"
        path.write_bytes(blank_template(kind))
        sources.append(path)
    out = dh.libreoffice_resave(sources, folder / "out", tmp_path_factory.mktemp("profile"), request.param)
    return {p.stem: p for p in out}


@pytest.mark.parametrize("name", list(records()))
def test_a_resaved_form_reads_back_the_same(resaved: dict[str, Path], name: str) -> None:
    kind, record = records()[name]
    root = dh.document(resaved[name].read_bytes())
    # The file really went through LibreOffice: it dropped every tag.
    assert root.xpath("//w:sdtPr/w:tag", namespaces=dh.NS) == []
    size = root.find(".//w:sectPr/w:pgSz", dh.NS)  # and kept the paper size
    assert (size.get(dh.q("w:w")), size.get(dh.q("w:h"))) == (("11906", "16838") if paper_of(name) == "a4"
                                                              else ("12240", "15840"))
    result = forms.read(resaved[name])
    assert result.kind == kind
    assert result.problems == [], record
    assert result.data == record


@pytest.mark.parametrize("name", ["agreement", "plan"])
def test_a_resaved_protected_form_reads_back(resaved: dict[str, Path], name: str) -> None:
    kind, record = records()[name]
    assert forms.read(resaved[f"{name}-protected"]).data == record


@pytest.mark.parametrize("kind", ["agreement", "action_plan"])
def test_a_template_edited_in_libreoffice_still_fills_and_reads(resaved: dict[str, Path], kind: str) -> None:
    template = resaved[f"template-{kind}"].read_bytes()
    record = {"agreement": tricky_agreement, "action_plan": busy_action_plan}[kind]()
    blob = compile_template(kind, template).render(record)
    result = forms.read(blob, name="from-lo-template.docx")
    assert result.problems == []
    assert result.data == record
