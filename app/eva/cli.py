"""`flask eva ...`: the yearly EVA register from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from app.eva import report
from app.extensions import db
from app.i18n import LOCALES

eva_cli = AppGroup("eva", help="EVA impact assessments: the yearly register.")


@eva_cli.command("register")
@click.option(
    "--year",
    type=click.IntRange(report.FIRST_YEAR, report.LAST_YEAR),
    help="The year whose screenings to list [default: this year].",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The XLSX file to write.",
)
@click.option(
    "--language",
    type=click.Choice(LOCALES),
    default="fi",
    show_default=True,
    help="Language of the headings and texts.",
)
def register(year: int | None, out: Path, language: str) -> None:
    """Write the yearly EVA register (every department) as XLSX, for the audit committee.

    One row per screening made in the year: department, change, whether an EVA was needed
    (and why not), decision maker, hearing period, residents heard, comments, whether the
    outcome was published and the decision reference. The export is audited.
    """
    year = year or report.current_year()
    with force_locale(language), out.open("wb") as handle:
        rows = report.register_rows(year, language)
        report.write_register_xlsx(rows, handle)
    report.audit_register_export(year, len(rows), language)
    db.session.commit()
    click.echo(f"EVA register {year}: {len(rows)} rows written to {out}.")
