"""Column types shared by the features."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from app.i18n import LOCALES


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def clean_translations(value: Mapping[str, Any] | None) -> dict[str, str]:
    """Keep known languages with non-blank text, stripped."""
    if not value:
        return {}
    cleaned: dict[str, str] = {}
    for locale in LOCALES:
        text = value.get(locale)
        if text is None:
            continue
        if not isinstance(text, str):
            raise TypeError(f"translated text for {locale!r} must be a string")
        text = text.strip()
        if text:
            cleaned[locale] = text
    return cleaned


class TranslatedText(TypeDecorator[dict]):
    """Staff-written text in several languages: ``{"fi": ..., "sv": ..., "en": ...}``.

    Stored as JSON. Unknown languages and blank texts are dropped on the way in.
    Assign a new dict to change it (in-place edits are not tracked).
    """

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Mapping[str, Any] | None, dialect: Dialect) -> dict | None:
        if value is None:
            return None
        return clean_translations(value)

    def process_result_value(self, value: dict | None, dialect: Dialect) -> dict[str, str]:
        return dict(value or {})


def missing_locales(
    value: Mapping[str, str] | None, locales: tuple[str, ...] = LOCALES
) -> list[str]:
    """Languages of ``locales`` that have no text in ``value``."""
    value = value or {}
    return [locale for locale in locales if not (value.get(locale) or "").strip()]
