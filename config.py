"""Configuration classes. Secrets and database addresses come from the environment."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


#: Kemi's postal areas: (code, name). Residents know their postal code, so it leads the name;
#: a district is named only where it is certain. Names are shown as they are in every language.
KEMI_POSTAL_AREAS: list[tuple[str, str]] = [
    ("94100", "94100 Keskusta"),
    ("94200", "94200 Karihaara"),
    ("94300", "94300"),
    ("94400", "94400"),
    ("94450", "94450"),
    ("94500", "94500"),
    ("94600", "94600"),
    ("94700", "94700"),
    ("94830", "94830"),
    ("94900", "94900"),
]


def _env_postal_areas(name: str, default: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Postal areas from the environment: ``code=name`` items separated by ``;`` or new lines.

    Example: ``POSTAL_AREAS="94100=94100 Kemi, keskusta;94200=94200 Kemi, Karihaara"``;
    an item without ``=name`` is shown by its code.
    """
    value = os.environ.get(name)
    if not value:
        return default
    areas = []
    for item in value.replace("\n", ";").split(";"):
        code, _sep, label = item.partition("=")
        if code.strip():
            areas.append((code.strip(), label.strip() or code.strip()))
    return areas


class Config:
    """Settings shared by every environment."""

    SITE_NAME = os.environ.get("SITE_NAME", "Osallistu")
    #: The city whose plan and services this instance serves (shown in legal pages).
    CITY_NAME = os.environ.get("CITY_NAME", "Kemi")
    ACCESSIBILITY_EMAIL = os.environ.get("ACCESSIBILITY_EMAIL", "saavutettavuus@example.fi")
    PRIVACY_EMAIL = os.environ.get("PRIVACY_EMAIL", "kirjaamo@example.fi")
    DPO_EMAIL = os.environ.get("DPO_EMAIL", "tietosuoja@example.fi")
    ACCESSIBILITY_STATEMENT_DATE = os.environ.get("ACCESSIBILITY_STATEMENT_DATE", "2026-11-27")
    #: The city's postal areas for the `area` question type and the background question on the
    #: thank-you page: (code, name) pairs; the code is stored, the name shown.
    POSTAL_AREAS = _env_postal_areas("POSTAL_AREAS", KEMI_POSTAL_AREAS)
    #: Reach: a group whose share of participants is below this fraction of its population share
    #: is flagged under-represented.
    REACH_UNDER_REPRESENTED = 0.5

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    #: hide_parameters: database errors (and so logs and tracebacks) never show the values
    #: of a statement: they are residents' e-mail addresses and answers.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}

    LANGUAGES = ("fi", "sv", "en")
    BABEL_DEFAULT_LOCALE = "fi"
    BABEL_DEFAULT_TIMEZONE = "Europe/Helsinki"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    #: Staff sessions end after this much inactivity.
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=_env_int("SESSION_IDLE_MINUTES", 120))
    #: ...and at the latest this long after signing in, however active.
    SESSION_ABSOLUTE_HOURS = _env_int("SESSION_ABSOLUTE_HOURS", 12)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "osallistu_session"
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)

    WTF_CSRF_TIME_LIMIT = 8 * 3600
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 4 * 1024 * 1024)

    #: Seconds a process keeps a survey's resident pages (app/questionnaires/page_cache.py): a
    #: change made in another process shows after at most this long; 0 turns the cache off.
    RESIDENT_PAGE_CACHE_SECONDS = float(os.environ.get("RESIDENT_PAGE_CACHE_SECONDS", "5"))
    #: Run participation export jobs inside the request instead of a background thread (tests).
    EXPORT_JOBS_INLINE = False

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    #: Public forms (comments, panel applications, data requests) sent
    #: back faster than this after they were shown are asked again: robots are that fast.
    SPAM_MIN_FILL_SECONDS = float(os.environ.get("SPAM_MIN_FILL_SECONDS", "3"))
    #: Failed sign-ins allowed per client address.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "5 per minute; 30 per hour")
    PASSWORD_RESET_RATE_LIMIT = os.environ.get("PASSWORD_RESET_RATE_LIMIT", "5 per hour")
    PASSWORD_RESET_MAX_AGE = 3600
    INVITE_MAX_AGE = 7 * 24 * 3600
    PASSWORD_MIN_LENGTH = 12

    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = _env_int("MAIL_PORT", 587)
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "1") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "osallistu@example.fi")
    #: Where `flask outbox send` writes .eml files when no MAIL_SERVER is set.
    MAIL_FILE_DIR = os.environ.get("MAIL_FILE_DIR", str(INSTANCE_DIR / "outbox"))

    #: The plan data file `flask demo load` imports.
    PLAN_DATA_FILE = str(BASE_DIR / "app" / "plan" / "data" / "kemi-2022-25.yaml")

    HSTS = False
    #: How many reverse proxies (load balancer, nginx) stand in front of the app; their
    #: X-Forwarded-For/-Proto headers are trusted so client addresses and https links are right.
    PROXY_COUNT = _env_int("PROXY_COUNT", 0)

    @classmethod
    def check(cls) -> None:
        """Refuse to start with settings that are unsafe for this environment."""


class Development(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'osallistu.sqlite3'}"
    )


class Testing(Config):
    TESTING = True
    SECRET_KEY = "testing-only"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    SPAM_MIN_FILL_SECONDS = 0.0
    EXPORT_JOBS_INLINE = True
    MAIL_SERVER = None
    SERVER_NAME = "localhost"


class Production(Config):
    SESSION_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS = True
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": True,
        "hide_parameters": True,
        "pool_size": 5,
        "max_overflow": 5,
    }

    @classmethod
    def check(cls) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(
                "Production settings need these environment variables: " + ", ".join(missing)
            )


CONFIGS = {"development": Development, "testing": Testing, "production": Production}
