"""`flask export participation`: the year's participation records as a file."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.eva.report import current_year
from app.extensions import db
from app.i18n import LOCALES
from app.participation import export
from app.participation.queries import FIRST_YEAR, LAST_YEAR
from app.participation.records import parse_year

export_cli = AppGroup("export", help="Exports for reporting: the participation records.")


@export_cli.command("participation")
@click.option("--year", "year_text", metavar="YEAR", help="The year [default: this year].")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(export.FORMATS),
    required=True,
    help="xlsx: workbook with charts; csv: one tidy table; json: the records as one document.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The file to write.",
)
@click.option(
    "--language",
    type=click.Choice(LOCALES),
    default="fi",
    show_default=True,
    help="Language of the headings and labels.",
)
def participation(year_text: str | None, fmt: str, out: Path, language: str) -> None:
    """Write the year's participation records as XLSX, CSV or JSON, for the welfare report.

    The XLSX workbook has the summary by goal and focus area, the plan table (focus areas ×
    departments), departments, channels and languages, quarters, every engagement, the reach
    compared with the population and the TEAviisari evidence, with charts. The CSV is one tidy
    table with codes; the JSON is the same as the open-data API plus unlisted engagements.
    Nothing in them names a person. The export is audited.
    """
    year = current_year() if year_text is None else parse_year(year_text)
    if year is None:
        raise click.BadParameter(
            f"{year_text!r} is not a year from {FIRST_YEAR} to {LAST_YEAR}.",
            param_hint="'--year'",
        )
    try:
        handle = out.open("wb")
    except OSError as error:
        raise click.ClickException(f"Cannot write {out}: {error.strerror or error}.") from error
    try:
        with handle:
            export.write(year, fmt, language, handle)
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    export.audit_export(year, fmt, language)
    db.session.commit()
    size = out.stat().st_size
    click.echo(
        f"Participation records {year} ({fmt.upper()}, {language}): {size} bytes written to {out}."
    )
