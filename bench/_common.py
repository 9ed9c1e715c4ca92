"""Shared by the benches: one core, the load average, rounds with min/median, goal lines.

Not a public module; each bench adds ``bench/`` to ``sys.path`` to import it.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any, Callable, Sequence


def pin_one_core() -> str:
    """Pin this process to one core (the goals are stated per core) and say which."""
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned (no sched_setaffinity here)"


def load_line() -> str:
    """The load average, printed with every result: the machine is shared."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


class Rates:
    """Seconds per round for each contender; several rounds, contenders alternated inside a round."""

    def __init__(self) -> None:
        self.seconds: dict[str, list[float]] = {}
        self.count: dict[str, int] = {}

    def run(self, label: str, func: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        """Time ``func`` over ``items`` once (one round) and return its outputs."""
        start = time.perf_counter()
        outputs = [func(item) for item in items]
        self.seconds.setdefault(label, []).append(time.perf_counter() - start)
        self.count[label] = len(items)
        return outputs

    def best(self, label: str) -> float:
        """Documents per second in the least disturbed round."""
        return self.count[label] / min(self.seconds[label])

    def median(self, label: str) -> float:
        """Documents per second in the median round."""
        return self.count[label] / statistics.median(self.seconds[label])

    def line(self, label: str, width: int = 44) -> str:
        """``label  best docs/s  median docs/s  ms/doc (best)``."""
        best, med = self.best(label), self.median(label)
        return (f"  {label:<{width}} min {1000 / best:7.3f} ms  median {1000 / med:7.3f} ms/doc"
                f"   ({best:8.1f} docs/s best, {len(self.seconds[label])} rounds x {self.count[label]})")


def goal(label: str, value: float, target: float, unit: str = "x") -> str:
    """A ratio next to its goal, and whether it is met."""
    verdict = "MET" if value >= target else "not met"
    return f"  {label:<44} {value:7.2f}{unit}   goal >= {target:g}{unit}: {verdict}"
