"""Changing and resetting passwords, invitations, and the coordinator's user management."""

from __future__ import annotations

import re

from freezegun import freeze_time
from sqlalchemy import select

from app.auth.models import User
from app.core.audit import AuditLog
from app.core.mail import OutboxMessage
from app.extensions import db
from tests.conftest import PASSWORD, UserFactory, department, login, text_of

NEW = "a brand new passphrase"


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def link_in(message: OutboxMessage) -> str:
    url = re.search(r"https?://\S+", message.body_text).group(0)
    return url.split("localhost", 1)[1]


def change(client, current=PASSWORD, new=NEW, confirm=None, lang="en"):
    return client.post(
        f"/{lang}/staff/account/password",
        data={"current": current, "password": new, "confirm": confirm or new},
    )


def test_staff_changes_password_and_signs_in_with_the_new_one(client, staff):
    login(client, staff)
    response = change(client)
    assert response.status_code == 302
    assert client.get("/fi/staff/departments/sivistys/").status_code == 200  # still signed in
    client.post("/fi/logout")
    assert login(client, staff).status_code == 422
    assert login(client, staff, password=NEW).status_code == 302
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "user.password.change"))


def test_password_change_signs_out_other_sessions(app, staff):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, staff)
    login(phone, staff)
    change(laptop)
    assert laptop.get("/fi/staff/departments/sivistys/").status_code == 200
    assert phone.get("/fi/staff/departments/sivistys/").status_code == 302


def test_password_change_errors_are_clear(client, staff):
    login(client, staff)
    assert "The current password is wrong." in change(client, current="not it at all").get_data(
        as_text=True
    )
    assert "The password is too short." in change(client, new="short").get_data(as_text=True)
    mismatch = change(client, confirm="something else entirely")
    assert mismatch.status_code == 422
    assert "The passwords are not the same." in mismatch.get_data(as_text=True)
    db.session.refresh(staff)
    assert staff.check_password(PASSWORD)


def test_password_reset_by_email_link_works_once(client, staff):
    response = client.post("/sv/password/reset", data={"email": staff.email.upper()})
    assert response.status_code == 200
    [message] = outbox()
    assert message.to_address == staff.email
    assert message.locale == "fi"  # the user's own language, not the page's
    link = link_in(message)
    assert link.startswith("/fi/password/reset/")
    assert client.get(link).status_code == 200
    assert client.post(link, data={"password": NEW, "confirm": NEW}).status_code == 302
    assert login(client, staff, password=NEW).status_code == 302
    client.post("/fi/logout")
    reused = client.post(
        link, data={"password": "another passphrase!", "confirm": "another passphrase!"}
    )
    assert reused.status_code == 400
    assert "used already" in text_of(client.get(link.replace("/fi/", "/en/", 1)))


def test_reset_for_unknown_email_says_the_same_and_sends_nothing(client, staff):
    known = text_of(client.post("/en/password/reset", data={"email": staff.email}))
    unknown = text_of(client.post("/en/password/reset", data={"email": "nobody@city.example"}))
    assert known == unknown
    assert len(outbox()) == 1


def test_reset_link_expires_after_an_hour(client, staff):
    with freeze_time("2026-01-01 10:00:00"):
        client.post("/en/password/reset", data={"email": staff.email})
    link = link_in(outbox()[0])
    with freeze_time("2026-01-01 11:01:00"):
        response = client.get(link.replace("/fi/", "/en/", 1))
    assert response.status_code == 400
    assert "The link has expired." in text_of(response)


def test_tampered_reset_link_is_refused(client, staff):
    client.post("/en/password/reset", data={"email": staff.email})
    link = link_in(outbox()[0])
    assert client.get(link[:-3] + "abc").status_code == 400


def test_coordinator_invites_a_user_who_sets_a_password(client, coordinator):
    login(client, coordinator)
    form = {
        "email": "New.Person@City.Example",
        "name": "Uusi Ihminen",
        "role": "staff",
        "department": "sivistys",
        "locale": "sv",
    }
    assert client.post("/en/staff/users/invite", data=form).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.person@city.example"))
    assert user.password_hash is None
    assert "Invited" in text_of(client.get("/en/staff/users"))
    [message] = outbox()
    assert message.locale == "sv"
    assert message.subject == "Du är inbjuden till Osallistu"
    assert "You have been given" not in message.body_text
    client.post("/en/logout")
    link = link_in(message)
    assert link.startswith("/sv/invite/")
    assert client.post(link, data={"password": NEW, "confirm": NEW}).status_code == 302
    assert login(client, user, password=NEW).status_code == 302
    assert client.get(link).status_code == 400  # used


def test_invite_refuses_a_taken_email_and_staff_without_department(client, coordinator, staff):
    login(client, coordinator)
    taken = client.post(
        "/en/staff/users/invite",
        data={"email": staff.email, "role": "staff", "department": "sivistys", "locale": "fi"},
    )
    assert "A user with this e-mail address exists already." in taken.get_data(as_text=True)
    homeless = client.post(
        "/en/staff/users/invite",
        data={"email": "x@city.example", "role": "staff", "department": "", "locale": "fi"},
    )
    assert homeless.status_code == 422
    assert "Choose a department for a staff member." in homeless.get_data(as_text=True)
    assert 'value="x@city.example"' in homeless.get_data(as_text=True)
    assert outbox() == []


def test_coordinator_moves_and_deactivates_a_user(client, coordinator, staff):
    login(client, coordinator)
    response = client.post(
        f"/en/staff/users/{staff.id}", data={"role": "staff", "department": "tekniset-palvelut"}
    )
    assert response.status_code == 302
    db.session.refresh(staff)
    assert staff.department.code == "tekniset-palvelut"
    assert staff.is_active_user is False
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.edit"))
    assert entry.details["changed"]["department"] == {"old": "sivistys", "new": "tekniset-palvelut"}
    assert entry.actor_id == coordinator.id


def test_coordinator_cannot_lock_themselves_out(client, coordinator):
    login(client, coordinator)
    response = client.post(
        f"/en/staff/users/{coordinator.id}",
        data={"role": "staff", "department": "sivistys", "is_active": "y"},
    )
    assert response.status_code == 422
    assert "You cannot remove your own coordinator role" in response.get_data(as_text=True)


def test_users_cli_creates_the_first_coordinator(runner, plan):
    result = runner.invoke(
        args=["users", "create", "--role", "coordinator", "First@City.Example"],
        input=f"{NEW}\n{NEW}\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "first@city.example"))
    assert user.is_coordinator
    assert user.check_password(NEW)
    again = runner.invoke(
        args=["users", "create", "--role", "coordinator", "first@city.example", "--password", NEW]
    )
    assert again.exit_code != 0
    weak = runner.invoke(
        args=[
            "users",
            "create",
            "x@city.example",
            "--department",
            "sivistys",
            "--password",
            "short",
        ]
    )
    assert weak.exit_code != 0
    assert "too short" in weak.output


def test_staff_member_without_coordinator_role_cannot_manage_users(client, staff):
    login(client, staff)
    assert client.get("/en/staff/users").status_code == 403
    other = UserFactory(email="o@city.example", department=department("sivistys"))
    assert (
        client.post(f"/en/staff/users/{other.id}", data={"role": "coordinator"}).status_code == 403
    )
    db.session.refresh(other)
    assert not other.is_coordinator
