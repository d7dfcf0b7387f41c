"""A customer panel's statements (its recommendations) and the service's official response.

Staff write a statement's title and text per offered language and publish it; then they write
the service's response with the reference of the decision it rests on and publish that. The
public panel page shows what is published (:func:`app.panels.public.published_statements`).
Publishing needs the text in every language the engagement is offered in.

Services flush and raise :class:`~app.panels.services.PanelError`; the view commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select

from app.core import audit
from app.core.types import missing_locales, utcnow
from app.extensions import db
from app.i18n import LOCALES
from app.panels.models import Panel, PanelStatement
from app.panels.services import PanelError

MAX_TITLE = 200
MAX_TEXT = 20000
MAX_DECISION_REF = 300


class MissingTextError(PanelError):
    """Publishing was refused: ``missing`` lists ``<field>:<lang>`` codes, e.g. ``title:sv``."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__("missing_texts")
        self.missing = missing


def _target(statement: PanelStatement) -> str:
    return f"panel_statements:{statement.id}"


def _languages(statement: PanelStatement) -> tuple[str, ...]:
    panel = db.session.get(Panel, statement.panel_id)
    offered = set(panel.engagement.languages)
    return tuple(loc for loc in LOCALES if loc in offered)


def _texts(
    old: Mapping[str, str] | None, new: Mapping[str, str] | None, languages: Iterable[str]
) -> dict[str, str]:
    """``new`` in the offered languages over the texts ``old`` has in other languages."""
    offered = set(languages)
    kept = {loc: text for loc, text in (old or {}).items() if loc not in offered}
    written = {
        loc: text
        for loc in LOCALES
        if loc in offered and (text := ((new or {}).get(loc) or "").strip())
    }
    return {**kept, **written}


def _missing(
    texts: Mapping[str, Mapping[str, str] | None], languages: tuple[str, ...]
) -> list[str]:
    return [
        f"{name}:{loc}"
        for name, value in texts.items()
        for loc in missing_locales(value, languages)
    ]


def statement_missing(item: PanelStatement) -> list[str]:
    """What publishing the statement still needs: ``title:<lang>``, ``statement:<lang>``."""
    return _missing({"title": item.title, "statement": item.statement}, _languages(item))


def response_missing(item: PanelStatement) -> list[str]:
    """What publishing the response still needs: ``response:<lang>``."""
    return _missing({"response": item.response}, _languages(item))


def _check_lengths(texts: Mapping[str, str] | None, limit: int, field: str) -> None:
    if any(len((text or "").strip()) > limit for text in (texts or {}).values()):
        raise PanelError("too_long", field)


def create_statement(
    panel: Panel, title: Mapping[str, str], statement: Mapping[str, str] | None = None
) -> PanelStatement:
    """A draft statement with a title in at least one offered language. Raises PanelError
    ``no_statement_title`` or ``too_long``. Flushes."""
    languages = panel.engagement.languages
    _check_lengths(title, MAX_TITLE, "title")
    _check_lengths(statement, MAX_TEXT, "statement")
    titles = _texts({}, title, languages)
    if not titles:
        raise PanelError("no_statement_title", "title")
    item = PanelStatement(
        panel_id=panel.id, title=titles, statement=_texts({}, statement, languages)
    )
    db.session.add(item)
    db.session.flush()
    audit.record("panel.statement.create", _target(item), panel=panel.id)
    return item


def update_statement(
    item: PanelStatement, title: Mapping[str, str], statement: Mapping[str, str]
) -> None:
    """Save the title and text. A published statement keeps every language: leaving one empty
    raises :class:`MissingTextError`; so does a draft without any title (``no_statement_title``).
    Flushes."""
    languages = _languages(item)
    _check_lengths(title, MAX_TITLE, "title")
    _check_lengths(statement, MAX_TEXT, "statement")
    titles = _texts(item.title, title, languages)
    texts = _texts(item.statement, statement, languages)
    if not any(titles.get(loc) for loc in languages):
        raise PanelError("no_statement_title", "title")
    if item.statement_published_at is not None:
        missing = _missing({"title": titles, "statement": texts}, languages)
        if missing:
            raise MissingTextError(missing)
    item.title = titles
    item.statement = texts
    db.session.flush()
    audit.record("panel.statement.update", _target(item), panel=item.panel_id)


def publish_statement(item: PanelStatement) -> None:
    """Show the statement on the public panel page. Raises :class:`MissingTextError` unless the
    title and text are written in every offered language. Flushes."""
    missing = statement_missing(item)
    if missing:
        raise MissingTextError(missing)
    if item.statement_published_at is None:
        item.statement_published_at = utcnow()
    db.session.flush()
    audit.record("panel.statement.publish", _target(item), panel=item.panel_id)


def unpublish_statement(item: PanelStatement) -> None:
    """Take the statement off the public page, and the response with it. Flushes."""
    item.statement_published_at = None
    item.response_published_at = None
    db.session.flush()
    audit.record("panel.statement.unpublish", _target(item), panel=item.panel_id)


def save_response(
    item: PanelStatement, response: Mapping[str, str], decision_ref: str | None
) -> None:
    """Save the service's response and the decision reference. A published response keeps
    every language (:class:`MissingTextError`). Raises PanelError ``too_long``. Flushes."""
    _check_lengths(response, MAX_TEXT, "response")
    reference = (decision_ref or "").strip()
    if len(reference) > MAX_DECISION_REF:
        raise PanelError("too_long", "decision_ref")
    languages = _languages(item)
    texts = _texts(item.response, response, languages)
    if item.response_published_at is not None:
        missing = _missing({"response": texts}, languages)
        if missing:
            raise MissingTextError(missing)
    item.response = texts
    item.decision_ref = reference or None
    db.session.flush()
    audit.record("panel.response.update", _target(item), panel=item.panel_id)


def publish_response(item: PanelStatement) -> None:
    """Show the service's response on the public page. Raises PanelError
    ``statement_not_published`` (the statement goes first) or :class:`MissingTextError`.
    Flushes."""
    if item.statement_published_at is None:
        raise PanelError("statement_not_published")
    missing = response_missing(item)
    if missing:
        raise MissingTextError(missing)
    if item.response_published_at is None:
        item.response_published_at = utcnow()
    db.session.flush()
    audit.record("panel.response.publish", _target(item), panel=item.panel_id)


def unpublish_response(item: PanelStatement) -> None:
    """Take the response off the public page; the statement stays. Flushes."""
    item.response_published_at = None
    db.session.flush()
    audit.record("panel.response.unpublish", _target(item), panel=item.panel_id)


def statements_of(panel: Panel) -> list[PanelStatement]:
    """The panel's statements, newest first."""
    return list(
        db.session.scalars(
            select(PanelStatement)
            .where(PanelStatement.panel_id == panel.id)
            .order_by(PanelStatement.created_at.desc(), PanelStatement.id.desc())
        )
    )


def statement_of(panel: Panel, statement_id: int) -> PanelStatement | None:
    item = db.session.get(PanelStatement, statement_id)
    return item if item is not None and item.panel_id == panel.id else None
