"""Every issued pair in the tracker, returned or not (``track --manifest``).

Batch generation's manifest lists the documents each pair was given. The tracker
makes a row for every pair in it, not only for pairs whose forms came back:

- manifest rows are grouped into pairs by agreement ID (rows without one: by pair
  folder); a group joins the pair whose returned documents carry that ID (or lie in
  a folder of that name);
- a group nothing came back from becomes a pair of its own; its issued agreement
  (or, failing that, its action plan) is read for the names, program and dates, so
  the row, the roll-ups and the early warnings know who the pair is and when it
  started. A pair that returned its plan but not its agreement gets its dates from
  the issued agreement in the same way;
- each pair row then says, per document, ``not_returned``, ``returned`` or
  ``returned_invalid`` (the copy used, or a newer copy, has problems; they are in
  the problems table).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Mapping, MutableMapping, Protocol, Sequence, TypeVar

from ..kinds import KINDS
from ..manifest import Issued
from .collect import Returned, needed, read_document
from .tables import PairRow

__all__ = ["Pair", "Reader", "attach", "issued_reader", "reusing", "state", "with_states"]

#: Reads an issued copy's data (None when the file is gone or unreadable).
Reader = Callable[[Issued], "Mapping[str, Any] | None"]


class Pair(Protocol):
    """What this module needs of the tracker's pairs (:mod:`.build` makes them)."""

    agreement_id: str | None
    #: The copy used of each kind of document, and the newer invalid copies passed over.
    used: dict[str, Returned]
    rejected: dict[str, list[Returned]]
    #: The pair's rows of the manifest, and its issued agreement's data once read.
    issued: list[Issued]
    issued_data: Mapping[str, Any] | None


P = TypeVar("P", bound=Pair)


def issued_reader(password: str | None = None) -> Reader:
    """A function reading an issued copy's data (None when the file is gone or unreadable)."""

    def read(item: Issued) -> Mapping[str, Any] | None:
        outcome = read_document(item.file, password=password)
        return needed(outcome.data) if isinstance(outcome, Returned) else None

    return read


def reusing(copies: Mapping[str, Returned], read: Reader | None) -> Reader | None:
    """``read``, but an issued copy already found among the tracked files (same SHA-256) is not read again."""
    if not copies:
        return read

    def reader(item: Issued) -> Mapping[str, Any] | None:
        found = copies.get(item.sha256 or "")
        if found is not None:
            return found.data
        return read(item) if read is not None else None

    return reader


def attach(pairs: MutableMapping[Any, P], issued: Sequence[Issued], read: Reader | None,
           new_pair: Callable[[str | None, Any], P]) -> None:
    """Give every pair its issued documents, adding a pair for each issued group nothing came back from."""
    if not issued:
        return
    groups: dict[tuple[str, str], list[Issued]] = {}
    for item in issued:
        key = ("id", item.agreement_id) if item.agreement_id else ("folder", item.folder)
        groups.setdefault(key, []).append(item)
    by_id: dict[str, P] = {}
    by_folder: dict[str, P] = {}
    for pair in pairs.values():
        if pair.agreement_id:
            by_id.setdefault(pair.agreement_id, pair)
        for kind, doc in pair.used.items():
            aid = doc.data.get("agreement_id")
            if isinstance(aid, str) and aid.strip():
                by_id.setdefault(aid.strip(), pair)
            by_folder.setdefault(doc.folder, pair)
    for (how, value), items in groups.items():
        found = (by_id if how == "id" else by_folder).get(value)
        if found is None:
            found = pairs[("issued", how, value)] = new_pair(value if how == "id" else None, None)
        found.issued.extend(items)
    if read is None:
        return
    for pair in pairs.values():
        if pair.issued and "agreement" not in pair.used:
            pair.issued_data = _read_first(pair.issued, read)


def _read_first(items: Sequence[Issued], read: Reader) -> Mapping[str, Any] | None:
    # The agreement holds the names, program and dates; a plan has the names at least.
    for item in sorted(items, key=lambda i: i.kind == "action_plan"):
        data = read(item)
        if data is not None:
            return data
    return None


def state(pair: Pair, kind: str) -> str | None:
    """``not_returned``, ``returned`` or ``returned_invalid`` for one document of ``pair``; None
    when it was neither issued nor returned."""
    doc = pair.used.get(kind)
    if doc is None:
        issued_kinds = {item.kind for item in pair.issued}
        return "not_returned" if kind in issued_kinds or None in issued_kinds else None
    return "returned_invalid" if doc.problems or pair.rejected.get(kind) else "returned"


def with_states(row: PairRow, pair: Pair) -> PairRow:
    """``row`` with its per-document return states filled in."""
    states = {kind: state(pair, kind) for kind in KINDS}
    return dataclasses.replace(row, agreement_state=states["agreement"], action_plan_state=states["action_plan"])
