"""Work that must grow linearly with the roster, counted (timings belong in bench/)."""

from __future__ import annotations

from mentoring_docs.batch.digests import DigestSet
from mentoring_docs.batch.folder_names import UniqueNames


class _CountingSet(DigestSet):
    def __init__(self) -> None:
        super().__init__()
        self.tries = 0

    def add(self, value: int) -> bool:
        self.tries += 1
        return super().add(value)


def test_8000_identical_names_cost_two_tries_each_at_most():
    names = UniqueNames()
    names._taken = counting = _CountingSet()
    given = [names.claim("Ana Lima - Ben Okafor") for _ in range(8000)]
    assert given[:3] == ["Ana Lima - Ben Okafor", "Ana Lima - Ben Okafor (2)", "Ana Lima - Ben Okafor (3)"]
    assert given[-1] == "Ana Lima - Ben Okafor (8000)" and len(set(given)) == 8000
    assert counting.tries <= 2 * 8000


def test_a_suffix_taken_by_another_row_is_skipped():
    names = UniqueNames()
    assert [names.claim(n) for n in ("a", "a (2)", "a", "A", "a (3)")] == ["a", "a (2)", "a (3)", "A (4)", "a (3) (2)"]
