"""Security headers on every response, and ids from addresses and forms the database can hold."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app
from werkzeug.routing import IntegerConverter, Map

#: The largest id the id columns hold (Integer: a signed 32-bit integer on PostgreSQL); a larger
#: number typed into an address or a form would make the database fail instead of finding nothing.
MAX_ID = 2**31 - 1

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


#: Sent with every response (unless the view set its own); built once.
HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def _add_headers(response: Response) -> Response:
    headers = response.headers
    for name, value in HEADERS:
        headers.setdefault(name, value)
    if current_app.config.get("HSTS"):
        headers.setdefault(*HSTS)
    if response.mimetype == "text/html":
        # Pages may show personal data to staff; never keep them in shared caches.
        headers.setdefault("Cache-Control", "no-store")
    return response


def register_security(app: Flask) -> None:
    app.after_request(_add_headers)


class IdConverter(IntegerConverter):
    """``<int:...>`` in routes: a number too large for an id matches no route (404, not 500)."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def parse_id(value: str | None) -> int | None:
    """An id from a form field or the query string: a positive whole number the database can
    hold, else None. For ``request.args.get(name, type=parse_id)`` too."""
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number <= MAX_ID else None


def register_converters(app: Flask) -> None:
    """Before the blueprints: their rules pick their converters when they are added."""
    app.url_map.converters["int"] = IdConverter
