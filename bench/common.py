"""Shared helpers for the benchmarks: timing and the one-JSON-object-a-line output format."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable


def median_seconds(work: Callable[[], object], *, repeat: int = 7, warmup: int = 1) -> float:
    """Median wall time of `work()` over `repeat` runs, after `warmup` unmeasured runs."""
    for _ in range(warmup):
        work()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def emit(name: str, value: float, unit: str, floor: float | None, **extra: object) -> dict:
    """Print one benchmark line: the figure, its floor measured in the same run, and their ratio."""
    ratio = (value / floor) if floor else None
    line = {
        "name": name,
        "value": round(value, 6),
        "unit": unit,
        "floor": None if floor is None else round(floor, 6),
        "ratio": None if ratio is None else round(ratio, 3),
    }
    line.update(extra)
    print(json.dumps(line), flush=True)
    return line
