"""Residents' requests to see or remove what is stored about them, handled by the coordinator.

A request names its subject by e-mail address or by receipt code:

- e-mail: the resident gets a link at that address; only opening it makes the request open for
  the coordinator (nobody can ask for someone else's data). It covers panel applications and
  memberships, outcome subscriptions and e-mailed invitations.
- receipt code: the code proves the anonymous response is theirs; the request opens at once.

What is found is computed when shown (:func:`find`), never copied into the request. Every step
is audited, without the address or the code in the audit row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import selectinload

from app.auth.services import normalize_email
from app.core import audit
from app.core.mail import OutboxMessage, queue_email
from app.core.types import utcnow
from app.discussion.models import Post, PostState
from app.engagements.lifecycle import normalize_code
from app.engagements.models import Engagement, Invitation, OutcomeSubscription
from app.extensions import db
from app.i18n import LANGUAGE_NAMES, tr
from app.panels.models import MagicLink, PanelApplication, PanelMember, Participant
from app.panels.retention import placeholder_email
from app.privacy.models import DataRequest, RequestKind, RequestStatus
from app.questionnaires.models import Answer, Question, QuestionOption, Submission


class PrivacyError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- asking ------------------------------------------------------------------------------------


def ask_by_email(kind: RequestKind, email: str, locale: str) -> DataRequest:
    """Store an unconfirmed request and e-mail the confirmation link to the address. Answers
    the same whether or not anything is stored about the address."""
    request = DataRequest(kind=kind, email=normalize_email(email), locale=locale)
    db.session.add(request)
    db.session.flush()
    queue_email(request.email, "data_request_confirm", locale, data_request=request)
    audit.record("privacy.request.ask", f"data_requests:{request.id}", kind=kind, subject="email")
    return request


def ask_by_receipt(kind: RequestKind, code: str, locale: str) -> DataRequest:
    """Store an open request for the response with this receipt code.

    Raises ``PrivacyError("unknown_code")`` when no response has the code.
    """
    # Typed by hand: case, spaces and missing dashes are forgiven, as for invitation codes.
    code = normalize_code(code)
    if code is None or (
        db.session.scalar(select(Submission.id).where(Submission.receipt_code == code)) is None
    ):
        raise PrivacyError("unknown_code")
    now = utcnow()
    request = DataRequest(
        kind=kind,
        receipt_code=code,
        locale=locale,
        status=RequestStatus.OPEN,
        confirmed_at=now,
    )
    db.session.add(request)
    db.session.flush()
    audit.record("privacy.request.ask", f"data_requests:{request.id}", kind=kind, subject="receipt")
    return request


def by_token(token: str) -> DataRequest | None:
    return db.session.scalar(select(DataRequest).where(DataRequest.token == token))


def confirm(request: DataRequest) -> bool:
    """The resident opened the link sent to the address: the request opens. True when it was
    confirmed now (not before)."""
    if request.status != RequestStatus.UNCONFIRMED:
        return False
    request.status = RequestStatus.OPEN
    request.confirmed_at = utcnow()
    audit.record("privacy.request.confirm", f"data_requests:{request.id}")
    db.session.flush()
    return True


# --- what is stored ----------------------------------------------------------------------------


@dataclass
class Section:
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Found:
    sections: list[Section] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.sections


def _when(value: datetime | None) -> str:
    return format_datetime(value, "short") if value else "–"


def _title(engagement: Engagement, locale: str) -> str:
    return tr(engagement.title, locale) or engagement.public_id


def find(request: DataRequest, locale: str) -> Found:
    """Everything stored about the request's subject, as labelled rows in ``locale``."""
    if request.receipt_code:
        return _find_submission(request.receipt_code, locale)
    return _find_email(request.email or "", locale)


def _find_email(address: str, locale: str) -> Found:
    found = Found()
    if not address:
        return found
    participant = db.session.scalar(select(Participant).where(Participant.email == address))
    if participant is not None:
        found.sections.append(
            Section(
                _("Contact details for customer panels"),
                [
                    (_("Name"), participant.name or "–"),
                    (_("E-mail address"), participant.email),
                    (
                        _("Language"),
                        str(LANGUAGE_NAMES.get(participant.locale, participant.locale)),
                    ),
                    (_("Stored since"), _when(participant.created_at)),
                ],
            )
        )
        applications = db.session.scalars(
            select(PanelApplication)
            .where(PanelApplication.participant_id == participant.id)
            .options(selectinload(PanelApplication.panel))
            .order_by(PanelApplication.id)
        )
        for application in applications:
            rows = [
                (_("Sent"), _when(application.created_at)),
                (_("Status"), str(application.status)),
            ]
            rows += [(dimension, band) for dimension, band in sorted(application.bands.items())]
            rows.append((_("Why you want to take part"), application.motivation or "–"))
            found.sections.append(
                Section(
                    _(
                        "Application to the panel %(panel)s",
                        panel=_title(application.panel.engagement, locale),
                    ),
                    rows,
                )
            )
        members = list(
            db.session.scalars(
                select(PanelMember)
                .where(PanelMember.participant_id == participant.id)
                .options(selectinload(PanelMember.panel))
                .order_by(PanelMember.id)
            )
        )
        for member in members:
            posts = db.session.scalar(
                select(func.count()).select_from(Post).where(Post.member_id == member.id)
            )
            found.sections.append(
                Section(
                    _(
                        "Member of the panel %(panel)s",
                        panel=_title(member.panel.engagement, locale),
                    ),
                    [
                        (_("Joined"), _when(member.joined_at)),
                        (_("Left"), _when(member.left_at)),
                        (_("Messages in the panel's forum"), str(posts)),
                    ],
                )
            )
    subscriptions = db.session.execute(
        select(OutcomeSubscription, Engagement)
        .join(Engagement, Engagement.id == OutcomeSubscription.engagement_id)
        .where(OutcomeSubscription.email == address)
        .order_by(OutcomeSubscription.id)
    )
    for subscription, engagement in subscriptions:
        found.sections.append(
            Section(
                _("You asked to hear the outcome of %(title)s", title=_title(engagement, locale)),
                [
                    (_("E-mail address"), subscription.email),
                    (_("Stored since"), _when(subscription.created_at)),
                    (_("Outcome e-mail sent"), _when(subscription.notified_at)),
                ],
            )
        )
    invitations = db.session.execute(
        select(Invitation, Engagement)
        .join(Engagement, Engagement.id == Invitation.engagement_id)
        .where(Invitation.email == address)
        .order_by(Invitation.id)
    )
    for invitation, engagement in invitations:
        found.sections.append(
            Section(
                _("Invitation to answer %(title)s", title=_title(engagement, locale)),
                [
                    (_("E-mail address"), invitation.email or ""),
                    (_("Sent"), _when(invitation.created_at)),
                    (_("Used"), _("yes") if invitation.used_at else _("no")),
                ],
            )
        )
    return found


def _value(answer: Answer, labels: dict[tuple[int, str, str], dict], locale: str) -> str:
    if answer.text is not None and answer.option_code is None:
        return answer.text
    if answer.option_code is not None:
        label = tr(labels.get((answer.question_id, "option", answer.option_code), {}), locale)
        shown = label or answer.option_code
        return f"{shown}: {answer.text}" if answer.text else shown
    if answer.number is not None:
        number = answer.number
        return str(number.normalize() if isinstance(number, Decimal) else number)
    if answer.date is not None:
        return format_date(answer.date, "short")
    return "–"


def _find_submission(code: str, locale: str) -> Found:
    found = Found()
    submission = db.session.scalar(select(Submission).where(Submission.receipt_code == code))
    if submission is None:
        return found
    engagement = db.session.get(Engagement, submission.engagement_id)
    rows = [
        (_("Receipt code"), submission.receipt_code),
        (_("Sent"), _when(submission.submitted_at)),
        (_("Language"), str(LANGUAGE_NAMES.get(submission.locale, submission.locale))),
    ]
    rows += [(key, value) for key, value in sorted(submission.demographics.items())]
    found.sections.append(
        Section(_("Your answer to %(title)s", title=_title(engagement, locale)), rows)
    )
    answers = list(
        db.session.scalars(
            select(Answer).where(Answer.submission_id == submission.id).order_by(Answer.id)
        )
    )
    question_ids = {answer.question_id for answer in answers}
    questions = {
        q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(question_ids)))
    }
    labels = {
        (o.question_id, o.role, o.code): o.label
        for o in db.session.scalars(
            select(QuestionOption).where(QuestionOption.question_id.in_(question_ids))
        )
    }
    answer_rows = []
    for answer in answers:
        question = questions[answer.question_id]
        label = tr(question.text, locale) or question.code
        if answer.row_code:
            row = tr(labels.get((question.id, "row", answer.row_code), {}), locale)
            label = f"{label} – {row or answer.row_code}"
        answer_rows.append((label, _value(answer, labels, locale)))
    if answer_rows:
        found.sections.append(Section(_("Your answers"), answer_rows))
    return found


# --- handling ----------------------------------------------------------------------------------


@dataclass
class Erased:
    """Counts of what an erasure removed."""

    participants: int = 0
    motivations: int = 0
    memberships_ended: int = 0
    posts: int = 0
    links: int = 0
    subscriptions: int = 0
    invitations: int = 0
    emails: int = 0
    responses: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _erase_email(address: str) -> Erased:
    erased = Erased()
    now = utcnow()
    participant = db.session.scalar(select(Participant).where(Participant.email == address))
    if participant is not None:
        erased.motivations = (
            db.session.execute(
                update(PanelApplication)
                .where(
                    PanelApplication.participant_id == participant.id,
                    PanelApplication.motivation != "",
                )
                .values(motivation="")
            ).rowcount
            or 0
        )
        member_ids = list(
            db.session.scalars(
                select(PanelMember.id).where(PanelMember.participant_id == participant.id)
            )
        )
        if member_ids:
            erased.memberships_ended = (
                db.session.execute(
                    update(PanelMember)
                    .where(PanelMember.id.in_(member_ids), PanelMember.left_at.is_(None))
                    .values(left_at=now)
                ).rowcount
                or 0
            )
            # The forum keeps its threads readable: the member's messages are emptied and
            # hidden as personal data, replies by others stay.
            erased.posts = (
                db.session.execute(
                    update(Post)
                    .where(Post.member_id.in_(member_ids), Post.body != "")
                    .values(
                        body="",
                        author_name="",
                        state=PostState.HIDDEN,
                        hidden_reason="personal_data",
                        moderated_at=now,
                    )
                ).rowcount
                or 0
            )
        erased.links = (
            db.session.execute(
                delete(MagicLink).where(MagicLink.participant_id == participant.id)
            ).rowcount
            or 0
        )
        participant.name = ""
        participant.email = placeholder_email(participant.id)
        erased.participants = 1
    erased.subscriptions = (
        db.session.execute(
            delete(OutcomeSubscription).where(OutcomeSubscription.email == address)
        ).rowcount
        or 0
    )
    erased.invitations = (
        db.session.execute(
            update(Invitation).where(Invitation.email == address).values(email=None)
        ).rowcount
        or 0
    )
    erased.emails = (
        db.session.execute(
            delete(OutboxMessage).where(OutboxMessage.to_address == address)
        ).rowcount
        or 0
    )
    return erased


def _erase_submission(code: str) -> Erased:
    submission = db.session.scalar(select(Submission).where(Submission.receipt_code == code))
    erased = Erased()
    if submission is not None:
        db.session.delete(submission)
        erased.responses = 1
    return erased


def _answer(request: DataRequest, status: RequestStatus, reply: str, user_id: int) -> None:
    """Close the request with the coordinator's words; an e-mail request's address gets a
    message with the link to its status page."""
    request.status = status
    request.reply = reply
    request.handled_at = utcnow()
    request.handled_by_id = user_id
    db.session.flush()
    if request.email:
        queue_email(request.email, "data_request_done", request.locale, data_request=request)


def complete(request: DataRequest, reply: str, user_id: int) -> Erased:
    """Do what was asked: an access request is marked done (the resident's status page then
    shows what is stored); an erasure removes the data. Flushes; the caller commits."""
    if request.status != RequestStatus.OPEN:
        raise PrivacyError("not_open")
    erased = Erased()
    if request.kind == RequestKind.ERASE:
        if request.receipt_code:
            erased = _erase_submission(request.receipt_code)
        else:
            erased = _erase_email(request.email or "")
    _answer(request, RequestStatus.DONE, reply, user_id)
    audit.record(
        f"privacy.request.{request.kind}",
        f"data_requests:{request.id}",
        actor_id=user_id,
        **erased.as_dict(),
    )
    return erased


def refuse(request: DataRequest, reply: str, user_id: int) -> None:
    """Refuse with a reason the resident sees (e.g. the law requires keeping the data)."""
    if request.status != RequestStatus.OPEN:
        raise PrivacyError("not_open")
    if not reply.strip():
        raise PrivacyError("reason_needed")
    _answer(request, RequestStatus.REFUSED, reply, user_id)
    audit.record("privacy.request.refuse", f"data_requests:{request.id}", actor_id=user_id)


def requests_list(status: RequestStatus | None) -> list[DataRequest]:
    stmt = select(DataRequest).order_by(DataRequest.created_at.desc()).limit(500)
    if status is not None:
        stmt = stmt.where(DataRequest.status == status)
    else:
        stmt = stmt.where(DataRequest.status != RequestStatus.UNCONFIRMED)
    return list(db.session.scalars(stmt))


def open_count() -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(DataRequest)
            .where(DataRequest.status == RequestStatus.OPEN)
        )
        or 0
    )
