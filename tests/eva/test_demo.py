"""`flask demo load` adds an open EVA hearing with answers and comments, once."""

from __future__ import annotations

from sqlalchemy import func, select

from app.discussion.models import Discussion, Post, Thread
from app.engagements.models import Engagement, Kind, Status
from app.eva import services
from app.eva.demo import DEMO_EVA_ID
from app.extensions import db
from app.questionnaires.models import Submission


def test_demo_load_adds_an_open_hearing_with_answers_and_comments_once(runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert f"/fi/e/{DEMO_EVA_ID}" in first.output
    engagement = db.session.scalar(select(Engagement).where(Engagement.public_id == DEMO_EVA_ID))
    assert engagement.kind == Kind.EVA
    assert engagement.status == Status.PUBLISHED
    assert engagement.is_open()
    assert services.missing_for_publishing(engagement) == []
    assert [alt.code for alt in services.assessment_of(engagement).alternatives] == [
        "VE0",
        "VE1",
        "VE2",
    ]
    responses = select(func.count()).where(Submission.engagement_id == engagement.id)
    posts = (
        select(func.count())
        .select_from(Post)
        .join(Thread, Post.thread_id == Thread.id)
        .join(Discussion, Thread.discussion_id == Discussion.id)
        .where(Discussion.engagement_id == engagement.id)
    )
    assert db.session.scalar(responses) == 12
    assert db.session.scalar(posts) == 3
    second = runner.invoke(args=["demo", "load"])
    assert "Demo EVA hearing: already there" in second.output
    assert db.session.scalar(responses) == 12
    assert db.session.scalar(posts) == 3


def test_the_demo_hearing_page_shows_in_every_language(runner, client):
    runner.invoke(args=["demo", "load"])
    for lang in ("fi", "sv", "en"):
        response = client.get(f"/{lang}/e/{DEMO_EVA_ID}")
        assert response.status_code == 200
        assert f'lang="{lang}"' in response.get_data(as_text=True)


def test_the_decided_demo_hearing_shows_what_was_done(runner, client):
    from app.eva.demo import DEMO_DECIDED_ID

    runner.invoke(args=["demo", "load"])
    engagement = db.session.scalar(
        select(Engagement).where(Engagement.public_id == DEMO_DECIDED_ID)
    )
    assert engagement.outcome_published_at is not None
    assert services.assessment_of(engagement).decided_at is not None
    page = client.get(f"/en/e/{DEMO_DECIDED_ID}").get_data(as_text=True)
    assert "two Saturdays a month" in page
    assert "§ 45" in page
