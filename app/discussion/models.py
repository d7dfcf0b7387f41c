"""Discussions: one per engagement that has one (hearing comments, a panel's forum).

A discussion has threads; a thread has posts; a post may answer another post (one level).
Residents' text is stored once, as written, with its language; it is shown escaped, never as
HTML. Moderation is post-moderation by default (posts visible at once, hidden afterwards with a
reason) or pre-moderation (posts wait as ``pending`` until staff approve them).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime, utcnow
from app.extensions import db


class PostState(StrEnum):
    VISIBLE = "visible"
    PENDING = "pending"
    HIDDEN = "hidden"


class AuthorKind(StrEnum):
    #: A resident without an account, under a nickname.
    RESIDENT = "resident"
    #: Staff, marked as staff with their name.
    STAFF = "staff"
    #: A panel member (signed in with a magic link).
    MEMBER = "member"


#: Why a post was hidden; each has a translated notice shown in its place.
HIDE_REASONS: tuple[str, ...] = ("offensive", "personal_data", "spam", "off_topic", "other")
#: Why a visitor reports a post.
REPORT_REASONS: tuple[str, ...] = ("offensive", "personal_data", "spam", "off_topic", "other")


class Discussion(db.Model):
    __tablename__ = "discussions"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        ForeignKey("engagements.id", ondelete="CASCADE"), unique=True
    )
    #: Comments are taken (while the engagement is open).
    is_enabled: Mapped[bool] = mapped_column(default=True)
    #: New posts wait for a moderator (pre-moderation); off = post-moderation.
    premoderated: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    threads: Mapped[list[Thread]] = relationship(
        back_populates="discussion", order_by="Thread.id", cascade="all, delete-orphan"
    )


class Thread(db.Model):
    __tablename__ = "discussion_threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    discussion_id: Mapped[int] = mapped_column(
        ForeignKey("discussions.id", ondelete="CASCADE"), index=True
    )
    #: As written by whoever started it (not translated); empty for a hearing's comment thread.
    title: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[str] = mapped_column(String(5), default="fi")
    author_kind: Mapped[AuthorKind] = mapped_column(String(10), default=AuthorKind.STAFF)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The panel member who started the thread (a panel's forum).
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel_members.id", ondelete="SET NULL"), index=True
    )
    is_locked: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    discussion: Mapped[Discussion] = relationship(back_populates="threads")
    posts: Mapped[list[Post]] = relationship(
        back_populates="thread", order_by="Post.id", cascade="all, delete-orphan"
    )


class Post(db.Model):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_threads.id", ondelete="CASCADE"), index=True
    )
    #: The post this one answers (one level of replies).
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )
    author_kind: Mapped[AuthorKind] = mapped_column(String(10), default=AuthorKind.RESIDENT)
    #: The name shown: a resident's nickname, a staff member's name.
    author_name: Mapped[str] = mapped_column(String(80), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The panel member who wrote the post (a panel's forum): they may edit it for a short time.
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel_members.id", ondelete="SET NULL"), index=True
    )
    #: Plain text as written (control characters removed); shown escaped.
    body: Mapped[str] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(5), default="fi")
    state: Mapped[PostState] = mapped_column(String(10), default=PostState.VISIBLE, index=True)
    #: Code of :data:`HIDE_REASONS` when hidden.
    hidden_reason: Mapped[str | None] = mapped_column(String(20))
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    thread: Mapped[Thread] = relationship(back_populates="posts")
    reports: Mapped[list[PostReport]] = relationship(
        back_populates="post", cascade="all, delete-orphan"
    )


class PostReport(db.Model):
    """A visitor's "report this comment"; resolved when a moderator has looked at it."""

    __tablename__ = "post_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    post: Mapped[Post] = relationship(back_populates="reports")
