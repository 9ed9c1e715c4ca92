"""Special files where a form, a roster or JSON data is expected: refused at once, never read.

A FIFO blocks a reader for ever and ``/dev/zero`` never ends; both report a size
of 0, so a size check alone lets them through. Links are followed, and what
they lead to must be a regular file.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest

from conftest import SAMPLES
from hostile.harness import run_cli, snapshot

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and /dev/zero are POSIX")


@pytest.fixture
def good_form(tmp_path):
    """A filled agreement (PDF) made with the command itself."""
    out = tmp_path / "made" / "agreement.pdf"
    out.parent.mkdir()
    made = run_cli("fill", "agreement", SAMPLES / "agreement.json", "-o", out, cwd=tmp_path)
    assert made.code == 0, made.stderr
    return out


def _specials(folder):
    os.mkfifo(folder / "x.pdf")
    (folder / "x.docx").symlink_to("/dev/zero")
    (folder / "urandom.pdf").symlink_to("/dev/urandom")


def test_track_reports_a_fifo_and_a_device_link_as_problems_and_reads_the_rest(tmp_path, good_form):
    returned = tmp_path / "returned"
    returned.mkdir()
    shutil.copy(good_form, returned / "good.pdf")
    _specials(returned)
    result = run_cli("track", returned, "-o", tmp_path / "tracker.json", cwd=tmp_path)
    result.bounded()
    assert result.code == 0, result.stderr
    tracker = json.loads((tmp_path / "tracker.json").read_text(encoding="utf-8"))
    problems = {os.path.basename(p["file"]): p["problem"] for p in tracker["problems"]}
    assert "is a pipe (FIFO), not a regular file" in problems["x.pdf"]
    assert "is a device, not a regular file" in problems["x.docx"]
    assert "is a device, not a regular file" in problems["urandom.pdf"]
    assert len(tracker["pairs"]) == 1  # the good form was read all the same


@pytest.mark.parametrize("name,message", [("x.pdf", "is a pipe (FIFO)"), ("x.docx", "is a device")])
def test_read_refuses_a_special_file(tmp_path, name, message):
    _specials(tmp_path)
    result = run_cli("read", tmp_path / name, cwd=tmp_path)
    result.clean_failure(f"{tmp_path / name}: {message}")


@pytest.mark.parametrize("name,message", [("x.pdf", "is a pipe (FIFO)"), ("x.docx", "is a device")])
def test_fill_validate_and_defaults_refuse_a_special_file(tmp_path, name, message):
    _specials(tmp_path)
    special = tmp_path / name
    run_cli("fill", "agreement", special, "-o", tmp_path / "out.docx", cwd=tmp_path).clean_failure(message)
    run_cli("validate", "agreement", special, cwd=tmp_path).clean_failure(message)
    before = snapshot(tmp_path)
    batch = run_cli("batch", SAMPLES / "roster.csv", "-o", tmp_path / "out", "--defaults", special, cwd=tmp_path)
    batch.clean_failure(message)
    assert not (tmp_path / "out").exists()
    assert snapshot(tmp_path).keys() == before.keys()


@pytest.mark.parametrize("name,message", [("x.pdf", "is a pipe (FIFO)"), ("x.docx", "is a device")])
def test_batch_refuses_a_special_roster(tmp_path, name, message):
    _specials(tmp_path)
    result = run_cli("batch", tmp_path / name, "-o", tmp_path / "out", cwd=tmp_path)
    result.clean_failure(message)


def test_track_manifest_that_is_a_fifo_is_refused(tmp_path, good_form):
    os.mkfifo(tmp_path / "manifest.csv")
    result = run_cli("track", good_form, "-o", tmp_path / "t.json", "--manifest", tmp_path / "manifest.csv",
                     cwd=tmp_path)
    result.clean_failure("is a pipe (FIFO)")


def test_a_link_to_a_regular_file_is_followed(tmp_path, good_form):
    (tmp_path / "link.pdf").symlink_to(good_form)
    result = run_cli("read", tmp_path / "link.pdf", cwd=tmp_path)
    result.bounded()
    assert result.code == 0 and json.loads(result.stdout)["mentor"]["name"] == "Priya Raman"


@pytest.mark.parametrize("name,message", [("x.pdf", "is a pipe (FIFO)"), ("x.docx", "is a device")])
def test_sign_refuses_special_keys_roots_and_password_files(tmp_path, good_form, name, message):
    """Every file `sign` and `read --trust-root` take is read like a form: regular files only."""
    _specials(tmp_path)
    special = tmp_path / name
    run_cli("sign", good_form, "--as", "mentor", "--key", special, cwd=tmp_path).clean_failure(message)
    key = tmp_path / "key.p12"
    key.write_bytes(b"not a key")
    run_cli("sign", good_form, "--as", "mentor", "--key", key, "--password-file", special,
            cwd=tmp_path).clean_failure(message)
    run_cli("read", good_form, "--trust-root", special, cwd=tmp_path).clean_failure(message)


def test_flatten_refuses_a_special_file(tmp_path):
    _specials(tmp_path)
    result = run_cli("flatten", tmp_path / "x.pdf", "-o", tmp_path / "flat.pdf", cwd=tmp_path)
    result.clean_failure("is a pipe (FIFO)")
    assert not (tmp_path / "flat.pdf").exists()


@pytest.mark.parametrize("name,message", [("x.pdf", "is a pipe (FIFO)"), ("x.docx", "is a device")])
def test_fonts_extensions_and_calendar_sources_name_what_the_special_file_is(tmp_path, name, message):
    """``--font``, ``--fields`` and ``calendar`` say what the file is (not "not found") and never block on it."""
    _specials(tmp_path)
    special = tmp_path / name
    data = SAMPLES / "agreement.json"
    run_cli("fill", "agreement", data, "-o", tmp_path / "out.pdf", "--font", special,
            cwd=tmp_path).clean_failure(f"{special}: font file {message}")
    run_cli("fill", "agreement", data, "-o", tmp_path / "out.docx", "--fields", special,
            cwd=tmp_path).clean_failure(f"{special}: extension file {message}")
    run_cli("calendar", special, "-o", tmp_path / "pair.ics", cwd=tmp_path).clean_failure(f"{special}: {message}")
    assert not any((tmp_path / out).exists() for out in ("out.pdf", "out.docx", "pair.ics"))


def test_a_font_file_over_the_limit_is_refused_before_it_is_mapped(tmp_path):
    from mentoring_docs.limits import MAX_FONT_BYTES

    huge = tmp_path / "huge.ttf"
    with huge.open("wb") as handle:  # sparse: no disk used
        handle.truncate(MAX_FONT_BYTES + 1)
    result = run_cli("fill", "agreement", SAMPLES / "agreement.json", "-o", tmp_path / "out.pdf", "--font", huge,
                     cwd=tmp_path)
    result.clean_failure(f"{huge}: font file too large")
