"""Building, publishing and answering a survey through the services (no pages yet)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import yaml
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.core.types import utcnow
from app.engagements.models import Kind, Status
from app.engagements.services import create_engagement
from app.extensions import db
from app.plan import services as plan_services
from app.questionnaires import services
from app.questionnaires.definition import definition
from app.questionnaires.models import Answer, Submission
from app.questionnaires.services import OptionInput


def t(fi: str, sv: str = "") -> dict:
    return {"fi": fi, "sv": sv or f"{fi} (sv)"}


@pytest.fixture
def survey(plan):
    engagement = create_engagement(
        Kind.SURVEY,
        plan_services.department_by_code("kulttuuri-vapaa-aika"),
        title=t("Kirjaston aukioloajat"),
        languages=["fi", "sv"],
        focus_areas=[plan_services.focus_area_by_code("HK-05")],
    )
    engagement.summary = t("Kerro, milloin käyt kirjastossa.")
    questionnaire = services.create_questionnaire(engagement)
    page1 = services.add_page(questionnaire, "p1", t("Käyntisi"))
    services.add_question(page1, "uses", "yes_no", t("Käytkö kirjastossa?"), required=True)
    services.add_question(
        page1,
        "when",
        "multiple_choice",
        t("Milloin?"),
        required=True,
        options=[
            OptionInput("morning", t("Aamulla")),
            OptionInput("evening", t("Illalla")),
            OptionInput("other", t("Muulloin"), is_other=True),
        ],
        condition={"rules": [{"question": "uses", "op": "equals", "value": "yes"}]},
    )
    page2 = services.add_page(questionnaire, "p2", t("Arvio"))
    services.add_question(page2, "grade", "scale", t("Arvosana"), settings={"points": 5})
    services.add_question(page2, "visits", "number", t("Käyntiä kuussa"), settings={"min": 0})
    db.session.commit()
    return engagement


def publish_open(engagement) -> None:
    services.publish(engagement)
    engagement.opens_at = utcnow() - timedelta(minutes=1)
    db.session.commit()


def answers(data: dict) -> MultiDict:
    return MultiDict(data)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_publishing_is_refused_until_every_offered_language_has_every_text(survey):
    survey.summary = {"fi": "Kerro, milloin käyt kirjastossa."}
    db.session.commit()
    with pytest.raises(services.QuestionnaireError) as refused:
        services.publish(survey)
    assert refused.value.problems == ["summary sv"]
    assert survey.status == Status.DRAFT
    survey.summary = t("Kerro, milloin käyt kirjastossa.")
    services.publish(survey)
    assert survey.status == Status.PUBLISHED


def test_a_condition_may_only_look_back(survey):
    questionnaire = services.questionnaire_of(survey)
    page = questionnaire.pages[0]
    with pytest.raises(services.QuestionnaireError, match="does not come before it"):
        services.add_question(
            page,
            "why",
            "long_text",
            t("Miksi?"),
            condition={"rules": [{"question": "later", "op": "answered"}]},
        )
    with pytest.raises(services.QuestionnaireError, match="used already"):
        services.add_question(page, "uses", "short_text", t("Taas"))


def test_a_response_is_stored_in_long_format_with_codes(survey):
    publish_open(survey)
    submission = services.submit(
        survey,
        answers(
            [
                ("q-uses", "yes"),
                ("q-when", "evening"),
                ("q-when", "other"),
                ("q-when-other", "lauantaisin"),
                ("q-grade", "4"),
                ("q-visits", "2,5"),
            ]
        ),
        locale="sv",
    )
    db.session.commit()
    rows = db.session.execute(
        select(Answer.option_code, Answer.text, Answer.number).order_by(Answer.id)
    ).all()
    assert [(o, tx, n and Decimal(n)) for o, tx, n in rows] == [
        ("yes", None, None),
        ("evening", None, None),
        ("other", "lauantaisin", None),
        (None, None, Decimal(4)),
        (None, None, Decimal("2.5")),
    ]
    assert submission.locale == "sv"
    assert submission.channel == "web"
    assert len(submission.receipt_code) == 14


def test_answers_to_a_hidden_question_are_dropped_and_its_required_rule_skipped(survey):
    publish_open(survey)
    services.submit(survey, answers({"q-uses": "no", "q-when": "morning"}), locale="fi")
    db.session.commit()
    assert db.session.scalars(select(Answer.option_code)).all() == ["no"]


def test_problems_name_the_questions_and_nothing_is_stored(survey):
    publish_open(survey)
    with pytest.raises(services.AnswerProblems) as caught:
        services.submit(survey, answers({"q-uses": "yes", "q-visits": "-1"}), locale="fi")
    assert {code: [p.code for p in found] for code, found in caught.value.problems.items()} == {
        "when": ["required"],
        "visits": ["too_small"],
    }
    db.session.rollback()
    assert count(Submission) == 0


def test_a_double_clicked_submit_stores_one_response(survey):
    publish_open(survey)
    first = services.submit(survey, answers({"q-uses": "no"}), locale="fi", form_token="tok-1")
    second = services.submit(survey, answers({"q-uses": "no"}), locale="fi", form_token="tok-1")
    db.session.commit()
    assert first.id == second.id
    assert count(Submission) == 1
    assert count(Answer) == 1


def test_one_response_per_respondent(survey):
    publish_open(survey)
    services.submit(survey, answers({"q-uses": "no"}), locale="fi", respondent_hash="h1")
    db.session.commit()
    with pytest.raises(services.AlreadyAnsweredError):
        services.submit(
            survey,
            answers({"q-uses": "yes", "q-when": "morning"}),
            locale="fi",
            respondent_hash="h1",
        )
    survey.one_response = False
    services.submit(survey, answers({"q-uses": "no"}), locale="fi", respondent_hash="h1")
    db.session.commit()
    assert count(Submission) == 2


def test_closed_or_draft_surveys_refuse_web_answers_but_staff_can_enter_paper(survey, staff):
    with pytest.raises(services.SurveyClosedError):
        services.submit(survey, answers({"q-uses": "no"}), locale="fi")
    publish_open(survey)
    survey.closes_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(services.SurveyClosedError):
        services.submit(survey, answers({"q-uses": "no"}), locale="fi")
    paper = services.submit(
        survey, answers({"q-uses": "no"}), locale="fi", channel="paper", entered_by_id=staff.id
    )
    db.session.commit()
    assert paper.entered_by_id == staff.id
    assert paper.channel == "paper"


def test_the_definition_is_cached_per_version_and_reloaded_after_a_change(survey):
    questionnaire = services.questionnaire_of(survey)
    first = definition(questionnaire.id, questionnaire.version)
    assert definition(questionnaire.id, questionnaire.version) is first
    assert [q.code for q in first.questions()] == ["uses", "when", "grade", "visits"]
    services.add_question(questionnaire.pages[1], "comment", "long_text", t("Muuta?"))
    db.session.commit()
    changed = definition(questionnaire.id, questionnaire.version)
    assert changed is not first
    assert changed.questions()[-1].code == "comment"


def test_plan_import_refuses_to_drop_a_focus_area_an_engagement_uses(survey):
    data = yaml.safe_load(plan_services.export_plan())
    areas = data["plan"]["goals"][0]["focus_areas"]
    data["plan"]["goals"][0]["focus_areas"] = [a for a in areas if a["code"] != "HK-05"]
    with pytest.raises(plan_services.PlanFileError, match="HK-05"):
        plan_services.import_plan(yaml.safe_dump(data, allow_unicode=True))
    db.session.rollback()
    assert plan_services.focus_area_by_code("HK-05") is not None
