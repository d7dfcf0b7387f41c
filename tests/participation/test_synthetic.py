"""The benchmark's data generator makes what it says, valid for the models and the records."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.discussion.models import Discussion, Post, PostState, Thread
from app.engagements import background
from app.engagements.models import Engagement, engagement_focus_areas
from app.extensions import db
from app.participation import records, synthetic
from app.participation.models import OfflineParticipation, PopulationGroup
from app.participation.queries import period
from app.plan.models import FocusArea
from app.questionnaires.models import Answer, Question, Submission

NOW = datetime(2026, 6, 15, 12, tzinfo=UTC)
SIZES = synthetic.Sizes(engagements=12, submissions=300, answers=3_100, posts=60, years=2)


@pytest.fixture
def made(plan):
    result = synthetic.generate(SIZES, now=NOW, chunk=128)
    db.session.commit()
    return result


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_makes_the_sizes_asked_for(made):
    assert (made.engagements, made.submissions, made.answers, made.posts) == (12, 300, 3_100, 60)
    assert count(Engagement) == 12
    assert count(Submission) == 300
    assert count(Answer) == 3_100
    assert count(Post) == 60
    assert made.offline_rows == count(OfflineParticipation) > 0
    assert made.population_rows == count(PopulationGroup) > 0
    assert sum(made.submissions_by_year.values()) == 300
    assert set(made.submissions_by_year) <= {2025, 2026}
    assert made.busiest_full_year() == 2025


def test_responses_fall_inside_their_engagement_and_the_years(made):
    rows = db.session.execute(
        select(
            Submission.submitted_at,
            Submission.locale,
            Submission.channel,
            Submission.demographics,
            Engagement.opens_at,
            Engagement.closes_at,
            Engagement.languages,
        ).join(Engagement, Engagement.id == Submission.engagement_id)
    ).all()
    first = period(2025).start
    areas = {code for code, _label in background.options("area")}
    ages = {code for code, _label in background.options("age")}
    for submitted_at, locale, channel, demographics, opens_at, closes_at, languages in rows:
        assert first <= opens_at <= submitted_at <= closes_at <= NOW
        assert locale in languages
        assert channel in synthetic.CHANNEL_WEIGHTS
        assert set(demographics) <= {"age", "area"}
        assert demographics.get("age", "18-29") in ages
        assert demographics.get("area", "94100") in areas
    assert {row.channel for row in rows} >= {"web", "paper"}
    with_background = sum(1 for row in rows if row.demographics)
    assert 0.25 < with_background / len(rows) < 0.55


def test_answers_belong_to_the_questions_of_their_response(made):
    mismatched = db.session.scalar(
        select(func.count(Answer.id))
        .join(Submission, Submission.id == Answer.submission_id)
        .join(Question, Question.id == Answer.question_id)
        .where(Question.questionnaire_id != Submission.questionnaire_id)
    )
    assert mismatched == 0
    per_response = Counter(db.session.scalars(select(Answer.submission_id)))
    # 3,100 answers over 300 responses: ten each, and eleven for a hundred of them.
    assert Counter(per_response.values()) == {10: 200, 11: 100}


def test_engagements_have_one_to_three_of_the_plans_focus_areas(made, plan):
    plan_areas = {area.id for goal in plan.goals for area in goal.focus_areas}
    links = db.session.execute(select(engagement_focus_areas)).all()
    per_engagement = Counter(engagement_id for engagement_id, _area in links)
    assert len(per_engagement) == 12
    assert set(per_engagement.values()) <= {1, 2, 3}
    assert {area_id for _e, area_id in links} <= plan_areas
    assert count(FocusArea) == len(plan_areas)


def test_posts_are_written_while_their_engagement_is_open(made):
    rows = db.session.execute(
        select(Post.created_at, Post.state, Post.hidden_reason, Engagement.opens_at)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Discussion, Discussion.id == Thread.discussion_id)
        .join(Engagement, Engagement.id == Discussion.engagement_id)
    ).all()
    assert len(rows) == 60
    for created_at, state, hidden_reason, opens_at in rows:
        assert opens_at <= created_at <= NOW
        assert (hidden_reason is not None) == (state == PostState.HIDDEN)


def test_the_records_count_every_response_of_each_year(made, app):
    with app.test_request_context("/fi/"):
        for year in (2025, 2026):
            built = records.build(year, "fi")
            assert built.total.responses == made.submissions_by_year[year]
