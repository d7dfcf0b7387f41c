"""Command-line commands: flask plan …, flask users …, flask outbox …, flask demo …"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.auth import services as auth_services
from app.core.auth import Role
from app.core.mail import send_pending
from app.extensions import db
from app.i18n import LOCALES, tr
from app.plan import services as plan_services

plan_cli = AppGroup("plan", help="Import, export and list the welfare plan.")
users_cli = AppGroup("users", help="Manage staff users.")
outbox_cli = AppGroup("outbox", help="Send queued e-mail.")
demo_cli = AppGroup("demo", help="Demo content for trying the service out.")

DEMO_PASSWORD = "osallistu-demo"  # noqa: S105 (printed for the demo; refused in production)
DEMO_USERS = [
    ("koordinaattori@demo.osallistu.fi", Role.COORDINATOR, None, "Kaisa Koordinaattori"),
    ("sivistys@demo.osallistu.fi", Role.STAFF, "sivistys", "Seppo Sivistys"),
    ("vapaa-aika@demo.osallistu.fi", Role.STAFF, "kulttuuri-vapaa-aika", "Veera Vapaa-aika"),
    ("tekninen@demo.osallistu.fi", Role.STAFF, "tekniset-palvelut", "Teemu Tekninen"),
]


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


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([role.value for role in Role]), default=Role.STAFF.value)
@click.option("--department", help="Department code (required for staff).")
@click.option("--name", default="")
@click.option("--locale", type=click.Choice(LOCALES), default="fi")
@click.password_option(help="Asked for when not given.")
def users_create(
    email: str, role: str, department: str | None, name: str, locale: str, password: str
) -> None:
    """Create a staff user or a coordinator with a password, e.g. the first coordinator."""
    dep = None
    if department:
        dep = plan_services.department_by_code(department)
        if dep is None:
            raise click.ClickException(f"No department with code {department!r}.")
    problem = auth_services.check_password_rules(password, email)
    if problem:
        raise click.ClickException(f"Password not accepted: {problem.replace('_', ' ')}.")
    try:
        user = auth_services.create_user(
            email, Role(role), dep, name=name, password=password, locale=locale
        )
    except auth_services.AuthError as error:
        db.session.rollback()
        raise click.ClickException(str(error).replace("_", " ")) from None
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}.")


@outbox_cli.command("send")
@click.option("--limit", default=100, show_default=True)
def outbox_send(limit: int) -> None:
    """Send queued e-mail: by SMTP when MAIL_SERVER is set, else as .eml files in MAIL_FILE_DIR."""
    sent, failed = send_pending(limit)
    where = current_app.config.get("MAIL_SERVER") or current_app.config["MAIL_FILE_DIR"]
    click.echo(f"Sent {sent}, failed {failed} ({where}).")
    if failed:
        sys.exit(1)


@demo_cli.command("load")
def demo_load() -> None:
    """Load the Kemi plan and demo staff users if they are missing. Safe to run again:
    nothing that exists is changed."""
    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("Demo content is not loaded in production.")
    path = Path(current_app.config["PLAN_DATA_FILE"])
    created_plan = False
    if plan_services.current_plan() is None:
        plan_services.import_plan(path.read_text(encoding="utf-8"))
        created_plan = True
    created_users = []
    for email, role, dep_code, name in DEMO_USERS:
        if auth_services.user_by_email(email) is not None:
            continue
        dep = plan_services.department_by_code(dep_code) if dep_code else None
        if dep_code and dep is None:
            continue
        auth_services.create_user(email, role, dep, name=name, password=DEMO_PASSWORD)
        created_users.append(email)
    db.session.commit()
    click.echo(
        f"Plan: {'loaded from ' + str(path) if created_plan else 'already there, not changed'}."
    )
    click.echo(f"Demo users added: {len(created_users)}.")
    click.echo(f"Demo staff sign-in (password for all: {DEMO_PASSWORD}):")
    for email, role, dep_code, _name in DEMO_USERS:
        click.echo(f"  {email}  ({role}{', ' + dep_code if dep_code else ''})")


def register_cli(app: Flask) -> None:
    for group in (plan_cli, users_cli, outbox_cli, demo_cli):
        app.cli.add_command(group)
