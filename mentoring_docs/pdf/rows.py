"""How many rows each list has on the PDF forms: the one place these numbers live.

A PDF form cannot grow, so every list gets a fixed number of rows, chosen from the
source guides: three top goals ("identify your top 3 goals"), a few short- and
long-term goals and milestones, three action-plan goals with three objectives and
five learning activities each, and six progress reviews (one a month for a typical
six-month partnership). Individual development plans rate a handful of competencies
and name a few strengths and development areas; a program evaluates at the midpoint,
at the end and perhaps once after. Data with more items than rows is refused with the list's
path and its limit, never cut silently.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Mapping

if TYPE_CHECKING:
    from ..extension import Extension

ROWS: Mapping[str, Mapping[str, int]] = MappingProxyType({
    "agreement": MappingProxyType({
        "goals.top": 3,
        "goals.short_term": 3,
        "goals.long_term": 3,
        "timeframe.milestones": 4,
        "evaluation.dates": 3,
    }),
    "action_plan": MappingProxyType({
        "goals": 3,
        "goals.*.objectives": 3,
        "goals.*.activities": 5,
        "competencies": 5,
        "strengths": 3,
        "development_areas": 3,
        "reviews": 6,
    }),
})


def rows(kind: str, extension: Extension | None = None) -> Mapping[str, int]:
    """Rows per list pattern on the built-in PDF form of ``kind`` (and of an extension's lists,
    whose rows the extension file sets)."""
    if extension is None:
        return ROWS[kind]
    return MappingProxyType({**ROWS[kind], **extension.pdf_rows(kind)})
