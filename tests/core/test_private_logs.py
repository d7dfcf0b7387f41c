"""Nothing in the application's logs names a person or repeats what they wrote: not on the
normal paths (applying, answering, asking for one's data) and not when the database refuses a
statement (its values are hidden from error messages)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.core.errors import handle_unexpected
from app.extensions import db
from app.panels.models import Participant
from app.questionnaires import services as survey_services
from tests.panels.test_public import APPLY, form_data
from tests.panels.test_public import panel as panel  # noqa: F401, PLC0414
from tests.questionnaires.test_services import answers, publish_open
from tests.questionnaires.test_services import survey as survey  # noqa: F401, PLC0414

EMAIL = "maija.private@example.org"
NAME = "Maija Yksityinen"
WRITTEN = "My neighbour Pekka is ill"


def test_applying_answering_and_asking_for_data_log_no_personal_data(
    client,
    panel,  # noqa: F811
    survey,  # noqa: F811
    caplog,
):
    caplog.set_level(logging.DEBUG)
    applied = client.post(APPLY, data=form_data(email=EMAIL, name=NAME, motivation=WRITTEN))
    assert applied.status_code == 302
    publish_open(survey)
    survey_services.submit(
        survey, answers({"q-uses": "yes", "q-when": "other", "q-when-other": WRITTEN}), locale="fi"
    )
    db.session.commit()
    asked = client.post(
        "/en/privacy/request", data={"kind": "access", "subject": "email", "email": EMAIL}
    )
    assert asked.status_code == 302
    for secret in (EMAIL, NAME, WRITTEN, "maija"):
        assert secret not in caplog.text


def test_a_refused_statement_logs_no_values(app, caplog):
    db.session.add(Participant(email=EMAIL, name=NAME))
    db.session.commit()
    db.session.add(Participant(email=EMAIL, name="Someone else"))
    with pytest.raises(IntegrityError) as refused:
        db.session.commit()
    db.session.rollback()
    # The statement's values are hidden; PostgreSQL's own message may still repeat the key, so
    # the error handler logs where it happened and the kind of error, not the message.
    assert "hidden due to hide_parameters" in str(refused.value)
    with caplog.at_level(logging.DEBUG), app.test_request_context("/fi/", method="POST"):
        body, status = handle_unexpected(refused.value)
    assert status == 500
    assert "IntegrityError" in caplog.text or "UniqueViolation" in caplog.text
    assert EMAIL not in caplog.text
    assert db.session.execute(text("SELECT 1")).scalar() == 1
