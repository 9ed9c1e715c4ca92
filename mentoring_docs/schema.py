"""The two documents as marshmallow schemas: the single source of every field.

Field order here is the order of the forms. Each field's label and help text
(the question the pair answers) live in its metadata; the field catalogue, the
JSON Schemas, the Word and PDF forms and the roster columns are all derived from
these classes. The contract they implement is ``docs/data-model.md``.
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, validates_schema

from . import fields as f, rules


def _check(name: str) -> Any:
    """A ``@validates_schema`` method running the check :data:`.rules.CHECKS` names ``name``.

    The check itself lives in :mod:`.rules`, so that the compiled fast path (which
    records the name, see :mod:`.schema_plan`) runs the very same code without marshmallow.
    """
    rule = rules.CHECKS[name]

    def check(self: Schema, data: dict[str, Any], **kwargs: Any) -> None:
        errors = rule(data)
        if errors:
            raise ValidationError(errors)

    check.rule = name  # type: ignore[attr-defined]
    check.__name__ = f"_{name}"
    return validates_schema(skip_on_field_errors=False)(check)

FOCUS_AREAS = (
    ("technical_skills", "Build technical skills"),
    ("multitasking", "Juggle several tasks at once"),
    ("new_ideas", "Explore new ideas"),
    ("career_path", "Shape a new career path"),
    ("networking", "Widen the professional network"),
    ("confidence", "Grow in confidence"),
)
FREQUENCIES = (
    ("weekly", "Weekly"),
    ("biweekly", "Every two weeks"),
    ("monthly", "Monthly"),
    ("other", "Other"),
)
MEETING_FORMATS = (
    ("in_person", "In person"),
    ("video", "Video call"),
    ("phone", "Phone call"),
    ("hybrid", "Hybrid"),
)
INITIATORS = (("mentee", "The mentee"), ("mentor", "The mentor"), ("either", "Either partner"))
AGENDA_OWNERS = (("mentee", "The mentee"), ("mentor", "The mentor"), ("shared", "Both, shared"))
CONFIDENTIALITY_LEVELS = (
    ("private", "What we discuss stays between the two of us"),
    ("with_permission", "It stays between us unless one of us agrees that it may be shared"),
)
ACTIVITY_KINDS = (
    ("learning_by_doing", "Learning by doing"),
    ("learning_from_others", "Learning from others"),
    ("stretch_assignment", "Stretch assignment"),
)
EFFORT_UNITS = (("hours", "Hours"), ("days", "Days"), ("weeks", "Weeks"))
NEXT_STEPS = (
    ("continue", "Continue as agreed"),
    ("continue_with_changes", "Continue with changes"),
    ("close", "Close the partnership"),
)
MENTOR_COMMITMENTS = (
    ("keep_meetings", "Keep scheduled meetings"),
    ("honest_feedback", "Give honest and specific feedback"),
    ("share_network", "Share contacts and opportunities"),
    ("keep_confidential", "Respect confidentiality"),
)
MENTEE_COMMITMENTS = (
    ("come_prepared", "Come prepared with an agenda"),
    ("follow_through", "Follow through on agreed actions"),
    ("respect_time", "Respect the mentor's time"),
    ("ask_for_feedback", "Ask for feedback"),
)
#: What each competency rating means, from 1 to 5.
RATING_SCALE = (
    ("1", "aware"),
    ("2", "learning"),
    ("3", "practising"),
    ("4", "proficient"),
    ("5", "expert"),
)
STATUSES = (
    ("not_started", "Not started"),
    ("in_progress", "In progress"),
    ("completed", "Completed"),
    ("deferred", "Deferred"),
)


class _Strict(Schema):
    """Base of every schema: unknown keys are errors, never dropped."""

    class Meta:
        unknown = RAISE


# --- shared parts -----------------------------------------------------------------


class PersonSchema(_Strict):
    """A mentor, a mentee or a program coordinator."""

    name = f.text("Full name", "The name this person signs with.", required=True)
    email = f.email("E-mail", "The address where this person reads mentoring messages.")
    job_title = f.text("Job title", "This person's current role.")
    organization = f.text("Organization", "Department, team or institution this person belongs to.")
    phone = f.text("Phone", "A number to reach this person between meetings.")
    location = f.text("Location", "City or site where this person works.")
    time_zone = f.time_zone("Time zone", "IANA time zone name, for example Europe/Berlin or America/Chicago.")


class SignatureSchema(_Strict):
    """A typed name and the date it was signed."""

    name = f.text("Signed by", "Type your name to sign.")
    date = f.date("Date signed", "The day you signed.")


# --- the Mentoring Partnership Agreement -----------------------------------------


class ProgramSchema(_Strict):
    name = f.text("Program", "The mentoring program this partnership belongs to.")
    coordinator = f.group(PersonSchema, "Program coordinator", "Who runs the program and can help when something gets stuck.")


class RolesSchema(_Strict):
    mentor = f.long_text(
        "Mentor's role",
        "How will the mentor help? Sharing expertise, advising, advocating, coaching and supporting are typical.",
    )
    mentee = f.long_text(
        "Mentee's role",
        "How will the mentee drive the partnership? Setting goals, asking for advice and acting on it are typical.",
    )
    clarifications = f.long_text("Clarifications", "Anything either of you wants to add to or change about these roles.")


class FocusSchema(_Strict):
    mentee = f.long_text("Mentee's focus", "As the mentee, what do you want this partnership to concentrate on?")
    mentor = f.long_text("Mentor's focus", "As the mentor, what do you want to concentrate on with your mentee?")
    areas = f.checkboxes("Areas to develop", "Tick every area the partnership should help with.", FOCUS_AREAS)
    other = f.text("Other area", "Any other area, in a few words.")


class GoalsSchema(_Strict):
    top = f.text_list(
        "Top goals",
        "The mentee's three most important goals, most important first.",
        "Goal",
        max_items=3,
    )
    short_term = f.text_list("Short-term goals", "Work goals the mentee wants to reach within the next few months.", "Goal")
    long_term = f.text_list("Long-term goals", "Career goals the mentee is working toward over the coming years.", "Goal")


class ExpectationsSchema(_Strict):
    of_mentee = f.long_text(
        "Mentor's expectations of the mentee",
        "What do you, the mentor, expect of your mentee? For example open communication, trying new things, regular feedback.",
    )
    of_mentor = f.long_text(
        "Mentee's expectations of the mentor",
        "What do you, the mentee, expect of your mentor? For example shared experience and regular feedback.",
    )


class MilestoneSchema(_Strict):
    name = f.text("Milestone", "An event that shapes the timeframe, such as a performance review or a product release.")
    date = f.date("Date", "When the milestone falls.")


class TimeframeSchema(_Strict):
    start_date = f.date("Start date", "The day the partnership begins.", required=True)
    end_date = f.date(
        "End date",
        "The day the partnership ends. A clear end point keeps you productive; six to twelve months is usual.",
        required=True,
    )
    midpoint_check = f.date(
        "Midpoint check",
        "When you will stop to reflect on progress. Leave it empty to take the day halfway between start and end.",
    )
    milestones = f.rows(
        MilestoneSchema,
        "Milestones",
        "Major events ahead that the timeframe should take into account.",
        "Milestone",
    )

    _dates_in_order = _check("dates_in_order")


class MeetingsSchema(_Strict):
    frequency = f.choice("How often", "How often will you meet?", FREQUENCIES)
    day_time = f.text("Day and time", "When will you usually meet? For example: Tuesdays at 4 PM.")
    duration_minutes = f.integer("Length (minutes)", "How long will a meeting last, in minutes?", minimum=5, maximum=480)
    format = f.choice("How you meet", "Will you meet in person, by video, by phone or a mix?", MEETING_FORMATS)
    location = f.text("Where", "The room, or the platform such as Zoom or Teams.")
    initiator = f.choice("Who schedules meetings", "Who is responsible for setting up each meeting?", INITIATORS)
    agenda_owner = f.choice(
        "Who sets the agenda",
        "Who prepares and sends the agenda? Many programs have the mentee drive it.",
        AGENDA_OWNERS,
    )
    cancellation_notice_hours = f.integer(
        "Notice to cancel (hours)",
        "How many hours' notice will you give if you must cancel?",
        minimum=0,
    )
    cancellation_plan = f.long_text(
        "If a meeting must be cancelled",
        "What happens when one of you cannot make it: how you tell the other and how you find a new date.",
    )
    accommodations = f.long_text(
        "Distance and time zones",
        "How will you handle differences in location or time zone?",
    )


class CommunicationSchema(_Strict):
    channel = f.text("Channel between meetings", "How will you stay in touch between meetings? For example Slack or e-mail.")
    response_time = f.text("Expected reply time", "How soon can each of you expect an answer to a message?")
    ad_hoc = f.long_text("Ad hoc contact", "Which unplanned calls or short meetings are welcome, and when?")
    prep_notes = f.long_text("Preparation notes", "Who shares notes before a meeting, and how far ahead?")
    follow_up = f.long_text("Notes and action items", "Who writes up notes and action items after each meeting?")


class FeedbackSchema(_Strict):
    preferences = f.long_text("Giving and receiving feedback", "How does each of you prefer to give and receive constructive criticism?")
    disagreement = f.long_text("When you disagree", "How will you handle it when you see things differently?")


class ConfidentialitySchema(_Strict):
    level = f.choice("What stays private", "Which rule for sharing what you discuss do you both accept?", CONFIDENTIALITY_LEVELS)
    exceptions = f.long_text("Exceptions", "When may confidentiality be broken? For example when the law requires it.")


class AccountabilitySchema(_Strict):
    mentee = f.long_text("Holding the mentee accountable", "How will the mentee be held to the commitments made here?")
    monitoring = f.long_text("Monitoring progress", "How will both of you keep track of the mentee's progress?")


class CommitmentsSchema(_Strict):
    mentor = f.checkboxes("The mentor commits to", "Tick each commitment the mentor makes.", MENTOR_COMMITMENTS)
    mentor_other = f.text("Mentor's other commitment", "Anything else the mentor commits to, in a few words.")
    mentee = f.checkboxes("The mentee commits to", "Tick each commitment the mentee makes.", MENTEE_COMMITMENTS)
    mentee_other = f.text("Mentee's other commitment", "Anything else the mentee commits to, in a few words.")


class EvaluationDateSchema(_Strict):
    # Date first, as a schedule reads; it also keeps these rows from looking like the
    # milestones' rows (name, date), which a Word form's row recovery tells apart by layout.
    date = f.date("Date", "When it is due.")
    name = f.text("Evaluation", "Which evaluation, for example the midpoint survey or the closing interview.")


class EvaluationSchema(_Strict):
    will_complete = f.flag(
        "We will complete the program's evaluations",
        "Tick to agree that both of you will answer the program's surveys or interviews.",
    )
    dates = f.rows(EvaluationDateSchema, "Evaluation dates", "The evaluations ahead and their dates, if known.", "Evaluation")


class EndingSchema(_Strict):
    no_fault = f.flag(
        "No-fault ending",
        "Tick to agree that either of you may end the partnership without blame, telling the coordinator.",
    )
    notice_days = f.integer(
        "Notice to end (days)",
        "How many days' notice either of you gives before ending the partnership early (0 to 90).",
        minimum=0,
        maximum=90,
    )
    review_date = f.date(
        "Review date",
        "When you will re-evaluate the partnership: after the start date, on or before the end date.",
    )
    next_step = f.choice(
        "After the review",
        "What you decided at the review: continue as agreed, continue with changes, or close.",
        NEXT_STEPS,
    )


class SignaturesSchema(_Strict):
    mentor = f.group(SignatureSchema, "Mentor", "The mentor's signature.")
    mentee = f.group(SignatureSchema, "Mentee", "The mentee's signature.")
    coordinator = f.group(SignatureSchema, "Program coordinator", "The coordinator's signature, where the program asks for one.")
    line_manager = f.group(SignatureSchema, "Line manager", "The mentee's manager's signature, where the program asks for one.")


class AgreementSchema(_Strict):
    """The Mentoring Partnership Agreement, agreed and signed at the first meeting."""

    agreement_id = f.text("Agreement ID", "A stable identifier for this agreement; batch generation assigns one.")
    program = f.group(ProgramSchema, "Program", "The program this partnership is part of.")
    mentor = f.group(PersonSchema, "Mentor", "The person sharing experience and guidance.", required=True)
    mentee = f.group(PersonSchema, "Mentee", "The person whose growth the partnership serves.", required=True)
    roles = f.group(RolesSchema, "Roles", "Agree on what each of you brings to the partnership.")
    purpose = f.long_text(
        "Purpose",
        "Why are you entering this partnership? Name your specific purposes: mentoring for its own sake is not one.",
    )
    focus = f.group(FocusSchema, "Focus", "What the partnership should concentrate on.")
    goals = f.group(GoalsSchema, "Goals", "What the mentee wants to accomplish. Agree on priorities; you will keep setting goals as you meet.")
    expectations = f.group(ExpectationsSchema, "Expectations", "What each of you expects of the other.")
    timeframe = f.group(TimeframeSchema, "Timeframe", "How long the partnership lasts and when you will check progress.", required=True)
    meetings = f.group(MeetingsSchema, "Meeting plan", "When, where and how you meet, and what happens when a meeting cannot take place.")
    communication = f.group(CommunicationSchema, "Communication", "How you keep in touch between meetings.")
    feedback = f.group(FeedbackSchema, "Feedback", "How you give each other constructive feedback.")
    confidentiality = f.group(ConfidentialitySchema, "Confidentiality", "What may be shared outside your conversations.")
    accountability = f.group(AccountabilitySchema, "Accountability", "How progress is followed and commitments kept.")
    commitments = f.group(CommitmentsSchema, "Commitments", "What each of you promises to do for the partnership.")
    boundaries = f.long_text(
        "Boundaries",
        "The limits of the relationship: conflicts of interest, and what is out of scope (performance reviews, for example).",
    )
    evaluation = f.group(EvaluationSchema, "Evaluation", "How the program will hear how the partnership went.")
    conclusion = f.long_text(
        "Ending the partnership",
        "How the partnership ends, including how either of you may end it early without blame.",
    )
    ending = f.group(EndingSchema, "Ending terms", "The terms of ending and reviewing the partnership, beside the words above.")
    signatures = f.group(SignaturesSchema, "Signatures", "By signing, each of you accepts this agreement.")

    _review_in_timeframe = _check("review_in_timeframe")


# --- the Mentoring Action Plan ---------------------------------------------------


class CostSchema(_Strict):
    amount = f.amount("Cost", "What the activity costs, if the program holds a budget.")
    currency = f.currency("Currency", "The ISO 4217 code of the currency, for example EUR, USD or GBP.")


class EffortSchema(_Strict):
    amount = f.positive_number("Effort", "How much time the activity will take.")
    unit = f.choice("Unit", "Hours, days or weeks.", EFFORT_UNITS)


class ActivitySchema(_Strict):
    description = f.long_text("Activity", "What the mentee will do to learn.", required=True)
    kind = f.choice(
        "Type",
        "Learning by doing (a project, a memo), learning from others (shadowing) or a stretch assignment.",
        ACTIVITY_KINDS,
    )
    resources = f.long_text("Resources", "Outside resources the activity needs: books, courses, people, budget.")
    effort = f.group(EffortSchema, "Effort", "How many hours, days or weeks the activity will take.")
    cost = f.group(CostSchema, "Cost", "What the activity costs, for programs that hold a budget.")
    target_date = f.date("Target date", "When the activity should be finished.")
    status = f.choice("Status", "Where the activity stands now.", STATUSES, default="not_started")
    completed_on = f.date("Completed on", "The day the activity was finished (only when its status is Completed).")
    notes = f.long_text("Notes", "Anything worth remembering about this activity.")

    _completion = _check("completion")


class GoalSchema(_Strict):
    title = f.text("Goal", "The goal, in a few words.", required=True)
    description = f.long_text("Description", "What reaching this goal means for the mentee.")
    current_situation = f.long_text(
        "Where the mentee is now", "The starting point (baseline): what the mentee does or knows today.")
    objectives = f.text_list("Objectives", "The steps that will achieve the goal.", "Objective")
    measure = f.text("What we count", "The measure that shows progress, for example the time to close a support ticket.")
    target_value = f.text("Target", "The value of that measure that means success, for example under 5 minutes.")
    success_measure = f.long_text("How we will know", "How you will both know the goal has been reached.")
    target_date = f.date("Target date", "When the goal should be reached.")
    activities = f.rows(ActivitySchema, "Learning activities", "What the mentee will do, with what, and by when.", "Activity")


_SCALE_HELP = ", ".join(f"{n} {label}" for n, label in RATING_SCALE)


class CompetencySchema(_Strict):
    name = f.text("Competency", "A skill or behaviour the mentee develops, such as negotiating.", required=True)
    baseline_rating = f.integer("Now (1-5)", f"The mentee's level at the start: {_SCALE_HELP}.",
                                minimum=1, maximum=5, scale=RATING_SCALE)
    target_rating = f.integer("Target (1-5)", f"The level the mentee aims for: {_SCALE_HELP}.",
                              minimum=1, maximum=5, scale=RATING_SCALE)
    final_rating = f.integer("Final (1-5)", f"The level reached at the end: {_SCALE_HELP}.",
                             minimum=1, maximum=5, scale=RATING_SCALE)
    notes = f.long_text("Notes", "What shows the level, or what helped it change.")


class ReviewSchema(_Strict):
    date = f.date("Meeting date", "The day of the meeting.")
    objective = f.long_text("Meeting objective", "What this meeting set out to do.")
    progress = f.long_text("Progress", "Progress made toward the goals and objectives.")
    next_steps = f.long_text("Next steps", "Action items until the next meeting.")


class ActionPlanSchema(_Strict):
    """The Mentoring Action Plan, written at the second meeting and kept up to date."""

    plan_id = f.text("Plan ID", "A stable identifier for this action plan.")
    agreement_id = f.text("Agreement ID", "The partnership agreement this plan belongs to.")
    mentor = f.group(PersonSchema, "Mentor", "The person sharing experience and guidance.", required=True)
    mentee = f.group(PersonSchema, "Mentee", "The person whose growth the plan serves.", required=True)
    created_on = f.date("Written on", "The day you wrote this plan.")
    goals = f.rows(
        GoalSchema,
        "Goals",
        "The mentee's learning goals in order of priority, each with its objectives and activities.",
        "Goal",
    )
    competencies = f.rows(
        CompetencySchema,
        "Competencies",
        f"Rate each competency now, the level aimed for, and at the end. Scale: {_SCALE_HELP}.",
        "Competency",
    )
    strengths = f.text_list("Strengths", "What the mentee already does well and can build on.", "Strength")
    development_areas = f.text_list("Development areas", "What the mentee most needs to develop.", "Area")
    reviews = f.rows(
        ReviewSchema,
        "Progress reviews",
        "At each meeting, note its objective, the progress made and the next steps.",
        "Review",
    )


#: The schema class of each kind of document.
SCHEMAS: dict[str, type[Schema]] = {"agreement": AgreementSchema, "action_plan": ActionPlanSchema}
