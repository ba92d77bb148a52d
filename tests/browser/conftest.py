"""A live server of the real app and Debian's Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (shutil.which("chromium") or Path(CHROMIUM).exists()):
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class LiveServer:
    """The app on a loopback port; `stop()` and `start()` cut and restore it, as a hall with no signal does.

    Chromium's offline emulation does not reach a service worker's own requests, so a real outage is
    simulated by taking the server away: every request then fails, from the page and the worker alike.
    """

    def __init__(self, app):
        self.app, self.port, self.server, self.thread = app, 0, None, None
        self.down = False
        self.held_prefix, self.gate, self.arrived = None, threading.Event(), threading.Event()
        self.requests: list[str] = []

    def hold(self, prefix: str) -> None:
        """Keep every request whose path starts with `prefix` waiting (in flight) until `release()`."""
        self.gate.clear()
        self.arrived.clear()
        self.held_prefix = prefix

    def release(self) -> None:
        self.held_prefix = None
        self.gate.set()

    def _wsgi(self, environ, start_response):
        if self.down:
            # A keep-alive connection the browser opened before the cut outlives the listening socket: drop it,
            # as the hall's network would, so that no request gets through while the server is away.
            connection = environ.get("werkzeug.socket")
            if connection is not None:
                connection.shutdown(socket.SHUT_RDWR)
            raise ConnectionAbortedError("the server is cut")
        path = environ.get("PATH_INFO", "")
        self.requests.append(f"{environ['REQUEST_METHOD']} {path}")
        if self.held_prefix and path.startswith(self.held_prefix):
            self.arrived.set()
            self.gate.wait(timeout=60)
        return self.app(environ, start_response)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.down = False
        self.server = make_server("127.0.0.1", self.port, self._wsgi, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.down = True
        self.release()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def live_server(app):
    """The app served on a free loopback port, CSRF on, in a background thread."""
    app.config.update(WTF_CSRF_ENABLED=True, SERVER_NAME=None)
    server = LiveServer(app)
    server.start()
    app.config["PUBLIC_BASE_URL"] = server.url  # links in mails and QR codes lead to this server
    yield server
    server.stop()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
