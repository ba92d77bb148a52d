"""Links that leave the request (mails, QR codes, exports) are built from PUBLIC_BASE_URL, never from the
`Host` header: a forged header must not put an attacker's host in a password-reset mail."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def parse_base_url(value: str) -> tuple[str, str, str]:
    """(scheme, host[:port], path) of a base URL such as `https://awards.milipol.com`; ValueError otherwise."""
    parts = urlsplit(value.strip())
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
    ):
        raise ValueError(f"PUBLIC_BASE_URL must look like https://awards.example.com, not {value!r}")
    return parts.scheme, parts.netloc.lower(), parts.path.rstrip("/")


def public_url(endpoint: str, **values) -> str:
    """The absolute link to `endpoint` under the configured public base URL (works outside a request too)."""
    scheme, netloc, path = parse_base_url(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(netloc, script_name=path or "/", url_scheme=scheme)
    return adapter.build(endpoint, values, force_external=True)
