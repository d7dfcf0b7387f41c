"""The hearing questionnaire generated from the matrix: codes, texts, answering, regenerating."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.eva import services
from app.eva.catalogue import area_by_code
from app.eva.questionnaire import (
    QuestionnaireExistsError,
    comment_code,
    generate_questionnaire,
    impact_code,
)
from app.extensions import db
from app.questionnaires import services as questionnaire_services
from app.questionnaires.models import Answer, Submission
from tests.eva.conftest import build_eva


def structure(engagement):
    questionnaire = questionnaire_services.questionnaire_of(engagement)
    return [
        (page.code, [(q.code, q.type, [o.code for o in q.options]) for q in page.questions])
        for page in questionnaire.pages
    ]


EFFECTS = ["better", "same", "worse", "cant"]


def test_generated_codes_follow_the_convention_exactly(plan):
    engagement = build_eva(area_codes=("children_youth", "health"), publish=False)
    assert structure(engagement) == [
        (
            "a_children_youth",
            [
                ("i_children_youth_ve0", "single_choice", EFFECTS),
                ("i_children_youth_ve1", "single_choice", EFFECTS),
                ("c_children_youth", "long_text", []),
            ],
        ),
        (
            "a_health",
            [
                ("i_health_ve0", "single_choice", EFFECTS),
                ("i_health_ve1", "single_choice", EFFECTS),
                ("c_health", "long_text", []),
            ],
        ),
        (
            "preference",
            [
                ("preferred", "single_choice", ["ve0", "ve1"]),
                ("preferred_why", "long_text", []),
            ],
        ),
    ]


def test_generated_texts_name_the_alternative_in_each_language(plan):
    engagement = build_eva(area_codes=("health",), publish=False)
    questionnaire = questionnaire_services.questionnaire_of(engagement)
    page = questionnaire.pages[0]
    assert page.title == {"fi": "Terveys", "sv": "Hälsa", "en": "Health"}
    question = page.questions[1]
    assert (
        question.text["fi"]
        == "Miten vaihtoehto ”Kirjastot yhdistetään” vaikuttaisi sinuun tai läheisiisi?"
    )
    assert (
        question.text["en"] == "How would “Merge the libraries” affect you or people close to you?"
    )
    assert "Biblioteken slås samman" in question.text["sv"]
    assert not question.is_required
    cant = [o for o in question.options if o.code == "cant"][0]
    assert cant.is_cant_say
    assert cant.label["en"] == "Can't say"
    preferred = questionnaire.pages[-1].questions[0]
    assert [o.label["en"] for o in preferred.options] == [
        "Keep the current state",
        "Merge the libraries",
    ]


def test_generated_questionnaire_passes_the_publishing_check(plan):
    engagement = build_eva(publish=False)
    assert questionnaire_services.missing_for_publishing(engagement) == []


def test_generated_questionnaire_can_be_answered(plan):
    engagement = build_eva()
    db.session.commit()
    form = MultiDict(
        {
            "q-i_children_youth_ve1": "worse",
            "q-i_children_youth_ve0": "same",
            "q-c_children_youth": "Matka kirjastoon pitenee.",
            "q-i_health_ve1": "cant",
            "q-preferred": "ve0",
            "q-preferred_why": "Lähikirjasto on tärkeä.",
        }
    )
    submission = questionnaire_services.submit(engagement, form, locale="fi")
    db.session.commit()
    answers = db.session.scalars(select(Answer).where(Answer.submission_id == submission.id)).all()
    by_code = {a.question_id: a for a in answers}
    assert len(by_code) == 6
    assert sorted(a.option_code for a in answers if a.option_code) == [
        "cant",
        "same",
        "ve0",
        "worse",
    ]


def test_regenerating_replaces_questions_while_nobody_answered(plan):
    engagement = build_eva(area_codes=("health",), publish=False)
    assessment = services.assessment_of(engagement)
    services.add_alternative(assessment, {"fi": "Kolmas", "sv": "Tredje", "en": "Third"}, {})
    generate_questionnaire(assessment)
    codes = [code for _page, questions in structure(engagement) for code, *_ in questions]
    assert "i_health_ve2" in codes
    assert codes.count("i_health_ve1") == 1


def test_regenerating_is_refused_once_answers_exist(plan):
    engagement = build_eva()
    db.session.commit()
    questionnaire_services.submit(engagement, MultiDict({"q-preferred": "ve1"}), locale="sv")
    db.session.commit()
    with pytest.raises(QuestionnaireExistsError):
        generate_questionnaire(services.assessment_of(engagement))
    assert db.session.scalar(select(Submission.id)) is not None


def test_areas_answered_in_a_published_hearing_cannot_be_removed(plan):
    engagement = build_eva()
    db.session.commit()
    questionnaire_services.submit(engagement, MultiDict({"q-i_health_ve1": "better"}), locale="fi")
    db.session.commit()
    assessment = services.assessment_of(engagement)
    keep = [area_by_code("children_youth").id, area_by_code("accessibility").id]
    with pytest.raises(services.EvaError) as caught:
        services.set_areas(assessment, keep)
    assert "health" in caught.value.problems[0]
    # An area nobody answered about can go.
    services.set_areas(assessment, [area_by_code("health").id, keep[0]])
    assert [item.area.code for item in assessment.areas] == ["children_youth", "health"]


def test_long_codes_are_cut_deterministically_to_forty_characters():
    area = "a" * 30 + "_extra_long_name"
    assert len(impact_code(area, "VE12")) == 40
    assert impact_code(area, "VE12").endswith("_ve12")
    assert impact_code(area, "VE12") == impact_code(area, "VE12")
    assert len(comment_code(area)) == 40
    assert impact_code("health", "VE1") == "i_health_ve1"
