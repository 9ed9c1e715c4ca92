"""Every rule of the data model, each with a test that fails without it."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from mentoring_docs import DataError, load, load_json, problems
from mentoring_docs.validation import dump, prune


def agreement(**parts):
    base = {
        "mentor": {"name": "Ana Lima"},
        "mentee": {"name": "Ben Okafor"},
        "timeframe": {"start_date": "2026-01-12", "end_date": "2026-07-10"},
    }
    for key, value in parts.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return base


def plan(**parts):
    return {"mentor": {"name": "Ana Lima"}, "mentee": {"name": "Ben Okafor"}, **parts}


def paths(kind, data):
    return [p.path for p in problems(kind, data)]


def messages(kind, data):
    return {p.path: p.message for p in problems(kind, data)}


def test_minimal_agreement_loads_with_typed_dates():
    record = load("agreement", agreement())
    assert record["timeframe"]["start_date"] == dt.date(2026, 1, 12)


@pytest.mark.parametrize("path", ["mentor.name", "mentee.name", "timeframe.start_date", "timeframe.end_date"])
def test_agreement_required_fields(path):
    data = agreement()
    group, name = path.split(".")
    del data[group][name]
    assert paths("agreement", data) == [path]


def test_missing_groups_name_their_required_fields():
    assert paths("agreement", {}) == [
        "mentor.name", "mentee.name", "timeframe.start_date", "timeframe.end_date"
    ]


def test_action_plan_requires_names_goal_titles_and_activity_descriptions():
    data = plan(goals=[{"description": "no title", "activities": [{"kind": "learning_by_doing"}]}])
    assert paths("action_plan", data) == ["goals.0.title", "goals.0.activities.0.description"]
    assert paths("action_plan", {"mentor": {"name": "A"}}) == ["mentee.name"]


def test_coordinator_when_present_needs_a_name():
    data = agreement(program={"coordinator": {"email": "c@example.org"}})
    assert paths("agreement", data) == ["program.coordinator.name"]


def test_email_is_validated_when_present():
    assert paths("agreement", agreement(mentor={"name": "A", "email": "not-an-address"})) == ["mentor.email"]
    assert paths("agreement", agreement(mentor={"name": "A", "email": "ana@example.org"})) == []


def test_time_zone_must_be_an_iana_name():
    assert paths("agreement", agreement(mentee={"name": "B", "time_zone": "Mars/Olympus"})) == ["mentee.time_zone"]
    assert paths("agreement", agreement(mentee={"name": "B", "time_zone": "America/Chicago"})) == []


@pytest.mark.parametrize("end", ["2026-01-12", "2025-12-31"])
def test_end_date_after_start_date(end):
    data = agreement(timeframe={"end_date": end})
    assert messages("agreement", data) == {"timeframe.end_date": "must be after the start date (2026-01-12)"}


@pytest.mark.parametrize("mid,ok", [("2026-04-01", True), ("2026-01-12", False), ("2026-07-10", False), ("2027-01-01", False)])
def test_midpoint_check_between_start_and_end(mid, ok):
    data = agreement(timeframe={"midpoint_check": mid})
    assert paths("agreement", data) == ([] if ok else ["timeframe.midpoint_check"])


def test_at_most_three_top_goals():
    assert paths("agreement", agreement(goals={"top": ["a", "b", "c"]})) == []
    assert messages("agreement", agreement(goals={"top": ["a", "b", "c", "d"]})) == {
        "goals.top": "at most 3 entries allowed, got 4"
    }


def test_completed_on_only_with_status_completed():
    def activity(**fields):
        return plan(goals=[{"title": "G", "activities": [{"description": "D", **fields}]}])

    assert paths("action_plan", activity(status="completed", completed_on="2026-03-01")) == []
    assert paths("action_plan", activity(status="in_progress", completed_on="2026-03-01")) == [
        "goals.0.activities.0.completed_on"
    ]
    assert paths("action_plan", activity(completed_on="2026-03-01")) == ["goals.0.activities.0.completed_on"]


def test_status_defaults_to_not_started():
    record = load("action_plan", plan(goals=[{"title": "G", "activities": [{"description": "D"}]}]))
    assert record["goals"][0]["activities"][0]["status"] == "not_started"


@pytest.mark.parametrize(
    "kind,data,path",
    [
        ("agreement", agreement(meetings={"frequency": "daily"}), "meetings.frequency"),
        ("agreement", agreement(meetings={"format": "Video"}), "meetings.format"),
        ("agreement", agreement(meetings={"initiator": "hr"}), "meetings.initiator"),
        ("agreement", agreement(meetings={"agenda_owner": "both"}), "meetings.agenda_owner"),
        ("agreement", agreement(confidentiality={"level": "public"}), "confidentiality.level"),
        ("agreement", agreement(focus={"areas": ["networking", "golf"]}), "focus.areas.1"),
        ("action_plan", plan(goals=[{"title": "G", "activities": [{"description": "D", "kind": "reading"}]}]), "goals.0.activities.0.kind"),
        ("action_plan", plan(goals=[{"title": "G", "activities": [{"description": "D", "status": "done"}]}]), "goals.0.activities.0.status"),
        ("action_plan", plan(goals=[{"title": "G", "activities": [{"description": "D", "effort": {"unit": "months"}}]}]), "goals.0.activities.0.effort.unit"),
    ],
)
def test_enumerations_only_from_their_lists(kind, data, path):
    assert paths(kind, data) == [path]


@pytest.mark.parametrize(
    "value,ok", [(5, True), (480, True), (4, False), (481, False), (60.0, True), (60.5, False), (True, False), ("60", False)]
)
def test_meeting_duration_is_a_whole_number_of_minutes_in_range(value, ok):
    assert paths("agreement", agreement(meetings={"duration_minutes": value})) == ([] if ok else ["meetings.duration_minutes"])


@pytest.mark.parametrize("value,ok", [(0, True), (24, True), (-1, False), (1.5, False)])
def test_cancellation_notice_is_zero_or_more_hours(value, ok):
    assert paths("agreement", agreement(meetings={"cancellation_notice_hours": value})) == (
        [] if ok else ["meetings.cancellation_notice_hours"]
    )


@pytest.mark.parametrize("value,ok", [(1.5, True), (3, True), (0, False), (-2, False), (float("nan"), False), ("2", False)])
def test_effort_amount_greater_than_zero(value, ok):
    data = plan(goals=[{"title": "G", "activities": [{"description": "D", "effort": {"amount": value, "unit": "hours"}}]}])
    assert paths("action_plan", data) == ([] if ok else ["goals.0.activities.0.effort.amount"])


@pytest.mark.parametrize("review,ok", [
    ("2026-01-13", True), ("2026-07-10", True), ("2026-01-12", False), ("2026-07-11", False), ("2025-06-01", False)])
def test_review_date_after_start_on_or_before_end(review, ok):
    data = agreement(ending={"review_date": review})
    assert messages("agreement", data) == ({} if ok else {
        "ending.review_date": "must be after the start date (2026-01-12) and on or before the end date (2026-07-10)"})


def test_review_date_rule_reported_with_other_problems_and_skipped_without_dates():
    data = agreement(ending={"review_date": "2027-01-01", "notice_days": 91}, meetings={"frequency": "daily"})
    assert paths("agreement", data) == ["meetings.frequency", "ending.notice_days", "ending.review_date"]
    # Without a valid start date there is nothing to compare with: only the start date is wrong.
    assert paths("agreement", agreement(timeframe={"start_date": "soon"}, ending={"review_date": "2027-01-01"})) == [
        "timeframe.start_date"]


@pytest.mark.parametrize("value,ok", [(0, True), (90, True), (14, True), (-1, False), (91, False), (7.5, False)])
def test_notice_days_from_0_to_90(value, ok):
    assert paths("agreement", agreement(ending={"notice_days": value})) == ([] if ok else ["ending.notice_days"])


def test_flags_are_true_false_and_false_means_not_given():
    record = load("agreement", agreement(ending={"no_fault": False}, evaluation={"will_complete": True}))
    assert "ending" not in record and record["evaluation"] == {"will_complete": True}
    assert messages("agreement", agreement(ending={"no_fault": "yes"})) == {"ending.no_fault": "must be true or false"}


@pytest.mark.parametrize("field", ["baseline_rating", "target_rating", "final_rating"])
@pytest.mark.parametrize("value,ok", [(1, True), (5, True), (3.0, True), (0, False), (6, False), (2.5, False), ("3", False)])
def test_competency_ratings_from_1_to_5(field, value, ok):
    data = plan(competencies=[{"name": "Negotiating", field: value}])
    assert paths("action_plan", data) == ([] if ok else [f"competencies.0.{field}"])


def test_competencies_need_a_name_and_strengths_are_text():
    assert paths("action_plan", plan(competencies=[{"baseline_rating": 2}], strengths=["ok", 3])) == [
        "competencies.0.name", "strengths.1"]


@pytest.mark.parametrize("currency,ok", [("EUR", True), ("USD", True), ("JPY", True), ("eur", False), ("EURO", False),
                                         ("XXX", False), ("", True)])
def test_cost_currency_is_an_iso_4217_code_and_amount_zero_or_more(currency, ok):
    data = plan(goals=[{"title": "G", "activities": [{"description": "D", "cost": {"amount": 0, "currency": currency}}]}])
    assert paths("action_plan", data) == ([] if ok else ["goals.0.activities.0.cost.currency"])
    data["goals"][0]["activities"][0]["cost"] = {"amount": -5}
    assert messages("action_plan", data) == {"goals.0.activities.0.cost.amount": "must be 0 or more"}


@pytest.mark.parametrize("value", ["2026-13-01", "12/01/2026", "tomorrow", 20260112])
def test_dates_are_iso(value):
    assert paths("agreement", agreement(timeframe={"start_date": value})) == ["timeframe.start_date"]


def test_unknown_keys_are_errors_with_the_closest_name():
    data = agreement(mentor={"name": "A", "emial": "a@example.org"}, meetings={"frequncy": "weekly"})
    found = messages("agreement", data)
    assert found["mentor.emial"] == "unknown field; did you mean 'email'?"
    assert found["meetings.frequncy"] == "unknown field; did you mean 'frequency'?"


def test_every_problem_is_reported_at_once():
    data = agreement(
        colour="blue",
        timeframe={"end_date": "2025-01-01"},
        meetings={"format": "carrier pigeon"},
    )
    with pytest.raises(DataError) as caught:
        load("agreement", data)
    assert sorted(p.path for p in caught.value.problems) == ["colour", "meetings.format", "timeframe.end_date"]
    assert "timeframe.end_date: must be after" in str(caught.value)


def test_one_line_text_refuses_line_breaks_and_long_text_keeps_them():
    assert paths("agreement", agreement(meetings={"day_time": "Tuesdays\nat 4"})) == ["meetings.day_time"]
    record = load("agreement", agreement(purpose="line one\r\nline two\rthree"))
    assert record["purpose"] == "line one\nline two\nthree"


def test_characters_xml_cannot_hold_are_refused_with_the_path():
    found = messages("agreement", agreement(purpose="bell\x07"))
    assert found == {"purpose": "contains the control character U+0007, which forms cannot hold"}


def test_strings_are_kept_exactly():
    tricky = "  <b>&amp; {{ 7*7 }} {% if x %}\t王芳 مرحبا 😀  "
    record = load("agreement", agreement(purpose=tricky, mentor={"name": " Zoë O'Brien-Müller "}))
    assert record["purpose"] == tricky
    assert record["mentor"]["name"] == " Zoë O'Brien-Müller "


def test_empty_values_mean_not_given():
    data = agreement(purpose="", roles={"mentor": None}, goals={"top": []}, program={})
    record = load("agreement", data)
    assert "purpose" not in record and "roles" not in record and "goals" not in record and "program" not in record
    assert prune({"a": {"b": ["", None, {}]}}) == {}


def test_focus_areas_are_kept_in_choice_order_without_repeats():
    record = load("agreement", agreement(focus={"areas": ["confidence", "networking", "confidence"]}))
    assert record["focus"]["areas"] == ["networking", "confidence"]


def test_dump_gives_iso_dates_and_load_reads_them_back():
    record = load("agreement", agreement(timeframe={"midpoint_check": "2026-04-01"}))
    text = json.dumps(dump("agreement", record))
    assert '"2026-04-01"' in text
    assert load("agreement", json.loads(text)) == record


def test_malformed_json_names_line_and_column():
    with pytest.raises(DataError) as caught:
        load_json("agreement", '{\n  "mentor": {"name": "A",}\n}', source="pair.json")
    assert str(caught.value) == "pair.json: line 2, column 26: invalid JSON: Expecting property name enclosed in double quotes"


def test_a_non_object_document_is_refused():
    with pytest.raises(DataError, match="must be a JSON object"):
        load_json("agreement", "[1, 2]")


def test_whole_effort_amounts_dump_without_a_fraction():
    data = plan(goals=[{"title": "G", "activities": [{"description": "D", "effort": {"amount": 6, "unit": "days"}}]}])
    record = load("action_plan", data)
    assert record["goals"][0]["activities"][0]["effort"]["amount"] == 6.0
    assert json.dumps(dump("action_plan", record)).count('"amount": 6,') == 1


def test_a_loaded_record_is_validated_once_and_a_changed_one_again() -> None:
    from mentoring_docs import DataError, Filler, load
    from mentoring_docs.validation import Record

    record = load("agreement", {"mentor": {"name": "Ana Lima"}, "mentee": {"name": "Ben Okafor"},
                                "timeframe": {"start_date": "2026-01-12", "end_date": "2026-07-10"}})
    assert isinstance(record, Record) and isinstance(record, dict) and record.kind == "agreement"
    assert record.flat["mentor.name"] == "Ana Lima" and record.flat is record.flat  # computed once
    filler = Filler("agreement", "docx")
    # A Record is trusted: emptying a name inside it (which the docstring forbids)
    # is not noticed, which shows render did not validate it again...
    record["mentor"]["name"] = ""
    assert filler.render(record)[:2] == b"PK"
    # ...while a plain mapping with the same content is validated at the door,
    with pytest.raises(DataError, match="mentor.name"):
        filler.render(dict(record))
    # and a record whose top-level keys were changed is validated again.
    record["mentee"] = {"name": ""}
    assert record.changed
    with pytest.raises(DataError, match="mentee.name"):
        filler.render(record)
