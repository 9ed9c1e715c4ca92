"""Folder names for pairs: safe on every file system, unique, stable; and stable agreement ids."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from mentoring_docs.batch.ids import AgreementIds
from mentoring_docs.batch.folder_names import MAX_NAME_BYTES, NamePattern, UniqueNames, safe_name

WINDOWS_FORBIDDEN = set('<>:"/\\|?*') | {chr(c) for c in range(32)}
WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {f"{d}{n}" for d in ("COM", "LPT") for n in range(10)}


@pytest.mark.parametrize(("text", "expected"), [
    ("Zoë Müller - José Álvarez", "Zoë Müller - José Álvarez"),
    ("田中 花子 - أحمد الخطيب", "田中 花子 - أحمد الخطيب"),
    ("../../etc/x", "etc_x"),
    ("..\\..\\Windows\\System32", "Windows_System32"),
    ("a/b", "a_b"),
    ("..", "pair"),
    ("   ", "pair"),
    ("CON", "CON_"),
    ("nul.txt", "nul_.txt"),
    ("Com1", "Com1_"),
    ("Ann.", "Ann"),
    (".hidden", "hidden"),
    ("-rf", "rf"),
    ("=HYPERLINK(1)", "HYPERLINK(1)"),
    ("tab\tand\nnewline", "tab and newline"),
    ("bell\x07 nul\x00", "bell_ nul"),
    ("what? <yes> | \"no\" * :", "what_ _yes_ _ _no"),
    ("e\u0301", "é"),  # NFC: one character, as macOS and Windows would store it
    ("right\u202eto\u202cleft", "right_to_left"),
])
def test_safe_name(text: str, expected: str) -> None:
    assert safe_name(text) == expected


def test_length_is_capped_in_bytes_without_splitting_a_character() -> None:
    for text in ("é" * 200, "名" * 200, "x" * 300, "a" + "\U0001F600" * 100):
        name = safe_name(text)
        assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
        assert name and text.startswith(name)


@given(st.text(max_size=400))
def test_any_text_gives_one_path_component_every_os_accepts(text: str) -> None:
    name = safe_name(text)
    assert name and name not in (".", "..") and ".." not in name
    assert not set(name) & WINDOWS_FORBIDDEN
    assert name == name.strip(" .")
    assert name.split(".")[0].upper() not in WINDOWS_DEVICES
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert os.path.basename(name) == name and os.path.normpath(name) == name


@given(st.text(max_size=200))
def test_names_really_make_one_folder_here(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    base = tmp_path_factory.mktemp("names")
    folder = base / safe_name(text)
    folder.mkdir()
    assert [p.name for p in base.iterdir()] == [folder.name]
    assert Path(os.path.realpath(folder)).parent == Path(os.path.realpath(base))


def test_collisions_get_stable_suffixes_case_insensitively() -> None:
    names = UniqueNames(("manifest.csv", "errors.csv"))
    got = [names.claim(n) for n in ("Ana - Bo", "ana - bo", "Ana - Bo", "Manifest.csv", "Zoë", "Zoe\u0308")]
    assert got == ["Ana - Bo", "ana - bo (2)", "Ana - Bo (3)", "Manifest.csv (2)", "Zoë", "Zoe\u0308 (2)"]
    again = UniqueNames(("manifest.csv", "errors.csv"))
    assert [again.claim(n) for n in ("Ana - Bo", "ana - bo", "Ana - Bo", "Manifest.csv", "Zoë", "Zoe\u0308")] == got


def test_suffix_fits_within_the_length_cap() -> None:
    names = UniqueNames()
    long = "x" * MAX_NAME_BYTES
    assert names.claim(long) == long
    second = names.claim(long)
    assert second.endswith(" (2)") and len(second.encode("utf-8")) <= MAX_NAME_BYTES


def test_name_pattern() -> None:
    pattern = NamePattern("{mentee.name} ({row}) {{literal}}")
    assert pattern.keys == ("mentee.name", "row")
    assert pattern.format({"mentee.name": "Zoë", "row": "7"}) == "Zoë (7) {literal}"
    assert pattern.format({}) == " () {literal}"
    for bad in ("{mentee.name", "mentee.name}", "{}"):
        with pytest.raises(ValueError):
            NamePattern(bad)


def test_agreement_ids_are_stable_and_distinct() -> None:
    first, second = AgreementIds(), AgreementIds()
    rows = [("Zoë Müller", "José Álvarez", "P", "2026-01-12"),
            ("zoë müller ", "José  Álvarez", "P", "2026-01-12"),  # the same pair, typed differently
            ("Zoë Müller", "José Álvarez", "P", "2026-03-01")]
    ids = [first.assign(*row) for row in rows]
    assert ids == [second.assign(*row) for row in rows]
    assert len(set(ids)) == 3  # the same pair twice still gets two ids, in roster order
    assert all(i.startswith("MPA-") and len(i) == 16 for i in ids)


@given(st.lists(st.integers(min_value=1, max_value=2**64 - 1), max_size=3000))
def test_digest_set_behaves_like_a_set(values: list[int]) -> None:
    from mentoring_docs.batch.digests import DigestSet

    table, reference = DigestSet(capacity=2), set()
    for value in values:
        assert table.add(value) == (value not in reference)
        reference.add(value)
    assert len(table) == len(reference)
    assert all(value in table for value in reference)
    assert all((value + 1 in table) == (value + 1 in reference) for value in values if value < 2**64 - 1)
