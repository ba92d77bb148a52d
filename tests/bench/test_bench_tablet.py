"""`make bench`'s tablet figure in small: Debian's chromium taps marks against a live server and the script prints
one JSON line with the tap-to-"saved" median, p95 and its floor from the same run. No timing is asserted here."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_tablet_bench_prints_tap_to_saved_with_its_floor_as_one_json_line():
    if not shutil.which("chromium") and not os.environ.get("REQUIRE_BROWSER"):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    run = subprocess.run(
        [sys.executable, "-m", "bench", "bench_tablet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ | {"BENCH_TABLET_TAPS": "6"},
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    lines = [json.loads(text) for text in run.stdout.splitlines() if text.startswith("{")]
    assert len(lines) == 1, run.stdout
    line = lines[0]
    assert line["name"] == "tablet_tap_to_saved" and line["unit"] == "ms" and line["taps"] == 6
    assert line["value"] > 0 and line["floor"] > 0 and line["p95"] >= line["value"]
    assert line["ratio"] == pytest.approx(line["value"] / line["floor"], rel=0.01)
