"""`flask panels purge`: remove panel members' personal data after the retention period."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
from app.panels import retention

panels_cli = AppGroup("panels", help="Customer panels: retention of members' personal data.")


@panels_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be removed; change nothing.")
def purge(dry_run: bool) -> None:
    """Remove the personal data of panels whose retention period has ended.

    A panel is due when its term ended (without a term end: when its applications closed) more
    than the engagement's retention days ago. Motivations and sign-in links of its applicants
    go; names and e-mail addresses of people in no other panel still kept go too. Memberships,
    their dates and background bands stay for the participation records. Safe to run daily:
    running it again changes nothing. Prints counts only.
    """
    report = retention.purge_due()
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    click.echo(f"Panels past their retention period: {len(report.panels)}.")
    click.echo(f"Motivations removed: {report.motivations}.")
    click.echo(f"Sign-in links removed: {report.links}.")
    click.echo(f"People whose name and e-mail address were removed: {report.participants}.")
    click.echo(f"E-mails to them removed from the outbox: {report.emails}.")
    if dry_run:
        click.echo("Dry run: nothing was changed.")
