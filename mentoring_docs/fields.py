"""Field types of the data model, each carrying its form metadata.

Every field is a marshmallow field whose ``metadata`` holds what a form needs:
``label`` (short caption), ``help`` (the question the pair answers) and ``kind``
(how a form shows it). The constructors below are the only way the schemas declare
fields, so that no field can lack its label, help or kind.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Mapping, Sequence, TypeVar

from marshmallow import ValidationError, fields, validate

from . import rules
from .rules import FieldKind, Invalid

__all__ = ["FieldKind"]  # re-exported: it lives in .rules, which loads without marshmallow

_T = TypeVar("_T")


def _checked(rule: Callable[..., _T], *args: Any) -> _T:
    """``rule(*args)``, its :class:`~.rules.Invalid` raised as marshmallow's ValidationError."""
    try:
        return rule(*args)
    except Invalid as exc:
        raise ValidationError(str(exc)) from None


Choices = Sequence[tuple[str, str]]


class Text(fields.String):
    """A string kept exactly as given, except that line endings become ``\\n``.

    One-line text refuses line breaks; every text refuses characters that XML (and
    so a Word or PDF form) cannot hold.
    """

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.multiline = multiline

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return _checked(rules.text, value, self.multiline)


class Date(fields.Date):
    """An ISO date (``YYYY-MM-DD``) or a :class:`datetime.date`."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.date:
        return _checked(rules.date, value)


class Choice(fields.String):
    """One value from a fixed list of lower-case ``snake_case`` values."""

    def __init__(self, choices: Choices, **kwargs: Any) -> None:
        self.choices = tuple(choices)
        names = [value for value, _ in self.choices]
        super().__init__(
            validate=validate.OneOf(names, error="{input!r} is not one of: {choices}"),
            **kwargs,
        )

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return _checked(rules.choice_type, value, tuple(v for v, _ in self.choices))


class ChoiceSet(fields.List):
    """Several values from a fixed list, shown as one checkbox each.

    Kept in the order of the choices and without repeats, since a row of
    checkboxes has no other order to give back.
    """

    def __init__(self, choices: Choices, **kwargs: Any) -> None:
        self.choices = tuple(choices)
        super().__init__(Choice(self.choices), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any | None]:
        items = super()._deserialize(value, attr, data, **kwargs)
        return rules.choice_set_order(items, tuple(v for v, _ in self.choices))


class Flag(fields.Boolean):
    """A single yes/no checkbox: ``true`` when ticked.

    A form cannot tell an unticked box from one never looked at, so ``false``
    counts as "not given", like an empty text, and the canonical record leaves it out.
    """

    # None (not False) for an unticked box, so that pruning leaves it out like any empty value.
    def _deserialize(self, value: Any, attr: str | None, data: Any,  # type: ignore[override]
                     **kwargs: Any) -> bool | None:
        return _checked(rules.flag, value)


class Integer(fields.Integer):
    """A whole number; refuses booleans and fractions."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        return super()._deserialize(_checked(rules.whole_number, value), attr, data, **kwargs)


class Number(fields.Float):
    """A finite number; refuses booleans and text."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_nan=False, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        return super()._deserialize(_checked(rules.number, value), attr, data, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> float | int | str | None:
        # JSON readers see 6 rather than 6.0 for a whole amount; both load as the same float.
        out = super()._serialize(value, attr, obj, **kwargs)
        return int(out) if isinstance(out, float) and out.is_integer() and abs(out) < 1e15 else out


def _meta(label: str, help: str, kind: FieldKind | None, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"label": label, "help": help}
    if kind is not None:
        meta["kind"] = kind
    if extra:
        meta.update(extra)
    return meta


def text(label: str, help: str, *, required: bool = False) -> Text:
    """One line of text."""
    return Text(required=required, metadata=_meta(label, help, FieldKind.TEXT))


def long_text(label: str, help: str, *, required: bool = False) -> Text:
    """Text that may hold line breaks and paragraphs."""
    return Text(multiline=True, required=required, metadata=_meta(label, help, FieldKind.LONG_TEXT))


def email(label: str, help: str) -> Text:
    """One line of text that must be an e-mail address."""
    return Text(
        validate=validate.Email(error="not a valid e-mail address: {input!r}"),
        metadata=_meta(label, help, FieldKind.TEXT, {"format": "email"}),
    )


def time_zone(label: str, help: str) -> Text:
    """One line of text that must name an IANA time zone."""
    return Text(validate=_valid_time_zone, metadata=_meta(label, help, FieldKind.TEXT, {"format": "time_zone"}))


def _valid_time_zone(value: str) -> None:
    _checked(rules.valid_time_zone, value)


def date(label: str, help: str, *, required: bool = False) -> Date:
    """A calendar date."""
    return Date(required=required, metadata=_meta(label, help, FieldKind.DATE))


def choice(label: str, help: str, choices: Choices, *, default: str | None = None) -> Choice:
    """One value from ``choices`` (pairs of value and display label)."""
    extra = {"choices": tuple(choices)}
    if default is not None:
        return Choice(choices, load_default=default, metadata=_meta(label, help, FieldKind.CHOICE, extra))
    return Choice(choices, metadata=_meta(label, help, FieldKind.CHOICE, extra))


def checkboxes(label: str, help: str, choices: Choices) -> ChoiceSet:
    """Any number of values from ``choices``, one checkbox each."""
    return ChoiceSet(choices, metadata=_meta(label, help, FieldKind.CHECKBOX, {"choices": tuple(choices)}))


def flag(label: str, help: str) -> Flag:
    """One checkbox, ticked or not (a yes/no statement the pair agrees to)."""
    return Flag(allow_none=True, metadata=_meta(label, help, FieldKind.CHECKBOX))


def integer(label: str, help: str, *, minimum: int | None = None, maximum: int | None = None,
            scale: Choices | None = None) -> Integer:
    """A whole number within ``minimum``..``maximum`` (inclusive).

    ``scale`` names what each value means (``("1", "aware")``, ...) for a rating;
    forms print it beside the box and the JSON Schema carries it.
    """
    extra: dict[str, Any] = {"integer": True, "minimum": minimum, "maximum": maximum}
    if scale is not None:
        extra["scale"] = tuple(scale)
    return Integer(
        validate=validate.Range(min=minimum, max=maximum, error=_range_message(minimum, maximum)),
        metadata=_meta(label, help, FieldKind.NUMBER, extra),
    )


def amount(label: str, help: str) -> Number:
    """A number of zero or more (a sum of money)."""
    return Number(
        validate=validate.Range(min=0, error="must be 0 or more"),
        metadata=_meta(label, help, FieldKind.NUMBER, {"integer": False, "minimum": 0}),
    )


def currency(label: str, help: str) -> Text:
    """One line of text that must be an ISO 4217 currency code such as ``EUR``."""
    return Text(validate=_valid_currency, metadata=_meta(label, help, FieldKind.TEXT, {"format": "currency"}))


def _valid_currency(value: str) -> None:
    _checked(rules.valid_currency, value)


def positive_number(label: str, help: str) -> Number:
    """A number greater than zero."""
    return Number(
        validate=validate.Range(min=0, min_inclusive=False, error="must be greater than 0"),
        metadata=_meta(label, help, FieldKind.NUMBER, {"integer": False, "exclusive_minimum": 0}),
    )


def number(label: str, help: str, *, minimum: float | None = None, maximum: float | None = None) -> Number:
    """A number within ``minimum``..``maximum`` (inclusive), when they are given."""
    return Number(
        validate=validate.Range(min=minimum, max=maximum, error=_range_message(minimum, maximum)),
        metadata=_meta(label, help, FieldKind.NUMBER, {"integer": False, "minimum": minimum, "maximum": maximum}),
    )


def _range_message(minimum: float | None, maximum: float | None) -> str:
    if minimum is None and maximum is None:
        return "must be a number"
    if minimum is not None and maximum is not None:
        return f"must be from {minimum} to {maximum}"
    if minimum is not None:
        return f"must be {minimum} or more"
    return f"must be {maximum} or less"


def text_list(label: str, help: str, item_label: str, *, max_items: int | None = None) -> fields.List:
    """A list of one-line texts, in order."""
    return fields.List(
        Text(metadata=_meta(item_label, help, FieldKind.TEXT)),
        validate=[_count_validator(max_items)] if max_items else [],
        metadata=_meta(label, help, None, {"item_label": item_label, "max_items": max_items}),
    )


def _count_validator(max_items: int | None) -> Any:
    def check(items: list[Any]) -> None:
        _checked(rules.at_most, items, max_items)

    check.max_items = max_items  # type: ignore[attr-defined]  # what a compiled plan stores
    return check


def group(schema: type, label: str, help: str, *, required: bool = False) -> fields.Nested:
    """A group of fields (a nested object), such as a person or the meeting plan."""
    return fields.Nested(schema, required=required, metadata=_meta(label, help, None))


def rows(schema: type, label: str, help: str, item_label: str, *, max_items: int | None = None) -> fields.List:
    """A list of records, one table row (or repeated block) each."""
    return fields.List(
        fields.Nested(schema),
        validate=[_count_validator(max_items)] if max_items else [],
        metadata=_meta(label, help, None, {"item_label": item_label, "max_items": max_items}),
    )
