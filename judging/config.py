"""Deployment settings, read from the environment. Edition settings (dates, methods) are data, not config."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str) -> list[str] | None:
    value = os.environ.get(name)
    if value is None:
        return None
    return [item.strip() for item in value.split(",") if item.strip()]


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment; in development, generated once into instance/ (never committed)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def from_environment(instance_path: Path) -> dict:
    """The configuration mapping for `create_app`, with safe defaults for a development machine."""
    default_db = f"sqlite:///{instance_path / 'awards.sqlite3'}"
    database_url = os.environ.get("DATABASE_URL", default_db)
    # Heroku-style URLs name the old driver; psycopg 3 is the one installed.
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER", str(instance_path / "uploads")),
        # Where files go (judging/storage.py): a directory every app machine shares; default UPLOAD_FOLDER.
        "STORAGE_URL": os.environ.get("STORAGE_URL", ""),
        "MAX_CONTENT_LENGTH": int(float(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE"),
        # "Keep me logged in" lasts two weeks of inactivity: each visit renews the cookie.
        "REMEMBER_COOKIE_DURATION": timedelta(days=int(os.environ.get("REMEMBER_ME_DAYS", "14"))),
        "REMEMBER_COOKIE_REFRESH_EACH_REQUEST": True,
        "WTF_CSRF_TIME_LIMIT": None,  # a juror's tablet page may stay open all day
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "log"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "awards@localhost"),
        "SMTP_HOST": os.environ.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "25")),
        "SMTP_USER": os.environ.get("SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool("SMTP_STARTTLS"),
        "SMTP_TIMEOUT": float(os.environ.get("SMTP_TIMEOUT", "20")),
        # The worker sends this many mails over one connection, then claims the next batch.
        "MAIL_BATCH_SIZE": int(os.environ.get("MAIL_BATCH_SIZE", "100")),
        # A claimed batch is another worker's to take again after this (its worker died mid-batch).
        "MAIL_CLAIM_SECONDS": float(os.environ.get("MAIL_CLAIM_SECONDS", "600")),
        # Temporary failures (4xx, connection lost) wait 30 s, 60 s, 120 s... before the next attempt.
        "MAIL_RETRY_SECONDS": float(os.environ.get("MAIL_RETRY_SECONDS", "30")),
        "MAIL_MAX_ATTEMPTS": int(os.environ.get("MAIL_MAX_ATTEMPTS", "8")),
        # An import of more rows than this runs as a job in the worker, with a progress page.
        # Imports, jury packs, workbooks and announcements over this many rows, files or recipients run as jobs.
        "JOB_ITEMS": int(os.environ.get("JOB_ITEMS") or os.environ.get("IMPORT_JOB_ROWS") or "300"),
        # Tasks run in the caller instead of the worker (tests only): TASKS_IMMEDIATE=1.
        **({"TASKS_IMMEDIATE": True} if _bool("TASKS_IMMEDIATE") else {}),
        "PASSWORD_RESET_MAX_AGE": int(os.environ.get("PASSWORD_RESET_MAX_AGE", str(2 * 3600))),
        # memory:// counts per worker process; with several workers or machines, redis://host:6379/0 shares them.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "awards"),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        # Failed logins only. Per address: high enough for a hundred jurors behind the venue's Wi-Fi.
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "60 per minute;600 per hour"),
        "LOGIN_ACCOUNT_RATE_LIMIT": os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT", "5 per minute;20 per hour"),
        # Reset and registration mails, per address and per recipient.
        "MAIL_RATE_LIMIT": os.environ.get("MAIL_RATE_LIMIT", "5 per minute;30 per hour"),
        "MAIL_RECIPIENT_RATE_LIMIT": os.environ.get("MAIL_RECIPIENT_RATE_LIMIT", "3 per hour"),
        # Single sign-on (OpenID Connect) for organisers and jurors; off while OIDC_ISSUER is empty.
        "OIDC_ISSUER": os.environ.get("OIDC_ISSUER", ""),
        "OIDC_CLIENT_ID": os.environ.get("OIDC_CLIENT_ID", ""),
        "OIDC_CLIENT_SECRET": os.environ.get("OIDC_CLIENT_SECRET", ""),
        # Which verified e-mail domains sign in, as which role: "milipol.com=organiser, interieur.gouv.fr=juror".
        "OIDC_ROLE_DOMAINS": os.environ.get("OIDC_ROLE_DOMAINS", ""),
        # Calls per API token, whatever address they come from.
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "10 per second;600 per minute"),
        # Every link that leaves a request (mails, QR codes, exports) starts with this; never the Host header.
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        # Hosts the app answers to (comma-separated); unset: the host of PUBLIC_BASE_URL and loopback.
        "TRUSTED_HOSTS": _list("TRUSTED_HOSTS"),
        # How many reverse proxies in front set X-Forwarded-For/-Proto; 0 ignores those headers.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "BABEL_DEFAULT_LOCALE": "en",
        "LANGUAGES": ("en", "fr"),
    }


LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"]


def finish(config: dict) -> None:
    """Settings derived from others once the test or environment overrides are in."""
    from .links import parse_base_url

    _, netloc, _ = parse_base_url(config["PUBLIC_BASE_URL"])  # refuses a malformed URL at start-up
    if config.get("TRUSTED_HOSTS") is None:
        # Loopback stays allowed for health checks and local runs: links never come from the Host header.
        config["TRUSTED_HOSTS"] = [netloc] + LOOPBACK_HOSTS  # the port is ignored when matching
    if isinstance(config.get("OIDC_ROLE_DOMAINS"), str):
        from .domain.sso import parse_role_domains

        config["OIDC_ROLE_DOMAINS"] = parse_role_domains(config["OIDC_ROLE_DOMAINS"])  # a typo stops the start
    if config.get("OIDC_ISSUER") and not config.get("OIDC_CLIENT_ID"):
        raise ValueError("OIDC_ISSUER is set: OIDC_CLIENT_ID (and OIDC_CLIENT_SECRET) must be too")
    if config["TRUSTED_PROXIES"] < 0:
        raise ValueError("TRUSTED_PROXIES must be 0 or more")
