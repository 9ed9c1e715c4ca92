"""Planning rows in the main process: typed values, an ``agreement_id`` and a unique folder each."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable, Iterator, Mapping

from ..errors import Problem
from ..extension import Extension
from ..kinds import KINDS
from . import columns as cols
from . import output_folder
from .folder_names import NamePattern, UniqueNames, file_name, safe_name
from .ids import AgreementIds
from .roster import RosterRow
from .worker import Settings, Task, shown_path


# --- planning rows (in the main process) -------------------------------------------


class Planner:
    """Turns rows into tasks: typed values, an agreement_id and a unique folder each."""

    def __init__(self, settings: Settings, pattern: NamePattern, known: output_folder.Known,
                 defaults: Mapping[str, Mapping[str, Any]], columns: Mapping[str, cols.Column],
                 pattern_columns: Mapping[str, cols.Column]) -> None:
        self.settings = settings
        self.pattern = pattern
        self.known = known
        self.defaults = defaults
        self.columns: dict[str, cols.Column | cols.ColumnError] = dict(columns)
        self.pattern_columns = pattern_columns
        self.names = UniqueNames(output_folder.RESERVED)
        self.ids = AgreementIds()

    def column(self, header: str) -> cols.Column | cols.ColumnError:
        found = self.columns.get(header)
        if found is None:
            try:
                found = cols.resolve(header, self.settings.extension)
            except cols.ColumnError as exc:
                found = exc
            if len(self.columns) < 10_000:  # a program sending ever new keys must not grow memory
                self.columns[header] = found
        return found

    def tasks(self, rows: Iterable[tuple[int, Mapping[str, Any], list[Problem]]]) -> Iterator[Task]:
        for number, cells, read_problems in rows:
            yield self.plan(number, cells, read_problems)

    def plan(self, number: int, cells: Mapping[str, Any], read_problems: list[Problem]) -> Task:
        values: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}
        origins: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
        problems = [replace(p, row=number) for p in read_problems]
        seen_problems: set[tuple[str, str]] = set()
        resolved = []
        for header, value in cells.items():
            column = self.column(header)
            if isinstance(column, cols.ColumnError):
                problems.append(Problem("", str(column), row=number, column=header))
                continue
            resolved.append((column, value))
        # Columns naming one document explicitly go last, so they win.
        resolved.sort(key=lambda item: item[0].specific)
        for column, value in resolved:
            for target in column.targets:
                origins[target.kind][target.path] = column.header
                try:
                    pairs = target.convert(value)
                except ValueError as exc:
                    path = shown_path(target.kind, target.path, self.settings.extension)
                    if (path, str(exc)) not in seen_problems:
                        seen_problems.add((path, str(exc)))
                        problems.append(Problem(path, str(exc), row=number, column=column.header))
                    continue
                if column.specific and pairs:
                    # An explicit column replaces the shared one's values for its path.
                    for path in [p for p in values[target.kind] if p == target.path or p.startswith(target.path + ".")]:
                        del values[target.kind][path]
                for path, typed in pairs:
                    values[target.kind][path] = typed
        agreement_id = self._agreement_id(values)
        folder = self.names.claim(self._folder_name(number, values, agreement_id))
        known = {}
        for kind in self.settings.kinds:
            for fmt in self.settings.formats:
                relative = f"{folder}/{file_name(kind, fmt)}"
                if relative in self.known:
                    known[relative] = self.known[relative]
        return Task(number, folder, agreement_id,
                     {k: v for k, v in values.items() if v}, {k: v for k, v in origins.items() if v},
                     problems, known)

    def value(self, values: Mapping[str, Mapping[str, Any]], path: str) -> Any:
        for kind in KINDS:
            if path in values[kind]:
                return values[kind][path]
        for kind in KINDS:
            if path in self.defaults.get(kind, {}):
                return self.defaults[kind][path]
        return None

    def _agreement_id(self, values: Mapping[str, Mapping[str, Any]]) -> str:
        given = self.value(values, "agreement_id")
        if given:
            return str(given)
        return self.ids.assign(
            self.value(values, "mentee.name"), self.value(values, "mentor.name"),
            self.value(values, "program.name"), self.value(values, "timeframe.start_date"),
        )

    def _folder_name(self, number: int, values: Mapping[str, Mapping[str, Any]], agreement_id: str) -> str:
        texts: dict[str, str] = {}
        for key in self.pattern.keys:
            if key == "row":
                texts[key] = str(number)
            elif key == "agreement_id":
                texts[key] = agreement_id
            else:
                target = self.pattern_columns[key].targets[0]
                value = self.value(values, target.path)
                texts[key] = "" if value is None else (target.field.to_text(value) if target.field else str(value))
        filled = self.pattern.format(texts)
        return safe_name(filled) if filled.strip(" -_.") else safe_name(f"row {number}")



def numbered_rows(rows: Iterable[Any], extension: Extension | None = None
                  ) -> Iterator[tuple[int, Mapping[str, Any], list[Problem]]]:
    """``(row number, flat cells, reading problems)`` for roster rows and plain mappings alike."""
    for position, row in enumerate(rows, start=1):
        if isinstance(row, RosterRow):
            yield row.number, row.cells, row.problems
        elif isinstance(row, Mapping):
            yield position, dict(cols.flat_items(row, "", extension)), []
        else:
            yield position, {}, [Problem("", f"expected a mapping of column to value, got {type(row).__name__}")]
