"""Staff sign in and out, sessions expire, failed sign-ins are rate-limited."""

from __future__ import annotations

import time

import pytest
from flask import session

from app.extensions import db
from app.plan import services
from config import Testing
from tests.conftest import (
    KEMI_PLAN,
    PASSWORD,
    UserFactory,
    department,
    login,
    make_app,
    running_app,
    text_of,
)


def test_staff_signs_in_and_lands_on_their_department(client, staff):
    response = login(client, staff)
    assert response.status_code == 302
    assert response.headers["Location"] == "/fi/staff/"
    dashboard = client.get("/fi/staff/", follow_redirects=True)
    assert "Sivistyspalvelut" in text_of(dashboard)


def test_wrong_password_shows_a_clear_error_and_keeps_the_email(client, staff):
    response = login(client, staff, password="wrong password here", lang="en")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The e-mail address or password is wrong." in html
    assert f'value="{staff.email}"' in html
    assert 'href="#password"' in html
    assert client.get("/en/staff/").status_code == 302


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client, staff):
    wrong_password = text_of(login(client, staff, password="wrong password here"))
    unknown = text_of(
        client.post(
            "/fi/login", data={"email": "nobody@city.example", "password": "wrong password here"}
        )
    )
    assert wrong_password.replace(staff.email, "") == unknown.replace("nobody@city.example", "")


def test_empty_form_names_both_fields(client, plan):
    response = client.post("/en/login", data={"email": "", "password": ""})
    html = response.get_data(as_text=True)
    assert "Enter your e-mail address." in html
    assert "Enter your password." in html


def test_deactivated_user_cannot_sign_in(client, staff):
    staff.is_active_user = False
    db.session.commit()
    assert login(client, staff).status_code == 422


def test_password_is_stored_as_a_modern_hash(staff):
    assert staff.password_hash.startswith("scrypt:")
    assert PASSWORD not in staff.password_hash


def test_sign_out_needs_a_post_and_ends_the_session(client, staff):
    login(client, staff)
    assert client.get("/fi/logout").status_code == 405
    response = client.post("/fi/logout")
    assert response.headers["Location"] == "/fi/"
    assert client.get("/fi/staff/").status_code == 302


def test_session_is_permanent_with_an_idle_limit(app, client, staff):
    with client:
        login(client, staff)
        assert session.permanent
    assert app.permanent_session_lifetime.total_seconds() == 120 * 60


def test_session_ends_after_the_absolute_limit(app, client, staff):
    login(client, staff)
    with client.session_transaction() as sess:
        sess["signed_in_at"] = time.time() - 13 * 3600
    response = client.get("/fi/staff/departments/sivistys/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/fi/login")


def test_next_parameter_only_allows_local_paths(client, staff):
    response = client.post(
        "/fi/login?next=//evil.example/x", data={"email": staff.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/fi/staff/"
    client.post("/fi/logout")
    response = client.post(
        "/fi/login?next=/fi/staff/account/password",
        data={"email": staff.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/fi/staff/account/password"


class RateLimited(Testing):
    RATELIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = "3 per minute"


@pytest.fixture
def limited_app():
    yield from running_app(RateLimited)


def test_failed_sign_ins_are_rate_limited_but_successes_do_not_count(limited_app):
    services.import_plan(KEMI_PLAN.read_text(encoding="utf-8"))
    db.session.commit()
    user = UserFactory(email="limited@city.example", department=department("sivistys"))
    client = limited_app.test_client()
    for _ in range(3):
        assert login(client, user).status_code == 302
        client.post("/fi/logout")
    for _ in range(3):
        assert login(client, user, password="wrong password!").status_code == 422
    blocked = login(client, user, lang="sv")
    assert blocked.status_code == 429
    assert '<html lang="sv">' in blocked.get_data(as_text=True)
    assert "Retry-After" in blocked.headers


def test_staff_member_without_department_is_refused_politely(client, plan):
    user = UserFactory(email="lost@city.example", department=None)
    login(client, user)
    assert client.get("/fi/staff/").status_code == 403


def test_sign_in_is_recorded_in_the_audit_log(client, staff):
    from sqlalchemy import select

    from app.core.audit import AuditLog

    login(client, staff)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.sign_in"))
    assert entry.actor_id == staff.id


def _redis_up() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


class RedisLimited(RateLimited):
    RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/15"


class RedisDown(RateLimited):
    RATELIMIT_STORAGE_URI = "redis://127.0.0.1:1/0"


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_rate_limit_counts_in_redis_when_configured():
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=15).flushdb()
    for app in running_app(RedisLimited):
        services.import_plan(KEMI_PLAN.read_text(encoding="utf-8"))
        db.session.commit()
        user = UserFactory(email="r@city.example", department=department("sivistys"))
        # Two app instances (two workers) share the count through Redis.
        first, second = app.test_client(), make_app(RedisLimited).test_client()
        for client in (first, second, first):
            assert login(client, user, password="wrong password!").status_code == 422
        assert login(second, user).status_code == 429
    redis.Redis(host="127.0.0.1", port=6379, db=15).flushdb()


def test_sign_in_still_works_when_the_rate_limit_store_is_down():
    for app in running_app(RedisDown):
        services.import_plan(KEMI_PLAN.read_text(encoding="utf-8"))
        db.session.commit()
        user = UserFactory(email="d@city.example", department=department("sivistys"))
        assert login(app.test_client(), user).status_code == 302
