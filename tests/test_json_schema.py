"""The JSON Schemas in schemas/: generated, in sync, shipped, and agreeing with the validator."""

from __future__ import annotations

import copy
import json
from importlib import resources

import jsonschema
import pytest
from hypothesis import given

from mentoring_docs import dump, json_schema
from mentoring_docs.json_schema import json_schema_text, schema_file_name
from conftest import ROOT, sample
from strategies import records

KINDS = ["agreement", "action_plan"]


def validator(kind):
    schema = json_schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("kind", KINDS)
def test_committed_schema_files_are_in_sync(kind):
    committed = (ROOT / "schemas" / schema_file_name(kind)).read_text(encoding="utf-8")
    assert committed == json_schema_text(kind), "run: python -m mentoring_docs.json_schema --write"


@pytest.mark.parametrize("kind", KINDS)
def test_schema_ships_inside_the_package(kind):
    shipped = resources.files("mentoring_docs").joinpath("schemas", schema_file_name(kind)).read_text(encoding="utf-8")
    assert json.loads(shipped) == json_schema(kind)


def test_labels_and_help_become_title_and_description():
    props = json_schema("agreement")["properties"]
    frequency = props["meetings"]["properties"]["frequency"]
    assert frequency["title"] == "How often"
    assert frequency["description"].startswith("How often will you meet")
    assert frequency["enum"] == ["weekly", "biweekly", "monthly", "other"]
    assert props["timeframe"]["properties"]["start_date"]["format"] == "date"
    assert props["timeframe"]["required"] == ["start_date", "end_date"]
    assert props["goals"]["properties"]["top"]["maxItems"] == 3


@pytest.mark.parametrize("name,kind", [("agreement.json", "agreement"), ("action_plan.json", "action_plan"),
                                       ("agreement-minimal.json", "agreement")])
def test_samples_validate_against_the_json_schema(name, kind):
    validator(kind).validate(sample(name))


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(colour="blue"),
        lambda d: d["meetings"].update(frequency="daily"),
        lambda d: d["timeframe"].update(start_date="12/01/2026"),
        lambda d: d["mentor"].pop("name"),
        lambda d: d["meetings"].update(duration_minutes=1000),
        lambda d: d["goals"].update(top=["a", "b", "c", "d"]),
        lambda d: d["mentor"].update(email="nobody"),
        lambda d: d["meetings"].update(day_time="two\nlines"),
    ],
)
def test_invalid_data_fails_the_json_schema(change):
    data = copy.deepcopy(sample("agreement.json"))
    change(data)
    assert list(validator("agreement").iter_errors(data))


@pytest.mark.parametrize("kind", KINDS)
def test_generated_records_satisfy_the_json_schema(kind):
    check = validator(kind)

    @given(records(kind))
    def run(record):
        check.validate(dump(kind, record))

    run()
