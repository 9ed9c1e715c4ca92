"""The compiled fast path of validation.load (mentoring_docs.fastload) against marshmallow itself.

The property: for any input, the fast path either returns exactly what the
marshmallow schema's ``load`` returns or defers to it (and it must defer whenever
marshmallow refuses the input); ``validation.load`` returns or raises exactly what
loading through the schema directly gives.
"""

from __future__ import annotations

import copy
import datetime as dt
import types
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError, fields, pre_load, validates_schema
from strategies import records

from conftest import sample
from mentoring_docs import DataError
from mentoring_docs import validation
from mentoring_docs.fastload import Defer, FastLoader
from mentoring_docs.fields import Text, text
from mentoring_docs.schema import SCHEMAS, _Strict

KINDS = ("agreement", "action_plan")
SAMPLES = [("agreement", "agreement.json"), ("agreement", "agreement-minimal.json"), ("action_plan", "action_plan.json")]
MANY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def exact(value: Any) -> Any:
    """``value`` with every type and key order spelled out, so that 6 != 6.0 and
    {"a", "b"} != {"b", "a"} in a comparison."""
    if isinstance(value, dict):
        return ("dict", [(k, exact(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [exact(v) for v in value])
    return (type(value).__name__, value)


def marshmallow_outcome(kind: str, data: Any) -> tuple[str, Any]:
    """What the schema itself makes of ``data``: the record, or its error messages."""
    try:
        return "ok", exact(validation._schema(kind).load(data))
    except ValidationError as exc:
        return "error", exc.messages


def fast_outcome(kind: str, data: Any) -> tuple[str, Any] | None:
    """What the fast path makes of ``data``: the record, or None when it defers."""
    try:
        return "ok", exact(validation._loader(kind).fast(data))
    except Defer:
        return None


def check_against_marshmallow(kind: str, data: Any) -> tuple[str, Any] | None:
    expected = marshmallow_outcome(kind, data)
    fast = fast_outcome(kind, data)
    if expected[0] == "error":
        assert fast is None, "the fast path accepted what marshmallow refuses"
    elif fast is not None:
        assert fast == expected
    try:
        loaded = ("ok", exact(validation._loader(kind).load(data)))
    except ValidationError as exc:
        loaded = ("error", exc.messages)
    assert loaded == expected
    return fast


def reference_load(kind: str, data: Any) -> tuple[str, Any]:
    """validation.load as it was before the fast path: the schema's load and its problems."""
    try:
        return "ok", exact(validation._schema(kind).load(validation.prune(data)))
    except ValidationError as exc:
        return "error", [(p.path, p.message) for p in validation._problems(kind, exc.messages)]


def public_load(kind: str, data: Any) -> tuple[str, Any]:
    try:
        return "ok", exact(validation.load(kind, data))
    except DataError as exc:
        return "error", [(p.path, p.message) for p in exc.problems]


# --- valid records -------------------------------------------------------------------


@pytest.mark.parametrize("kind,name", SAMPLES)
def test_samples_load_on_the_fast_path_exactly_as_marshmallow(kind, name):
    data = validation.prune(sample(name))
    assert check_against_marshmallow(kind, data) is not None, "a valid sample fell back to marshmallow"
    assert public_load(kind, sample(name)) == reference_load(kind, sample(name))


def test_activity_status_default_is_applied_in_field_order():
    data = {"mentor": {"name": "A"}, "mentee": {"name": "B"},
            "goals": [{"title": "G", "activities": [{"description": "D", "notes": "n"}]}]}
    record = validation._loader("action_plan").fast(data)
    assert list(record["goals"][0]["activities"][0].items()) == [
        ("description", "D"), ("status", "not_started"), ("notes", "n")
    ]
    assert exact(record) == marshmallow_outcome("action_plan", data)[1]


@pytest.mark.parametrize("kind", KINDS)
def test_our_schemas_compile_whole(kind):
    # Not a correctness rule (a field class the compiler does not know is loaded by
    # marshmallow, see below) but a speed guard: such a field makes every load slower.
    assert validation._loader(kind).fallbacks == []


@pytest.mark.parametrize("kind", KINDS)
@MANY
@given(data=st.data())
def test_valid_records_take_the_fast_path_with_marshmallows_result(kind, data):
    record = data.draw(records(kind))
    as_json = validation.dump(kind, record)  # ISO dates, whole numbers as ints: what JSON and rosters give
    for form in (record, as_json):
        assert check_against_marshmallow(kind, form) is not None
        assert public_load(kind, form) == reference_load(kind, form)


# --- invalid and odd input -----------------------------------------------------------

BAD_VALUES = [
    5, -1, 0, 481, 10**6, 1.5, 60.0, float("nan"), float("inf"), True, None, "", "x", "a\nb", "a\r\nb", "a\rb",
    "bell\x07", "\ud800", "\ufffe", "2026-02-30", "2026-1-1", "2026-03-04T10:00", "not-an-address",
    "Mars/Olympus", "Europe/Paris", "completed", "deferred", "golf", dt.datetime(2026, 1, 1, 9, 30),
    dt.date(2026, 1, 1), dt.date(1900, 1, 1), [], ["x"], [None], ["networking", "golf"], {}, {"zzz": 1},
    ("a",), b"bytes", 3 + 0j,
]


def _locations(value: Any, path: tuple = ()) -> list[tuple]:
    """Every place in a record: dict keys and list indices, nested."""
    out = [path]
    if isinstance(value, dict):
        for key, inner in value.items():
            out += _locations(inner, path + (key,))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            out += _locations(inner, path + (index,))
    return out


def _at(record: Any, path: tuple) -> Any:
    for step in path:
        record = record[step]
    return record


@st.composite
def mutated(draw: st.DrawFn, kind: str) -> Any:
    """A valid record (typed, or as JSON) with one to three things broken or changed."""
    record = draw(records(kind))
    if draw(st.booleans()):
        record = validation.dump(kind, record)
    record = copy.deepcopy(record)
    for _ in range(draw(st.integers(1, 3))):
        places = _locations(record)
        path = draw(st.sampled_from(places))
        target = _at(record, path)
        action = draw(st.sampled_from(["replace", "delete", "unknown_key", "grow", "mapping", "tuple"]))
        if action == "replace" and path:
            _at(record, path[:-1])[path[-1]] = draw(st.sampled_from(BAD_VALUES))
        elif action == "delete" and path:
            del _at(record, path[:-1])[path[-1]]
        elif action == "unknown_key" and isinstance(target, dict):
            target[draw(st.sampled_from(["zzz", "Name", "status ", "", "1"]))] = draw(st.sampled_from(BAD_VALUES))
        elif action == "grow" and isinstance(target, list):
            target.extend([copy.deepcopy(target[0]) if target else "extra"] * draw(st.integers(1, 4)))
        elif action == "mapping" and isinstance(target, dict) and path:
            _at(record, path[:-1])[path[-1]] = types.MappingProxyType(target)
        elif action == "tuple" and isinstance(target, list) and path:
            _at(record, path[:-1])[path[-1]] = tuple(target)
    return record


@pytest.mark.parametrize("kind", KINDS)
@MANY
@given(data=st.data())
def test_changed_and_broken_records_get_marshmallows_answer(kind, data):
    record = data.draw(mutated(kind))
    check_against_marshmallow(kind, record)
    assert public_load(kind, record) == reference_load(kind, record)


@pytest.mark.parametrize(
    "kind,change",
    [
        ("agreement", lambda r: r["mentor"].update(email="not-an-address")),
        ("agreement", lambda r: r["mentee"].update(time_zone="Mars/Olympus")),
        ("agreement", lambda r: r["mentor"].update(name="two\nlines")),
        ("agreement", lambda r: r["mentor"].update(name="bell\x07")),
        ("agreement", lambda r: r["mentor"].pop("name")),
        ("agreement", lambda r: r["mentor"].update(nickname="Ana")),
        ("agreement", lambda r: r.update(mentor="Ana")),
        ("agreement", lambda r: r["timeframe"].update(end_date="2026-02-30")),
        ("agreement", lambda r: r["timeframe"].update(end_date=r["timeframe"]["start_date"])),
        ("agreement", lambda r: r["meetings"].update(duration_minutes=481)),
        ("agreement", lambda r: r["meetings"].update(duration_minutes="60")),
        ("agreement", lambda r: r["goals"].update(top=["a", "b", "c", "d"])),
        ("agreement", lambda r: r["focus"].update(areas=["networking", "golf"])),
        ("action_plan", lambda r: r["goals"][0]["activities"][0].update(status="in_progress", completed_on="2026-01-02")),
        ("action_plan", lambda r: r["goals"][0]["activities"][0]["effort"].update(amount=0)),
        ("action_plan", lambda r: r["goals"][0]["objectives"].append(7)),
        ("action_plan", lambda r: r["goals"].append(5)),
    ],
)
def test_each_kind_of_mistake_defers_and_reads_as_before(kind, change):
    record = copy.deepcopy(sample("agreement.json" if kind == "agreement" else "action_plan.json"))
    change(record)
    assert check_against_marshmallow(kind, record) is None
    assert public_load(kind, record) == reference_load(kind, record)
    with pytest.raises(DataError):
        validation.load(kind, record)


# --- what the compiler does not know --------------------------------------------------


class Shout(fields.String):
    """A field class the compiler has never heard of."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).upper()


class LoudText(Text):
    """A subclass of a known class: it may change anything, so it is not trusted either."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs) + "!"


class HookedSchema(_Strict):
    note = text("Note", "A note.")

    @pre_load
    def _strip(self, data, **kwargs):
        return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}


class OddSchema(_Strict):
    name = text("Name", "The name.", required=True)
    shout = Shout()
    loud = LoudText()
    shouts = fields.List(Shout())
    hooked = fields.Nested(HookedSchema)
    counted = fields.Integer(load_default=lambda: 42)
    maybe = Text(allow_none=True)

    @validates_schema(pass_original=True)
    def _sees_original(self, data, original, **kwargs):
        if original.get("name") == "forbidden" or data.get("shout") == "NO":
            raise ValidationError("refused by a schema-level check", "name")


def test_unknown_field_classes_and_hooks_are_loaded_by_marshmallow():
    schema = OddSchema()
    loader = FastLoader(schema)
    assert sorted(loader.fallbacks) == ["counted", "hooked", "loud", "shout", "shouts.*"]
    data = {"name": "A", "shout": "hey", "loud": "hi", "shouts": ["a", "b"], "hooked": {"note": "  n  "},
            "maybe": None}
    expected = schema.load(data)
    assert expected == {"name": "A", "shout": "HEY", "loud": "hi!", "shouts": ["A", "B"],
                        "hooked": {"note": "n"}, "counted": 42, "maybe": None}
    assert exact(loader.fast(data)) == exact(expected)
    assert exact(loader.load(data)) == exact(expected)


@pytest.mark.parametrize(
    "data",
    [
        {"name": "forbidden"},
        {"name": "A", "shout": "no"},
        {"name": "A", "shout": 5},
        {"name": "A", "hooked": {"note": "x", "other": 1}},
        {"shout": "x"},
        {"name": "A", "counted": "many"},
        {"name": None},
    ],
)
def test_refusals_of_unknown_parts_and_schema_checks_are_marshmallows(data):
    schema = OddSchema()
    loader = FastLoader(schema)
    with pytest.raises(Defer):
        loader.fast(data)
    with pytest.raises(ValidationError) as ours:
        loader.load(data)
    with pytest.raises(ValidationError) as theirs:
        schema.load(data)
    assert ours.value.messages == theirs.value.messages


def test_a_schema_with_load_hooks_is_left_to_marshmallow_whole():
    loader = FastLoader(HookedSchema())
    assert loader.fallbacks == [""]
    assert loader.load({"note": " x "}) == {"note": "x"}
    with pytest.raises(Defer):
        loader.fast({"note": "x"})


@pytest.mark.parametrize("kind", KINDS)
def test_every_declared_field_is_loaded_by_the_fast_path(kind):
    # A field left out by the compiler would be dropped from valid records.
    schema = SCHEMAS[kind]()
    loader = FastLoader(schema)
    full = validation.prune(sample("agreement.json" if kind == "agreement" else "action_plan.json"))
    assert set(loader.fast(full)) == set(schema.load(full)) == set(full)
