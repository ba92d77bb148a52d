"""The tablet's tap-to-"saved": Debian's Chromium (touch, tablet viewport) against a live server of the app on
loopback, a juror tapping marks on a scorecard; each tap is timed by the page from the tap to the "saved" indicator.

Floor, measured in the same run from the same page: a bare `fetch("/healthz")` round trip (one request through the
same server, the same browser and the same database, with nothing of the app's saving), so the ratio is what the
autosave adds: the outbox, the JSON save with its checks and transaction, and updating the page.
"""

from __future__ import annotations

import logging
import os
import shutil
import statistics
import tempfile
import threading
from pathlib import Path

from bench.common import emit

TAPS = int(os.environ.get("BENCH_TABLET_TAPS", "40"))
WARMUP = 5
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
FLOOR = """async (count) => {
  const times = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const response = await fetch('/healthz', {cache: 'no-store', credentials: 'same-origin'});
    await response.json();
    times.push(performance.now() - started);
  }
  return times;
}"""


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _serve(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    if not (shutil.which("chromium") or Path(CHROMIUM).exists()):
        emit("tablet_tap_to_saved", 0, "ms", None, skipped="Debian's chromium is not installed")
        return
    from playwright.sync_api import sync_playwright

    from bench import load

    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{tmp}/bench.sqlite3"
        world = load.prepare(database_url, tmp, jurors=1, exhibitors=12, organisers=1)
        os.environ.setdefault("SECRET_KEY", "bench-secret")
        from judging import create_app

        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": database_url,
                "RATELIMIT_ENABLED": False,
                "MAIL_BACKEND": "memory",
                "UPLOAD_FOLDER": f"{tmp}/uploads",
            }
        )
        email, plan = next(iter(world["jurors"].items()))
        server = _serve(app)
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(
                    viewport={"width": 810, "height": 1080}, has_touch=True, is_mobile=True, device_scale_factor=1
                )
                page = context.new_page()
                page.goto(f"{base}/auth/login")
                page.fill("input[name=email]", email)
                page.fill("input[name=password]", load.PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_url(f"{base}/jury/")
                page.goto(f"{base}/jury/entries/{plan['entries'][0]}/score?round={plan['round']}")
                page.wait_for_load_state("networkidle")
                keys = plan["criteria"]
                for tap in range(WARMUP + TAPS):
                    key, value = keys[tap % len(keys)], tap % 11
                    page.locator(f"fieldset[data-key={key}] label.mark", has_text=str(value)).first.tap()
                    page.wait_for_selector(f"#sync-status[data-state=saved][data-saves='{tap + 1}']")
                taps = page.evaluate("window.tapToSavedMs")[WARMUP:]
                page.evaluate(FLOOR, WARMUP)
                floor = page.evaluate(FLOOR, TAPS)
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
    emit(
        "tablet_tap_to_saved",
        statistics.median(taps),
        "ms",
        statistics.median(floor),
        p95=round(_p95(taps), 1),
        floor_p95=round(_p95(floor), 1),
        taps=len(taps),
        browser="chromium (Debian), touch, 810x1080",
        server="werkzeug threaded, loopback, SQLite",
    )


if __name__ == "__main__":
    main()
