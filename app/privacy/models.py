"""A resident's request to see or remove what is stored about them (GDPR articles 15 and 17)."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.types import UTCDateTime, utcnow
from app.extensions import db


class RequestKind(StrEnum):
    #: "What is stored about me?"
    ACCESS = "access"
    #: "Remove what is stored about me."
    ERASE = "erase"


class RequestStatus(StrEnum):
    #: Asked by e-mail address; waits for the resident to open the link sent to that address.
    UNCONFIRMED = "unconfirmed"
    #: Waits for the coordinator.
    OPEN = "open"
    DONE = "done"
    REFUSED = "refused"


def new_request_token() -> str:
    return secrets.token_urlsafe(24)


class DataRequest(db.Model):
    """One request. It names its subject by e-mail address (panel applicants and members,
    outcome subscribers, e-mailed invitations) or by a response's receipt code (an anonymous
    answer: holding the code is the proof)."""

    __tablename__ = "data_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The key of the resident's status page; for an e-mail request it only arrives by e-mail,
    #: so opening it proves the address is theirs. Unguessable.
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_request_token)
    kind: Mapped[RequestKind] = mapped_column(String(10))
    #: Lower-cased; empty for a receipt-code request. Removed with the request's retention.
    email: Mapped[str | None] = mapped_column(String(320))
    receipt_code: Mapped[str | None] = mapped_column(String(20))
    #: The language the resident used: the status page and e-mails speak it.
    locale: Mapped[str] = mapped_column(String(5), default="fi")
    status: Mapped[RequestStatus] = mapped_column(
        String(12), default=RequestStatus.UNCONFIRMED, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: The coordinator's words to the resident (why refused, what was done); shown to them.
    reply: Mapped[str] = mapped_column(Text, default="")
