"""Questionnaires (pages → questions → options) and what residents send (submissions → answers)."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import TranslatedText, UTCDateTime, utcnow
from app.extensions import db


def new_version() -> str:
    return secrets.token_hex(8)


class Questionnaire(db.Model):
    __tablename__ = "questionnaires"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        ForeignKey("engagements.id", ondelete="CASCADE"), unique=True
    )
    intro: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    closing_text: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    #: A new random value on every change; the process cache of the definition is keyed by it
    #: (random rather than a counter, so a reused id can never hit a stale cache entry).
    version: Mapped[str] = mapped_column(String(32), default=new_version)

    def touch(self) -> None:
        """Mark the definition changed, so every process reloads it."""
        self.version = new_version()

    pages: Mapped[list[QuestionnairePage]] = relationship(
        back_populates="questionnaire",
        order_by="QuestionnairePage.position",
        cascade="all, delete-orphan",
    )


class QuestionnairePage(db.Model):
    __tablename__ = "questionnaire_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    #: Stable code, unique in the questionnaire.
    code: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    #: Display condition (app/questionnaires/conditions.py); null = always shown.
    condition: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="pages")
    questions: Mapped[list[Question]] = relationship(
        back_populates="page", order_by="Question.position", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("questionnaire_id", "code"),)


class Question(db.Model):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Repeated from the page so codes can be unique per questionnaire.
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    page_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_pages.id", ondelete="CASCADE"), index=True
    )
    #: Stable code: form field names, exports and conditions use it.
    code: Mapped[str] = mapped_column(String(40))
    #: A name in app/questionnaires/types.py REGISTRY.
    type: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(default=0)
    is_required: Mapped[bool] = mapped_column(default=False)
    text: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    help: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    #: Type-specific settings (min/max, points, end labels, display…).
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    condition: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    page: Mapped[QuestionnairePage] = relationship(back_populates="questions")
    options: Mapped[list[QuestionOption]] = relationship(
        back_populates="question", order_by="QuestionOption.position", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("questionnaire_id", "code"),)


class QuestionOption(db.Model):
    """An answer option, or a matrix row (``role='row'``)."""

    __tablename__ = "question_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    #: option | row
    role: Mapped[str] = mapped_column(String(10), default="option")
    code: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[dict] = mapped_column(TranslatedText, default=dict)
    is_other: Mapped[bool] = mapped_column(default=False)
    is_exclusive: Mapped[bool] = mapped_column(default=False)
    is_cant_say: Mapped[bool] = mapped_column(default=False)

    question: Mapped[Question] = relationship(back_populates="options")

    __table_args__ = (UniqueConstraint("question_id", "role", "code"),)


class Submission(db.Model):
    """One response. Anonymous: no IP address, no user id."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    engagement_id: Mapped[int] = mapped_column(
        ForeignKey("engagements.id", ondelete="CASCADE"), index=True
    )
    #: web | paper | event | phone | kiosk
    channel: Mapped[str] = mapped_column(String(10), default="web")
    locale: Mapped[str] = mapped_column(String(5))
    #: Shown to the respondent as proof; unguessable.
    receipt_code: Mapped[str] = mapped_column(String(20), unique=True)
    #: Keyed hash of a browser or invite token, for one-response rules; null when not used.
    respondent_hash: Mapped[str | None] = mapped_column(String(64))
    #: The answering form's one-time token: a double-clicked submit stores one response.
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Optional background bands snapshotted at submission ({"age": "30-44", ...}).
    demographics: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: The staff member who typed in a paper or phone answer.
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    answers: Mapped[list[Answer]] = relationship(
        back_populates="submission", cascade="all, delete-orphan"
    )

    __table_args__ = (
        Index(
            "uq_submissions_engagement_id_respondent_hash",
            "engagement_id",
            "respondent_hash",
            unique=True,
        ),
    )


class Answer(db.Model):
    """One value of a submission, long format: codes, never labels."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="RESTRICT"), index=True
    )
    option_code: Mapped[str | None] = mapped_column(String(40))
    row_code: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str | None] = mapped_column(Text)
    number: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    date: Mapped[date | None]
    rank: Mapped[int | None]
    #: Staff hid this free-text answer from published results (personal data, insults).
    is_hidden: Mapped[bool] = mapped_column(default=False)
    #: Staff's edited version for publishing (names removed); the original stays for staff.
    redacted_text: Mapped[str | None] = mapped_column(Text)

    submission: Mapped[Submission] = relationship(back_populates="answers")

    __table_args__ = (
        # Covers the results counts (queries.answer_counts, value_counts, respondent_counts):
        # they read this index question by question and never the table rows. The plain
        # question_id index stays for the newest-first pages of written answers.
        Index(
            "ix_answers_counts",
            "question_id",
            "row_code",
            "option_code",
            "rank",
            "number",
            "date",
            "submission_id",
        ),
    )


def new_code() -> str:
    """12 unambiguous characters in three groups, e.g. ``K7QX-3MPA-9TZC`` (60 bits).

    Receipt codes and resume codes: typeable on another device, unguessable.
    """
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class ResponseDraft(db.Model):
    """Answers in progress: kept between pages, resumable with a code, deleted on submit."""

    __tablename__ = "response_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        ForeignKey("engagements.id", ondelete="CASCADE"), index=True
    )
    #: Typed on another device to continue; also the submission's form token (one response).
    resume_code: Mapped[str] = mapped_column(String(20), unique=True, default=new_code)
    #: Form field name → values, exactly as typed.
    values: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    #: Code of the page the respondent is on.
    page_code: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: Removed after this (answers in progress are personal data too).
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ResultTally(db.Model):
    """A survey's results counts as last computed, kept so a new process needn't recount.

    Written by the read side (:mod:`app.questionnaires.frames`), never by a resident's submit;
    like the process cache it covers responses up to ``newest`` and is brought up to date by
    counting only the responses that came after. Holds counts of codes, nothing personal.
    """

    __tablename__ = "result_tallies"

    #: What was counted, e.g. ``survey:12:v3`` (all responses of version 3) or ``facets:12``.
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        ForeignKey("engagements.id", ondelete="CASCADE"), index=True
    )
    #: Responses counted and the newest one's id.
    count: Mapped[int]
    newest: Mapped[int]
    #: The tally's frames as JSON (:func:`app.questionnaires.frames.encode_tally`).
    data: Mapped[str] = mapped_column(Text)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
