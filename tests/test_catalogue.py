"""The field catalogue: complete, derived from the schemas, and flatten/unflatten as exact inverses."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, strategies as st

from mentoring_docs import FieldKind, catalogue, flatten, unflatten
from mentoring_docs.catalogue import parse_flat
from mentoring_docs.flat_paths import pattern_of
from mentoring_docs.errors import DataError
from mentoring_docs.pdf.rows import ROWS
from mentoring_docs.validation import prune
from strategies import records, text


@pytest.mark.parametrize("kind", ["agreement", "action_plan"])
def test_every_field_has_label_help_and_kind(kind):
    for fd in catalogue(kind):
        assert fd.label and fd.help and fd.full_label
        assert isinstance(fd.kind, FieldKind)
        if fd.kind is FieldKind.CHOICE:
            assert fd.choices and all(c.label for c in fd.choices)


def test_agreement_catalogue_covers_the_data_model():
    cat = catalogue("agreement")
    paths = [fd.path for fd in cat]
    for expected in [
        "agreement_id", "program.name", "program.coordinator.time_zone", "mentor.name", "mentee.email",
        "roles.clarifications", "purpose", "focus.areas.technical_skills", "focus.areas.confidence",
        "focus.other", "goals.top.*", "goals.short_term.*", "goals.long_term.*", "expectations.of_mentor",
        "timeframe.midpoint_check", "timeframe.milestones.*.name", "timeframe.milestones.*.date",
        "meetings.cancellation_notice_hours", "meetings.accommodations", "communication.follow_up",
        "feedback.disagreement", "confidentiality.exceptions", "accountability.monitoring", "conclusion",
        "signatures.coordinator.date", "commitments.mentor.keep_meetings", "commitments.mentee_other",
        "boundaries", "evaluation.will_complete", "evaluation.dates.*.date", "ending.no_fault",
        "ending.notice_days", "ending.review_date", "ending.next_step", "signatures.line_manager.name",
    ]:
        assert expected in paths
    # In the order of the data model: identification first, signatures last.
    assert paths[0] == "agreement_id" and paths[-1] == "signatures.line_manager.date"
    assert paths.index("conclusion") + 1 == paths.index("ending.no_fault")
    flag = cat.field("ending.no_fault")
    assert flag.kind is FieldKind.CHECKBOX and flag.set_path is None
    assert (cat.field("ending.notice_days").minimum, cat.field("ending.notice_days").maximum) == (0, 90)
    assert cat.field("meetings.frequency").kind is FieldKind.CHOICE
    assert cat.field("meetings.duration_minutes").integer
    assert cat.field("purpose").kind is FieldKind.LONG_TEXT
    assert cat.field("meetings.day_time").kind is FieldKind.TEXT
    assert cat.field("timeframe.end_date").required
    assert [s.key for s in cat.sections][:4] == ["agreement_id", "program", "mentor", "mentee"]
    assert cat.lists_by_path["goals.top"].max_items == 3


def test_action_plan_catalogue_lists_nest():
    cat = catalogue("action_plan")
    goals = cat.lists_by_path["goals"]
    assert [ls.path for ls in goals.lists] == ["goals.*.objectives", "goals.*.activities"]
    activity = cat.lists_by_path["goals.*.activities"]
    assert activity.parent == "goals"
    assert [fd.path for fd in activity.fields] == [f"goals.*.activities.*.{name}" for name in (
        "description", "kind", "resources", "effort.amount", "effort.unit", "cost.amount", "cost.currency",
        "target_date", "status", "completed_on", "notes")]
    assert [fd.name for fd in goals.fields] == [
        "title", "description", "current_situation", "measure", "target_value", "success_measure", "target_date"]
    competencies = cat.lists_by_path["competencies"]
    assert [fd.name for fd in competencies.fields] == [
        "name", "baseline_rating", "target_rating", "final_rating", "notes"]
    assert all((fd.minimum, fd.maximum) == (1, 5) for fd in competencies.fields if fd.name.endswith("rating"))
    assert cat.lists_by_path["strengths"].scalar and cat.lists_by_path["development_areas"].scalar
    assert cat.field("goals.*.activities.*.status").default == "not_started"
    assert cat.lookup("goals.2.activities.11.effort.unit").path == "goals.*.activities.*.effort.unit"
    assert cat.lookup("goals.0.nonsense") is None


def test_expand_gives_concrete_paths_in_document_order():
    cat = catalogue("action_plan")
    expanded = [p for p, _ in cat.expand({"goals": 2, "goals.*.activities": 1, "goals.*.objectives": 1, "reviews": 1})]
    assert expanded.index("goals.0.activities.0.notes") < expanded.index("goals.1.title")
    assert "goals.1.activities.0.status" in expanded and "goals.2.title" not in expanded
    assert expanded[-1] == "reviews.0.next_steps"


def test_pattern_of():
    assert pattern_of("goals.10.activities.0.status") == "goals.*.activities.*.status"
    assert pattern_of("goals.top.2") == "goals.top.*"


def test_flatten_names_each_value_by_its_dotted_path():
    record = {
        "mentor": {"name": "A"},
        "focus": {"areas": ["networking"]},
        "goals": {"top": ["x", "y"]},
        "timeframe": {"start_date": dt.date(2026, 1, 1), "milestones": [{"name": "Review"}]},
    }
    assert flatten("agreement", record) == {
        "mentor.name": "A",
        "focus.areas.networking": True,
        "goals.top.0": "x",
        "goals.top.1": "y",
        "timeframe.start_date": dt.date(2026, 1, 1),
        "timeframe.milestones.0.name": "Review",
    }


def test_unflatten_closes_gaps_and_drops_empty_rows():
    flat = {"goals.top.2": "c", "goals.top.0": "a", "goals.top.1": "", "focus.areas.confidence": True,
            "focus.areas.networking": True, "focus.areas.new_ideas": False, "mentor.name": "A"}
    assert unflatten("agreement", flat) == {
        "goals": {"top": ["a", "c"]},
        "focus": {"areas": ["networking", "confidence"]},
        "mentor": {"name": "A"},
    }


def test_unflatten_refuses_unknown_paths():
    with pytest.raises(DataError, match="mentor.nmae: unknown field; did you mean 'mentor.name'"):
        unflatten("agreement", {"mentor.nmae": "A"})


@given(records("agreement"))
def test_flatten_unflatten_are_inverses_for_agreements(record):
    assert unflatten("agreement", flatten("agreement", record)) == record


@given(records("action_plan"))
def test_flatten_unflatten_are_inverses_for_action_plans(record):
    assert unflatten("action_plan", flatten("action_plan", record)) == record


@given(records("action_plan"))
def test_text_round_trip_through_to_text_and_from_text(record):
    cat = catalogue("action_plan")
    raw = {path: cat.lookup(path).to_text(value) for path, value in flatten("action_plan", record).items()}
    data, problems = parse_flat("action_plan", raw)
    assert problems == []
    assert data == record


def _raw_forms(kind):
    """What a returned form may hold: any field blank, spaces, text, ticked or not, in any row."""
    paths = [path for path, _ in catalogue(kind).expand(ROWS[kind])]
    value = st.one_of(st.none(), st.sampled_from(["", " ", "\n", "yes", "Off", "2026-03-04", "7", "Weekly"]),
                      text(multiline=True, max_size=8), st.booleans())
    return st.dictionaries(st.sampled_from(paths), value, max_size=40)


@pytest.mark.parametrize("kind", ["agreement", "action_plan"])
def test_parse_flat_leaves_nothing_for_prune_to_drop(kind):
    # forms.interpret validates parse_flat's data without pruning it again.
    @given(_raw_forms(kind))
    def check(raw):
        data, _problems = parse_flat(kind, raw)
        assert prune(data) == data

    check()


def test_parse_flat_reports_what_it_cannot_read_with_the_path():
    data, problems = parse_flat("action_plan", {
        "mentor.name": "A",
        "goals.0.title": "G",
        "goals.0.target_date": "next Tuesday",
        "goals.0.activities.0.description": "D",
        "goals.0.activities.0.status": "In progress",
        "goals.0.activities.0.effort.amount": "two",
        "goals.0.mood": "happy",
    })
    assert data == {"mentor": {"name": "A"}, "goals": [{"title": "G", "activities": [{"description": "D", "status": "in_progress"}]}]}
    assert [(p.path, p.message) for p in problems] == [
        ("goals.0.target_date", "not a date: 'next Tuesday' (write it as YYYY-MM-DD)"),
        ("goals.0.activities.0.effort.amount", "not a number: 'two'"),
        ("goals.0.mood", "not a field of the Mentoring Action Plan"),
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2026-03-04", dt.date(2026, 3, 4)),
        ("2026/03/04", dt.date(2026, 3, 4)),
        ("2026-03-04T00:00:00Z", dt.date(2026, 3, 4)),
        ("4 March 2026", dt.date(2026, 3, 4)),
        ("March 4, 2026", dt.date(2026, 3, 4)),
        ("Mar 4th 2026", dt.date(2026, 3, 4)),
        ("04.03.2026", dt.date(2026, 3, 4)),
        ("25/03/2026", dt.date(2026, 3, 25)),
        ("03/25/2026", dt.date(2026, 3, 25)),
    ],
)
def test_dates_typed_in_common_formats(text, expected):
    assert catalogue("agreement").field("timeframe.start_date").from_text(text) == expected


@pytest.mark.parametrize("text,message", [("03/04/2026", "ambiguous"), ("2026-02-30", "not a real date"), ("soon", "not a date")])
def test_unreadable_dates_are_refused_not_guessed(text, message):
    with pytest.raises(ValueError, match=message):
        catalogue("agreement").field("timeframe.start_date").from_text(text)


def test_choices_read_from_value_or_label():
    fd = catalogue("agreement").field("meetings.format")
    assert fd.from_text("Video call") == "video"
    assert fd.from_text(" in_person ") == "in_person"
    with pytest.raises(ValueError, match="'by owl' is not one of"):
        fd.from_text("by owl")


def test_numbers_read_back_exactly():
    fd = catalogue("action_plan").field("goals.*.activities.*.effort.amount")
    for value in [1.5, 2.0, 0.1, 1e-7, 123456.789]:
        assert fd.from_text(fd.to_text(value)) == value
    assert fd.to_text(2.0) == "2"
    minutes = catalogue("agreement").field("meetings.duration_minutes")
    with pytest.raises(ValueError, match="whole number"):
        minutes.from_text("45.5")
