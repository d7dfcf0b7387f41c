"""`flask surveys ...`: export, XLSForm import and publishing from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from app.engagements.models import Engagement, Status
from app.extensions import db
from app.plan import services as plan_services
from app.plan.models import FocusArea
from app.questionnaires import services, xlsform

surveys_cli = AppGroup("surveys", help="Export, import and publish surveys.")


# --- XLSForm import and publishing (issue 4, XLSForm import) --------------------------------


def _focus_areas(codes: tuple[str, ...]) -> list[FocusArea]:
    areas, unknown = [], []
    for code in codes:
        area = plan_services.focus_area_by_code(code)
        if area is None:
            unknown.append(code)
        else:
            areas.append(area)
    if unknown:
        raise click.ClickException(f"Unknown focus area: {', '.join(unknown)}.")
    return areas


def _publish_or_list_missing(engagement: Engagement) -> bool:
    """Publish; when refused, list what is missing on stderr and return False."""
    try:
        services.publish(engagement)
    except services.QuestionnaireError as error:
        db.session.rollback()
        click.echo(f"Survey {engagement.public_id} was not published; it still lacks:", err=True)
        for problem in error.problems:
            click.echo(f"  - {problem}", err=True)
        return False
    db.session.commit()
    return True


@surveys_cli.command("import-xlsform")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--department", required=True, help="Code of the department that runs the survey.")
@click.option(
    "--focus-area",
    "focus_areas",
    multiple=True,
    required=True,
    help="Code of a focus area of the plan; give several times for several areas.",
)
@click.option("--publish", is_flag=True, help="Publish the survey right after the import.")
def import_xlsform_command(
    file: Path, department: str, focus_areas: tuple[str, ...], publish: bool
) -> None:
    """Create a draft survey from an XLSForm workbook (.xlsx) and print its public id.

    What could not be imported as it was is listed. The public id is the last line of the
    output. With --publish the survey is also published; if publishing is refused, what is
    missing is listed, the draft stays, and the exit status is 1.
    """
    dep = plan_services.department_by_code(department)
    if dep is None:
        raise click.ClickException(f"Unknown department: {department}.")
    areas = _focus_areas(focus_areas)
    if file.stat().st_size > xlsform.MAX_FILE_BYTES:
        raise click.ClickException(
            f"{file}: larger than {xlsform.MAX_FILE_BYTES // (1024 * 1024)} MB; not imported."
        )
    with force_locale("en"):
        try:
            result = xlsform.import_xlsform(file.read_bytes(), dep, areas, filename=file.name)
        except xlsform.XlsFormError as error:
            db.session.rollback()
            click.echo(f"{file}: the survey was not imported:", err=True)
            for message in error.messages:
                click.echo(f"  {message}", err=True)
            sys.exit(1)
        db.session.commit()
        click.echo(
            f"Imported a draft survey: {result.pages} pages, {result.questions} questions, "
            f"languages {', '.join(result.languages)}."
        )
        for heading, notes in (
            ("Not imported", result.skipped),
            ("Imported with changes", result.simplified),
        ):
            if notes:
                click.echo(f"{heading} ({len(notes)}):")
                for note in notes:
                    click.echo(f"  {note.where + ': ' if note.where else ''}{note.message}")
        published = _publish_or_list_missing(result.engagement) if publish else True
    click.echo(result.public_id)
    if not published:
        sys.exit(1)


@surveys_cli.command("publish")
@click.argument("public_id")
def publish_command(public_id: str) -> None:
    """Publish a draft survey; if refused, list what is missing and exit with status 1."""
    engagement = db.session.scalar(select(Engagement).where(Engagement.public_id == public_id))
    if engagement is None:
        raise click.ClickException(f"No survey with the id {public_id}.")
    if engagement.status == Status.PUBLISHED:
        click.echo(f"Survey {public_id} is already published.")
        return
    if not _publish_or_list_missing(engagement):
        sys.exit(1)
    click.echo(f"Published survey {public_id}.")


# --- export (issue 4, export) ---------------------------------------------------------------


@surveys_cli.command("export")
@click.argument("public_id")
@click.option(
    "--format",
    "format_",
    type=click.Choice(["csv", "xlsx", "codebook"]),
    default="csv",
    show_default=True,
    help="csv: answers; xlsx: answers and a codebook sheet; codebook: the codebook as CSV.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="File to write.",
)
@click.option(
    "--separator",
    type=click.Choice([",", ";"]),
    default=",",
    show_default=True,
    help="CSV separator; ';' also writes decimal commas (Finnish Excel).",
)
@click.option(
    "--headers",
    type=click.Choice(["codes", "labels"]),
    default="codes",
    show_default=True,
    help="Column headings as question codes or as question texts.",
)
@click.option(
    "--values",
    type=click.Choice(["codes", "labels"]),
    default="codes",
    show_default=True,
    help="Answers as option codes or as option texts.",
)
@click.option(
    "--language",
    type=click.Choice(["fi", "sv", "en"]),
    default="fi",
    show_default=True,
    help="Language of headings, option texts and the codebook.",
)
def export_command(
    public_id: str,
    format_: str,
    out: Path,
    separator: str,
    headers: str,
    values: str,
    language: str,
) -> None:
    """Export a survey's answers: one row per response, one column per question.

    The export is written to the audit log, like one from the staff pages.
    """
    from app.questionnaires import export

    engagement = db.session.scalar(select(Engagement).where(Engagement.public_id == public_id))
    if engagement is None:
        raise click.ClickException(f"No survey with the id {public_id}.")
    options = export.ExportOptions(
        format=format_,
        separator=separator,
        header_labels=headers == "labels",
        value_labels=values == "labels",
        language=language,
    )
    try:
        with out.open("wb") as stream:
            result = export.export_survey(engagement, stream, options)
    except (OSError, services.QuestionnaireError) as error:
        db.session.rollback()
        out.unlink(missing_ok=True)
        raise click.ClickException(f"Nothing exported: {error}") from error
    db.session.commit()
    if format_ == "codebook":
        click.echo(f"Wrote the codebook of {result.columns} columns ({result.rows} rows) to {out}.")
    else:
        click.echo(f"Wrote {result.rows} responses ({result.columns} columns) to {out}.")
