"""The atomic writers: whole files only, never a clobbered one, temporaries named as the cleaners expect."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from mentoring_docs.atomic import FILE_MODE, AtomicCsv, StagedWrites, atomic_write
from mentoring_docs.errors import OutputExistsError

#: What batch.output_folder removes after a killed run: .NAME.<random>.tmp
TEMPORARY = re.compile(r"^\.(?P<name>.+)\.[0-9a-f]{12}\.tmp$")


def test_atomic_write_leaves_the_file_with_the_usual_mode_and_no_temporary(tmp_path: Path) -> None:
    target = atomic_write(tmp_path / "sub" / "form.docx", b"data")
    assert target.read_bytes() == b"data"
    assert stat.S_IMODE(target.stat().st_mode) == FILE_MODE
    assert sorted(p.name for p in target.parent.iterdir()) == ["form.docx"]


def test_atomic_write_keeps_an_existing_file_unless_told(tmp_path: Path) -> None:
    target = tmp_path / "form.pdf"
    target.write_bytes(b"answers")
    with pytest.raises(OutputExistsError, match="already exists"):
        atomic_write(target, b"blank")
    assert target.read_bytes() == b"answers"
    atomic_write(target, b"blank", overwrite=True)
    assert target.read_bytes() == b"blank"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["form.pdf"]


def test_staged_files_are_hidden_temporaries_until_committed(tmp_path: Path) -> None:
    staged = StagedWrites()
    temporaries = [staged.stage(tmp_path / f"form{i}.docx", b"%d" % i) for i in range(20)]
    assert len(set(temporaries)) == 20
    for i, tmp in enumerate(temporaries):
        found = TEMPORARY.match(tmp.name)
        assert found and found["name"] == f"form{i}.docx"
        assert tmp.parent == tmp_path and tmp.is_absolute()
        assert not (tmp_path / f"form{i}.docx").exists()
    assert staged.commit() == {tmp_path / f"form{i}.docx": None for i in range(20)}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"form{i}.docx" for i in range(20))


def test_a_temporary_is_created_afresh_never_through_a_link(tmp_path: Path) -> None:
    # O_EXCL | O_NOFOLLOW: a planted link at the temporary's name is never written through.
    from mentoring_docs import atomic

    victim = tmp_path / "victim"
    victim.write_bytes(b"keep")
    fd, path = atomic._temporary(tmp_path, "x")
    os.close(fd)
    os.unlink(path)
    os.symlink(victim, path)
    with pytest.raises(FileExistsError):
        os.open(path, atomic._CREATE, 0o600)
    assert victim.read_bytes() == b"keep"
    fd, other = atomic._temporary(tmp_path, "x")
    os.close(fd)
    assert other != path and stat.S_IMODE(os.stat(other).st_mode) == 0o600


def test_a_csv_written_row_by_row_appears_only_on_commit(tmp_path: Path) -> None:
    out = AtomicCsv(tmp_path / "report.csv", ["a", "b"])
    out.write([1, "=cmd"])
    assert not (tmp_path / "report.csv").exists()
    assert [TEMPORARY.match(p.name) is not None for p in tmp_path.iterdir()] == [True]
    out.commit()
    assert (tmp_path / "report.csv").read_text(encoding="utf-8-sig").splitlines()[0] == "a,b"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]
