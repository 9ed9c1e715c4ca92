"""Field extension files: checked by path, never shadowing built-in fields, and in the catalogue,
validation, JSON Schema, roster columns and the command line like built-in fields."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

import mentoring_docs as md
from mentoring_docs.batch.columns import resolve
from mentoring_docs.cli import main
from mentoring_docs.extension import load_extension, parse_extension
from extension_support import EVERY_KIND, every_kind

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
BASE = {"mentor": {"name": "Ana"}, "mentee": {"name": "Ben"},
        "timeframe": {"start_date": "2026-01-12", "end_date": "2026-07-10"}}


def problems_of(data: object) -> list[str]:
    with pytest.raises(md.DataError) as info:
        parse_extension(data)
    return [str(p) for p in info.value.problems]


def field(**changes: object) -> dict:
    base = {"document": "agreement", "path": "program_questions.site", "label": "Site", "help": "Where?",
            "kind": "text"}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def test_a_bad_kind_is_named_by_its_path() -> None:
    found = problems_of({"id": "x", "fields": [field(), field(path="program_questions.b"),
                                                field(path="program_questions.c", kind="colour")]})
    assert found == ["fields.2.kind: must be one of: text, long_text, date, integer, number, yes_no, choice, "
                     "checkboxes, text_list"]


def test_every_mistake_is_reported_at_once() -> None:
    found = problems_of({"fields": [field(document="memo", label=""), field(kind="choice"), "x"], "extra": 1})
    assert found == [
        "extra: unknown key; an extension has 'id' and 'fields'",
        "id: is required: letters, digits, '.', '_' or '-', at most 64",
        "fields.0.document: must be one of: agreement, action_plan, both",
        "fields.0.label: must be one line of text, at most 1000 characters",
        "fields.1.choices: must be a non-empty list of choices",
        "fields.2: must be an object with document, path, label, help and kind",
    ]


@pytest.mark.parametrize("path", ["mentee.name", "program_questions", "signatures.mentor.extra", "program.name",
                                  "program_questions.Site", "program_questions.a.b.c.d", "program_questions.0"])
def test_a_field_outside_program_questions_cannot_be_declared(path: str) -> None:
    found = problems_of({"id": "x", "fields": [field(path=path)]})
    assert len(found) == 1 and found[0].startswith("fields.0.path: must be a dotted path under 'program_questions'")


def test_the_built_in_fields_stay_as_they_are() -> None:
    plain = md.catalogue("agreement")
    extended = md.catalogue("agreement", extension=every_kind())
    added = [fd for fd in extended.fields if fd.path not in plain.by_path]
    assert added and all(fd.path.startswith("program_questions.") for fd in added)
    assert [extended.by_path[fd.path] for fd in plain.fields] == list(plain.fields)
    assert md.catalogue("agreement").extension is None and "program_questions" not in plain.groups


def test_repeated_and_nested_paths_are_refused() -> None:
    found = problems_of({"id": "x", "fields": [
        field(), field(document="both"), field(path="program_questions.site.city")]})
    assert found == [
        "fields.1.path: 'program_questions.site' is already fields.0 of the agreement",
        "fields.2.path: cannot be inside 'program_questions.site', which is fields.0",
    ]


def test_options_that_do_not_fit_the_kind_are_refused() -> None:
    found = problems_of({"id": "x", "fields": [
        field(minimum=1), field(path="program_questions.n", kind="integer", minimum=1.5, maximum=0),
        field(path="program_questions.c", kind="choice", choices=["ok", "Not OK", "ok"]),
        field(path="program_questions.l", kind="text_list", rows=0),
        field(path="program_questions.t", kind="checkboxes", choices=["a"], required=True)]})
    assert found == [
        "fields.0.minimum: only an integer or number field has a minimum",
        "fields.1.minimum: must be a whole number",
        "fields.2.choices.1.value: must be lower-case snake_case, such as 'in_person'",
        "fields.2.choices.2.value: 'ok' is already a choice",
        "fields.3.rows: must be a whole number from 1 to 20",
        "fields.4.required: a checkboxes field cannot be required (no box ticked is an answer)",
    ]


def test_json_and_toml_files_give_the_same_extension(tmp_path: Path) -> None:
    toml = tmp_path / "q.toml"
    toml.write_text('id = "guild-2026"\n\n'
                    '[[fields]]\ndocument = "agreement"\npath = "program_questions.site"\nlabel = "Site"\n'
                    'help = "The office or campus where the mentee works."\nkind = "text"\nrequired = true\n\n'
                    '[[fields]]\ndocument = "agreement"\npath = "program_questions.cohort"\nlabel = "Cohort"\n'
                    'help = "Which intake of the program this pair belongs to."\nkind = "choice"\n'
                    'choices = [{value = "spring", label = "Spring 2026"}, {value = "autumn", label = "Autumn 2026"}]\n\n'
                    '[[fields]]\ndocument = "action_plan"\npath = "program_questions.budget_approved"\n'
                    'label = "Budget approved"\n'
                    'help = "Has the mentee\'s manager approved the budget for the activities?"\nkind = "yes_no"\n',
                    encoding="utf-8")
    assert load_extension(toml) == load_extension(SAMPLES / "program-questions.json")


def test_an_unreadable_file_is_one_message(tmp_path: Path) -> None:
    bad = tmp_path / "q.json"
    bad.write_text('{"id": "x", "fields": [', encoding="utf-8")
    with pytest.raises(md.DataError) as info:
        load_extension(bad)
    assert str(info.value).startswith(f"{bad}: line 1, column 24: invalid JSON")
    with pytest.raises(md.MentoringDocsError, match="extension file not found"):
        load_extension(tmp_path / "missing.json")


def test_validation_names_extension_fields_by_path() -> None:
    ext = every_kind()
    data = {**BASE, "program_questions": {"team_size": 0, "track": "art", "dates": {"kickoff": "soon"},
                                          "remote": "maybe", "topics": ["hiring", "knitting"], "sitee": "x"}}
    found = [str(p) for p in md.problems("agreement", data, extension=ext)]
    assert found == [
        "program_questions.site: is required",
        "program_questions.team_size: must be from 1 to 500",
        "program_questions.remote: 'maybe' is not one of: yes, no",
        "program_questions.track: 'art' is not one of: leadership, data, engineering",
        "program_questions.dates.kickoff: not a date as YYYY-MM-DD: 'soon'",
        "program_questions.sitee: unknown field; did you mean 'site'?",
        "program_questions.topics.1: 'knitting' is not one of: public_speaking, writing, hiring",
    ]
    # Without the extension the section is unknown, as any other key would be.
    assert [str(p) for p in md.problems("agreement", {**BASE, "program_questions": {"site": "x"}})] == [
        "program_questions: unknown field"]


def test_a_valid_record_loads_typed_and_dumps_back() -> None:
    ext = every_kind()
    data = {**BASE, "program_questions": {"site": "Lyon", "dates": {"kickoff": "2026-02-01"}, "budget": 12.5,
                                          "topics": ["hiring", "writing"], "books": ["Dune"], "remote": "no"}}
    record = md.load("agreement", data, extension=ext)
    assert str(record["program_questions"]["dates"]["kickoff"]) == "2026-02-01"
    assert record["program_questions"]["topics"] == ["writing", "hiring"]  # choice order, as every checkbox group
    assert record.flat["program_questions.topics.hiring"] is True
    assert md.dump("agreement", record)["program_questions"]["dates"] == {"kickoff": "2026-02-01"}


def test_json_schema_includes_the_questions_and_names_the_extension() -> None:
    ext = every_kind()
    schema = md.json_schema("action_plan", extension=ext)
    assert schema["$id"] == f"urn:mentoring-docs:schema:action_plan:extension:every-kind:{ext.digest}"
    questions = schema["properties"]["program_questions"]
    assert questions["required"] == ["site"]
    assert questions["properties"]["team_size"] == {
        "title": "Team size", "description": "People in the mentee's team.", "type": "integer",
        "minimum": 1, "maximum": 500}
    assert questions["properties"]["remote"]["enum"] == ["yes", "no"]
    good = md.dump("action_plan", md.load("action_plan", {**{k: BASE[k] for k in ("mentor", "mentee")},
                                                          "program_questions": {"site": "x", "budget": 3}},
                                          extension=ext))
    jsonschema.validate(good, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**good, "program_questions": {"site": "x", "budget": -1}}, schema)
    assert md.json_schema("agreement") == json.loads((Path(md.__file__).parent / "schemas" /
                                                      "agreement.schema.json").read_text(encoding="utf-8"))


def test_roster_columns_name_questions_by_path_or_label() -> None:
    ext = load_extension(SAMPLES / "program-questions.json")
    assert [t.path for t in resolve("Cohort", ext).targets] == ["program_questions.cohort"]
    assert [(t.kind, t.path) for t in resolve("program_questions.budget_approved", ext).targets] == [
        ("action_plan", "program_questions.budget_approved")]
    with pytest.raises(md.MentoringDocsError, match="unknown column"):
        resolve("Cohort")


def test_cli_schema_and_validate_take_fields(tmp_path: Path) -> None:
    runner = CliRunner()
    sample = str(SAMPLES / "program-questions.json")
    result = runner.invoke(main, ["schema", "agreement", "--fields", sample])
    assert result.exit_code == 0
    assert json.loads(result.output)["properties"]["program_questions"]["properties"]["cohort"]["enum"] == [
        "spring", "autumn"]
    data = tmp_path / "a.json"
    data.write_text(json.dumps({**BASE, "program_questions": {"cohort": "winter"}}), encoding="utf-8")
    result = runner.invoke(main, ["validate", "agreement", str(data), "--fields", sample])
    assert result.exit_code == 1
    assert result.output.splitlines() == [f"{data}: program_questions.site: is required",
                                          f"{data}: program_questions.cohort: 'winter' is not one of: spring, autumn"]


def test_cli_reports_a_bad_extension_file_by_path(tmp_path: Path) -> None:
    bad = tmp_path / "fields.json"
    bad.write_text(json.dumps({"id": "x", "fields": [field(), field(path="program_questions.b"),
                                                     field(path="program_questions.c", kind="colour")]}),
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["schema", "agreement", "--fields", str(bad)])
    assert result.exit_code == 1
    assert result.output == (f"{bad}: fields.2.kind: must be one of: text, long_text, date, integer, number, "
                             "yes_no, choice, checkboxes, text_list\n")


def test_the_digest_follows_the_definition() -> None:
    first, again = parse_extension(EVERY_KIND), parse_extension(json.loads(json.dumps(EVERY_KIND)))
    changed = parse_extension({**EVERY_KIND, "fields": EVERY_KIND["fields"][:-1]})
    assert first.digest == again.digest and first == again
    assert changed.digest != first.digest and changed != first


def test_cli_fill_read_and_template_take_fields(tmp_path: Path) -> None:
    runner = CliRunner()
    sample = str(SAMPLES / "program-questions.json")
    data = tmp_path / "a.json"
    data.write_text(json.dumps({**BASE, "program_questions": {"site": "Leeds"}}), encoding="utf-8")
    result = runner.invoke(main, ["fill", "agreement", str(data), "-o", str(tmp_path / "plain.pdf")])
    assert result.exit_code == 1 and "program_questions: unknown field" in result.output
    for fmt in ("docx", "pdf"):
        out = tmp_path / f"a.{fmt}"
        data.write_text(json.dumps({**BASE, "program_questions": {"site": "Leeds", "cohort": "Spring 2026"}}),
                        encoding="utf-8")
        result = runner.invoke(main, ["fill", "agreement", str(data), "-o", str(out), "--fields", sample])
        assert result.exit_code == 1 and "program_questions.cohort: 'Spring 2026' is not one of" in result.output
        data.write_text(json.dumps({**BASE, "program_questions": {"site": "Leeds", "cohort": "spring"}}),
                        encoding="utf-8")
        result = runner.invoke(main, ["fill", "agreement", str(data), "-o", str(out), "--fields", sample])
        assert result.exit_code == 0, result.output
        result = runner.invoke(main, ["read", str(out), "--fields", sample])
        assert result.exit_code == 0 and result.stderr == ""
        assert json.loads(result.stdout)["program_questions"] == {"site": "Leeds", "cohort": "spring"}
        result = runner.invoke(main, ["read", str(out)])
        assert result.exit_code == 0
        assert "note: made with the field extension 'guild-2026'" in result.stderr
        assert json.loads(result.stdout)["program_questions"] == {"site": "Leeds", "cohort": "spring"}
        blank = tmp_path / f"blank.{fmt}"
        result = runner.invoke(main, ["template", "agreement", "--format", fmt, "-o", str(blank), "--fields", sample])
        assert result.exit_code == 0, result.output
        assert md.read(blank, extension=sample).made_with == load_extension(sample).identity
