"""JSON and rosters built to break a parser or to be too large: one line of error, exit 1, at once."""

from __future__ import annotations

import json

import pytest

from conftest import SAMPLES
from hostile.harness import batch_refused, run_cli
from mentoring_docs import limits

DEEP = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 100_000 + "1" + "}" * 100_000


def _sample() -> dict:
    return json.loads((SAMPLES / "agreement.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("text", [DEEP, DEEP_OBJECT, '{"mentor": ' + DEEP + "}"])
def test_fill_refuses_json_nested_100000_deep(tmp_path, text):
    data = tmp_path / "deep.json"
    data.write_text(text)
    result = run_cli("fill", "agreement", data, "-o", tmp_path / "out.pdf", cwd=tmp_path)
    result.clean_failure(f"nested more than {limits.MAX_JSON_DEPTH} levels deep")
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "out.pdf").exists()


def test_defaults_nested_100000_deep_are_refused(tmp_path):
    (tmp_path / "defaults.json").write_text(DEEP_OBJECT)
    result = run_cli("batch", SAMPLES / "roster.csv", "-o", tmp_path / "out", "--defaults", tmp_path / "defaults.json",
                     cwd=tmp_path)
    result.clean_failure("nested more than")
    assert not (tmp_path / "out").exists()


def test_a_jsonl_roster_line_nested_100000_deep_is_a_row_error(tmp_path):
    good = {"mentor": {"name": "Ana"}, "mentee": {"name": "Ben"},
            "timeframe": {"start_date": "2026-01-12", "end_date": "2026-07-10"}}
    roster = tmp_path / "roster.jsonl"
    roster.write_text(json.dumps(good) + "\n" + DEEP_OBJECT + "\n")
    result = run_cli("batch", roster, "-o", tmp_path / "out", "--formats", "docx", "--kinds", "agreement",
                     cwd=tmp_path)
    result.clean_failure("roster.jsonl: row 2: nested more than")
    assert (tmp_path / "out" / "Ben - Ana" / "agreement.docx").is_file()  # the good row is still made


def test_a_5000_digit_integer_is_named_by_its_path(tmp_path):
    text = json.dumps(_sample()).replace('"cancellation_notice_hours": 24', '"cancellation_notice_hours": ' + "9" * 5000)
    assert "9" * 5000 in text
    (tmp_path / "data.json").write_text(text)
    result = run_cli("validate", "agreement", tmp_path / "data.json", cwd=tmp_path)
    result.clean_failure("meetings.cancellation_notice_hours: a number with 5,000 digits")
    assert len(result.stderr.splitlines()) == 1


def test_a_key_given_twice_is_reported_not_silently_replaced(tmp_path):
    text = '{"mentor": {"name": "A"}, "mentee": {"name": "B"}, "mentor": {"email": "x@y.org"}}'
    (tmp_path / "data.json").write_text(text)
    result = run_cli("validate", "agreement", tmp_path / "data.json", cwd=tmp_path)
    result.clean_failure("mentor: given more than once in the same object")


def test_a_200_mb_json_file_is_refused_before_it_is_parsed(tmp_path):
    data = tmp_path / "big.json"
    with data.open("wb") as handle:  # sparse: costs no disk, but says 200 MB like any file
        handle.write(b"[")
        handle.truncate(200 * 1024 * 1024)
    result = run_cli("fill", "agreement", data, "-o", tmp_path / "out.docx", cwd=tmp_path)
    result.clean_failure("too large (200 MiB; the limit is 8 MiB)")
    assert result.rss_mb < 100  # refused from its size: never read into memory


def test_200_mb_on_standard_input_is_refused_after_the_limit(tmp_path):
    data = tmp_path / "big.json"
    with data.open("wb") as handle:
        handle.write(b'["' + b"a" * (200 * 1024 * 1024) + b'"]')
    result = run_cli("validate", "agreement", "-", cwd=tmp_path, stdin=data)
    result.clean_failure("<stdin>: too large (more than 8 MiB")


def test_a_ten_million_character_value_is_refused_quickly(tmp_path):
    # Ten million characters are past the data file limit as JSON; in a record
    # they are past the value limit, and that is checked before anything else.
    record = _sample()
    record["purpose"] = "x" * 10_000_000
    (tmp_path / "data.json").write_text(json.dumps(record))
    result = run_cli("fill", "agreement", tmp_path / "data.json", "-o", tmp_path / "out.pdf", cwd=tmp_path)
    result.clean_failure("too large")
    record["purpose"] = "x" * 5_000_000
    (tmp_path / "data.json").write_text(json.dumps(record))
    result = run_cli("fill", "agreement", tmp_path / "data.json", "-o", tmp_path / "out.pdf", cwd=tmp_path)
    result.clean_failure("purpose: is 5,000,000 characters long; at most 20,000 are allowed")
    assert not (tmp_path / "out.pdf").exists()


@pytest.mark.parametrize("field,limit", [("mentor.name", limits.MAX_TEXT_CHARS), ("purpose", limits.MAX_LONG_TEXT_CHARS)])
def test_value_length_limits_by_field_kind(tmp_path, field, limit):
    import mentoring_docs as md

    record = _sample()
    group, _, key = field.rpartition(".")
    target = record[group] if group else record
    target[key] = "y" * limit
    md.load("agreement", record)  # at the limit: accepted
    target[key] = "y" * (limit + 1)
    with pytest.raises(md.DataError) as caught:
        md.load("agreement", record)
    assert str(caught.value) == f"{field}: is {limit + 1:,} characters long; at most {limit:,} are allowed"


def test_a_roster_whose_first_line_never_ends_is_refused(tmp_path):
    roster = tmp_path / "roster.csv"
    with roster.open("wb") as handle:
        handle.write(b"a" * (64 * 1024 * 1024))
    batch_refused(tmp_path, roster, f"line 1: a cell longer than {limits.MAX_CELL_CHARS:,} characters")


def test_a_ten_million_character_roster_cell_is_refused(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("mentor.name,mentee.name\nAna," + "b" * 10_000_000 + "\n")
    result = run_cli("batch", roster, "-o", tmp_path / "out", cwd=tmp_path)
    result.clean_failure(f"line 2: a cell longer than {limits.MAX_CELL_CHARS:,} characters")


def test_100000_unknown_columns_are_refused_at_once_with_little_output(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(",".join(f"nonsense{i}" for i in range(100_000)) + "\n" + ",".join("x" * 100_000) + "\n")
    result = run_cli("batch", roster, "-o", tmp_path / "out", cwd=tmp_path)
    result.clean_failure(f"100,000 columns; a roster may have at most {limits.MAX_COLUMNS:,}")
    assert len(result.stderr) < 1000


def test_many_unknown_columns_under_the_limit_print_a_bounded_list(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(",".join(f"nonsense{i}" for i in range(900)) + "\n")
    result = run_cli("batch", roster, "-o", tmp_path / "out", cwd=tmp_path)
    result.clean_failure(f"... and {900 - limits.MAX_PRINTED_PROBLEMS:,} more")
    assert len(result.stderr.splitlines()) == limits.MAX_PRINTED_PROBLEMS + 1


def test_jsonl_with_too_many_keys_is_refused(tmp_path):
    roster = tmp_path / "roster.jsonl"
    roster.write_text(json.dumps({f"k{i}": 1 for i in range(5000)}) + "\n")
    result = run_cli("batch", roster, "-o", tmp_path / "out", cwd=tmp_path)
    result.clean_failure("line 1: more than 1,000 different keys")


def test_row_errors_printed_are_capped_and_all_kept_in_errors_csv(tmp_path):
    roster = tmp_path / "roster.csv"
    lines = ["mentor.name,mentee.name,timeframe.start_date,timeframe.end_date"]
    lines += [f"M{i},E{i},2026-02-30,2026-07-10" for i in range(120)]
    roster.write_text("\n".join(lines) + "\n")
    result = run_cli("batch", roster, "-o", tmp_path / "out", "--formats", "docx", cwd=tmp_path)
    result.clean_failure(f"... and {120 - limits.MAX_PRINTED_PROBLEMS} more errors (every one is in errors.csv)")
    errors = (tmp_path / "out" / "errors.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(errors) == 121
