"""Security baseline: headers, CSRF, body size, error pages, health check, production settings."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import OperationalError

from app import create_app
from app.extensions import db
from config import Production, Testing
from tests.conftest import running_app, text_of


def test_pages_carry_security_headers(client, plan):
    response = client.get("/fi/plan")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_pages_have_no_inline_script_or_external_resources(client, plan):
    html = client.get("/fi/plan").get_data(as_text=True)
    assert "<script" not in html
    assert "style=" not in html
    assert "http://" not in html.replace('xmlns="http://', "")
    assert "https://" not in html


def test_session_cookie_is_http_only_and_same_site(client, staff):
    response = client.post("/fi/login", data={"email": staff.email, "password": "x" * 12})
    client.post("/fi/login", data={"email": staff.email, "password": "correct horse battery"})
    cookie = client.get_cookie("osallistu_session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert response.status_code == 422


class WithCsrf(Testing):
    WTF_CSRF_ENABLED = True


@pytest.fixture
def csrf_app():
    yield from running_app(WithCsrf)


def test_form_without_csrf_token_gets_a_friendly_page_and_nothing_happens(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/en/password/reset", data={"email": "a@city.example"})
    assert response.status_code == 400
    assert "The form expired" in text_of(response)
    assert '<html lang="en">' in response.get_data(as_text=True)


def test_forms_render_a_csrf_token(csrf_app):
    html = csrf_app.test_client().get("/fi/login").get_data(as_text=True)
    assert 'name="csrf_token"' in html


def test_oversized_body_is_refused_with_413(client, plan):
    response = client.post("/fi/login", data={"email": "x" * (5 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in text_of(client.post("/en/login", data={"email": "x" * (5 * 1024 * 1024)}))


@pytest.mark.parametrize(
    ("lang", "words"),
    [("fi", "Sivua ei löydy"), ("sv", "Sidan hittades inte"), ("en", "Page not found")],
)
def test_not_found_page_is_translated(client, plan, lang, words):
    response = client.get(f"/{lang}/no-such-page")
    assert response.status_code == 404
    assert words in text_of(response)


def test_error_page_outside_a_language_follows_the_browser(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "sv"})
    assert '<html lang="sv">' in response.get_data(as_text=True)


def test_unexpected_error_gives_a_translated_500_without_details(app, client, plan):
    @app.get("/en/boom-test")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/en/boom-test")
    assert response.status_code == 500
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Something went wrong on our side" in text_of(response)


def test_database_outage_gives_503_try_again_page(app, client, plan, monkeypatch):
    from app.plan import services

    def down():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(services, "current_plan", down)
    response = client.get("/fi/plan")
    assert response.status_code == 503


def test_connection_lost_before_teardown_keeps_the_response(tmp_path, monkeypatch):
    """PostgreSQL restarting after a request's last statement: closing its session fails.

    The response already made (a stored answer's receipt, say) is sent, not the server's bare
    500, and the next request gets a new connection.
    """

    class FileDatabase(Testing):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'lost.sqlite3'}"

    app = create_app(FileDatabase)
    client = app.test_client()
    assert client.get("/healthz").status_code == 200  # connected: the pool keeps it
    with app.app_context():
        dialect = db.engine.dialect

    def lost(_connection):  # noqa: ANN001, ANN202
        raise sqlite3.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(dialect, "do_rollback", lost)
    # No app context held around the request: its teardown closes the session, as in gunicorn.
    response = client.get("/healthz")
    monkeypatch.undo()

    assert response.status_code == 200
    assert client.get("/healthz").get_json()["database"] == "ok"


def test_healthz_reports_database_status(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_production_refuses_to_start_without_secret_and_database(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY, DATABASE_URL"):
        create_app(Production)


def test_production_sets_hsts_and_secure_cookies(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")

    class Prod(Production):
        SECRET_KEY = "s" * 40
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        SQLALCHEMY_ENGINE_OPTIONS = {}  # noqa: RUF012

    app = create_app(Prod)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


class BehindProxy(Testing):
    PROXY_COUNT = 1


@pytest.fixture
def proxied_app():
    yield from running_app(BehindProxy)


def test_behind_a_proxy_emailed_links_use_https(proxied_app):
    from sqlalchemy import select

    from app.core.mail import OutboxMessage
    from app.extensions import db
    from app.plan import services
    from tests.conftest import KEMI_PLAN, UserFactory, department

    services.import_plan(KEMI_PLAN.read_text(encoding="utf-8"))
    db.session.commit()
    user = UserFactory(email="p@city.example", department=department("sivistys"))
    proxied_app.test_client().post(
        "/fi/password/reset",
        data={"email": user.email},
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"},
    )
    message = db.session.scalar(select(OutboxMessage))
    assert "https://localhost/fi/password/reset/" in message.body_text
