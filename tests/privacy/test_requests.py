"""A resident asks what is stored about them, or to remove it; the coordinator handles it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditLog
from app.core.mail import OutboxMessage
from app.engagements.models import OutcomeSubscription
from app.extensions import db
from app.panels.models import PanelApplication, Participant
from app.privacy.models import DataRequest, RequestStatus
from app.questionnaires import services as survey_services
from app.questionnaires.models import Answer, Submission
from tests.conftest import login, text_of
from tests.panels.test_polls import make_panel
from tests.panels.test_retention import apply
from tests.questionnaires.test_services import answers, publish_open
from tests.questionnaires.test_services import survey as survey  # noqa: F401, PLC0414


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def status_link(message: OutboxMessage) -> str:
    found = re.search(r"https?://[^\s]+/privacy/request/[^\s]+", message.body_text)
    assert found, message.body_text
    return found.group(0).split("localhost", 1)[1]


@pytest.fixture
def answered(survey):  # noqa: F811
    publish_open(survey)
    submission = survey_services.submit(
        survey,
        answers({"q-uses": "yes", "q-when": "other", "q-when-other": "Sundays after church"}),
        locale="fi",
    )
    db.session.commit()
    return submission


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_request_form_speaks_each_language_and_is_linked_from_the_privacy_notice(
    client, plan, lang
):
    notice = client.get(f"/{lang}/privacy")
    assert f'href="/{lang}/privacy/request"' in notice.text
    page = client.get(f"/{lang}/privacy/request")
    assert page.status_code == 200
    assert f'lang="{lang}"' in page.text
    assert 'name="website"' in page.text
    assert 'name="started"' in page.text


def test_a_receipt_code_shows_the_answer_after_the_coordinator_marks_it_done(
    app, client, plan, answered, coordinator
):
    typed = answered.receipt_code.lower().replace("-", " ")
    response = client.post(
        "/en/privacy/request", data={"kind": "access", "subject": "receipt", "receipt_code": typed}
    )
    assert response.status_code == 302
    status_url = response.headers["Location"]
    waiting = client.get(status_url)
    assert "Waiting for the city" in text_of(waiting)
    assert "Sundays after church" not in waiting.text

    request_row = db.session.scalar(select(DataRequest))
    assert request_row.status == RequestStatus.OPEN
    assert request_row.email is None
    staff = app.test_client()
    login(staff, coordinator, lang="en")
    page = staff.get(f"/en/staff/privacy/requests/{request_row.id}")
    assert "Sundays after church" in page.text
    assert count(AuditLog, AuditLog.action == "privacy.request.view") == 1
    done = staff.post(
        f"/en/staff/privacy/requests/{request_row.id}",
        data={"action": "complete", "reply": "Here is your answer."},
    )
    assert done.status_code == 302
    shown = text_of(client.get(status_url))
    assert "Here is your answer." in shown
    assert "Sundays after church" in shown
    assert count(Submission) == 1  # seeing is not removing


def test_an_unknown_receipt_code_is_refused_with_what_was_typed_kept(client, plan):
    response = client.post(
        "/en/privacy/request",
        data={"kind": "erase", "subject": "receipt", "receipt_code": "AAAA-BBBB-CCCC"},
    )
    assert response.status_code == 422
    assert "Check the code and try again." in text_of(response)
    assert 'value="AAAA-BBBB-CCCC"' in response.text
    assert count(DataRequest) == 0


def test_missing_choices_and_address_are_listed_in_the_error_summary(client, plan):
    response = client.post("/en/privacy/request", data={"subject": "email", "email": ""})
    assert response.status_code == 422
    summary = text_of(response)
    assert "Choose what you want." in summary
    assert "Write your e-mail address." in summary


def test_erasing_by_receipt_code_removes_the_answer_and_keeps_the_request(
    app, client, plan, answered, coordinator
):
    client.post(
        "/fi/privacy/request",
        data={"kind": "erase", "subject": "receipt", "receipt_code": answered.receipt_code},
    )
    request_row = db.session.scalar(select(DataRequest))
    staff = app.test_client()
    login(staff, coordinator)
    staff.post(f"/fi/staff/privacy/requests/{request_row.id}", data={"action": "complete"})
    db.session.expire_all()
    assert count(Submission) == 0
    assert count(Answer) == 0
    assert request_row.status == RequestStatus.DONE
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "privacy.request.erase"))
    assert entry.details["responses"] == 1
    assert answered.receipt_code not in str(entry.details)
    assert entry.actor_id == coordinator.id
    again = staff.post(f"/fi/staff/privacy/requests/{request_row.id}", data={"action": "complete"})
    assert again.status_code == 422  # handled already: nothing happens twice


def test_an_email_request_waits_for_the_link_and_erasure_removes_the_address_everywhere(
    app,
    client,
    plan,
    survey,
    coordinator,  # noqa: F811
):
    panel = make_panel(app, "sivistys", {"fi": "Raati", "sv": "Panel", "en": "Panel"})
    person = apply(app, panel, 1, motivation="Olen kiinnostunut.")
    db.session.add(OutcomeSubscription(engagement_id=survey.id, email=person.email, locale="fi"))
    db.session.commit()
    address = person.email

    response = client.post(
        "/fi/privacy/request", data={"kind": "erase", "subject": "email", "email": address.upper()}
    )
    assert response.headers["Location"].endswith("/fi/privacy/request/sent")
    request_row = db.session.scalar(select(DataRequest))
    assert request_row.status == RequestStatus.UNCONFIRMED
    staff = app.test_client()
    login(staff, coordinator)
    assert staff.get(f"/fi/staff/privacy/requests/{request_row.id}").status_code == 404
    assert request_row.token not in staff.get("/fi/staff/privacy/requests?status=all").text
    assert (
        f'/requests/{request_row.id}"'
        not in staff.get("/fi/staff/privacy/requests?status=all").text
    )

    mail = db.session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == address)
        .order_by(OutboxMessage.id.desc())
    )
    link = status_link(mail)
    assert client.post(link).status_code == 302
    db.session.expire_all()
    assert request_row.status == RequestStatus.OPEN

    page = staff.get(f"/fi/staff/privacy/requests/{request_row.id}")
    assert "Olen kiinnostunut." in page.text
    assert address in page.text
    staff.post(f"/fi/staff/privacy/requests/{request_row.id}", data={"action": "complete"})
    db.session.expire_all()
    participant = db.session.get(Participant, person.id)
    assert participant.email.startswith("purged-")
    assert participant.name == ""
    assert db.session.scalar(select(PanelApplication.motivation)) == ""
    assert count(OutcomeSubscription) == 0
    # The only e-mail left to the address is the answer telling them it was done.
    left = list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address))
    )
    assert len(left) == 1
    assert request_row.token in left[0].body_text


def test_refusing_needs_a_reason(app, plan, answered, coordinator, client):
    client.post(
        "/en/privacy/request",
        data={"kind": "erase", "subject": "receipt", "receipt_code": answered.receipt_code},
    )
    request_row = db.session.scalar(select(DataRequest))
    staff = app.test_client()
    login(staff, coordinator, lang="en")
    response = staff.post(f"/en/staff/privacy/requests/{request_row.id}", data={"action": "refuse"})
    assert response.status_code == 422
    assert "Write why you refuse the request." in text_of(response)
    assert count(Submission) == 1


def test_staff_of_a_department_cannot_see_requests_or_the_audit_log(client, plan, staff):
    login(client, staff)
    assert client.get("/fi/staff/privacy/requests").status_code == 403
    assert client.get("/fi/staff/audit").status_code == 403


def test_the_audit_log_filters_by_action_and_refuses_a_bad_date(app, client, plan, coordinator):
    from app.core import audit

    audit.record("privacy.request.view", "data_requests:1")
    audit.record("plan.edit", "plans:1")
    db.session.commit()
    login(client, coordinator, lang="en")
    page = client.get("/en/staff/audit?action=privacy.")
    assert "data_requests:1" in page.text
    assert "plans:1" not in page.text
    bad = client.get("/en/staff/audit?since=31.1.2026")
    assert bad.status_code == 422
    assert "Write the date as year-month-day" in text_of(bad)
    assert 'value="31.1.2026"' not in bad.text  # a date input holds only a valid date (HTML)
