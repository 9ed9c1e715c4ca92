"""Word forms in every script: right-to-left values are marked right-to-left, CJK and Indic ones carry font hints.

The same values go into one-line and multi-line fields of both forms. The XML
must carry the marks Word sets when a person types them (``w:rtl``, ``w:bidi``,
``w:rFonts w:hint``/``w:cs``) and none on Latin values; the values must read back
exactly, also after LibreOffice opened and saved the file; and LibreOffice's PDF
of the form must show the text.
"""

from __future__ import annotations

import copy
import html
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import SAMPLES, sample
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from mentoring_docs import forms, load
from mentoring_docs.docx import blank_template, compile_template
from mentoring_docs.docx import scripts
from mentoring_docs.docx.scripts import (COMPLEX, EAST_ASIAN, LATIN, RTL, RunProps, needs_marks, split_runs,
                                          starts_right_to_left)

import docx_helpers as dh
from tools import require

ARABIC = "أحمد الخطيب"
HEBREW = "נועה כהן"
MIXED = "Ahmed أحمد 2026"                 # Latin first: a left-to-right paragraph with one right-to-left run
MIXED_RTL_FIRST = "أحمد Ahmed 2026"       # Arabic first: a right-to-left paragraph
CHINESE = "王芳"
JAPANESE = "田中 花子"
KOREAN = "김민준"
HINDI = "प्रिया रमन"
LATIN_TEXT = "José Müller-Łukasiewicz"
ARABIC_LINES = "هدف الشراكة هو التعلم\nالسطر الثاني ٢٠٢٦"
HEBREW_LINES = "שורה ראשונה\nשורה שנייה 3"
CJK_LINES = "提高沟通能力，学习数据建模。\n第二行：每周一次"
HINDI_LINES = "हर सप्ताह एक बैठक\nदूसरी पंक्ति"
MIXED_LINES = "Line one in English\nسطر عربي مع 3 أرقام\nLast line"
#: The values whose paragraph is right-to-left.
RTL_FIRST = {ARABIC, HEBREW, MIXED_RTL_FIRST, ARABIC_LINES, HEBREW_LINES}

#: (kind, field path, value) of every value the tests write.
AGREEMENT_VALUES = {
    "mentor.name": ARABIC,
    "mentee.name": MIXED,
    "mentor.organization": HEBREW,
    "mentee.organization": MIXED_RTL_FIRST,
    "program.coordinator.name": CHINESE,
    "mentor.location": JAPANESE,
    "mentee.location": KOREAN,
    "mentor.job_title": HINDI,
    "mentee.job_title": LATIN_TEXT,
    "purpose": ARABIC_LINES,
    "roles.mentor": HEBREW_LINES,
    "roles.mentee": CJK_LINES,
    "focus.mentee": HINDI_LINES,
    "meetings.accommodations": MIXED_LINES,
}
PLAN_VALUES = {
    "mentor.name": HEBREW,
    "mentee.name": MIXED,
    "mentor.organization": CHINESE,
    "mentee.organization": HINDI,
    "goals.0.title": ARABIC,
    "goals.0.description": ARABIC_LINES,
    "goals.0.objectives.0": MIXED_RTL_FIRST,
    "goals.0.objectives.1": JAPANESE,
    "goals.0.success_measure": CJK_LINES,
    "goals.0.activities.0.notes": HINDI_LINES,
    "goals.0.activities.0.description": MIXED_LINES,
    "reviews.0.progress": HEBREW_LINES,
}
VALUES = {"agreement": AGREEMENT_VALUES, "action_plan": PLAN_VALUES}


def _set(raw: dict, path: str, value: str) -> None:
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]
    node = raw
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value


def record(kind: str) -> dict:
    """The bundled complete sample of ``kind`` with the values of :data:`VALUES` written in."""
    raw = copy.deepcopy(sample(f"{kind}.json"))
    for path, value in VALUES[kind].items():
        _set(raw, path, value)
    return load(kind, raw)


def _runs(root: etree._Element, path: str) -> list[etree._Element]:
    content = dh.control(root, path).find(dh.q("w:sdtContent"))
    return [r for r in content.iter(dh.q("w:r")) if r.find(dh.q("w:t")) is not None]


def _paragraph_bidi(root: etree._Element, path: str) -> bool:
    paragraph = next(dh.control(root, path).iterancestors(dh.q("w:p")))
    return bool(paragraph.xpath("w:pPr/w:bidi", namespaces=dh.NS))


def _text(run: etree._Element) -> str:
    return "".join(t.text or "" for t in run.iter(dh.q("w:t")))


def _hint(run: etree._Element) -> str | None:
    fonts = run.find(f"{dh.q('w:rPr')}/{dh.q('w:rFonts')}")
    return fonts.get(dh.q("w:hint")) if fonts is not None else None


def _rtl(run: etree._Element) -> bool:
    return run.find(f"{dh.q('w:rPr')}/{dh.q('w:rtl')}") is not None


def _is_rtl_char(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in ("R", "AL")


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("scripts")
    out = {}
    for kind in VALUES:
        path = folder / f"{kind}.docx"
        path.write_bytes(compile_template(kind).render(record(kind)))
        out[kind] = path
    return out


@pytest.mark.parametrize("kind,path", [(k, p) for k, values in VALUES.items() for p in values])
def test_each_value_carries_the_marks_word_sets(filled: dict[str, Path], kind: str, path: str) -> None:
    value = VALUES[kind][path]
    root = dh.document(filled[kind].read_bytes())
    runs = _runs(root, path)
    assert "".join(_text(r) for r in runs) == value.replace("\n", "")
    # The paragraph is right-to-left exactly when the value's first strong character is.
    assert _paragraph_bidi(root, path) == starts_right_to_left(value)
    assert _paragraph_bidi(root, path) == (value in RTL_FIRST)
    for run in runs:
        text = _text(run)
        has_rtl = any(_is_rtl_char(ch) for ch in text)
        east_asian = any("\u3000" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uff00" <= ch <= "\uffef"
                         for ch in text)
        indic = any("\u0900" <= ch <= "\u097f" for ch in text)
        assert _rtl(run) == has_rtl, (text, path)
        if has_rtl:
            assert _hint(run) == "cs"
            assert not any(unicodedata.bidirectional(ch) == "L" for ch in text), "Latin letters in an RTL run"
        elif east_asian:
            assert _hint(run) == "eastAsia", text
        elif indic:
            fonts = run.find(f"{dh.q('w:rPr')}/{dh.q('w:rFonts')}")
            assert fonts.get(dh.q("w:hint")) == "cs" and fonts.get(dh.q("w:cs")) == "Nirmala UI"
        else:
            assert _hint(run) is None and run.find(f"{dh.q('w:rPr')}/{dh.q('w:rFonts')}") is None, text


def test_a_mixed_value_is_cut_where_its_direction_changes(filled: dict[str, Path]) -> None:
    root = dh.document(filled["agreement"].read_bytes())
    assert [(_text(r), _rtl(r)) for r in _runs(root, "mentee.name")] == [
        ("Ahmed ", False), ("أحمد", True), (" 2026", False)]
    assert [(_text(r), _rtl(r)) for r in _runs(root, "mentee.organization")] == [
        ("أحمد ", True), ("Ahmed 2026", False)]


def test_latin_values_get_no_marks(filled: dict[str, Path]) -> None:
    """Every field not written in another script keeps one plain run and a left-to-right paragraph."""
    for kind, path in filled.items():
        root = dh.document(path.read_bytes())
        for sdt in root.iter(dh.q("w:sdt")):
            tag = sdt.find(f"{dh.q('w:sdtPr')}/{dh.q('w:tag')}")
            if tag is None or tag.get(dh.q("w:val")) in VALUES[kind]:
                continue
            runs = _runs(root, tag.get(dh.q("w:val")))
            assert len(runs) <= 1
            for run in runs:
                assert not _rtl(run) and _hint(run) in (None, "eastAsia")  # checkbox glyphs keep their hint
            assert not _paragraph_bidi(root, tag.get(dh.q("w:val")))


def test_values_read_back_exactly(filled: dict[str, Path]) -> None:
    for kind, path in filled.items():
        result = forms.read(path)
        assert result.problems == []
        assert result.data == record(kind)


@pytest.fixture(scope="module")
def libreoffice(filled: dict[str, Path], tmp_path_factory) -> dict[str, Path]:
    """The filled forms re-saved by LibreOffice as DOCX, and rendered by it to PDF (stem + ``-pdf``)."""
    profile = tmp_path_factory.mktemp("profile")
    folder = tmp_path_factory.mktemp("lo")
    resaved = dh.libreoffice_resave(filled.values(), folder / "docx", profile)
    pdfs = dh.libreoffice_pdf(filled.values(), folder, profile)
    out = {p.stem: p for p in resaved}
    out.update({f"{p.stem}-pdf": p for p in pdfs})
    return out


@pytest.mark.parametrize("kind", list(VALUES))
def test_values_read_back_exactly_after_a_libreoffice_resave(libreoffice: dict[str, Path], kind: str) -> None:
    root = dh.document(libreoffice[kind].read_bytes())
    assert root.xpath("//w:sdtPr/w:tag", namespaces=dh.NS) == []  # it really went through LibreOffice
    result = forms.read(libreoffice[kind])
    assert result.problems == []
    assert result.data == record(kind)


@pytest.mark.parametrize("kind", list(VALUES))
def test_libreoffice_keeps_the_direction(libreoffice: dict[str, Path], kind: str) -> None:
    """LibreOffice read the marks as right-to-left text: it writes them back on the same text."""
    root = dh.document(libreoffice[kind].read_bytes())
    for path, value in VALUES[kind].items():
        name = path.replace(".", "_")
        start = root.xpath(f'//w:bookmarkStart[@w:name="{name}"]', namespaces=dh.NS)
        assert start, path
        paragraph = next(start[0].iterancestors(dh.q("w:p")))
        assert bool(paragraph.xpath("w:pPr/w:bidi", namespaces=dh.NS)) == starts_right_to_left(value), path
        for run in paragraph.iter(dh.q("w:r")):
            text = _text(run)
            if any(_is_rtl_char(ch) for ch in text):
                assert _rtl(run), (path, text)


def _pdf_text(pdf: Path) -> str:
    return subprocess.run([require("pdftotext"), "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.mark.parametrize("kind", list(VALUES))
def test_libreoffice_pdf_shows_every_value(libreoffice: dict[str, Path], kind: str) -> None:
    pdf = libreoffice[f"{kind}-pdf"]
    text = unicodedata.normalize("NFC", _pdf_text(pdf))
    flat = " ".join(text.split())
    for value in VALUES[kind].values():
        for line in value.split("\n"):
            for word in line.split():
                # poppler gives right-to-left text in logical order (between embedding marks).
                assert word in flat, (kind, word)


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')


def _words(pdf: Path) -> list[tuple[str, float, float, float]]:
    """``(text, xMin, yMin, xMax)`` of each word poppler finds on the first page (right-to-left words as drawn)."""
    out = subprocess.run([require("pdftotext"), "-f", "1", "-l", "1", "-bbox", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    return [(html.unescape(m[4]), float(m[1]), float(m[2]), float(m[3])) for m in _WORD.finditer(out)]


def _find(words: list[tuple[str, float, float, float]], word: str,
          row: float | None = None) -> tuple[str, float, float, float]:
    """The one ``word`` on the page (on the row at height ``row``, if given)."""
    found = [w for w in words if w[0] in (word, word[::-1]) and (row is None or abs(w[2] - row) < 4)]
    assert len(found) == 1, (word, found)
    return found[0]


def _label_in_row(words: list[tuple[str, float, float, float]], label: str, y: float) -> float:
    """The left edge of ``label`` on the row at height ``y``: the right edge of the value cell before it."""
    return next(w[1] for w in words if w[0] == label and abs(w[2] - y) < 4)


def test_libreoffice_lays_right_to_left_values_out_from_the_right(libreoffice: dict[str, Path]) -> None:
    """In LibreOffice's PDF, an Arabic name ends at its cell's right edge and reads from right to left."""
    words = _words(libreoffice["agreement-pdf"])
    second = _find(words, "الخطيب")  # mentor.name
    first = _find(words, "أحمد", second[2])
    assert first[1] > second[3], "the first word of a right-to-left value is drawn right of the second"
    cell_end = _label_in_row(words, "E-mail", first[2])
    assert 0 < cell_end - first[3] < 15, "right-aligned in its cell"
    # A Latin value in the same column starts at the left and stays away from the right edge.
    latin = _find(words, "José")
    assert _label_in_row(words, "Organization", latin[2]) - _find(words, "Müller-Łukasiewicz")[3] > 30
    # The mixed value starting in Latin is a left-to-right paragraph: it starts where Latin values start.
    assert abs(_find(words, "Ahmed", _find(words, "daniel.okafor@northwind-")[2])[1] - latin[1]) < 1


# -- the run splitting itself -------------------------------------------------------------------------------


def test_runs_keep_clusters_whole() -> None:
    # A Devanagari conjunct and vowel signs, Arabic vowel marks: never cut from their letter.
    assert split_runs("क्षत्रिय") == [(COMPLEX, "क्षत्रिय")]
    assert split_runs("أَحْمَد Ahmed") == [(RTL, "أَحْمَد "), (LATIN, "Ahmed")]
    assert split_runs("王芳 (Wang)") == [(EAST_ASIAN, "王芳"), (LATIN, " (Wang)")]
    assert split_runs("Café") == [(LATIN, "Café")]


@given(st.text(alphabet=st.sampled_from("aZ é1 ,.\n\tأحمدשלום王芳김क्षि\u064e\u200d٢")))
def test_runs_join_back_into_the_value(text: str) -> None:
    runs = split_runs(text)
    assert "".join(piece for _, piece in runs) == text
    assert all(piece for _, piece in runs)
    assert all(a[0] != b[0] for a, b in zip(runs, runs[1:]))


def test_needs_marks_agrees_with_the_script_blocks_for_every_character() -> None:
    # The shortcuts (below U+0590, Windows-1252) must never hide a character of a marked script.
    special = scripts._special()
    for code in [*range(0x80, 0xD800), *range(0xE000, 0x30000, 7)]:
        ch = chr(code)
        assert needs_marks(ch) == (special.search(ch) is not None), hex(code)
        assert needs_marks("Zoë – " + ch) == (special.search(ch) is not None), hex(code)
    assert needs_marks("Müller – “quoted” €5") is False
    assert needs_marks("Müller – أحمد") is True


def test_a_word_fill_of_western_text_compiles_no_script_pattern(tmp_path: Path) -> None:
    # Compiling the script classes costs a cold start ~8 ms; the sample (with an en dash) needs none.
    out = tmp_path / "a.docx"
    code = ("import sys\nfrom mentoring_docs.cli import main\nmain(standalone_mode=False)\n"
            "from mentoring_docs.docx import scripts\n"
            "print(scripts._special.cache_info().currsize, scripts._classes.cache_info().currsize)")
    done = subprocess.run([sys.executable, "-c", code, "fill", "agreement", str(SAMPLES / "agreement.json"),
                           "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.is_file()
    assert done.stdout.split()[-2:] == ["0", "0"]


# -- customised templates ------------------------------------------------------------------------------------


def _custom(change) -> bytes:
    """The built-in agreement template after ``change`` edited its body."""
    return dh.edit_document(blank_template("agreement"), change)


def _fill(template: bytes, values: dict[str, str]) -> bytes:
    raw = copy.deepcopy(sample("agreement.json"))
    for path, value in values.items():
        _set(raw, path, value)
    return compile_template("agreement", template).render(load("agreement", raw))


def _reads_back(blob: bytes, tmp_path: Path, values: dict[str, str]) -> None:
    path = tmp_path / "form.docx"
    path.write_bytes(blob)
    result = forms.read(path)
    assert result.problems == []
    for key, value in values.items():
        node = result.data
        for part in key.split("."):
            node = node[part]
        assert node == value


def test_a_control_sharing_its_paragraph_leaves_the_paragraph_direction_alone(tmp_path: Path) -> None:
    """A label typed before the control in its paragraph: the value's runs are right-to-left, the paragraph is not."""
    def label(root):
        sdt = dh.control(root, "mentor.name")
        run = etree.Element(dh.q("w:r"))
        etree.SubElement(run, dh.q("w:t")).text = "Name: "
        sdt.addprevious(run)

    blob = _fill(_custom(label), {"mentor.name": ARABIC})
    root = dh.document(blob)
    assert not _paragraph_bidi(root, "mentor.name")
    assert [(_text(r), _rtl(r)) for r in _runs(root, "mentor.name")] == [(ARABIC, True)]
    _reads_back(blob, tmp_path, {"mentor.name": ARABIC})


def test_a_control_holding_paragraphs_makes_its_own_paragraph_right_to_left(tmp_path: Path) -> None:
    """A control grown to a block of paragraphs in Word: the paragraph holding the value gets ``w:bidi``."""
    def block(root):
        sdt = dh.control(root, "purpose")
        paragraph = next(sdt.iterancestors(dh.q("w:p")))
        holder = etree.Element(dh.q("w:sdt"))
        holder.append(copy.deepcopy(sdt.find("w:sdtPr", dh.NS)))
        inner = etree.SubElement(etree.SubElement(holder, dh.q("w:sdtContent")), dh.q("w:p"))
        etree.SubElement(etree.SubElement(inner, dh.q("w:pPr")), dh.q("w:jc")).set(dh.q("w:val"), "both")
        inner.append(copy.deepcopy(sdt.find("w:sdtContent/w:r", dh.NS)))
        paragraph.addprevious(holder)
        paragraph.getparent().remove(paragraph)

    blob = _fill(_custom(block), {"purpose": ARABIC_LINES})
    root = dh.document(blob)
    inner = dh.control(root, "purpose").find("w:sdtContent/w:p", dh.NS)
    # w:bidi goes before w:jc, as the schema orders paragraph properties.
    assert [etree.QName(child).localname for child in inner.find("w:pPr", dh.NS)] == ["bidi", "jc"]
    _reads_back(blob, tmp_path, {"purpose": ARABIC_LINES})


def test_the_templates_run_properties_stay_in_schema_order(tmp_path: Path) -> None:
    """Properties the template gives a control's text are kept; ours go where the schema puts them."""
    def styled(root):
        pr = dh.control(root, "mentor.name").find("w:sdtPr", dh.NS)
        rpr = etree.Element(dh.q("w:rPr"))
        for name in ("b", "color", "lang"):
            etree.SubElement(rpr, dh.q(f"w:{name}"))
        rpr.find("w:color", dh.NS).set(dh.q("w:val"), "1F4E79")
        rpr.find("w:lang", dh.NS).set(dh.q("w:val"), "fr-FR")
        pr.insert(0, rpr)

    blob = _fill(_custom(styled), {"mentor.name": MIXED_RTL_FIRST})
    runs = _runs(dh.document(blob), "mentor.name")
    names = [[etree.QName(c).localname for c in r.find("w:rPr", dh.NS)] for r in runs]
    assert names == [["rFonts", "b", "color", "rtl", "lang"], ["b", "color", "lang"]]
    _reads_back(blob, tmp_path, {"mentor.name": MIXED_RTL_FIRST})


def test_run_properties_with_prefixes_we_do_not_know_are_kept() -> None:
    """A template from a newer Word may give a control's text properties in namespaces we do not declare."""
    props = RunProps('<w:rPr><w:b/><w16x:future w:val="1"/><w:lang w:val="fr-FR"/></w:rPr>')
    assert props.get(RTL, "أ") == ('<w:rPr><w:rFonts w:hint="cs"/><w:b/><w16x:future w:val="1"/><w:rtl/>'
                                   '<w:lang w:val="fr-FR"/></w:rPr>')
    assert props.get(LATIN, "a") == '<w:rPr><w:b/><w16x:future w:val="1"/><w:lang w:val="fr-FR"/></w:rPr>'
