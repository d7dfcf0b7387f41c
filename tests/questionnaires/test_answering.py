"""Residents answer the demo survey page by page, in three languages, without JavaScript."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.types import utcnow
from app.engagements.models import Engagement, Status
from app.extensions import db
from app.questionnaires.demo import load_demo_survey
from app.questionnaires.models import Answer, ResponseDraft, Submission
from tests.conftest import text_of

URL = "/{lang}/e/kirjasto"
PAGE1 = {
    "page": "visits",
    "q-uses": "yes",
    "q-when": ["evening", "other"],
    "q-when-other": "lauantaisin",
    "q-visits": "2,5",
    "action": "next",
}
PAGE2 = {
    "page": "hours",
    "q-satisfied": "4",
    "q-priorities-late": "1",
    "q-priorities-sunday": "2",
    "action": "next",
}
PAGE3 = {"page": "more", "q-ideas": "Lisää iltoja <b>kiitos</b>", "action": "submit"}


@pytest.fixture
def survey(plan) -> Engagement:
    engagement = load_demo_survey()
    db.session.commit()
    return engagement


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("fi", "Kirjaston aukioloajat"),
        ("sv", "Bibliotekets öppettider"),
        ("en", "Library opening hours"),
    ],
)
def test_survey_page_says_what_it_is_about_in_each_language(client, survey, lang, title):
    response = client.get(URL.format(lang=lang))
    assert response.status_code == 200
    page = text_of(response)
    assert title in page
    assert f'href="/{lang}/e/kirjasto/respond"' in response.get_data(as_text=True)


def test_drafts_and_unknown_ids_are_not_found(client, survey):
    assert client.get("/fi/e/nosuchid").status_code == 404
    survey.status = Status.DRAFT
    db.session.commit()
    assert client.get("/fi/e/kirjasto").status_code == 404
    assert client.get("/fi/e/kirjasto/respond").status_code == 404


def test_answering_page_by_page_stores_one_response_with_a_receipt(client, survey):
    first = client.get("/en/e/kirjasto/respond")
    assert "Page 1 of 3" in text_of(first)
    assert client.post("/en/e/kirjasto/respond", data=PAGE1).status_code == 302
    assert "Page 2 of 3" in text_of(client.get("/en/e/kirjasto/respond"))
    assert client.post("/en/e/kirjasto/respond", data=PAGE2).status_code == 302
    done = client.post("/en/e/kirjasto/respond", data=PAGE3)
    assert done.headers["Location"] == "/en/e/kirjasto/thanks"
    thanks = text_of(client.get("/en/e/kirjasto/thanks"))
    submission = db.session.scalar(select(Submission))
    assert submission.receipt_code in thanks
    assert submission.locale == "en"
    stored = db.session.execute(select(Answer.option_code, Answer.text, Answer.rank)).all()
    assert ("other", "lauantaisin", None) in stored
    assert ("late", None, 1) in stored
    assert (None, "Lisää iltoja <b>kiitos</b>", None) in stored
    assert count(ResponseDraft) == 0


def test_errors_are_listed_at_the_top_and_typed_answers_are_kept(client, survey):
    client.post("/fi/e/kirjasto/respond", data=PAGE1)
    response = client.post(
        "/fi/e/kirjasto/respond", data={**PAGE2, "q-satisfied": "", "q-priorities-sunday": "1"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    assert 'href="#q-satisfied-0"' in html
    assert 'href="#q-priorities-late"' in html
    assert "Vastaa tähän kysymykseen." in text_of(response)
    assert '<option value="1" selected>1</option>' in html  # the ranks typed are kept
    assert count(Submission) == 0


def test_back_keeps_the_answers(client, survey):
    client.post("/fi/e/kirjasto/respond", data=PAGE1)
    client.post("/fi/e/kirjasto/respond", data={**PAGE2, "action": "back"})
    html = client.get("/fi/e/kirjasto/respond").get_data(as_text=True)
    assert 'value="2,5"' in html
    assert 'value="evening" checked' in html
    assert 'value="lauantaisin"' in html


def test_questions_hidden_by_an_answer_are_not_asked_or_stored(client, survey):
    page1 = client.get("/fi/e/kirjasto/respond").get_data(as_text=True)
    assert 'name="q-when"' not in page1  # shown only after answering yes
    client.post(
        "/fi/e/kirjasto/respond",
        data={"page": "visits", "q-uses": "no", "q-visits": "9", "action": "next"},
    )
    client.post("/fi/e/kirjasto/respond", data=PAGE2)
    client.post("/fi/e/kirjasto/respond", data=PAGE3)
    assert db.session.scalar(select(func.count()).where(Answer.number == 9)) == 0
    assert count(Submission) == 1


def test_a_required_question_revealed_on_the_same_page_is_asked_for(client, survey):
    response = client.post(
        "/fi/e/kirjasto/respond", data={"page": "visits", "q-uses": "yes", "action": "next"}
    )
    assert response.status_code == 422
    assert 'name="q-when"' in response.get_data(as_text=True)


def test_save_and_resume_on_another_device(app, client, survey):
    client.post("/sv/e/kirjasto/respond", data=PAGE1)
    saved = client.post("/sv/e/kirjasto/respond", data={**PAGE2, "action": "save"})
    code = db.session.scalar(select(ResponseDraft.resume_code))
    assert code in text_of(saved)
    other_device = app.test_client()
    wrong = other_device.post("/sv/e/kirjasto/resume", data={"code": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == 422
    assert 'value="AAAA-BBBB-CCCC"' in wrong.get_data(as_text=True)
    resumed = other_device.post(
        "/sv/e/kirjasto/resume", data={"code": code.lower().replace("-", "")}
    )
    assert resumed.headers["Location"] == "/sv/e/kirjasto/respond"
    page = other_device.get("/sv/e/kirjasto/respond").get_data(as_text=True)
    assert "Sida 2 av 3" in text_of(other_device.get("/sv/e/kirjasto/respond"))
    assert 'value="4" checked' in page


def test_a_double_clicked_send_stores_one_response(client, survey):
    client.post("/fi/e/kirjasto/respond", data=PAGE1)
    client.post("/fi/e/kirjasto/respond", data=PAGE2)
    first = client.post("/fi/e/kirjasto/respond", data=PAGE3)
    second = client.post("/fi/e/kirjasto/respond", data=PAGE3)
    assert first.headers["Location"] == second.headers["Location"] == "/fi/e/kirjasto/thanks"
    assert count(Submission) == 1


def test_one_response_per_browser(client, survey):
    for data in (PAGE1, PAGE2, PAGE3):
        client.post("/fi/e/kirjasto/respond", data=data)
    for data in (PAGE1, PAGE2):
        client.post("/fi/e/kirjasto/respond", data=data)
    again = client.post("/fi/e/kirjasto/respond", data={**PAGE3, "action": "submit"})
    assert again.status_code == 409
    assert "Olet jo vastannut" in text_of(again)
    assert count(Submission) == 1


def test_closed_survey_explains_and_refuses_answers_sent_from_an_open_form(client, survey):
    client.post("/fi/e/kirjasto/respond", data=PAGE1)
    survey.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.post("/fi/e/kirjasto/respond", data=PAGE2)
    assert response.status_code == 410
    assert "Kysely on päättynyt" in text_of(response)
    assert count(Submission) == 0


def test_an_invitation_only_survey_cannot_be_answered_by_address(client, survey):
    survey.audience = "invited"
    db.session.commit()
    for response in (
        client.get("/fi/e/kirjasto/respond"),
        client.post("/fi/e/kirjasto/respond", data=PAGE1),
    ):
        assert response.status_code == 302
        assert response.headers["Location"] == "/fi/e/kirjasto"
    assert count(ResponseDraft) == 0
    page = client.get("/fi/e/kirjasto")
    assert 'name="code"' in page.get_data(as_text=True)
    assert 'href="/fi/e/kirjasto/respond"' not in page.get_data(as_text=True)


def test_open_surveys_are_listed_on_the_front_page_and_their_focus_areas(client, survey):
    assert 'href="/sv/e/kirjasto"' in client.get("/sv/").get_data(as_text=True)
    assert 'href="/en/e/kirjasto"' in client.get("/en/plan/HK-05").get_data(as_text=True)
    assert 'href="/en/e/kirjasto"' not in client.get("/en/plan/HK-01").get_data(as_text=True)
    survey.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert 'href="/en/e/kirjasto"' not in client.get("/en/plan/HK-05").get_data(as_text=True)


def test_a_double_click_sent_with_the_old_cookie_shows_the_same_receipt(client, survey):
    client.post("/fi/e/kirjasto/respond", data=PAGE1)
    client.post("/fi/e/kirjasto/respond", data=PAGE2)
    # Both clicks leave the browser with the same cookie, before the first answer comes back.
    before = client.get_cookie("osallistu_session").value
    first = client.post("/fi/e/kirjasto/respond", data=PAGE3)
    client.set_cookie("osallistu_session", before)
    second = client.post("/fi/e/kirjasto/respond", data=PAGE3)
    assert first.headers["Location"] == second.headers["Location"] == "/fi/e/kirjasto/thanks"
    receipt = db.session.scalar(select(Submission.receipt_code))
    assert receipt in text_of(client.get("/fi/e/kirjasto/thanks"))
    assert count(Submission) == 1
