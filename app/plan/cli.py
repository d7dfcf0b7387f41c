"""`flask plan import|export|show`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from app.extensions import db
from app.i18n import LOCALES, tr
from app.plan import services as plan_services

plan_cli = AppGroup("plan", help="Import, export and list the welfare plan.")


@plan_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def plan_import(path: Path) -> None:
    """Load a plan data file (YAML): create the plan or update it by its code.

    The file is checked first; on any error nothing is imported and every problem is listed
    with its line and key.
    """
    try:
        result = plan_services.import_plan(path.read_text(encoding="utf-8"))
    except plan_services.PlanFileError as error:
        db.session.rollback()
        click.echo(f"{path}: the plan was not imported:", err=True)
        for problem in error.errors:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    db.session.commit()
    verb = "created" if result.created else "updated"
    click.echo(
        f"Plan {result.plan_code} {verb}: {result.goals} strategic goals, "
        f"{result.focus_areas} focus areas; departments added: "
        f"{', '.join(result.departments_added) or 'none'}."
    )


@plan_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def plan_export(path: Path) -> None:
    """Write the current plan and the departments to a plan data file (YAML)."""
    try:
        text = plan_services.export_plan()
    except plan_services.PlanError as error:
        raise click.ClickException(str(error)) from None
    path.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {path}.")


@plan_cli.command("show")
@click.option("--lang", type=click.Choice(LOCALES), default="fi", help="Language of the texts.")
def plan_show(lang: str) -> None:
    """List the current plan's goals and focus areas, and the departments, with their codes."""
    plan = plan_services.current_plan()
    if plan is None:
        click.echo("No plan loaded. Use: flask plan import PATH")
    else:
        click.echo(f"{plan.code}  {tr(plan.title, lang)} ({plan.period_start}-{plan.period_end})")
        for goal in plan.goals:
            click.echo(f"  {goal.code}  {tr(goal.title, lang)}")
            for area in goal.focus_areas:
                click.echo(f"    {area.code}  {tr(area.title, lang)}")
    click.echo("Departments:")
    for dep in plan_services.list_departments():
        status = "" if dep.is_active else "  (not in use)"
        click.echo(f"  {dep.code}  {tr(dep.name, lang)}{status}")
