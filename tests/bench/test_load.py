"""`make load` in small: a real gunicorn, a worker killed, then the whole server, and no acknowledged save lost.

The full run (100 jurors, timings) is `make load`; this keeps its fault handling honest in every CI run, on
the database the suite runs on. No timing is asserted here.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_saves_acknowledged_before_a_worker_and_then_the_server_are_killed_are_all_in_the_database():
    database = "postgresql" if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql") else "sqlite"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.load",
            "--database",
            database,
            "--seconds",
            "10",
            "--jurors",
            "12",
            "--organisers",
            "2",
            "--exhibitors",
            "12",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    lines = {
        line["name"].rsplit("_", 1)[-1] if line["name"].endswith("summary") else line["name"]: line
        for line in map(json.loads, (text for text in run.stdout.splitlines() if text.startswith("{")))
    }
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    summary = lines["summary"]
    assert summary["lost_acknowledged_saves"] == 0 and summary["scorecards_checked"] > 0
    assert len(summary["faults"]) == 3  # one worker killed, the server killed, restarted
    saves = lines[f"load_{database}_scorecard_save"]
    assert saves["statuses"].get("unreachable", 0) > 0, "the outage was not felt: the server was not killed"
    assert not [code for code in saves["statuses"] if code.startswith("5")]
    assert saves["statuses"]["200"] == summary["acknowledged_saves"] > summary["scorecards_checked"]
