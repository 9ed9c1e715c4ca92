"""Parsing JSON from users and rosters: every problem a one-line message with its path.

``json.loads`` alone lets hostile or careless input through in ways that end in a
traceback or in silently wrong data: nesting a hundred thousand deep raises
``RecursionError``, a 5,000-digit integer raises Python's digit-limit
``ValueError``, and a key given twice quietly replaces the first value. Here
each becomes a :class:`~mentoring_docs.errors.Problem` naming where it is.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from .errors import Problem
from .limits import MAX_INTEGER_DIGITS, MAX_JSON_DEPTH

__all__ = ["JsonProblems", "loads"]


class JsonProblems(ValueError):
    """JSON text that cannot be taken as data; ``problems`` name each place."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class _LongInteger:
    """Stands for an integer with too many digits until its path is known."""

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits


class _Repeats(dict[str, Any]):
    """An object in which some keys were given more than once (``repeated``)."""

    repeated: list[str]


def loads(text: str) -> Any:
    """Parse ``text``; raise :class:`JsonProblems` for invalid JSON or for anything listed above."""
    odd: list[bool] = []  # set when a hook met something to report: then (only then) walk the result

    def parse_int(digits: str) -> Any:
        if len(digits) - digits.startswith("-") > MAX_INTEGER_DIGITS:
            odd.append(True)
            return _LongInteger(len(digits) - digits.startswith("-"))
        return int(digits)

    def make_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            counts = Counter(k for k, _ in pairs)
            repeated = _Repeats(obj)
            repeated.repeated = [k for k, n in counts.items() if n > 1]  # in the order first given
            odd.append(True)
            return repeated
        return obj

    try:
        value = json.loads(text, parse_int=parse_int, object_pairs_hook=make_object)
    except json.JSONDecodeError as exc:
        raise JsonProblems([Problem("", f"line {exc.lineno}, column {exc.colno}: invalid JSON: {exc.msg}")]) from None
    except RecursionError:
        raise JsonProblems([Problem("", f"nested more than {MAX_JSON_DEPTH} levels deep; refused")]) from None
    problems = _check(value, bool(odd))
    if problems:
        raise JsonProblems(problems)
    return value


def _check(value: Any, odd: bool) -> list[Problem]:
    """Depth, long integers and repeated keys, found by one walk without recursion."""
    problems: list[Problem] = []
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        node, path, depth = stack.pop()
        if isinstance(node, (dict, list)) and depth >= MAX_JSON_DEPTH:
            problems.append(Problem(path, f"nested more than {MAX_JSON_DEPTH} levels deep; refused"))
            continue
        if isinstance(node, dict):
            if odd and isinstance(node, _Repeats):
                for key in node.repeated:
                    where = f"{path}.{key}" if path else key
                    problems.append(Problem(where, "given more than once in the same object (only one is allowed)"))
            for key, inner in node.items():
                if isinstance(inner, (dict, list, _LongInteger)):
                    stack.append((inner, f"{path}.{key}" if path else str(key), depth + 1))
        elif isinstance(node, list):
            for index, inner in enumerate(node):
                if isinstance(inner, (dict, list, _LongInteger)):
                    stack.append((inner, f"{path}.{index}" if path else str(index), depth + 1))
        elif isinstance(node, _LongInteger):
            problems.append(Problem(path, f"a number with {node.digits:,} digits; at most {MAX_INTEGER_DIGITS} are allowed"))
    problems.sort()
    return problems
