"""`flask retention run` removes personal data past its period and keeps every count."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditLog
from app.core.types import utcnow
from app.engagements.models import Invitation, OutcomeSubscription
from app.extensions import db
from app.privacy import retention
from app.questionnaires import services as survey_services
from app.questionnaires.models import Answer, Submission
from tests.questionnaires.test_services import answers, publish_open
from tests.questionnaires.test_services import survey as survey  # noqa: F401, PLC0414

SECRET = "I live at Example Street 5 and my name is Maija"


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def closed_survey(survey):  # noqa: F811
    publish_open(survey)
    for _ in range(3):
        survey_services.submit(
            survey,
            answers({"q-uses": "yes", "q-when": "other", "q-when-other": SECRET}),
            locale="fi",
        )
    db.session.add(
        OutcomeSubscription(engagement_id=survey.id, email="maija@example.org", locale="fi")
    )
    db.session.add(
        Invitation(engagement_id=survey.id, code="ABCD-EFGH-JKMN", email="maija@example.org")
    )
    survey.closed_at = utcnow() - timedelta(days=survey.retention_days + 1)
    db.session.commit()
    return survey


def test_a_run_empties_free_text_and_contacts_and_keeps_the_counts(app, closed_survey, caplog):
    answers_before = count(Answer)
    with caplog.at_level(logging.INFO):
        report = retention.run()
        db.session.commit()
    assert report.engagements_due == 1
    assert report.answer_texts == 3
    assert report.subscriptions == 1
    assert report.invitation_addresses == 1
    assert count(Submission) == 3
    assert count(Answer) == answers_before
    assert count(Answer, Answer.option_code == "other") == 3
    assert db.session.scalar(select(Answer.id).where(Answer.text == SECRET)) is None
    assert count(OutcomeSubscription) == 0
    assert db.session.scalar(select(Invitation.email)) is None
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "retention.run"))
    assert entry.details["answer_texts"] == 3
    assert "maija" not in caplog.text
    assert SECRET not in caplog.text
    assert "answer_texts" in caplog.text


def test_a_second_run_changes_nothing(app, closed_survey):
    retention.run()
    db.session.commit()
    again = retention.run()
    db.session.commit()
    assert not again.changed
    assert count(AuditLog, AuditLog.action == "retention.run") == 1


def test_nothing_is_removed_before_the_period_ends(app, closed_survey):
    closed_survey.closed_at = utcnow() - timedelta(days=closed_survey.retention_days - 1)
    db.session.commit()
    report = retention.run()
    db.session.commit()
    assert report.engagements_due == 0
    assert count(Answer, Answer.text == SECRET) == 3
    assert count(OutcomeSubscription) == 1


def test_an_open_survey_keeps_its_data(app, survey):  # noqa: F811
    publish_open(survey)
    survey_services.submit(
        survey, answers({"q-uses": "yes", "q-when": "other", "q-when-other": SECRET}), locale="fi"
    )
    db.session.commit()
    assert retention.run().engagements_due == 0
    assert count(Answer, Answer.text == SECRET) == 1


def test_the_command_prints_counts_and_dry_run_changes_nothing(app, runner, closed_survey):
    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Written answers emptied: 3." in dry.output
    assert "Dry run" in dry.output
    assert count(Answer, Answer.text == SECRET) == 3
    real = runner.invoke(args=["retention", "run"])
    assert "Written answers emptied: 3." in real.output
    assert "maija" not in real.output
    db.session.expire_all()
    assert count(Answer, Answer.text == SECRET) == 0
    assert "Written answers emptied: 0." in runner.invoke(args=["retention", "run"]).output
