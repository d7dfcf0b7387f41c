"""A customer panel's members-only forum, on the ``discussion`` feature.

Threads are started by staff or members; posts answer the thread or one post in it (one level).
Members may edit their own post for :data:`EDIT_WINDOW`; staff moderate on the discussion's
moderation page. A new thread is e-mailed to the members who did not opt out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from app.core import audit
from app.core.mail import queue_email
from app.core.types import utcnow
from app.discussion import services as discussion
from app.discussion.models import AuthorKind, Discussion, Post, PostState, Thread
from app.discussion.services import DiscussionError, clean_line
from app.extensions import db
from app.i18n import tr
from app.panels.models import Panel, PanelMember

#: How long members may edit their own post.
EDIT_WINDOW = timedelta(minutes=15)
TITLE_MAX = 200
#: States members see (hidden posts leave a notice; pending ones only their writer sees).
_SHOWN = (PostState.VISIBLE, PostState.HIDDEN)


def member_name(member: PanelMember) -> str:
    """The name other members see with the member's posts."""
    return clean_line(member.participant.name)[:80]


def forum(panel: Panel) -> Discussion:
    """The panel's discussion, made on first use (post-moderated, open)."""
    found = discussion.discussion_for(panel.engagement, create=True)
    assert found is not None  # noqa: S101 - create=True always returns one
    return found


def is_open(panel: Panel) -> bool:
    """Members can post: the forum is on and the panel's term has not ended."""
    found = discussion.discussion_for(panel.engagement)
    if found is not None and not found.is_enabled:
        return False
    return panel.term_end is None or panel.term_end >= utcnow().date()


@dataclass
class ThreadRow:
    id: int
    title: str
    locale: str
    author_kind: str
    author_name: str
    created_at: datetime
    posts: int
    last_post_at: datetime | None


def threads(panel: Panel) -> list[ThreadRow]:
    """The forum's threads, latest activity first, with their visible post counts."""
    found = discussion.discussion_for(panel.engagement)
    if found is None:
        return []
    counts = (
        select(
            Post.thread_id,
            func.count(Post.id).label("posts"),
            func.max(Post.created_at).label("last"),
        )
        .where(Post.state == PostState.VISIBLE)
        .group_by(Post.thread_id)
        .subquery()
    )
    first_author = (
        select(Post.author_name)
        .where(Post.thread_id == Thread.id)
        .order_by(Post.id)
        .limit(1)
        .correlate(Thread)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Thread, counts.c.posts, counts.c.last, first_author)
        .outerjoin(counts, counts.c.thread_id == Thread.id)
        .where(Thread.discussion_id == found.id, Thread.title != "")
    ).all()
    items = [
        ThreadRow(
            id=thread.id,
            title=thread.title,
            locale=thread.locale,
            author_kind=str(thread.author_kind),
            author_name=author or "",
            created_at=thread.created_at,
            posts=posts or 0,
            last_post_at=last,
        )
        for thread, posts, last, author in rows
    ]
    return sorted(items, key=lambda row: row.last_post_at or row.created_at, reverse=True)


def thread_of(panel: Panel, thread_id: int) -> Thread | None:
    """A titled thread of the panel's forum, or None (also for another panel's thread)."""
    return db.session.scalar(
        select(Thread)
        .join(Discussion, Discussion.id == Thread.discussion_id)
        .where(
            Thread.id == thread_id,
            Discussion.engagement_id == panel.engagement_id,
            Thread.title != "",
        )
    )


def post_of(panel: Panel, post_id: int) -> Post | None:
    return discussion.post_of(panel.engagement, post_id)


def _title(title: str | None) -> str:
    text = clean_line(title)
    if not text:
        raise DiscussionError("title_missing")
    if len(text) > TITLE_MAX:
        raise DiscussionError("title_too_long")
    return text


def _pending(panel: Panel) -> bool:
    return forum(panel).premoderated


def start_thread(
    panel: Panel,
    title: str,
    body: str,
    locale: str,
    *,
    member: PanelMember | None = None,
    user=None,  # noqa: ANN001 - app.auth.models.User
) -> tuple[Thread, Post]:
    """A new thread with its first post, by a member or by staff (``user``). Members' posts wait
    for a moderator when the forum is pre-moderated. Tells the other members by e-mail once the
    first post is visible. Flushes."""
    if member is not None and not is_open(panel):
        raise DiscussionError("closed")
    text = _title(title)
    thread = Thread(
        discussion=forum(panel),
        title=text,
        locale=locale,
        author_kind=AuthorKind.MEMBER if member is not None else AuthorKind.STAFF,
        user_id=user.id if user is not None else None,
        member_id=member.id if member is not None else None,
    )
    db.session.add(thread)
    db.session.flush()
    try:
        post = _add(panel, thread, body, locale, member=member, user=user)
    except DiscussionError:
        db.session.delete(thread)
        db.session.flush()
        raise
    audit.record(
        "panel.forum.thread",
        f"discussion_threads:{thread.id}",
        panel=panel.id,
        by="member" if member is not None else "staff",
    )
    if post.state == PostState.VISIBLE:
        notify_new_thread(panel, thread, exclude=member)
    return thread, post


def _add(
    panel: Panel,
    thread: Thread,
    body: str,
    locale: str,
    *,
    member: PanelMember | None,
    user,  # noqa: ANN001
    parent_id: int | None = None,
) -> Post:
    if member is not None:
        post = discussion.add_post(
            thread,
            body,
            author_kind=AuthorKind.MEMBER,
            author_name=member_name(member),
            locale=locale,
            parent_id=parent_id,
            pending=_pending(panel),
        )
        post.member_id = member.id
    else:
        post = discussion.add_post(
            thread,
            body,
            author_kind=AuthorKind.STAFF,
            author_name=user.name or user.email,
            locale=locale,
            parent_id=parent_id,
            user_id=user.id,
        )
    db.session.flush()
    return post


def reply(
    panel: Panel,
    thread: Thread,
    body: str,
    locale: str,
    *,
    member: PanelMember | None = None,
    user=None,  # noqa: ANN001
    parent_id: int | None = None,
) -> Post:
    """A post in ``thread`` (under ``parent_id`` when given; a reply to a reply goes under the
    same top-level post). Flushes."""
    if member is not None and not is_open(panel):
        raise DiscussionError("closed")
    if parent_id is not None:
        parent = db.session.get(Post, parent_id)
        if parent is not None and parent.parent_id is not None:
            parent_id = parent.parent_id
    post = _add(panel, thread, body, locale, member=member, user=user, parent_id=parent_id)
    audit.record(
        "panel.forum.post",
        f"posts:{post.id}",
        panel=panel.id,
        by="member" if member is not None else "staff",
    )
    return post


def can_edit(post: Post, member: PanelMember | None, now: datetime | None = None) -> bool:
    """The member wrote the post, it is not hidden, and the edit window is still open."""
    if member is None or post.member_id != member.id or post.state == PostState.HIDDEN:
        return False
    return (now or utcnow()) - post.created_at <= EDIT_WINDOW


def edit(post: Post, member: PanelMember, body: str) -> None:
    """The member corrects their own post within the edit window. Flushes."""
    if not can_edit(post, member):
        raise DiscussionError("edit_window")
    post.body = discussion._checked_body(body)  # noqa: SLF001 - the same rules as a new post
    post.edited_at = utcnow()
    db.session.flush()
    audit.record("panel.forum.edit", f"posts:{post.id}", panel=member.panel_id)


@dataclass
class PostItem:
    """A post as members (and staff) see it in a thread."""

    view: discussion.PostView
    member_id: int | None
    edited_at: datetime | None
    can_edit: bool = False
    replies: list[PostItem] = field(default_factory=list)


def thread_posts(
    thread: Thread, member: PanelMember | None = None, *, staff: bool = False
) -> list[PostItem]:
    """The thread's posts oldest first with replies under them. Posts waiting for a moderator are
    shown only to the member who wrote them, and to staff."""
    now = utcnow()
    tops: dict[int, PostItem] = {}
    replies: list[PostItem] = []
    for post in thread.posts:
        own = member is not None and post.member_id == member.id
        if post.state == PostState.PENDING and not (own or staff):
            continue
        item = PostItem(
            view=discussion.post_view(post),
            member_id=post.member_id,
            edited_at=post.edited_at,
            can_edit=can_edit(post, member, now),
        )
        if post.parent_id is None:
            tops[post.id] = item
        else:
            replies.append(item)
    for item in replies:
        parent = tops.get(item.view.parent_id or 0)
        if parent is not None:
            parent.replies.append(item)
    return list(tops.values())


# --- e-mail about new threads ----------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="panel-thread-emails")


def opt_out_token(member: PanelMember) -> str:
    """A token for the one-click "no more e-mails about new threads" link."""
    return _serializer().dumps(member.id)


def member_for_opt_out(token: str) -> PanelMember | None:
    try:
        member_id = _serializer().loads(token)
    except BadSignature:
        return None
    return db.session.get(PanelMember, member_id) if isinstance(member_id, int) else None


def notify_new_thread(panel: Panel, thread: Thread, exclude: PanelMember | None = None) -> int:
    """E-mail the active members who want to hear of new threads (not the one who started it).
    The message has the thread's title and a link; the text stays in the forum. Returns how many
    messages were queued."""
    members = db.session.scalars(
        select(PanelMember).where(
            PanelMember.panel_id == panel.id,
            PanelMember.left_at.is_(None),
            PanelMember.notify_threads.is_(True),
        )
    ).all()
    sent = 0
    for member in members:
        if exclude is not None and member.id == exclude.id:
            continue
        locale = member.participant.locale
        queue_email(
            member.participant.email,
            "panel_new_thread",
            locale,
            panel=tr(panel.engagement.title, locale),
            thread=thread.title,
            link=url_for(
                "panel_members.thread",
                public_id=panel.engagement.public_id,
                thread_id=thread.id,
                lang=locale,
                _external=True,
            ),
            opt_out=url_for(
                "panel_members.notifications_off",
                public_id=panel.engagement.public_id,
                token=opt_out_token(member),
                lang=locale,
                _external=True,
            ),
        )
        sent += 1
    return sent


def approve(post: Post, user) -> None:  # noqa: ANN001
    """Approve a waiting post; when it starts a thread, the members hear of the thread now."""
    discussion.approve(post, user)
    thread = post.thread
    first = thread.posts[0] if thread.posts else None
    if first is not None and first.id == post.id and thread.title:
        panel = db.session.scalar(
            select(Panel).where(Panel.engagement_id == _engagement_id(thread))
        )
        if panel is not None:
            exclude = db.session.get(PanelMember, post.member_id) if post.member_id else None
            notify_new_thread(panel, thread, exclude=exclude)


def _engagement_id(thread: Thread) -> int:
    return thread.discussion.engagement_id
