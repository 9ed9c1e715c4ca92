"""Fuzzing: real filled forms and rosters, mutated; never a traceback, a hang or unbounded memory.

Each example mutates a real file (a filled Word or PDF form, inside its ZIP part
or in its raw bytes; a CSV, JSON Lines or XLSX roster) and reads it in this
process under an alarm: only our own errors may come out. The mutated files are
kept, and at the end the command line reads them all in a measured process
(``track`` for the forms, ``batch`` for a few rosters): bounded time and memory,
no traceback. The number of examples is kept small (the CI budget); raise it with
``FUZZ_EXAMPLES=2000``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import zipfile
from pathlib import Path
from typing import Iterator

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SAMPLES
from hostile.harness import run_cli
from mentoring_docs import forms
from mentoring_docs.batch.roster import open_roster
from mentoring_docs.errors import MentoringDocsError

#: Seconds one example may take in this process before it counts as a hang.
ALARM = 20


def _record(kind: str) -> dict:
    return json.loads((SAMPLES / f"{kind}.json").read_text(encoding="utf-8"))


def _bases() -> dict[str, bytes]:
    out = {f"{kind}.{fmt}": forms.Filler(kind, fmt).render(_record(kind))
           for kind in ("agreement", "action_plan") for fmt in ("docx", "pdf")}
    roster = (SAMPLES / "roster.csv").read_bytes()
    out["roster.csv"] = roster
    rows = roster.decode("utf-8").splitlines()
    header = rows[0].split(",")
    import csv

    records = list(csv.DictReader(io.StringIO(roster.decode("utf-8"))))
    out["roster.jsonl"] = "".join(json.dumps(r) + "\n" for r in records[:3]).encode()
    book = openpyxl.Workbook()
    book.active.append(header)
    for r in records[:3]:
        book.active.append([r[h] for h in header])
    buffer = io.BytesIO()
    book.save(buffer)
    out["roster.xlsx"] = buffer.getvalue()
    return out


BASES = _bases()

_mutation = st.one_of(
    st.tuples(st.just("flip"), st.floats(0, 1, exclude_max=True), st.integers(0, 255)),
    st.tuples(st.just("cut"), st.floats(0, 1, exclude_max=True), st.integers(1, 4096)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=64)),
    st.tuples(st.just("repeat"), st.floats(0, 1, exclude_max=True), st.integers(1, 200)),
    st.tuples(st.just("truncate"), st.floats(0, 1), st.just(0)),
)


def _mutate(blob: bytes, mutations: list[tuple]) -> bytes:
    data = bytearray(blob)
    for what, where, arg in mutations:
        at = min(int(where * len(data)), max(len(data) - 1, 0))
        if not data:
            break
        if what == "flip":
            data[at] ^= arg or 1
        elif what == "cut":
            del data[at:at + arg]
        elif what == "insert":
            data[at:at] = arg
        elif what == "repeat":  # a slice copied many times: long values, deep nesting, big parts
            data[at:at] = bytes(data[at:at + 64]) * arg
        else:
            del data[at:]
    return bytes(data)


def _mutate_inside(blob: bytes, mutations: list[tuple], part_choice: float) -> bytes:
    """Mutate one XML part of a ZIP package (DOCX, XLSX) and package it again."""
    with zipfile.ZipFile(io.BytesIO(blob)) as source:
        infos = [i for i in source.infolist() if i.filename.endswith(".xml")]
        target_info = infos[min(int(part_choice * len(infos)), len(infos) - 1)]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                content = source.read(info)
                if info.filename == target_info.filename:
                    content = _mutate(content, mutations)
                target.writestr(info.filename, content)
    return out.getvalue()


@contextlib.contextmanager
def _alarm(seconds: int) -> Iterator[None]:
    def expired(signum, frame):  # noqa: ARG001
        raise TimeoutError(f"no answer after {seconds} s: a hang")
    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


_CORPUS: dict[str, Path] = {}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "forms").mkdir()
    (folder / "rosters").mkdir()
    _CORPUS["dir"] = folder
    return folder


def _keep(folder: Path, name: str, blob: bytes, cap: int = 80) -> Path:
    existing = sorted(folder.iterdir())
    path = folder / f"{len(existing) % cap:03d}-{name}"
    path.write_bytes(blob)
    return path


# FUZZ_EXAMPLES raises the number of examples for a longer hunt (the profile's number otherwise).
_SETTINGS = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "0")) or settings().max_examples,
                     deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                           HealthCheck.too_slow, HealthCheck.data_too_large])


@_SETTINGS
@given(base=st.sampled_from(sorted(k for k in BASES if not k.startswith("roster"))),
       inside=st.booleans(), part=st.floats(0, 1), mutations=st.lists(_mutation, min_size=1, max_size=4))
def test_mutated_forms_are_read_or_refused_with_our_own_errors(corpus, base, inside, part, mutations):
    blob = BASES[base]
    blob = _mutate_inside(blob, mutations, part) if inside and base.endswith(".docx") else _mutate(blob, mutations)
    path = _keep(corpus / "forms", base, blob)
    with _alarm(ALARM):
        try:
            result = forms.read(path)
        except MentoringDocsError as exc:
            assert "\n" not in str(exc) and len(str(exc)) < 2000
        else:
            result.to_json()  # what `read` prints must be producible too
            assert all(len(str(p)) < 4000 for p in result.problems)


@_SETTINGS
@given(base=st.sampled_from(sorted(k for k in BASES if k.startswith("roster"))),
       part=st.floats(0, 1), mutations=st.lists(_mutation, min_size=1, max_size=4))
def test_mutated_rosters_are_read_or_refused_with_our_own_errors(corpus, base, part, mutations):
    blob = BASES[base]
    blob = _mutate_inside(blob, mutations, part) if base.endswith(".xlsx") else _mutate(blob, mutations)
    path = _keep(corpus / "rosters", base, blob, cap=20)
    with _alarm(ALARM):
        try:
            for _row in open_roster(path):
                pass
        except MentoringDocsError as exc:  # one line per problem (the command line prints the first 50)
            assert all(len(line) < 4000 for line in str(exc).splitlines())


def test_the_command_line_reads_the_whole_corpus_within_bounds(corpus):
    forms_dir = corpus / "forms"
    if not any(forms_dir.iterdir()):
        pytest.skip("the fuzz examples above did not run")
    tracked = run_cli("track", forms_dir, "-o", corpus / "tracker.json", "--force", cwd=corpus)
    tracked.bounded()
    assert tracked.code == 0, tracked.stderr
    for roster in sorted((corpus / "rosters").iterdir())[:4]:
        made = run_cli("batch", roster, "-o", corpus / "out" / roster.name, "--formats", "docx", "--kinds",
                       "agreement", "--jobs", "1", cwd=corpus)
        made.bounded()
        assert made.code in (0, 1), made.stderr
