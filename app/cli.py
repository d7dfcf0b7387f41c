"""Command-line commands: each feature's group, and `flask demo load`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.auth import services as auth_services
from app.auth.cli import users_cli
from app.core.auth import Role
from app.core.cli import outbox_cli
from app.eva.catalogue import ensure_catalogue
from app.eva.cli import eva_cli
from app.eva.demo import DEMO_DECIDED_ID, DEMO_EVA_ID, load_demo_decided_eva, load_demo_eva
from app.extensions import db
from app.panels.demo import (
    DEMO_PANEL_ID,
    DEMO_RUNNING_PANEL_ID,
    load_demo_panel,
    load_demo_running_panel,
)
from app.participation import population
from app.participation.cli import export_cli
from app.participation.demo import load_demo_participation
from app.plan import services as plan_services
from app.plan.cli import plan_cli
from app.questionnaires.cli import surveys_cli
from app.questionnaires.demo import load_demo_survey

demo_cli = AppGroup("demo", help="Demo content for trying the service out.")

DEMO_PASSWORD = "osallistu-demo"  # noqa: S105 (printed for the demo; refused in production)
DEMO_USERS = [
    ("koordinaattori@demo.osallistu.fi", Role.COORDINATOR, None, "Kaisa Koordinaattori"),
    ("sivistys@demo.osallistu.fi", Role.STAFF, "sivistys", "Seppo Sivistys"),
    ("vapaa-aika@demo.osallistu.fi", Role.STAFF, "kulttuuri-vapaa-aika", "Veera Vapaa-aika"),
    ("tekninen@demo.osallistu.fi", Role.STAFF, "tekniset-palvelut", "Teemu Tekninen"),
]


@demo_cli.command("load")
def demo_load() -> None:
    """Load the Kemi plan, demo staff users and a demo survey if they are missing.

    Safe to run again: nothing that exists is changed.
    """
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
    survey = load_demo_survey()
    ensure_catalogue()
    eva = load_demo_eva()
    decided = load_demo_decided_eva()
    participation = load_demo_participation()
    population_loaded = population.load_demo()
    panel = load_demo_panel()
    running_panel = load_demo_running_panel()
    db.session.commit()
    click.echo(
        f"Plan: {'loaded from ' + str(path) if created_plan else 'already there, not changed'}."
    )
    click.echo(f"Demo users added: {len(created_users)}.")
    state = "added" if survey else "already there, not changed"
    click.echo(f"Demo survey: {state} (/fi/e/kirjasto).")
    state = "added" if eva else "already there, not changed"
    click.echo(f"Demo EVA hearing: {state} (/fi/e/{DEMO_EVA_ID}).")
    state = "added" if decided else "already there, not changed"
    click.echo(f"Demo decided EVA: {state} (/fi/e/{DEMO_DECIDED_ID}).")
    state = "added" if participation else "already there or no demo survey, not changed"
    click.echo(f"Demo participation (workshop, school visit, responses): {state}.")
    state = "added" if population_loaded else "already there, not changed"
    click.echo(f"Demo population table for the reach page: {state}.")
    state = "added" if panel else "already there, not changed"
    click.echo(f"Demo customer panel taking applications: {state} (/fi/e/{DEMO_PANEL_ID}).")
    state = "added" if running_panel else "already there, not changed"
    click.echo(
        f"Demo customer panel in its term: {state} (/fi/e/{DEMO_RUNNING_PANEL_ID}); members "
        "sign in at /fi/panel/sign-in as jasen1@demo.osallistu.fi … jasen6@demo.osallistu.fi, "
        "the link is in the outbox (`flask outbox send` writes it to instance/outbox/)."
    )
    click.echo(f"Demo staff sign-in (password for all: {DEMO_PASSWORD}):")
    for email, role, dep_code, _name in DEMO_USERS:
        click.echo(f"  {email}  ({role}{', ' + dep_code if dep_code else ''})")


# --- synthetic responses (issue 4, export and benchmarks) -----------------------------------


@demo_cli.command("generate")
@click.option("--responses", type=click.IntRange(min=1), required=True, help="How many.")
@click.option("--survey", "public_id", help="Public id of the survey to fill [default: kirjasto].")
@click.option(
    "--questions",
    type=click.IntRange(min=1, max=200),
    help="Create a new published test survey with this many questions of mixed types and fill it.",
)
@click.option(
    "--department",
    default="kulttuuri-vapaa-aika",
    show_default=True,
    help="Department of a new test survey.",
)
@click.option(
    "--focus-area", default="HK-05", show_default=True, help="Focus area of a new test survey."
)
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=30,
    show_default=True,
    help="Spread the responses over this many past days (not before the survey opened).",
)
@click.option("--seed", type=int, help="Random seed, for the same answers again.")
def demo_generate(
    responses: int,
    public_id: str | None,
    questions: int | None,
    department: str,
    focus_area: str,
    days: int,
    seed: int | None,
) -> None:
    """Fill a survey with synthetic responses that satisfy its questionnaire (bulk insert).

    Without --survey or --questions the demo survey "kirjasto" is filled.
    """
    import time

    from sqlalchemy import select

    from app.engagements.models import Engagement
    from app.questionnaires import synthetic
    from app.questionnaires.demo import DEMO_PUBLIC_ID
    from app.questionnaires.services import QuestionnaireError

    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("Synthetic responses are not generated in production.")
    if questions and public_id:
        raise click.UsageError("Give --survey or --questions, not both.")
    if questions:
        dep = plan_services.department_by_code(department)
        area = plan_services.focus_area_by_code(focus_area)
        if dep is None or area is None:
            raise click.ClickException(
                f"Department {department} or focus area {focus_area} not found: "
                "run `flask demo load` first."
            )
        engagement = synthetic.create_benchmark_survey(dep, [area], questions=questions)
    else:
        public_id = public_id or DEMO_PUBLIC_ID
        engagement = db.session.scalar(select(Engagement).where(Engagement.public_id == public_id))
        if engagement is None:
            hint = " (run `flask demo load` first)" if public_id == DEMO_PUBLIC_ID else ""
            raise click.ClickException(f"No survey with the id {public_id}{hint}.")
    started = time.perf_counter()
    try:
        rows = synthetic.generate_responses(engagement, responses, seed=seed, days=days)
    except QuestionnaireError as error:
        db.session.rollback()
        raise click.ClickException(f"Survey {engagement.public_id}: {error}") from error
    db.session.commit()
    click.echo(
        f"Added {responses} responses ({rows} answer rows) to survey {engagement.public_id} "
        f"in {time.perf_counter() - started:.1f} s."
    )


def register_cli(app: Flask) -> None:
    from app.panels.cli import panels_cli
    from app.plainlang.cli import plainlang_cli
    from app.privacy.cli import retention_cli

    groups = (plan_cli, users_cli, outbox_cli, demo_cli, surveys_cli, eva_cli, export_cli)
    for group in (*groups, panels_cli, plainlang_cli, retention_cli):
        app.cli.add_command(group)
