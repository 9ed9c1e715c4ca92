"""Hypothesis strategies that generate valid records of either document, from the catalogue.

They draw any Unicode text that XML can hold (any script, emoji, markup and template
syntax, tabs, line breaks in long text), empty optional fields, and lists of
several lengths. ``rows`` caps list lengths, for forms with a fixed number of rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from hypothesis import strategies as st

from mentoring_docs import currencies, load
from mentoring_docs.catalogue import Field, FieldKind, Node, catalogue

# Every code point XML 1.0 accepts, except line breaks (added back for long text).
_ONE_LINE = st.characters(
    codec="utf-8",
    exclude_categories=("Cs",),
    exclude_characters="\n\r\x0b\x0c\ufffe\uffff" + "".join(chr(c) for c in range(0x20) if c != 9),
)
# Text people really type mixes in the characters that break naive XML and templates.
_TRICKY = st.sampled_from(["<", ">", "&", '"', "'", "{{ 7*7 }}", "{% if x %}", "\\", "(", ")", "\t", " ", "王芳", "مرحبا", "😀", "Ω"])

DATES = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31))


def text(multiline: bool = False, max_size: int = 40) -> st.SearchStrategy[str]:
    """Non-empty text a form field can hold."""
    piece = st.one_of(_ONE_LINE, _TRICKY, st.just("\n")) if multiline else st.one_of(_ONE_LINE, _TRICKY)
    return st.lists(piece, min_size=1, max_size=max_size).map("".join)


def _leaf(fd: Field) -> st.SearchStrategy[Any]:
    if fd.kind is FieldKind.TEXT:
        if fd.format == "email":
            return st.from_regex(r"[a-z][a-z0-9.]{0,10}@[a-z]{2,10}\.(org|com|de)", fullmatch=True).filter(
                lambda s: ".." not in s and not s.split("@")[0].endswith(".")
            )
        if fd.format == "time_zone":
            return st.sampled_from(["Europe/Paris", "America/Chicago", "Asia/Tokyo", "Africa/Lagos", "UTC"])
        if fd.format == "currency":
            return st.sampled_from(sorted(currencies.CODES))
        return text()
    if fd.kind is FieldKind.LONG_TEXT:
        return text(multiline=True, max_size=80)
    if fd.kind is FieldKind.DATE:
        return DATES
    if fd.kind is FieldKind.CHOICE:
        return st.sampled_from([c.value for c in fd.choices])
    if fd.kind is FieldKind.CHECKBOX:  # a yes/no box of its own: canonical records hold only true
        return st.just(True)
    if fd.kind is FieldKind.NUMBER:
        if fd.integer:
            high = int(fd.maximum) if fd.maximum is not None else 10_000
            return st.integers(min_value=int(fd.minimum or 0), max_value=high)
        # A cost may be 0; an effort must be more; an extension's number keeps to its own range.
        return st.floats(min_value=fd.minimum if fd.minimum is not None else 0, exclude_min=fd.minimum is None,
                         max_value=fd.maximum if fd.maximum is not None else 1e6, allow_nan=False,
                         allow_infinity=False)
    raise AssertionError(fd.kind)


def _node(kind: str, node: Node, rows: Mapping[str, int], extension: Any = None) -> st.SearchStrategy[Any]:
    cat = catalogue(kind, extension)
    if node.leaf is not None:
        return _leaf(node.leaf)
    if node.is_list:
        spec = cat.lists_by_path[node.pattern]
        limit = rows.get(node.pattern, spec.max_items if spec.max_items is not None else 3)
        return st.lists(_node(kind, node.children[0], rows, extension), max_size=limit)
    if node.pattern in cat.choice_sets:
        options = [fd.name for fd in cat.choice_sets[node.pattern]]
        return st.lists(st.sampled_from(options), unique=True).map(lambda xs: [o for o in options if o in xs])
    required = {}
    optional = {}
    for child in node.children:
        strategy = _node(kind, child, rows, extension)
        group = cat.groups.get(child.pattern)
        if (child.leaf is not None and child.leaf.required) or (group is not None and group.required):
            required[child.key] = strategy
        else:
            optional[child.key] = strategy
    return st.fixed_dictionaries(required, optional=optional)


@st.composite
def _timeframe(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(DATES)
    end = start + dt.timedelta(days=draw(st.integers(1, 800)))
    out: dict[str, Any] = {"start_date": start, "end_date": end}
    span = (end - start).days
    if span > 1 and draw(st.booleans()):
        out["midpoint_check"] = start + dt.timedelta(days=draw(st.integers(1, span - 1)))
    return out


def _complete_only_when_completed(record: dict[str, Any]) -> dict[str, Any]:
    for goal in record.get("goals", []):
        for activity in goal.get("activities", []):
            if activity.get("status") != "completed":
                activity.pop("completed_on", None)
    return record


def records(kind: str, rows: Mapping[str, int] | None = None, extension: Any = None) -> st.SearchStrategy[dict[str, Any]]:
    """Valid, canonical records of ``kind`` (as :func:`mentoring_docs.load` returns them),
    with a field extension's program questions when given."""
    cat = catalogue(kind, extension)
    base = _node(kind, cat.root, rows or {}, extension)

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        record = draw(base)
        if kind == "agreement":
            frame = dict(record.get("timeframe", {}))
            frame.pop("midpoint_check", None)
            frame.update(draw(_timeframe()))
            record["timeframe"] = frame
            ending = record.get("ending")
            if ending and "review_date" in ending:  # the review falls after the start, on or before the end
                span = (frame["end_date"] - frame["start_date"]).days
                ending["review_date"] = frame["start_date"] + dt.timedelta(days=draw(st.integers(1, span)))
        else:
            _complete_only_when_completed(record)
        return load(kind, record, extension=extension)

    return build()
