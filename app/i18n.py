"""Languages: the locale comes from the URL prefix; translated content goes through tr()."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, format_time, get_locale
from markupsafe import Markup
from werkzeug.exceptions import NotFound

LOCALES: tuple[str, ...] = ("fi", "sv", "en")
#: Blueprints of pages that live under a language mount here: only known languages match.
LANG_PREFIX = "/<any({}):lang>".format(", ".join(LOCALES))
DEFAULT_LOCALE = "fi"
#: How each language names itself, for the language switcher (never translated).
LANGUAGE_NAMES: dict[str, str] = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}


def tr(
    value: Mapping[str, str] | None, locale: str | None = None, default: str | None = None
) -> str:
    """Resolve a translated text: requested locale → given default → Finnish → any language."""
    if not value:
        return ""
    locale = locale or current_locale()
    for candidate in (locale, default, DEFAULT_LOCALE):
        if candidate and value.get(candidate):
            return value[candidate]
    return next((text for text in value.values() if text), "")


def tr_lang(value: Mapping[str, str] | None, locale: str | None = None) -> str | None:
    """The language tr() would pick, so a template can mark a fallback with its own lang."""
    if not value:
        return None
    locale = locale or current_locale()
    for candidate in (locale, DEFAULT_LOCALE):
        if value.get(candidate):
            return candidate
    return next((key for key, text in value.items() if text), None)


def city_zone() -> ZoneInfo:
    """The city's time zone (``BABEL_DEFAULT_TIMEZONE``): times are typed, shown and counted by
    day in it, and stored in UTC."""
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Helsinki"))


def to_utc(value: datetime | None) -> datetime | None:
    """A time typed in the city's time zone (naive, from a form) as UTC."""
    return value.replace(tzinfo=city_zone()).astimezone(UTC) if value else None


def to_local(value: datetime | None) -> datetime | None:
    """A stored UTC time as the naive city time a form field shows."""
    return value.astimezone(city_zone()).replace(tzinfo=None) if value else None


def current_locale() -> str:
    lang = g.get("lang")
    if lang in LOCALES:
        return lang
    return best_locale()


def best_locale() -> str:
    """The locale the browser prefers, for pages outside a language prefix."""
    if not request:
        return DEFAULT_LOCALE
    return request.accept_languages.best_match(LOCALES, default=DEFAULT_LOCALE)


def select_locale() -> str:
    return current_locale()


def switch_language_url(lang: str) -> str:
    """The current page in another language (error pages fall back to that language's home)."""
    endpoint = request.endpoint
    args = dict(request.view_args or {})
    rule = request.url_rule
    if endpoint and rule is not None and "lang" in rule.arguments and "GET" in (rule.methods or ()):
        args["lang"] = lang
        query = request.args.to_dict(flat=True)
        query.update(args)
        return url_for(endpoint, **query)
    return url_for("engagements.home", lang=lang)


def _pull_lang(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values is None or "lang" not in values:
        return
    lang = values.pop("lang")
    if lang not in LOCALES:
        raise NotFound()
    g.lang = lang


def _add_lang(endpoint: str, values: dict[str, Any]) -> None:
    if "lang" in values or not current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
        return
    values["lang"] = current_locale()


def _lang_attr(value: Mapping[str, str] | None) -> Markup:
    """` lang="sv"` when tr() fell back to another language than the page's, else nothing."""
    picked = tr_lang(value)
    if picked and picked != current_locale():
        return Markup(' lang="%s"') % picked
    return Markup("")


def register_i18n(app: Flask) -> None:
    app.url_value_preprocessor(_pull_lang)
    app.url_defaults(_add_lang)
    app.jinja_env.filters["tr"] = tr
    app.jinja_env.filters["lang_attr"] = _lang_attr
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt)
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt)
    app.jinja_env.filters["time"] = lambda value, fmt="short": format_time(value, fmt)
    app.jinja_env.filters["number"] = format_decimal
    app.jinja_env.globals.update(
        LOCALES=LOCALES,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        switch_language_url=switch_language_url,
        current_locale=current_locale,
        get_locale=get_locale,
    )
