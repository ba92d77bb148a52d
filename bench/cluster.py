"""Two app machines behind a load balancer, on one host: what `make load-cluster` runs and the tests start.

Each "machine" is a gunicorn with its own port and its own instance folder (nothing of one is read by the
other); they share what must be shared: the database, the secret key, the Redis of the rate limiter, and the
file storage (a shared directory here). Debian's nginx balances them, as the README's deployment section says.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.load import start_gunicorn, wait_healthy

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


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
        self.process = start_gunicorn(self.port, self.workers, self.env)

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


# --- `make load-cluster` -----------------------------------------------------------------------------------------


def _say(message: str) -> None:
    print(f"[load-cluster] {message}", file=sys.stderr, flush=True)


def run(seconds: int, jurors: int, organisers: int, exhibitors: int, workers: int, kill_window: float) -> int:
    """The `make load` crowd through nginx onto two app machines; one machine is killed at 40% of the run and
    comes back at 60%. Every acknowledged save must be in the database; a 5xx is allowed only within
    `kill_window` seconds of the kill (the requests the dead machine had accepted)."""
    import json
    import threading

    from bench import load

    storage = tempfile.mkdtemp(prefix="awards-shared-storage-")
    database_url = load._own_postgres_database("awards_load_cluster")
    world = load.prepare(
        database_url, tempfile.mkdtemp(prefix="awards-cluster-prepare-"), jurors, exhibitors, organisers
    )
    shared = shared_environment(
        database_url=database_url,
        storage=storage,
        secret_key="load-cluster-secret",
        redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        prefix=f"load-cluster-{os.getpid()}",
    )
    extra = {"LOGIN_RATE_LIMIT": "100000 per minute", "PUBLIC_BASE_URL": "http://127.0.0.1"}
    machines = [AppMachine(name, load.free_port(), shared, workers=workers, extra=extra) for name in ("a", "b")]
    balancer = Balancer(load.free_port(), [m.port for m in machines])
    failures: list[tuple[float, str, str]] = []

    class Recorder(load.Recorder):
        def record(self, action, seconds_taken, status):
            super().record(action, seconds_taken, status)
            if status == "unreachable" or (isinstance(status, int) and status >= 500):
                with self.lock:
                    failures.append((time.time(), action, str(status)))

    try:
        for machine in machines:
            machine.start()
        balancer.start()
        _say(f"2 machines on ports {[m.port for m in machines]} behind nginx on {balancer.port}; logging in")
        port = balancer.port
        recorder, stop, acknowledged, unacknowledged = Recorder(), threading.Event(), {}, {}
        ready = threading.Semaphore(0)
        threads = [
            threading.Thread(
                target=load.juror_loop,
                args=(port, email, plan, stop, recorder, acknowledged, unacknowledged, ready),
                daemon=True,
            )
            for email, plan in world["jurors"].items()
        ]
        threads += [
            threading.Thread(target=load.organiser_loop, args=(port, email, stop, recorder, ready), daemon=True)
            for email in world["organisers"]
        ]
        threads += [
            threading.Thread(target=load.exhibitor_loop, args=(port, email, entry, stop, recorder, ready), daemon=True)
            for email, entry in world["exhibitors"].items()
        ]
        threads.append(threading.Thread(target=load.floor_loop, args=(port, stop, recorder), daemon=True))
        # Logins in waves of ten (a login is a deliberately slow scrypt): a stampede of 300 on a busy host would
        # time out and retry for ever. The measured run starts once everyone is in.
        people = threads[:-1]
        for start in range(0, len(people), 10):
            wave = people[start : start + 10]
            for thread in wave:
                thread.start()
            for _ in wave:
                ready.acquire(timeout=120)
        threads[-1].start()
        started = time.time()
        load.GO.set()
        _say("everyone logged in: the measured run starts")
        time.sleep(seconds * 0.4)
        killed_at = time.time()
        machines[0].kill()
        time.sleep(seconds * 0.2)
        machines[0].start()
        back_at = time.time()
        time.sleep(max(seconds - (time.time() - started), 5))
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
        elapsed = time.time() - started
        lost = load.check_acknowledged(database_url, acknowledged, unacknowledged)
    finally:
        balancer.stop()
        for machine in machines:
            machine.stop()
        shutil.rmtree(storage, ignore_errors=True)
    in_window = [f for f in failures if killed_at <= f[0] <= killed_at + kill_window]
    outside = [f for f in failures if not killed_at <= f[0] <= killed_at + kill_window]
    # A 5xx is the app (or nginx) failing; "unreachable" is a request not answered within the client's 10 s
    # (the load is more than the machines left can serve in time), told apart in the summary.
    errors_outside = [f for f in outside if f[2] != "unreachable"]
    unanswered_outside = [f for f in outside if f[2] == "unreachable"]
    for action, values in sorted(recorder.latency.items()):
        steady = [v for v, at in zip(values, recorder.at[action]) if at < killed_at and v > 0]
        print(
            json.dumps(
                {
                    "name": f"load_cluster_{action}",
                    "requests": len(values),
                    "throughput_per_s": round(len(values) / elapsed, 1),
                    "p50_ms": round(load.percentile(values, 50) * 1000, 1),
                    "p95_ms": round(load.percentile(values, 95) * 1000, 1),
                    "steady_p95_ms": round(load.percentile(steady, 95) * 1000, 1) if steady else None,
                    "statuses": dict(recorder.statuses[action]),
                    "p95_ms_by_slice": load._p95_by_slice(values, recorder.at[action], started, load.SLICE_SECONDS),
                }
            ),
            flush=True,
        )
    saves, floor = recorder.latency["scorecard_save"], recorder.latency["floor_healthz"]
    save_p95 = load.percentile(saves, 95) if saves else None
    floor_p95 = load.percentile(floor, 95) if floor else None
    summary = {
        "name": "load_cluster_summary",
        "topology": "nginx -> 2 gunicorn machines (own ports and instance folders) -> PostgreSQL; Redis limiter; "
        "shared file storage",
        "seconds": round(elapsed, 1),
        "jurors": jurors,
        "organisers": organisers,
        "exhibitors": exhibitors,
        "workers_per_machine": workers,
        "value": None if save_p95 is None else round(save_p95 * 1000, 1),
        "unit": "ms (save p95 through nginx)",
        # The floor: the health check (one SELECT 1) through the same nginx, in the same run.
        "floor": None if floor_p95 is None else round(floor_p95 * 1000, 1),
        "ratio": round(save_p95 / floor_p95, 2) if save_p95 and floor_p95 else None,
        "acknowledged_saves": recorder.statuses["scorecard_save"]["200"],
        "scorecards_checked": len(acknowledged),
        "lost_acknowledged_saves": lost,
        "killed_machine_at_s": round(killed_at - started, 1),
        "machine_back_at_s": round(back_at - started, 1),
        "kill_window_s": kill_window,
        "failures_in_kill_window": len(in_window),
        "5xx_outside_kill_window": [(round(at - started, 1), action, status) for at, action, status in errors_outside],
        "unanswered_within_10s_outside_kill_window": len(unanswered_outside),
        "target": "0 lost acknowledged saves, no 5xx outside the kill window",
    }
    print(json.dumps(summary), flush=True)
    return 1 if (lost or errors_outside) else 0


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=run.__doc__)
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--jurors", type=int, default=100)
    parser.add_argument("--organisers", type=int, default=10)
    parser.add_argument("--exhibitors", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app machine")
    parser.add_argument("--kill-window", type=float, default=5.0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped from outside: the machines stop too
    if not redis_reachable(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")):
        print("No Redis at 127.0.0.1:6379: start one (redis-server --daemonize yes).", file=sys.stderr)
        return 2
    return run(args.seconds, args.jurors, args.organisers, args.exhibitors, args.workers, args.kill_window)


if __name__ == "__main__":
    sys.exit(main())
