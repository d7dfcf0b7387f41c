"""Residents' survey pages, rendered once and kept in the process for a few seconds.

Most requests to a survey are new visitors opening its first page: the same HTML for everyone
except the CSRF token. A ``Snapshot`` keeps, per survey, what the resident GET pages need to
know (ids, definition version, whether residents may answer now) and the pages rendered for
visitors with nothing personal to show: signed out, no flashed message, no query string, and on
the questionnaire no answer on that page and no error. Such pages are rendered with placeholders
for the CSRF token (and the receipt code on the thank-you page) that each request fills in, so
nothing personal is ever kept.

A snapshot is used only while the survey is published, open and needs no invitation code; it
ends after ``RESIDENT_PAGE_CACHE_SECONDS`` (default 5, 0 turns the cache off), at the survey's
next opening or closing time, and at once in this process when a commit changes a survey, its
questionnaire or what its page shows (department, focus areas). Other processes see such a change
when their snapshot ends: for those few seconds a resident may still see the page as it was,
and Next/Back may still save a draft. Sending the answers (and every other POST) reads the survey
from the database, so answers are never taken by a stale snapshot.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from threading import Lock

from flask import Flask, current_app, has_app_context, request, session
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core.types import utcnow
from app.engagements.models import Engagement, Kind, Status
from app.plan.models import Department, FocusArea
from app.questionnaires.models import Question, Questionnaire, QuestionnairePage, QuestionOption

EXTENSION = "osallistu.resident_pages"
DEFAULT_SECONDS = 5.0
#: Surveys kept per process, and rendered pages per survey (languages × pages × shown sets):
#: at most 32 × 64 pages of some 20–40 kB, and in practice a few open surveys.
MAX_SURVEYS = 32
MAX_PAGES = 64

#: Unguessable per process, so survey texts can never contain them by chance.
CSRF_PLACEHOLDER = f"csrf-{secrets.token_hex(12)}"
RECEIPT_PLACEHOLDER = f"receipt-{secrets.token_hex(12)}"

#: A commit touching one of these may change what a cached page shows.
_SHOWN_MODELS = (Engagement, Questionnaire, QuestionnairePage, Question, QuestionOption)
_SHOWN_MODELS += (Department, FocusArea)
_STALE = "osallistu.resident_pages_stale"


@dataclass
class Snapshot:
    """A published, open survey that anyone with the address may answer, for a few seconds."""

    engagement_id: int
    public_id: str
    questionnaire_id: int
    version: str
    #: Unlisted surveys stay out of search engines.
    noindex: bool
    #: time.time() after which the snapshot is not used.
    expires: float
    #: Rendered pages with placeholders, by (view, language, ...).
    pages: dict[tuple, str] = field(default_factory=dict)
    #: What a visitor with no answers yet is shown: (question code → shown, shown pages).
    blank: tuple | None = None

    def page(self, key: tuple) -> str | None:
        return self.pages.get(key)

    def keep(self, key: tuple, html: str) -> None:
        if len(self.pages) < MAX_PAGES:
            self.pages[key] = html


class PageCache:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._snapshots: OrderedDict[str, Snapshot] = OrderedDict()
        self._lock = Lock()
        #: Bumped by every clear(): a snapshot built from rows read before it is not kept.
        self.generation = 0

    def get(self, public_id: str) -> Snapshot | None:
        snapshot = self._snapshots.get(public_id)
        if snapshot is None or snapshot.expires <= time.time():
            return None
        return snapshot

    def keep(
        self, engagement: Engagement, questionnaire: Questionnaire, generation: int
    ) -> Snapshot | None:
        """A snapshot of a survey residents may answer now without a code; else None."""
        if self.seconds <= 0 or not fast_path_allowed(engagement):
            return None
        now = utcnow()
        ends = [time.time() + self.seconds]
        ends += [
            t.timestamp() for t in (engagement.opens_at, engagement.closes_at) if t and t > now
        ]
        snapshot = Snapshot(
            engagement_id=engagement.id,
            public_id=engagement.public_id,
            questionnaire_id=questionnaire.id,
            version=questionnaire.version,
            noindex=engagement.audience != "public",
            expires=min(ends),
        )
        with self._lock:
            if generation != self.generation:  # changed while we read it
                return snapshot
            self._snapshots[engagement.public_id] = snapshot
            self._snapshots.move_to_end(engagement.public_id)
            while len(self._snapshots) > MAX_SURVEYS:
                self._snapshots.popitem(last=False)
        return snapshot

    def clear(self) -> None:
        with self._lock:
            self.generation += 1
            self._snapshots.clear()


def fast_path_allowed(engagement: Engagement) -> bool:
    """Published, open now, and for anyone with the address (no invitation code)."""
    return (
        engagement.status == Status.PUBLISHED
        and engagement.kind != Kind.PANEL
        and engagement.audience in ("public", "link")
        and engagement.is_open()
    )


def init_app(app: Flask) -> PageCache:
    cache = PageCache(float(app.config.get("RESIDENT_PAGE_CACHE_SECONDS", DEFAULT_SECONDS)))
    app.extensions[EXTENSION] = cache
    return cache


def page_cache() -> PageCache:
    return current_app.extensions[EXTENSION]


def nothing_personal() -> bool:
    """A visitor whose page shows nothing of their own: signed out, no message, no query."""
    return (
        request.method == "GET"
        and not request.args
        and "_user_id" not in session
        and "_flashes" not in session
        and current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") not in request.cookies
    )


def fill(html: str, csrf_token: str, receipt: str = "") -> str:
    """The cached page with this visitor's token (and receipt code)."""
    html = html.replace(CSRF_PLACEHOLDER, csrf_token)
    if receipt:
        html = html.replace(RECEIPT_PLACEHOLDER, receipt)
    return html


@event.listens_for(Session, "after_flush")
def _note_shown_changes(session: Session, _context) -> None:  # noqa: ANN001
    if session.info.get(_STALE):
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, _SHOWN_MODELS):
            session.info[_STALE] = True
            return


@event.listens_for(Session, "after_commit")
def _clear_after_change(session: Session) -> None:
    if session.info.pop(_STALE, False) and has_app_context():
        cache = current_app.extensions.get(EXTENSION)
        if cache is not None:
            cache.clear()
