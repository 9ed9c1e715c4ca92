"""Values in every script draw as text, not boxes, in poppler, MuPDF and PDFium, and read as text."""

from __future__ import annotations

import io
import subprocess
import warnings
from pathlib import Path

import pikepdf
import pytest

from mentoring_docs.catalogue import catalogue, flatten
from mentoring_docs.errors import MentoringDocsError, MissingGlyphsWarning
from mentoring_docs.forms import Filler
from mentoring_docs.pdf import blank_template, compile_template
from mentoring_docs.pdf.filler import compile_form
from pdfutil import read, sample, sample_with, widgets
from tools import require
from renderers import RENDERERS, contains_text, field_text, mupdf_notdef, notdef_glyphs, page_text, same_text

CJK_TTC = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
THAI_TTF = Path("/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf")

#: One field per script in names and one-line fields, all of them mixed in long text.
SCRIPTS = {
    "mentor.name": "王芳 Wang Fang",                                   # Chinese, simplified
    "program.coordinator.job_title": "臺灣資料團隊 Taipei 101",          # Chinese, traditional
    "mentee.name": "أحمد الخطيب",                                       # Arabic
    "mentee.organization": "צוות נתונים 2026",                           # Hebrew with digits
    "program.coordinator.name": "Γιώργος Παπαδόπουλος",                 # Greek
    "mentor.job_title": "Инженер данных, уровень 2",                    # Cyrillic
    "mentee.job_title": "データアナリスト 田中 花子",                      # Japanese
    "mentor.organization": "데이터 플랫폼 김민준",                          # Korean
    "mentor.location": "मुंबई क्षेत्र 400001",                            # Devanagari
    "mentee.location": "กรุงเทพมหานคร ประเทศไทย",                         # Thai
    "purpose": ("लक्ष्य: नेतृत्व कौशल विकसित करना और क्षमता बढ़ाना। Ahmed أحمد 2026 and 王芳 plan "
                "中文繁體字與简体字混合的文本需要在方框内正确换行显示，日本語のテキストも折り返します。"
                " 한국어 텍스트 3 줄. สวัสดีครับ ทดสอบ 42. Ελληνικά και русский текст."),
    "roles.mentor": "يقدم المرشد خبرته في هندسة البيانات لمدة ثماني سنوات ويساعد في مراجعة الشيفرة كل أسبوعين "
                    "ويشارك أمثلة حقيقية من مشاريعه",
    "roles.mentee": "דניאל קובע את המטרות ומביא את השאלות לכל פגישה עם סדר יום",
    "focus.mentee": ("データモデルのテストと文書化、増分モデル、クエリプランの読み方を学びます。"
                     "毎週の振り返りで進捗を確認し、次の課題を決めます。"),
}


def multiscript_record() -> dict:
    return sample_with("agreement", SCRIPTS)


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> tuple[bytes, Path]:
    """The multi-script agreement (form) and its flattened copy on disk."""
    blob = compile_template("agreement").render(multiscript_record())
    path = tmp_path_factory.mktemp("scripts") / "flat.pdf"
    path.write_bytes(compile_template("agreement", flatten=True).render(multiscript_record()))
    return blob, path


def test_multiscript_record_reads_back_exactly(filled):
    blob, _ = filled
    assert read(blob).data == multiscript_record()


@pytest.mark.parametrize("renderer", RENDERERS)
def test_every_script_extracts_as_the_value_in_each_renderer(filled, renderer):
    blob, flat = filled
    places = {name: (page, rect) for name, page, rect in widgets(blob)}
    pages: dict[int, str] = {}
    wrong = {}
    for path, value in flatten("agreement", multiscript_record()).items():
        if not isinstance(value, str) or path not in places or catalogue("agreement").lookup(path).choices:
            continue
        page, rect = places[path]
        if renderer == "pdfium":
            if page not in pages:
                pages[page] = page_text(flat, page)
            if not contains_text(value, pages[page]):
                wrong[path] = (value, pages[page])
            continue
        got = field_text(renderer, flat, page, rect)
        if not same_text(value, got):
            wrong[path] = (value, got)
    assert wrong == {}


def test_no_glyph_drawn_is_a_box(filled):
    blob, flat = filled
    assert notdef_glyphs(blob) == []
    assert notdef_glyphs(flat.read_bytes()) == []
    assert mupdf_notdef(flat) == []


def test_boxes_are_caught_when_no_font_has_the_characters(tmp_path):
    # The same record with the bundled font alone: the checks above must fail, and
    # the fill warns once, naming fields and characters.
    form = compile_form("agreement", None, system_fonts=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        blob = form.render(multiscript_record())
    messages = [str(w.message) for w in caught if issubclass(w.category, MissingGlyphsWarning)]
    assert len(messages) == 1
    assert "mentor.name: no font has 王 (U+738B), 芳 (U+82B3)" in messages[0]
    assert "mentee.name: no font has" in messages[0]
    assert "install fonts-noto-cjk or pass --font" in messages[0]
    assert "program.coordinator.name" not in messages[0]  # Greek is in the bundled font
    path = tmp_path / "flat.pdf"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingGlyphsWarning)
        path.write_bytes(compile_form("agreement", None, system_fonts=False, flatten=True).render(multiscript_record()))
    assert notdef_glyphs(blob)
    assert mupdf_notdef(path)
    assert read(blob).data == multiscript_record()  # the values are still kept exactly


def test_user_fonts_come_before_system_fonts(tmp_path):
    if not (CJK_TTC.exists() and THAI_TTF.exists()):
        pytest.skip("Noto fonts not installed (apt-get install fonts-noto-core fonts-noto-cjk)")
    record = sample_with("agreement", {"mentor.name": "王芳 สมชาย"})
    form = compile_form("agreement", None, fonts=(str(CJK_TTC), str(THAI_TTF)), system_fonts=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", MissingGlyphsWarning)
        blob = form.render(record)
    assert notdef_glyphs(blob) == []
    with pikepdf.open(io.BytesIO(blob)) as pdf:
        names = {str(f.BaseFont).split("+")[-1] for f in pdf.objects
                 if isinstance(f, pikepdf.Dictionary) and f.get("/Subtype") == "/Type0"}
    assert {"NotoSansCJKjp-Regular", "NotoSansThai-Regular"} <= names


def test_a_latin_record_embeds_no_extra_font():
    blob = compile_template("agreement").render(sample("agreement"))
    with pikepdf.open(io.BytesIO(blob)) as pdf:
        type0 = [f for f in pdf.objects if isinstance(f, pikepdf.Dictionary) and f.get("/Subtype") == "/Type0"]
    assert len(type0) == 1  # the form's own DejaVu subset


def test_only_the_glyphs_used_are_embedded(filled):
    from fontTools.ttLib import TTFont

    blob, _ = filled
    with pikepdf.open(io.BytesIO(blob)) as pdf:
        for font in pdf.objects:
            if not (isinstance(font, pikepdf.Dictionary) and font.get("/Subtype") == "/Type0"):
                continue
            if str(font.BaseFont).startswith("/MDOCSA+"):
                continue  # the blank form's own font, the whole bundled subset
            descriptor = font.DescendantFonts[0].FontDescriptor
            program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
            tt = TTFont(io.BytesIO(program.read_bytes()))
            widths = font.DescendantFonts[0].W
            used = {int(widths[i]) for i in range(0, len(widths), 2)}
            if "glyf" in tt:
                order = tt.getGlyphOrder()
                glyf = tt["glyf"]
                todo = list(used)
                while todo:  # composite glyphs bring their components
                    gid = todo.pop()
                    if gid < len(order) and glyf[order[gid]].isComposite():
                        for part in glyf[order[gid]].getComponentNames(glyf):
                            if tt.getGlyphID(part) not in used:
                                used.add(tt.getGlyphID(part))
                                todo.append(tt.getGlyphID(part))
                drawn = {i for i, name in enumerate(order) if glyf[name].numberOfContours}
            else:
                cff = tt["CFF "].cff
                strings = cff[cff.fontNames[0]].CharStrings
                drawn = {i for i, name in enumerate(tt.getGlyphOrder()) if strings[name].calcBounds(strings)}
            assert drawn - {0} <= used, str(font.BaseFont)


def test_right_to_left_values_are_right_aligned(filled):
    import pymupdf

    blob, flat = filled
    places = {name: (page, rect) for name, page, rect in widgets(blob)}
    page, (x1, y1, x2, y2) = places["mentee.name"]
    with pymupdf.open(flat) as doc:
        pg = doc[page]
        height = pg.rect.height
        words = pg.get_text("words", clip=pymupdf.Rect(x1, height - y2, x2, height - y1))
    assert words
    right = max(w[2] for w in words)
    left = min(w[0] for w in words)
    assert x2 - right < 4 and left - x1 > 40


def test_unknown_font_file_is_a_clear_error(tmp_path):
    with pytest.raises(MentoringDocsError, match="nope.ttf: font file not found"):
        Filler("agreement", "pdf", fonts=[tmp_path / "nope.ttf"])
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(b"not a font")
    with pytest.raises(MentoringDocsError, match="bad.ttf: not a font we can use"):
        Filler("agreement", "pdf", fonts=[bad])


def test_fonts_option_is_refused_for_word():
    with pytest.raises(MentoringDocsError, match="--font does not apply to DOCX"):
        Filler("agreement", "docx", fonts=[str(THAI_TTF)])


def test_a_form_another_tool_filled_is_redrawn_with_our_fonts(filled):
    # Our own fill of a form someone filled elsewhere: every field we write gets our appearance.
    blob, _ = filled
    record = sample_with("agreement", {**SCRIPTS, "mentor.name": "김민준"})
    again = compile_form("agreement", blob, name="filled.pdf").render(record)
    assert read(again).data == record
    assert notdef_glyphs(again) == []


def _tool_warnings(path: Path, password: str = "") -> list[str]:
    require("mutool")
    require("qpdf")
    found = []
    draw = subprocess.run(["mutool", "draw", "-p", password, "-o", "/dev/null", str(path)], capture_output=True,
                          timeout=300)
    for line in (draw.stdout + draw.stderr).decode("utf-8", "replace").splitlines():
        # This mutool build cannot manage colours; that line is about mutool, not the file.
        if line.strip() and line.strip() != "warning: ICC support is not available" and not line.startswith("page "):
            found.append(f"mutool: {line}")
    check = subprocess.run(["qpdf", f"--password={password}", "--check", str(path)], capture_output=True,
                           timeout=300)
    if check.returncode != 0 or b"WARNING" in check.stdout + check.stderr:
        found.append("qpdf: " + (check.stdout + check.stderr).decode("utf-8", "replace"))
    return found


def _empty_flate_streams(blob: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(blob)) as pdf:
        return [f"object {obj.objgen}" for obj in pdf.objects if isinstance(obj, pikepdf.Stream)
                and "/FlateDecode" in str(obj.get("/Filter", "")) and not obj.read_raw_bytes()]


def test_no_tool_warns_on_any_of_our_files(filled, tmp_path):
    blob, flat = filled
    record = sample("agreement")
    files = {
        "blank agreement": blank_template("agreement"),
        "blank action plan": blank_template("action_plan"),
        "filled agreement": compile_template("agreement").render(record),
        "filled action plan": compile_template("action_plan").render(sample("action_plan")),
        "multi-script": blob,
        "multi-script flattened": flat.read_bytes(),
        "encrypted": compile_template("agreement", password="pw").render(record),
    }
    problems = {}
    for label, data in files.items():
        path = tmp_path / "file.pdf"
        path.write_bytes(data)
        found = _tool_warnings(path, "pw" if label == "encrypted" else "")
        found += _empty_flate_streams(data) if label != "encrypted" else []
        if found:
            problems[label] = found
    assert problems == {}
