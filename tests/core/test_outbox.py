"""E-mail goes through the outbox table and `flask outbox send`."""

from __future__ import annotations

import email
import logging
import smtplib

from sqlalchemy import select

from app.core.mail import OutboxMessage, queue_email
from app.extensions import db


def queue(app, to="person@city.example", locale="en"):
    with app.test_request_context():
        message = queue_email(to, "password_reset", locale, user=None, link="https://x.example/l")
    db.session.commit()
    return message


def test_send_writes_eml_files_in_development_and_marks_them_sent(app, runner, tmp_path):
    app.config["MAIL_FILE_DIR"] = str(tmp_path)
    message = queue(app)
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 1, failed 0" in result.output
    [path] = tmp_path.glob("*.eml")
    parsed = email.message_from_bytes(path.read_bytes())
    assert parsed["To"] == "person@city.example"
    assert parsed["Subject"].startswith("Set a new password")
    db.session.refresh(message)
    assert message.sent_at is not None
    assert runner.invoke(args=["outbox", "send"]).output.startswith("Sent 0")


def test_failed_smtp_is_retried_later_and_the_address_is_not_logged(
    app, runner, monkeypatch, caplog
):
    app.config["MAIL_SERVER"] = "127.0.0.1"

    def refuse(*args, **kwargs):
        raise smtplib.SMTPConnectError(421, "busy")

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    queue(app, to="secret.person@city.example")
    with caplog.at_level(logging.WARNING):
        result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 1
    message = db.session.scalar(select(OutboxMessage))
    assert message.sent_at is None
    assert message.attempts == 1
    assert "secret.person" not in caplog.text


def test_message_is_written_in_the_recipients_language_not_the_pages(app):
    with app.test_request_context("/en/password/reset"):
        finnish = queue_email("a@city.example", "password_reset", "fi", user=None, link="x")
        swedish = queue_email("b@city.example", "password_reset", "sv", user=None, link="x")
    assert finnish.subject == "Luo uusi salasana palveluun Osallistu"
    assert swedish.subject == "Välj ett nytt lösenord för Osallistu"
    assert "Hei" in finnish.body_text
