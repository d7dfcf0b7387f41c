"""Staff build surveys in the browser: create, questions, conditions, order, preview, publish, copy."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.core.audit import AuditLog
from app.engagements.models import Engagement, Status
from app.extensions import db
from app.questionnaires import services
from app.questionnaires.demo import load_demo_survey
from app.questionnaires.models import Question, Submission
from tests.conftest import UserFactory, department, login, text_of


@pytest.fixture
def library_staff(plan):
    return UserFactory(email="kirjasto@city.example", department=department("kulttuuri-vapaa-aika"))


@pytest.fixture
def demo(plan):
    engagement = load_demo_survey()
    db.session.commit()
    return engagement


def create(client, **extra) -> str:
    form = {
        "languages": ["fi", "sv"],
        "title-fi": "Nuorisotilat",
        "title-sv": "",
        "focus_areas": ["HK-01"],
        **extra,
    }
    response = client.post("/fi/staff/departments/kulttuuri-vapaa-aika/surveys/new", data=form)
    assert response.status_code == 302, text_of(response)
    return response.headers["Location"]


def question_form(code: str, text_fi: str, text_sv: str = "", **extra) -> dict:
    return {"code": code, "text-fi": text_fi, "text-sv": text_sv, **extra}


def test_staff_create_a_draft_survey_and_land_on_its_page(client, library_staff):
    login(client, library_staff)
    location = create(client)
    engagement = db.session.scalar(select(Engagement))
    assert location == f"/fi/staff/surveys/{engagement.public_id}/"
    assert engagement.status == Status.DRAFT
    assert engagement.languages == ["fi", "sv"]
    assert [a.code for a in engagement.focus_areas] == ["HK-01"]
    page = text_of(client.get(location))
    assert "Nuorisotilat" in page
    assert "Draft: residents cannot see it yet" in text_of(
        client.get(location.replace("/fi/", "/en/"))
    )


def test_new_survey_form_refuses_missing_choices_and_keeps_the_title(client, library_staff):
    login(client, library_staff)
    response = client.post(
        "/en/staff/departments/kulttuuri-vapaa-aika/surveys/new",
        data={"title-fi": "Nuorisotilat", "title-en": "Youth centres"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose at least one language." in page
    assert "Choose at least one focus area." in page
    assert 'value="Youth centres"' in page
    assert db.session.scalar(select(func.count(Engagement.id))) == 0


def test_staff_add_questions_with_options_and_a_condition(client, library_staff):
    login(client, library_staff)
    base = create(client)
    response = client.post(
        base + "pages/p1/questions/new?type=single_choice",
        data={
            **question_form("visits", "Käytkö nuorisotilassa?", "Besöker du ungdomsgården?"),
            "required": "y",
            "display": "radio",
            "options-0-code": "yes",
            "options-0-label_fi": "Kyllä",
            "options-0-label_sv": "Ja",
            "options-1-code": "",
            "options-1-label_fi": "En",
            "options-1-label_sv": "Nej",
            "options-2-code": "cant",
            "options-2-label_fi": "En osaa sanoa",
            "options-2-label_sv": "Vet inte",
            "options-2-is_cant_say": "y",
        },
    )
    assert response.status_code == 302, text_of(response)
    assert response.headers["Location"].endswith("#question-visits")
    response = client.post(
        base + "pages/p1/questions/new?type=long_text",
        data={
            **question_form("why", "Miksi et käy?", "Varför inte?"),
            "condition-match": "all",
            "condition-rules-0-question": "visits",
            "condition-rules-0-op": "equals",
            "condition-rules-0-value": "o2",
        },
    )
    assert response.status_code == 302, text_of(response)
    visits = db.session.scalar(select(Question).where(Question.code == "visits"))
    assert [(o.code, o.label["sv"], o.is_cant_say) for o in visits.options] == [
        ("yes", "Ja", False),
        ("o2", "Nej", False),
        ("cant", "Vet inte", True),
    ]
    assert visits.is_required
    why = db.session.scalar(select(Question).where(Question.code == "why"))
    assert why.condition == {
        "match": "all",
        "rules": [{"question": "visits", "op": "equals", "value": "o2"}],
    }
    page = text_of(client.get(base))
    assert "Käytkö nuorisotilassa?" in page
    assert "Miksi et käy?" in page


def test_question_form_errors_are_listed_and_typed_text_kept(client, library_staff):
    login(client, library_staff)
    base = create(client)
    response = client.post(
        base + "pages/p1/questions/new?type=number",
        data={**question_form("1bad code", "Ikäsi?"), "min": "ten"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "error-summary" in html
    assert "Ikäsi?" in html
    assert db.session.scalar(select(func.count(Question.id))) == 0


def test_a_condition_cannot_refer_to_a_later_question(client, library_staff):
    login(client, library_staff)
    base = create(client)
    client.post(base + "pages/p1/questions/new?type=yes_no", data=question_form("a", "A?"))
    client.post(base + "pages/p1/questions/new?type=yes_no", data=question_form("b", "B?"))
    # b depends on a; moving b above a would break that, so it is refused.
    client.post(
        base + "questions/b",
        data={
            **question_form("b", "B?"),
            "condition-match": "all",
            "condition-rules-0-question": "a",
            "condition-rules-0-op": "answered",
        },
    )
    english = base.replace("/fi/", "/en/")
    response = client.post(english + "questions/b/move", data={"direction": "up"})
    assert response.status_code == 302
    assert "This order is not possible" in text_of(client.get(english))
    codes = [q.code for q in db.session.scalars(select(Question).order_by(Question.position))]
    assert codes == ["a", "b"]


def test_questions_move_within_and_between_pages(client, library_staff):
    login(client, library_staff)
    base = create(client)
    for code in ("a", "b"):
        client.post(base + "pages/p1/questions/new?type=yes_no", data=question_form(code, code))
    client.post(base + "pages")
    client.post(base + "questions/a/move", data={"direction": "down"})
    engagement = db.session.scalar(select(Engagement))
    questionnaire = services.questionnaire_of(engagement)
    db.session.expire_all()
    assert [[q.code for q in p.questions] for p in questionnaire.pages] == [["b", "a"], []]
    client.post(base + "questions/a/move", data={"direction": "down"})
    db.session.expire_all()
    assert [[q.code for q in p.questions] for p in questionnaire.pages] == [["b"], ["a"]]
    client.post(base + "pages/p2/move", data={"direction": "up"})
    db.session.expire_all()
    assert [p.code for p in questionnaire.pages] == ["p2", "p1"]


def test_publishing_is_refused_with_a_list_of_missing_texts(client, library_staff):
    login(client, library_staff)
    base = create(client)
    client.post(base + "pages/p1/questions/new?type=yes_no", data=question_form("a", "Onko?"))
    response = client.post(base.replace("/fi/", "/en/") + "publish", follow_redirects=True)
    assert "The survey was not published. Fill in what is missing first." in text_of(response)
    engagement = db.session.scalar(select(Engagement))
    assert engagement.status == Status.DRAFT
    missing = services.missing_for_publishing(engagement)
    assert ("a.text", "sv") in missing
    assert ("title", "sv") in missing
    page = text_of(client.get(base.replace("/fi/", "/en/")))
    assert "Question a: the question – På svenska" in page


def test_settings_save_texts_and_then_publishing_succeeds(client, library_staff):
    login(client, library_staff)
    base = create(client)
    client.post(
        base + "pages/p1/questions/new?type=yes_no", data=question_form("a", "Onko?", "Är det?")
    )
    response = client.post(
        base + "settings",
        data={
            "title-fi": "Nuorisotilat",
            "title-sv": "Ungdomsgårdar",
            "summary-fi": "Kerro nuorisotiloista.",
            "summary-sv": "Berätta om ungdomsgårdarna.",
            "languages": ["fi", "sv"],
            "focus_areas": ["HK-01", "HK-02"],
            "opens_at": "2026-01-01T08:00",
            "closes_at": "2099-01-31T16:00",
            "audience": "link",
            "is_anonymous": "y",
            "one_response": "y",
            "retention_days": "400",
        },
    )
    assert response.status_code == 302, text_of(response)
    engagement = db.session.scalar(select(Engagement))
    assert engagement.audience == "link"
    assert engagement.retention_days == 400
    # 16:00 Finnish winter time is 14:00 UTC.
    assert engagement.closes_at.hour == 14
    assert client.post(base + "publish").status_code == 302
    db.session.expire_all()
    assert engagement.status == Status.PUBLISHED


def test_settings_refuse_closing_before_opening_and_keep_input(client, library_staff):
    login(client, library_staff)
    base = create(client)
    response = client.post(
        base.replace("/fi/", "/sv/") + "settings",
        data={
            "title-fi": "Uusi nimi",
            "languages": ["fi"],
            "focus_areas": ["HK-01"],
            "opens_at": "2027-02-01T08:00",
            "closes_at": "2027-01-01T08:00",
            "audience": "public",
            "retention_days": "365",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="Uusi nimi"' in html
    assert "error-summary" in html


def test_once_answered_deleting_questions_and_options_is_refused(client, library_staff, demo):
    services.submit(
        demo,
        MultiDict({"q-uses": "yes", "q-when": "morning", "q-satisfied": "4"}),
        "fi",
        channel="paper",
    )
    db.session.commit()
    login(client, library_staff)
    base = "/en/staff/surveys/kirjasto/"
    response = client.post(base + "questions/ideas/delete", follow_redirects=True)
    assert "Deleting the question would lose their answers" in text_of(response)
    assert db.session.scalar(select(Question).where(Question.code == "ideas")) is not None
    # Removing the option "morning" (leaving its row empty) is refused; wording fixes are fine.
    form = client.get(base + "questions/when").get_data(as_text=True)
    assert 'value="morning"' in form
    data = {
        "code": "when",
        "text-fi": "Milloin yleensä käyt?",
        "text-sv": "När brukar du gå dit?",
        "text-en": "When do you usually go?",
        "required": "y",
        "condition-match": "all",
        "condition-rules-0-question": "uses",
        "condition-rules-0-op": "equals",
        "condition-rules-0-value": "yes",
    }
    codes = ["morning", "day", "evening", "weekend", "other"]
    for index, code in enumerate(codes):
        data[f"options-{index}-code"] = code
        for loc in ("fi", "sv", "en"):
            data[f"options-{index}-label_{loc}"] = f"{code} {loc}"
    data["options-4-is_other"] = "y"
    refused = dict(
        data,
        **{
            "options-0-code": "",
            "options-0-label_fi": "",
            "options-0-label_sv": "",
            "options-0-label_en": "",
        },
    )
    response = client.post(base + "questions/when", data=refused)
    assert response.status_code == 422
    assert "cannot be removed: morning" in text_of(response)
    response = client.post(base + "questions/when", data=data)
    assert response.status_code == 302
    when = db.session.scalar(select(Question).where(Question.code == "when"))
    db.session.refresh(when)
    assert when.text["fi"] == "Milloin yleensä käyt?"
    fix = db.session.scalar(select(AuditLog).where(AuditLog.action == "survey.wording_fix"))
    assert fix is not None
    assert fix.details["question"] == "when"
    assert "text" in fix.details["changed"]


def test_preview_walks_the_pages_without_storing(client, library_staff, demo):
    login(client, library_staff)
    base = "/sv/staff/surveys/kirjasto/preview"
    page = client.get(base + "?restart=1", follow_redirects=True)
    assert "Besöker du huvudbiblioteket?" in text_of(page)
    response = client.post(base, data={"page": "visits", "q-uses": "no", "action": "next"})
    assert response.status_code == 302
    assert "Hur nöjd" in text_of(client.get(base))
    missing = client.post(base, data={"page": "hours", "action": "next"})
    assert missing.status_code == 422
    client.post(base, data={"page": "hours", "q-satisfied": "3", "action": "next"})
    done = client.post(
        base.replace("/sv/", "/en/"),
        data={"page": "more", "action": "submit"},
        follow_redirects=True,
    )
    assert "This was a preview: nothing was stored." in text_of(done)
    assert db.session.scalar(select(func.count(Submission.id))) == 0


def test_copy_makes_an_unpublished_twin_without_answers(client, library_staff, demo):
    login(client, library_staff)
    response = client.post("/fi/staff/surveys/kirjasto/copy")
    assert response.status_code == 302
    copy = db.session.scalar(select(Engagement).where(Engagement.public_id != "kirjasto"))
    assert response.headers["Location"] == f"/fi/staff/surveys/{copy.public_id}/"
    assert copy.status == Status.DRAFT
    assert copy.title == demo.title
    assert copy.languages == demo.languages
    original = services.questionnaire_of(demo)
    twin = services.questionnaire_of(copy)
    assert [[q.code for q in p.questions] for p in twin.pages] == [
        [q.code for q in p.questions] for p in original.pages
    ]
    assert services.missing_for_publishing(copy) == []


def test_other_departments_cannot_open_or_change_the_survey(client, other_staff, demo):
    login(client, other_staff)
    for url in (
        "/fi/staff/surveys/kirjasto/",
        "/fi/staff/surveys/kirjasto/settings",
        "/fi/staff/surveys/kirjasto/questions/uses",
    ):
        assert client.get(url).status_code == 403
    assert client.post("/fi/staff/surveys/kirjasto/questions/uses/delete").status_code == 403
    assert client.post("/fi/staff/departments/kulttuuri-vapaa-aika/surveys/new").status_code == 403


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_builder_pages_render_in_every_language(client, library_staff, demo, lang):
    login(client, library_staff)
    for path in (
        "",
        "settings",
        "pages/visits",
        "questions/when",
        "questions/satisfied",
        "pages/visits/questions/new",
        "pages/visits/questions/new?type=matrix",
    ):
        response = client.get(f"/{lang}/staff/surveys/kirjasto/{path}")
        assert response.status_code == 200, path
        assert f'<html lang="{lang}">' in response.get_data(as_text=True)
