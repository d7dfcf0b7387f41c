"""E-mail through the outbox: queued in the same transaction as the change, sent by a command."""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from app.core.types import UTCDateTime, utcnow
from app.extensions import db

log = logging.getLogger(__name__)

#: Give up on a message after this many failed sending attempts.
MAX_ATTEMPTS = 5


class OutboxMessage(db.Model):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    #: Language the message was written in.
    locale: Mapped[str] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Empty until sent; the sender picks up rows where this is empty.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    #: Last sending error (no message content, no address).
    last_error: Mapped[str | None] = mapped_column(String(500))


def queue_email(to: str, template: str, locale: str, **context: object) -> OutboxMessage:
    """Render ``templates/email/<template>.txt`` in ``locale`` and queue it.

    The template's first line is ``Subject: ...``; the rest is the body.
    """
    with force_locale(locale):
        rendered = render_template(f"email/{template}.txt", locale=locale, **context)
    first, _, body = rendered.lstrip().partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"e-mail template {template} must start with 'Subject:'")
    message = OutboxMessage(
        to_address=to,
        subject=first.removeprefix("Subject:").strip(),
        body_text=body.strip() + "\n",
        locale=locale,
    )
    db.session.add(message)
    return message


def _as_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = formatdate(message.created_at.timestamp(), localtime=False)
    email["Message-ID"] = make_msgid(idstring=f"outbox{message.id}")
    email["Content-Language"] = message.locale
    email.set_content(message.body_text)
    return email


def send_pending(limit: int = 100) -> tuple[int, int]:
    """Send queued messages; returns (sent, failed). Commits after each message."""
    config = current_app.config
    pending = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    sent = failed = 0
    smtp: smtplib.SMTP | None = None
    try:
        for message in pending:
            try:
                email = _as_email(message)
                if config.get("MAIL_SERVER"):
                    if smtp is None:
                        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
                        if config.get("MAIL_USE_TLS"):
                            smtp.starttls()
                        if config.get("MAIL_USERNAME"):
                            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
                    smtp.send_message(email)
                else:
                    folder = Path(config["MAIL_FILE_DIR"])
                    folder.mkdir(parents=True, exist_ok=True)
                    (folder / f"{message.id:08d}.eml").write_bytes(bytes(email))
                message.sent_at = utcnow()
                sent += 1
            except (OSError, smtplib.SMTPException) as error:
                message.attempts += 1
                message.last_error = type(error).__name__
                failed += 1
                # No address or content in the log: it is personal data.
                log.warning("outbox message %s not sent: %s", message.id, type(error).__name__)
            db.session.commit()
    finally:
        if smtp is not None:
            smtp.quit()
    return sent, failed
