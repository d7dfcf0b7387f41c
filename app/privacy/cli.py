"""`flask retention run`: remove personal data whose retention period has ended."""

from __future__ import annotations

from dataclasses import asdict

import click
from flask.cli import AppGroup

from app.extensions import db
from app.privacy import retention

retention_cli = AppGroup("retention", help="Personal data: removal after the retention period.")

#: What each count means, in the order printed.
LABELS = {
    "engagements_due": "Engagements past their retention period",
    "answer_texts": "Written answers emptied",
    "subscriptions": "Outcome subscriptions (e-mail addresses) deleted",
    "invitation_addresses": "Invitation e-mail addresses removed",
    "drafts": "Expired answers in progress deleted",
    "outbox": "Sent e-mails deleted from the outbox",
    "requests": "Old data requests deleted or emptied",
    "panel_motivations": "Panel application motivations removed",
    "panel_participants": "Panel applicants' names and e-mail addresses removed",
    "panel_links": "Panel sign-in links deleted",
    "panel_emails": "E-mails to panel applicants deleted",
}


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Count what would be removed; change nothing.")
def run(dry_run: bool) -> None:
    """Remove contact e-mails, panel members' details and free-text answers past their period.

    An engagement's period ends its retention days after it closed. Answer rows, submissions and
    memberships stay without the personal data, so every count in results and participation
    records stays the same. Safe to run from cron (e.g. nightly): a second run removes nothing.
    Prints counts only, and writes them to the audit log.
    """
    report = retention.run()
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    for key, value in asdict(report).items():
        click.echo(f"{LABELS[key]}: {value}.")
    if dry_run:
        click.echo("Dry run: nothing was changed.")
