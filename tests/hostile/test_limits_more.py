"""The rest of the README's "Limits" table, each limit crossed once."""

from __future__ import annotations

import json
import os

import pytest

from conftest import SAMPLES
from hostile.harness import batch_refused, run_cli
from mentoring_docs import limits

HEADER = "mentee.name,mentor.name,timeframe.start_date,timeframe.end_date\n"


def _sparse(path, size):
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def test_a_form_over_64_mib_is_a_problem_row_and_never_read(tmp_path):
    returned = tmp_path / "returned"
    returned.mkdir()
    _sparse(returned / "big.pdf", 100 * 1024 * 1024)
    result = run_cli("track", returned, "-o", tmp_path / "t.json", cwd=tmp_path)
    result.bounded()
    assert result.rss_mb < 150
    problems = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))["problems"]
    assert [p["problem"] for p in problems] == ["too large (100 MiB; the limit is 64 MiB)"]
    run_cli("read", returned / "big.pdf", cwd=tmp_path).clean_failure("big.pdf: too large (100 MiB; the limit is 64 MiB)")


def test_a_roster_over_256_mib_is_refused(tmp_path):
    roster = _sparse(tmp_path / "roster.csv", 300 * 1024 * 1024)
    run_cli("batch", roster, "-o", tmp_path / "out", cwd=tmp_path).clean_failure("too large (300 MiB; the limit is 256 MiB)")
    assert not (tmp_path / "out").exists()


def test_a_manifest_over_256_mib_is_refused(tmp_path):
    manifest = _sparse(tmp_path / "manifest.csv", 300 * 1024 * 1024)
    result = run_cli("track", SAMPLES, "-o", tmp_path / "t.json", "--manifest", manifest, cwd=tmp_path)
    result.clean_failure("manifest.csv: cannot read the manifest: too large (300 MiB")


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_more_rows_than_the_limit_are_refused(tmp_path, suffix):
    roster = tmp_path / f"roster.{suffix}"
    count = limits.MAX_ROSTER_ROWS + 1
    if suffix == "csv":
        roster.write_text(HEADER + "a,b,2026-01-05,2026-06-05\n" * count)
        where = f"row {count + 1:,}"
    else:
        roster.write_text('{"mentee.name": "a"}\n' * count)
        where = f"line {count:,}"
    batch_refused(tmp_path, roster, f"{where}: a roster may have at most {limits.MAX_ROSTER_ROWS:,} rows")


def test_a_header_too_long_to_be_a_field(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("mentee.name,mentor.name," + "h" * 5000 + "\n")
    result = run_cli("batch", roster, "-o", tmp_path / "out", cwd=tmp_path)
    result.clean_failure("column C: a header 5,000 characters long is not a field (at most 200)")
    assert len(result.stderr) < 1000


def test_a_json_lines_line_over_the_limit(tmp_path):
    roster = tmp_path / "roster.jsonl"
    roster.write_text('{"mentee.name": "' + "a" * (limits.MAX_LINE_BYTES + 10) + '"}\n')
    result = run_cli("batch", roster, "-o", tmp_path / "out", cwd=tmp_path)
    result.clean_failure(f"line 1 is longer than {limits.MAX_LINE_BYTES:,} characters; refused")


def test_templates_must_be_regular_files(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("FIFOs are POSIX")
    os.mkfifo(tmp_path / "template.docx")
    fill = run_cli("fill", "agreement", SAMPLES / "agreement.json", "-o", tmp_path / "a.docx",
                   "--template", tmp_path / "template.docx", cwd=tmp_path)
    fill.clean_failure("template.docx: cannot read template: is a pipe (FIFO)")
    batch = run_cli("batch", SAMPLES / "roster.csv", "-o", tmp_path / "out",
                    "--template", f"agreement={tmp_path / 'template.docx'}", cwd=tmp_path)
    batch.clean_failure("template.docx: cannot read template: is a pipe (FIFO)")


def test_the_json_schema_states_the_value_length_limits():
    from mentoring_docs.json_schema import json_schema

    schema = json_schema("agreement")
    assert schema["properties"]["purpose"]["maxLength"] == limits.MAX_LONG_TEXT_CHARS
    mentor = schema["properties"]["mentor"]
    mentor = schema["$defs"][mentor["$ref"].rsplit("/", 1)[-1]] if "$ref" in mentor else mentor
    assert mentor["properties"]["name"]["maxLength"] == limits.MAX_TEXT_CHARS


def test_a_word_form_value_of_twenty_million_characters_is_a_problem_not_data(tmp_path):
    import io
    import zipfile

    from mentoring_docs import forms

    record = json.loads((SAMPLES / "agreement.json").read_text(encoding="utf-8"))
    blob = forms.Filler("agreement", "docx").render(record)
    big = os.urandom(10_000_000).hex().encode()  # compresses about 2:1, so no zip bomb check stops it
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/document.xml":
                content = content.replace(b"Priya Raman", big, 1)
            target.writestr(info.filename, content)
    (tmp_path / "big.docx").write_bytes(out.getvalue())
    result = run_cli("read", tmp_path / "big.docx", cwd=tmp_path)
    result.clean_failure("big.docx: mentor.name: is 20,000,000 characters long; at most 5,000 are allowed; not read")
    assert json.loads(result.stdout)["mentee"]["name"] == record["mentee"]["name"]
