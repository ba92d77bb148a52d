"""Two app machines behind a load balancer, on one host: what `make load-cluster` runs and the tests start.

Each "machine" is a gunicorn with its own port and its own instance folder (nothing of one is read by the
other); they share what must be shared: the database, the secret key, the Redis of the rate limiter, and the
file storage (a shared directory here). Debian's nginx balances them, as the README's deployment section says.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def wait_healthy(port: int, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"nothing healthy on port {port}")


def shared_environment(*, database_url: str, storage: str, secret_key: str, redis_url: str, prefix: str) -> dict:
    """What every app machine must be given alike (README, "Several app machines")."""
    return dict(
        DATABASE_URL=database_url,
        SECRET_KEY=secret_key,
        STORAGE_URL=f"file://{storage}",  # UPLOAD_FOLDER stays each machine's own: nothing goes there
        RATELIMIT_STORAGE_URI=redis_url,
        RATELIMIT_KEY_PREFIX=prefix,
        TRUSTED_PROXIES="1",  # nginx is the one proxy in front: its X-Forwarded-For names the client
    )


class AppMachine:
    """One app machine: gunicorn on its own port, with its own instance folder."""

    def __init__(self, name: str, port: int, shared: dict, *, workers: int = 2, extra: dict | None = None):
        self.name, self.port, self.workers = name, port, workers
        self.instance = tempfile.mkdtemp(prefix=f"awards-{name}-")
        self.env = dict(os.environ, **shared, INSTANCE_PATH=self.instance, MAIL_BACKEND="memory", **(extra or {}))
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--graceful-timeout",
                "2",
                "--log-level",
                "warning",
                "--preload",
                "judging.wsgi:app",
            ],
            env=self.env,
            cwd=ROOT,
            start_new_session=True,
        )
        wait_healthy(self.port)

    def kill(self) -> None:
        """The machine dies at once (power cut): its master and workers, without a word."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        self.kill()
        shutil.rmtree(self.instance, ignore_errors=True)


NGINX_CONF = """\
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    client_max_body_size 25m;
    upstream awards {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://awards;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            # A machine that refuses the connection is skipped; a request it had already received is not
            # sent twice (a save is not idempotent): the tablet resends it, with its version.
            proxy_next_upstream error timeout;
            proxy_connect_timeout 1s;
            proxy_read_timeout 30s;
        }}
    }}
}}
"""


def nginx_config(port: int, upstreams: list[int], prefix: str) -> str:
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in upstreams)
    return NGINX_CONF.format(prefix=prefix, port=port, servers=servers)


class Balancer:
    """Debian's nginx in the foreground, with a configuration of its own (no system service touched)."""

    def __init__(self, port: int, upstreams: list[int]):
        self.port = port
        self.prefix = tempfile.mkdtemp(prefix="awards-nginx-")
        self.config = Path(self.prefix) / "nginx.conf"
        self.config.write_text(nginx_config(port, upstreams, self.prefix))
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [NGINX, "-p", self.prefix, "-c", str(self.config), "-g", "daemon off;"],
            start_new_session=True,
            stderr=subprocess.DEVNULL,
        )
        wait_healthy(self.port)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        shutil.rmtree(self.prefix, ignore_errors=True)


def redis_reachable(url: str = "redis://127.0.0.1:6379/0") -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001  (any failure: no Redis to test with)
        return False
