"""`flask demo load` gives the records offline entries and responses with background bands."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from app.engagements import background
from app.engagements.models import Engagement
from app.extensions import db
from app.participation import offline, records
from app.participation.models import OfflineParticipation
from app.questionnaires.demo import DEMO_PUBLIC_ID
from app.questionnaires.models import Answer, Submission
from tests.conftest import login, text_of


def counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(table))
        for table in (OfflineParticipation, Submission, Answer)
    )


def kirjasto() -> Engagement:
    return db.session.scalar(select(Engagement).where(Engagement.public_id == DEMO_PUBLIC_ID))


def test_demo_load_twice_adds_the_demo_participation_once(runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "Demo participation (workshop, school visit, responses): added." in first.output
    after_first = counts()
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert "Demo participation (workshop, school visit, responses): already there" in (
        second.output
    )
    assert counts() == after_first

    survey = kirjasto()
    entries = [item.record for item in offline.entries(survey)]
    assert sorted((e.channel, e.participants, e.language) for e in entries) == [
        ("event", 25, ""),
        ("event", 40, "fi"),
    ]
    today = offline.today()
    assert all(e.held_on.year == today.year and e.held_on <= today for e in entries)
    assert any("pääkirjasto" in e.note.lower() for e in entries)


def test_the_demo_survey_gets_web_and_paper_responses_with_background_bands(runner):
    runner.invoke(args=["demo", "load"])
    survey = kirjasto()
    submissions = list(
        db.session.scalars(select(Submission).where(Submission.engagement_id == survey.id))
    )
    assert len(submissions) == 30
    assert {s.channel for s in submissions} <= {"web", "paper"}
    ages = Counter(s.demographics.get("age") for s in submissions if s.demographics)
    assert sum(ages.values()) == 27
    assert set(ages) <= {code for code, _label in background.AGE_BANDS}
    # Some groups reach the reach page's minimum size of five, some stay below it.
    assert max(ages.values()) >= 5
    assert min(ages.values()) < 5
    areas = Counter(s.demographics.get("area") for s in submissions if s.demographics)
    assert areas["94100"] == 9


def test_the_records_count_the_demo_workshop_and_school_visit(runner):
    runner.invoke(args=["demo", "load"])
    built = records.build(offline.today().year, "fi")
    [row] = [row for row in built.engagements if row.public_id == DEMO_PUBLIC_ID]
    assert row.figures.offline_participants == 65
    assert row.figures.offline_events == 2
    event = next(item for item in built.channels if item.channel == "event")
    assert event.offline_participants == 65


def test_the_demo_staff_see_the_entries_on_the_offline_page(runner, client):
    from app.auth import services as auth_services
    from app.cli import DEMO_PASSWORD

    runner.invoke(args=["demo", "load"])
    user = auth_services.user_by_email("vapaa-aika@demo.osallistu.fi")
    login(client, user, password=DEMO_PASSWORD, lang="en")
    page = text_of(client.get(f"/en/staff/engagements/{DEMO_PUBLIC_ID}/offline"))
    assert "Recorded: 2 entries. People in all: 65" in page
    assert "Työpaja pääkirjastossa" in page
