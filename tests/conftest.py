"""Fixtures: app, client, runner, the Kemi plan, users and a login helper.

In-memory SQLite by default; the same suite runs on PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import html as html_lib
import os
import re
from collections.abc import Iterator
from pathlib import Path

import factory
import pytest
from flask import Flask, g
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import delete

from app import create_app
from app.auth.models import User
from app.core.auth import Role
from app.extensions import db, limiter
from app.plan import services as plan_services
from app.plan.models import Department
from config import Testing

ROOT = Path(__file__).resolve().parent.parent
KEMI_PLAN = ROOT / "app" / "plan" / "data" / "kemi-2022-25.yaml"
PASSWORD = "correct horse battery"
ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))


class Client(FlaskClient):
    """Each request starts with a fresh ``g``, as in production.

    Tests hold one app context for their whole run (to use ``db.session``), and Flask reuses an
    app context that is already pushed, so without this ``g`` (and Flask-Login's cached user)
    would leak from one request to the next.
    """

    def open(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        for name in list(g):
            g.pop(name)
        return super().open(*args, **kwargs)


def make_app(config_class: type[Testing] = Testing) -> Flask:
    # The limiter is one object for every app of the run (as in production, where a process has
    # one app). A test with its store down leaves it marked dead, and it would then count in
    # memory for the next apps until it happened to look for its store again: each app starts
    # with its store taken as up.
    limiter._storage_dead = False
    app = create_app(config_class)
    app.test_client_class = Client
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture(scope="session", autouse=True)
def _fresh_postgres_schema() -> Iterator[None]:
    """On PostgreSQL start from an empty schema once; tests then empty the tables after themselves."""
    if ON_POSTGRES:
        app = create_app(Testing)
        with app.app_context():
            db.drop_all()
    return


class CsrfOn(Testing):
    """Testing with CSRF checks on, for the tests of what a missing or stale token does."""

    WTF_CSRF_ENABLED = True


def running_app(config_class: type[Testing] = Testing) -> Iterator[Flask]:
    """An app in its context; its rows are deleted afterwards (PostgreSQL keeps the schema)."""
    app = make_app(config_class)
    with app.app_context():
        yield app
        db.session.remove()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(delete(table))
        db.session.commit()
        db.session.remove()


@pytest.fixture
def app() -> Iterator[Flask]:
    yield from running_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def plan(app: Flask):
    plan_services.import_plan(KEMI_PLAN.read_text(encoding="utf-8"))
    db.session.commit()
    return plan_services.current_plan()


class UserFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        model = User
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"

    email = factory.Sequence(lambda n: f"user{n}@city.example")
    name = factory.Faker("name", locale="fi_FI")
    role = Role.STAFF
    locale = "fi"
    password_hash = None

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: object) -> None:  # noqa: N805
        obj.set_password(extracted or PASSWORD)
        if create:
            db.session.commit()


def department(code: str) -> Department:
    dep = plan_services.department_by_code(code)
    assert dep is not None, f"department {code} missing: use the plan fixture"
    return dep


@pytest.fixture
def coordinator(plan) -> User:
    return UserFactory(email="coordinator@city.example", role=Role.COORDINATOR)


@pytest.fixture
def staff(plan) -> User:
    return UserFactory(email="staff@city.example", department=department("sivistys"))


@pytest.fixture
def other_staff(plan) -> User:
    return UserFactory(email="other@city.example", department=department("tekniset-palvelut"))


def login(client: FlaskClient, user: User, password: str = PASSWORD, lang: str = "fi"):
    return client.post(f"/{lang}/login", data={"email": user.email, "password": password})


def text_of(response) -> str:
    """The page's visible text, roughly: tags stripped, whitespace collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())
