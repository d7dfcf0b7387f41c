"""Discussions: posting, replying and moderating.

The services are thread-based so a hearing's comments (one untitled thread per engagement) and a
panel's forum (many titled threads, members as authors) share them. They flush and raise
:class:`DiscussionError`; the view commits. Residents' text is cleaned here (control characters
out, line breaks normalised) and stored as written; templates escape it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.core import audit
from app.core.types import utcnow
from app.discussion.models import (
    HIDE_REASONS,
    REPORT_REASONS,
    AuthorKind,
    Discussion,
    Post,
    PostReport,
    PostState,
    Thread,
)
from app.engagements.models import Engagement, Status
from app.extensions import db
from app.i18n import LOCALES

BODY_MIN = 2
BODY_MAX = 4000
NICKNAME_MAX = 40
NOTE_MAX = 1000
PER_PAGE = 50

#: C0 and C1 control characters except tab and newline, and the bidirectional overrides and
#: isolates that can make text read differently from what is stored.
_UNWANTED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
#: More than two blank lines in a row.
_BLANK_RUN = re.compile(r"\n{4,}")
_SPACE_RUN = re.compile(r"\s+")
#: What residents see of a thread: hidden posts stay in place as a notice; pending ones do not.
_SHOWN = (PostState.VISIBLE, PostState.HIDDEN)


class DiscussionError(Exception):
    """A discussion rule was broken; ``reason`` is a code the view turns into words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- cleaning ------------------------------------------------------------------------------


def clean_body(text: str | None) -> str:
    """A post's text as stored: NFC, control characters removed (newline and tab kept), CRLF
    and CR turned into newlines, trailing spaces and more than two blank lines in a row removed,
    stripped."""
    if not text:
        return ""
    text = _UNWANTED.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    # After the removal: a control character between a letter and its accent kept them apart.
    text = unicodedata.normalize("NFC", text)
    text = _TRAILING_SPACE.sub("\n", text)
    text = _BLANK_RUN.sub("\n\n\n", text)
    return text.strip()


def clean_line(text: str | None) -> str:
    """One line of text (a nickname): cleaned like a body, all whitespace runs as one space."""
    return _SPACE_RUN.sub(" ", clean_body(text)).strip()


def _checked_body(body: str | None) -> str:
    text = clean_body(body)
    if len(text) < BODY_MIN:
        raise DiscussionError("too_short")
    if len(text) > BODY_MAX:
        raise DiscussionError("too_long")
    return text


def _target(post: Post) -> str:
    return f"posts:{post.id}"


# --- discussions and threads ---------------------------------------------------------------


def discussion_for(engagement: Engagement, create: bool = False) -> Discussion | None:
    """The engagement's discussion; with ``create`` one is made (comments on, post-moderated)."""
    discussion = db.session.scalar(
        select(Discussion).where(Discussion.engagement_id == engagement.id)
    )
    if discussion is None and create:
        discussion = _new_discussion(engagement)
    return discussion


def _new_discussion(engagement: Engagement) -> Discussion:
    discussion = Discussion(engagement_id=engagement.id, is_enabled=True, premoderated=False)
    db.session.add(discussion)
    db.session.flush()
    return discussion


def update_settings(engagement: Engagement, is_enabled: bool, premoderated: bool) -> Discussion:
    """Turn comments on or off and choose pre- or post-moderation. Audited when changed.

    Turning pre-moderation off does not publish what waits: staff approve those one by one.
    """
    existing = discussion_for(engagement)
    discussion = existing or _new_discussion(engagement)
    changed = existing is None or (
        discussion.is_enabled != is_enabled or discussion.premoderated != premoderated
    )
    discussion.is_enabled = bool(is_enabled)
    discussion.premoderated = bool(premoderated)
    db.session.flush()
    if changed:
        audit.record(
            "discussion.settings",
            f"engagements:{engagement.public_id}",
            is_enabled=discussion.is_enabled,
            premoderated=discussion.premoderated,
        )
    return discussion


def comment_thread(engagement: Engagement) -> Thread:
    """The one untitled thread that holds a hearing's comments; made (with the discussion) when
    missing."""
    discussion = discussion_for(engagement) or _new_discussion(engagement)
    thread = db.session.scalar(
        select(Thread)
        .where(Thread.discussion_id == discussion.id, Thread.title == "")
        .order_by(Thread.id)
        .limit(1)
    )
    if thread is None:
        thread = Thread(
            discussion=discussion,
            title="",
            locale=engagement.languages[0] if engagement.languages else "fi",
            author_kind=AuthorKind.STAFF,
        )
        db.session.add(thread)
        db.session.flush()
    return thread


def post_of(engagement: Engagement, post_id: int) -> Post | None:
    """A post of the engagement's discussion, or None (also for another engagement's post)."""
    return db.session.scalar(
        select(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Discussion, Discussion.id == Thread.discussion_id)
        .where(Post.id == post_id, Discussion.engagement_id == engagement.id)
    )


def reply_target(engagement: Engagement, post_id: int | None) -> Post | None:
    """The post a resident may answer: visible, top-level, of this engagement."""
    if not post_id:
        return None
    post = post_of(engagement, post_id)
    if post is None or post.parent_id is not None or post.state != PostState.VISIBLE:
        return None
    return post


# --- posting -------------------------------------------------------------------------------


def add_post(
    thread: Thread,
    body: str,
    *,
    author_kind: AuthorKind,
    author_name: str,
    locale: str,
    parent_id: int | None = None,
    user_id: int | None = None,
    pending: bool = False,
) -> Post:
    """A post in ``thread``, as a reply to ``parent_id`` when given (one level deep).

    The body is cleaned and its length checked; the parent must be a visible top-level post of
    the same thread (``bad_parent``); a locked thread takes no posts (``locked``).
    """
    if thread.is_locked:
        raise DiscussionError("locked")
    text = _checked_body(body)
    if parent_id is not None:
        parent = db.session.get(Post, parent_id)
        if (
            parent is None
            or parent.thread_id != thread.id
            or parent.parent_id is not None
            or parent.state != PostState.VISIBLE
        ):
            raise DiscussionError("bad_parent")
    post = Post(
        thread=thread,
        parent_id=parent_id,
        author_kind=author_kind,
        author_name=author_name,
        user_id=user_id,
        body=text,
        locale=locale if locale in LOCALES else thread.locale,
        state=PostState.PENDING if pending else PostState.VISIBLE,
    )
    db.session.add(post)
    db.session.flush()
    return post


def post_comment(
    engagement: Engagement,
    body: str,
    nickname: str | None,
    locale: str,
    parent_id: int | None = None,
) -> Post:
    """A resident's comment (or a reply to one) on a published, open engagement.

    Refused when the engagement is not published (``not_published``), has no discussion or
    comments are off (``disabled``), or does not take input now (``closed``). The post waits
    as ``pending`` when the discussion is pre-moderated.
    """
    if engagement.status != Status.PUBLISHED:
        raise DiscussionError("not_published")
    discussion = discussion_for(engagement)
    if discussion is None or not discussion.is_enabled:
        raise DiscussionError("disabled")
    if not engagement.is_open():
        raise DiscussionError("closed")
    name = clean_line(nickname)
    if len(name) > NICKNAME_MAX:
        raise DiscussionError("nickname_too_long")
    return add_post(
        comment_thread(engagement),
        body,
        author_kind=AuthorKind.RESIDENT,
        author_name=name,
        locale=locale,
        parent_id=parent_id,
        pending=discussion.premoderated,
    )


def staff_reply(target: Post | Thread, user: User, body: str, locale: str) -> Post:
    """Staff answer a post (or write in a thread): visible at once, marked as staff, audited.

    A reply to a reply goes under the same top-level post, as replies are one level deep.
    """
    if isinstance(target, Thread):
        thread, parent_id = target, None
    else:
        parent = target
        if parent.parent_id is not None:
            parent = db.session.get(Post, parent.parent_id)
        if parent is None or parent.state != PostState.VISIBLE:
            raise DiscussionError("bad_parent")
        thread, parent_id = parent.thread, parent.id
    post = add_post(
        thread,
        body,
        author_kind=AuthorKind.STAFF,
        author_name=user.name or user.email,
        locale=locale,
        parent_id=parent_id,
        user_id=user.id,
    )
    audit.record("discussion.post.reply", _target(post), actor_id=user.id, parent_id=parent_id)
    return post


# --- moderation ----------------------------------------------------------------------------


def _moderated(post: Post, user: User) -> None:
    post.moderated_by_id = user.id
    post.moderated_at = utcnow()


def hide(post: Post, reason: str, user: User) -> None:
    """Hide a visible or waiting post; a notice with the reason stays in its place. The post's
    open reports count as handled."""
    if reason not in HIDE_REASONS:
        raise DiscussionError("bad_reason")
    previous = post.state
    post.state = PostState.HIDDEN
    post.hidden_reason = reason
    _moderated(post, user)
    resolved = _resolve_open_reports(post, user)
    db.session.flush()
    audit.record(
        "discussion.post.hide",
        _target(post),
        actor_id=user.id,
        reason=reason,
        previous_state=str(previous),
        reports_resolved=resolved,
    )


def show(post: Post, user: User) -> None:
    """Show a hidden post again."""
    if post.state != PostState.HIDDEN:
        raise DiscussionError("not_hidden")
    post.state = PostState.VISIBLE
    post.hidden_reason = None
    _moderated(post, user)
    db.session.flush()
    audit.record("discussion.post.show", _target(post), actor_id=user.id)


def approve(post: Post, user: User) -> None:
    """Publish a post that waits for a moderator (pre-moderation)."""
    if post.state != PostState.PENDING:
        raise DiscussionError("not_pending")
    post.state = PostState.VISIBLE
    _moderated(post, user)
    db.session.flush()
    audit.record("discussion.post.approve", _target(post), actor_id=user.id)


def report(post: Post, reason: str, note: str | None = None) -> PostReport:
    """A visitor reports a visible post, with a reason and an optional note (cleaned, at most
    :data:`NOTE_MAX` characters)."""
    if post.state != PostState.VISIBLE:
        raise DiscussionError("not_visible")
    if reason not in REPORT_REASONS:
        raise DiscussionError("bad_reason")
    text = clean_body(note)
    if len(text) > NOTE_MAX:
        raise DiscussionError("note_too_long")
    entry = PostReport(post=post, reason=reason, note=text or None)
    db.session.add(entry)
    db.session.flush()
    return entry


def _resolve_open_reports(post: Post, user: User) -> int:
    now = utcnow()
    count = 0
    for entry in post.reports:
        if entry.resolved_at is None:
            entry.resolved_at = now
            entry.resolved_by_id = user.id
            count += 1
    return count


def resolve_reports(post: Post, user: User) -> int:
    """Mark the post's open reports as handled (the post stays as it is); returns how many."""
    count = _resolve_open_reports(post, user)
    if not count:
        raise DiscussionError("no_reports")
    db.session.flush()
    audit.record("discussion.post.resolve", _target(post), actor_id=user.id, reports=count)
    return count


# --- what residents see --------------------------------------------------------------------


@dataclass
class PostView:
    """One post as residents see it; a hidden post has no body, only its reason."""

    id: int
    parent_id: int | None
    author_kind: str
    #: The nickname or staff name; empty for a resident without one ("Resident" is shown).
    author_name: str
    body: str
    locale: str
    state: str
    hidden_reason: str | None
    created_at: datetime
    replies: list[PostView] = field(default_factory=list)

    @property
    def is_hidden(self) -> bool:
        return self.state == PostState.HIDDEN

    @property
    def is_staff(self) -> bool:
        return self.author_kind == AuthorKind.STAFF


@dataclass
class CommentsView:
    """A hearing's comments for templates: flags, one page of top-level posts and counts."""

    #: The engagement has a discussion at all.
    exists: bool = False
    enabled: bool = False
    open: bool = False
    premoderated: bool = False
    #: Top-level posts, newest first, each with its replies oldest first.
    posts: list[PostView] = field(default_factory=list)
    #: Visible posts, replies included.
    visible_count: int = 0
    #: Top-level posts shown (visible or hidden), for paging.
    top_level_count: int = 0
    page: int = 1
    pages: int = 1
    per_page: int = PER_PAGE

    @property
    def can_post(self) -> bool:
        return self.exists and self.enabled and self.open

    @property
    def is_empty(self) -> bool:
        return self.top_level_count == 0


def post_view(post: Post) -> PostView:
    """A post as residents see it (a hidden post without its text)."""
    hidden = post.state == PostState.HIDDEN
    return PostView(
        id=post.id,
        parent_id=post.parent_id,
        author_kind=str(post.author_kind),
        author_name=post.author_name or "",
        body="" if hidden else post.body,
        locale=post.locale,
        state=str(post.state),
        hidden_reason=post.hidden_reason if hidden else None,
        created_at=post.created_at,
    )


def comments_view(
    engagement: Engagement, locale: str, page: int = 1, per_page: int = PER_PAGE
) -> CommentsView:
    """The engagement's comments as residents see them, in two statements: the discussion with
    its counts, then one page of top-level posts together with their replies."""
    top_filter = and_(Post.thread_id == Thread.id, Post.parent_id.is_(None), Post.state.in_(_SHOWN))
    top_count = select(func.count(Post.id)).where(top_filter).correlate(Thread).scalar_subquery()
    visible_count = (
        select(func.count(Post.id))
        .where(Post.thread_id == Thread.id, Post.state == PostState.VISIBLE)
        .correlate(Thread)
        .scalar_subquery()
    )
    row = db.session.execute(
        select(Discussion, Thread.id, top_count, visible_count)
        .outerjoin(Thread, and_(Thread.discussion_id == Discussion.id, Thread.title == ""))
        .where(Discussion.engagement_id == engagement.id)
        .order_by(Thread.id)
        .limit(1)
    ).first()
    if row is None:
        return CommentsView(open=engagement.is_open(), per_page=per_page)
    discussion, thread_id, tops, visible = row
    tops, visible = tops or 0, visible or 0
    pages = max(1, math.ceil(tops / per_page))
    page = min(max(1, page), pages)
    view = CommentsView(
        exists=True,
        enabled=discussion.is_enabled,
        open=engagement.is_open(),
        premoderated=discussion.premoderated,
        visible_count=visible,
        top_level_count=tops,
        page=page,
        pages=pages,
        per_page=per_page,
    )
    if thread_id is None or not tops:
        return view
    page_ids = (
        select(Post.id)
        .where(Post.thread_id == thread_id, Post.parent_id.is_(None), Post.state.in_(_SHOWN))
        .order_by(Post.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    posts = db.session.scalars(
        select(Post)
        .where(
            Post.thread_id == thread_id,
            Post.state.in_(_SHOWN),
            or_(Post.id.in_(page_ids), Post.parent_id.in_(page_ids)),
        )
        .order_by(Post.id)
    ).all()
    by_id: dict[int, PostView] = {}
    replies: list[PostView] = []
    for post in posts:
        item = post_view(post)
        if post.parent_id is None:
            by_id[post.id] = item
        else:
            replies.append(item)
    for reply in replies:  # oldest first, as the rows come in id order
        if reply.parent_id in by_id:
            by_id[reply.parent_id].replies.append(reply)
    view.posts = sorted(by_id.values(), key=lambda item: item.id, reverse=True)
    return view


# --- what moderators see -------------------------------------------------------------------


@dataclass
class ModerationItem:
    """A post with its open reports, for the moderation page."""

    post: Post
    open_reports: int = 0
    #: (reason code, count), most frequent first.
    reasons: list[tuple[str, int]] = field(default_factory=list)
    #: Reporters' notes of the open reports.
    notes: list[str] = field(default_factory=list)
    #: Every report, resolved ones included.
    all_reports: int = 0


@dataclass
class ModerationQueue:
    discussion: Discussion | None
    #: Posts waiting for approval, oldest first.
    pending: list[ModerationItem] = field(default_factory=list)
    #: Posts with open reports, most reported first.
    reported: list[ModerationItem] = field(default_factory=list)
    #: Every post, newest first.
    posts: list[ModerationItem] = field(default_factory=list)
    #: Number of posts by state.
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def waiting(self) -> int:
        return len(self.pending) + len(self.reported)


def moderation_queue(engagement: Engagement) -> ModerationQueue:
    """Pending posts, posts with open reports, and every post of the engagement's discussion."""
    discussion = discussion_for(engagement)
    if discussion is None:
        return ModerationQueue(discussion=None)
    posts = db.session.scalars(
        select(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Thread.discussion_id == discussion.id)
        .options(selectinload(Post.reports))
        .order_by(Post.id.desc())
    ).all()
    items = []
    for post in posts:
        open_reports = [entry for entry in post.reports if entry.resolved_at is None]
        reasons = Counter(entry.reason for entry in open_reports)
        items.append(
            ModerationItem(
                post=post,
                open_reports=len(open_reports),
                reasons=sorted(reasons.items(), key=lambda pair: (-pair[1], pair[0])),
                notes=[entry.note for entry in open_reports if entry.note],
                all_reports=len(post.reports),
            )
        )
    counts = Counter(str(item.post.state) for item in items)
    return ModerationQueue(
        discussion=discussion,
        pending=sorted(
            (item for item in items if item.post.state == PostState.PENDING),
            key=lambda item: item.post.id,
        ),
        reported=sorted(
            (item for item in items if item.open_reports),
            key=lambda item: (-item.open_reports, -item.post.id),
        ),
        posts=items,
        counts={state.value: counts.get(state.value, 0) for state in PostState},
    )
