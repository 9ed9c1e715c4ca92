"""PDF forms whose values or names are built to exhaust memory or to mislead."""

from __future__ import annotations

import io
import json
import zlib
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

from conftest import SAMPLES
from hostile.harness import run_cli
from mentoring_docs import forms, limits


def _filled() -> bytes:
    record = json.loads((SAMPLES / "agreement.json").read_text(encoding="utf-8"))
    return forms.Filler("agreement", "pdf").render(record)


def _field(pdf: pikepdf.Pdf, wanted: str) -> pikepdf.Dictionary:
    stack = [(f, "") for f in pdf.Root.AcroForm.Fields]
    while stack:
        obj, parent = stack.pop()
        name = ".".join(p for p in (parent, str(obj.get("/T", ""))) if p)
        if name == wanted:
            return obj
        stack += [(kid, name) for kid in obj.get("/Kids", []) if "/T" in kid]
    raise KeyError(wanted)


def _edit(path: Path, change) -> Path:
    with pikepdf.open(io.BytesIO(_filled())) as pdf:
        change(pdf)
        pdf.save(path)
    return path


def _deflated_bomb(pdf: pikepdf.Pdf, mib: int) -> pikepdf.Stream:
    packer = zlib.compressobj(1)
    block = b"a" * (1024 * 1024)
    data = b"".join(packer.compress(block) for _ in range(mib)) + packer.flush()
    stream = pikepdf.Stream(pdf, b"")
    stream.write(data, filter=Name.FlateDecode)
    return stream


def test_a_value_stream_inflating_to_half_a_gigabyte(tmp_path):
    def change(pdf):
        _field(pdf, "purpose").V = _deflated_bomb(pdf, 512)
    form = _edit(tmp_path / "bomb.pdf", change)
    assert form.stat().st_size < 3 * 1024 * 1024
    result = run_cli("read", form, cwd=tmp_path)
    result.clean_failure(f"bomb.pdf: purpose: is longer than {limits.MAX_LONG_TEXT_CHARS:,} characters")
    data = json.loads(result.stdout)  # everything else is still read
    assert data["mentor"]["name"] == "Priya Raman" and "purpose" not in data
    tracked = run_cli("track", form, "-o", tmp_path / "tracker.csv", cwd=tmp_path)
    tracked.bounded()
    assert tracked.code == 0, tracked.stderr
    assert (tmp_path / "tracker.csv").stat().st_size < 64 * 1024
    problems = (tmp_path / "tracker-problems.csv").read_text(encoding="utf-8-sig")
    assert "purpose" in problems and "is longer than" in problems


def test_a_short_value_stream_is_read(tmp_path):
    def change(pdf):
        stream = pikepdf.Stream(pdf, b"")
        stream.write(zlib.compress("Grow into a lead role".encode()), filter=Name.FlateDecode)
        _field(pdf, "purpose").V = stream
    result = run_cli("read", _edit(tmp_path / "ok.pdf", change), cwd=tmp_path)
    result.bounded()
    assert result.code == 0 and json.loads(result.stdout)["purpose"] == "Grow into a lead role"


def test_a_five_million_character_string_value(tmp_path):
    def change(pdf):
        _field(pdf, "mentor.name").V = pikepdf.String("x" * 5_000_000)
    result = run_cli("read", _edit(tmp_path / "long.pdf", change), cwd=tmp_path)
    result.clean_failure("long.pdf: mentor.name: is longer than")
    assert result.stdout_bytes < 64 * 1024


def test_a_value_just_over_a_one_line_field_limit(tmp_path):
    def change(pdf):
        _field(pdf, "mentor.name").V = pikepdf.String("x" * (limits.MAX_TEXT_CHARS + 1))
    result = run_cli("read", _edit(tmp_path / "long.pdf", change), cwd=tmp_path)
    result.clean_failure(f"mentor.name: is {limits.MAX_TEXT_CHARS + 1:,} characters long; "
                         f"at most {limits.MAX_TEXT_CHARS:,} are allowed; not read")
    assert "xxxx" not in result.stdout


def test_a_dictionary_value_is_named_not_shown_as_python(tmp_path):
    def change(pdf):
        _field(pdf, "mentor.email").V = Dictionary(Type=Name.Foo, Size=3)
    result = run_cli("read", _edit(tmp_path / "dict.pdf", change), cwd=tmp_path)
    result.clean_failure("dict.pdf: mentor.email: holds a PDF dictionary instead of text; not read")
    assert "pikepdf" not in result.stdout + result.stderr


def test_a_huge_field_name(tmp_path):
    def change(pdf):
        field = pdf.make_indirect(Dictionary(T=pikepdf.String("n" * 100_000), FT=Name.Tx, V=pikepdf.String("v")))
        pdf.Root.AcroForm.Fields.append(field)
    result = run_cli("read", _edit(tmp_path / "name.pdf", change), cwd=tmp_path)
    result.clean_failure("a field name 100,000 characters long")
    assert result.stderr_bytes < 2000


def test_a_field_listed_twice_under_one_parent_is_not_called_a_loop(tmp_path):
    def change(pdf):
        parent = pdf.make_indirect(Dictionary(T=pikepdf.String("extra")))
        kid = pdf.make_indirect(Dictionary(T=pikepdf.String("twice"), FT=Name.Tx, Parent=parent))
        parent.Kids = Array([kid, kid])
        pdf.Root.AcroForm.Fields.append(parent)
    result = run_cli("read", _edit(tmp_path / "twice.pdf", change), cwd=tmp_path)
    result.clean_failure("the form's field tree lists the field 'extra.twice' more than once")
    assert "loop" not in result.stderr


def test_a_field_that_is_its_own_kid_is_a_loop(tmp_path):
    def change(pdf):
        parent = pdf.make_indirect(Dictionary(T=pikepdf.String("extra")))
        kid = pdf.make_indirect(Dictionary(T=pikepdf.String("kid"), Parent=parent))
        kid.Kids = Array([parent])
        parent.Kids = Array([kid])
        pdf.Root.AcroForm.Fields.append(parent)
    result = run_cli("read", _edit(tmp_path / "loop.pdf", change), cwd=tmp_path)
    result.clean_failure("loops back on itself")
