"""`flask outbox send`."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from app.core.mail import send_pending

outbox_cli = AppGroup("outbox", help="Send queued e-mail.")


@outbox_cli.command("send")
@click.option("--limit", default=100, show_default=True)
def outbox_send(limit: int) -> None:
    """Send queued e-mail: by SMTP when MAIL_SERVER is set, else as .eml files in MAIL_FILE_DIR."""
    sent, failed = send_pending(limit)
    where = current_app.config.get("MAIL_SERVER") or current_app.config["MAIL_FILE_DIR"]
    click.echo(f"Sent {sent}, failed {failed} ({where}).")
    if failed:
        sys.exit(1)
