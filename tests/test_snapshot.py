"""The committed snapshot (mentoring_docs/schemas/*.snapshot.json): in sync with the schemas,
rebuilding the same catalogue and loader, and ignored (derived again) when stale."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError, validate

import mentoring_docs
from mentoring_docs import rules, snapshot, validation
from mentoring_docs.catalogue import Catalogue
from mentoring_docs.kinds import KINDS

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("kind", KINDS)
def test_committed_snapshot_is_what_the_schemas_give(kind):
    committed = snapshot.path_of(kind).read_text(encoding="utf-8")
    assert committed == snapshot.text(kind), f"the snapshot is out of date: run {snapshot.COMMAND}"


def test_check_command_says_whether_the_snapshot_is_current():
    done = subprocess.run([sys.executable, "-m", "mentoring_docs.snapshot", "--check"], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("kind", KINDS)
def test_the_installed_snapshot_is_used(kind):
    found = snapshot.snapshot(kind)
    assert found is not None and found["digest"] == snapshot.sources_digest()


def _tree(cat: Catalogue) -> list:
    def node(n):
        return (n.key, n.pattern, n.leaf, n.is_list, [node(c) for c in n.children])

    return [node(c) for c in cat.root.children]


@pytest.mark.parametrize("kind", KINDS)
def test_the_snapshot_rebuilds_the_catalogue_the_schemas_give(kind):
    derived = Catalogue(kind)
    kept = Catalogue(kind, data=snapshot.snapshot(kind)["catalogue"])
    assert kept.fields == derived.fields
    assert kept.groups == derived.groups
    assert kept.lists == derived.lists
    assert kept.sections == derived.sections
    assert kept.choice_sets == derived.choice_sets
    assert _tree(kept) == _tree(derived)
    assert kept.expand({ls.path: 2 for ls in kept.lists}) == derived.expand({ls.path: 2 for ls in derived.lists})
    assert kept.schema_class is derived.schema_class


def test_a_stale_snapshot_is_ignored_and_everything_derived_from_the_schemas(tmp_path):
    # A copy of the package whose schema changed after the snapshot was written: the label
    # must come from the schema (not the stale snapshot) and a fill must still work.
    package = tmp_path / "mentoring_docs"
    shutil.copytree(Path(mentoring_docs.__file__).parent, package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    schema = package / "schema.py"
    text = schema.read_text(encoding="utf-8")
    assert '"Expected reply time"' in text
    schema.write_text(text.replace('"Expected reply time"', '"How soon we reply"'), encoding="utf-8")
    out = tmp_path / "a.docx"
    code = (
        "import sys; from mentoring_docs import catalogue, snapshot, validation\n"
        "assert snapshot.snapshot('agreement') is None\n"
        "print(catalogue('agreement').field('communication.response_time').label)\n"
        "from mentoring_docs.cli import main\n"
        "import json\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    print('marshmallow' in sys.modules, exc.code)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, "fill", "agreement", str(ROOT / "samples" / "agreement.json"),
                           "-o", str(out)], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["How soon we reply", "True 0"]
    assert out.is_file()
    check = subprocess.run([sys.executable, "-m", "mentoring_docs.snapshot", "--check"], capture_output=True,
                           text=True, cwd=tmp_path)
    assert check.returncode == 1 and snapshot.COMMAND in check.stderr


def test_an_unreadable_snapshot_is_ignored(tmp_path, monkeypatch):
    broken = tmp_path / "agreement.snapshot.json"
    broken.write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(snapshot, "path_of", lambda kind: broken)
    snapshot.snapshot.cache_clear()
    try:
        assert snapshot.snapshot("agreement") is None
    finally:
        snapshot.snapshot.cache_clear()


@pytest.mark.parametrize("kind", KINDS)
def test_snapshot_plan_loads_the_samples_as_the_schema_plan_does(kind):
    from mentoring_docs.fastload import FastLoader
    from mentoring_docs.schema import SCHEMAS

    name = "agreement.json" if kind == "agreement" else "action_plan.json"
    data = validation.prune(json.loads((ROOT / "samples" / name).read_text(encoding="utf-8")))
    kept = FastLoader(plan=snapshot.snapshot(kind)["plan"])
    assert kept.fast(data) == FastLoader(SCHEMAS[kind]()).fast(data) == SCHEMAS[kind]().load(data)


# --- the fast path's own checks never accept what marshmallow refuses ----------------------

_EMAIL = validate.Email()


def _marshmallow_accepts(address: str) -> bool:
    try:
        _EMAIL(address)
    except ValidationError:
        return False
    return True


@settings(max_examples=400, deadline=None)
@given(st.from_regex(rules._PLAIN_EMAIL, fullmatch=True))
def test_every_plain_address_is_one_marshmallow_accepts(address):
    assert rules.plainly_email(address)
    assert _marshmallow_accepts(address)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZ9.-_@+é\"[] \u212a"), max_size=24))
def test_no_address_marshmallow_refuses_is_plain(address):
    if rules.plainly_email(address):
        assert _marshmallow_accepts(address)


@pytest.mark.parametrize("address", ["a@b.co", "first.last+tag@sub.example", "x@localhost", "o'neil@x.org"])
def test_common_addresses_are_plain(address):
    assert rules.plainly_email(address) and _marshmallow_accepts(address)


ODD_ZONES = ["", "posixrules", "right/UTC", "posix/Europe/Paris", "Europe/../Europe/Paris", "Europe//Paris",
             "./UTC", "/UTC", "zone.tab", "tzdata.zi", "Europe", "Europe/", "..", "Nowhere/Land", "UTC\\x"]


@pytest.mark.parametrize("name", sorted(zoneinfo.available_timezones())[::7] + ODD_ZONES)
def test_a_zone_found_as_one_file_is_in_the_full_list(name):
    # The quick look-up may only say yes where the full list does; a no is settled by the list.
    if rules._is_listed_zone(name):
        assert name in zoneinfo.available_timezones()
    try:
        rules.valid_time_zone(name)
        accepted = True
    except rules.Invalid:
        accepted = False
    assert accepted == (name in zoneinfo.available_timezones())


def test_the_quick_zone_look_up_finds_the_usual_names():
    assert all(rules._is_listed_zone(z) for z in ("Europe/Berlin", "America/Chicago", "UTC", "Asia/Tokyo"))


def test_a_checkout_with_windows_line_ends_keeps_its_snapshot(tmp_path):
    package = tmp_path / "mentoring_docs"
    shutil.copytree(Path(mentoring_docs.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    for name in snapshot.SOURCES:
        path = package / name
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    code = "from mentoring_docs import snapshot; print(snapshot.snapshot('agreement') is not None)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert done.stdout.strip() == "True", done.stderr
