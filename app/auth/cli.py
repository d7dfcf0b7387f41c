"""`flask users create`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.auth import services as auth_services
from app.core.auth import Role
from app.extensions import db
from app.i18n import LOCALES
from app.plan import services as plan_services

users_cli = AppGroup("users", help="Manage staff users.")


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
