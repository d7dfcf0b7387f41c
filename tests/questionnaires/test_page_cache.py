"""Survey pages kept in the process (page_cache): never one visitor's token, flash or receipt."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.core.types import utcnow
from app.engagements.models import Engagement
from app.extensions import db
from app.plan import services as plan_services
from app.questionnaires import page_cache
from app.questionnaires.demo import load_demo_survey
from app.questionnaires.models import Question, Questionnaire, Submission
from config import Testing
from tests.conftest import KEMI_PLAN, login, running_app, text_of

RESPOND = "/en/e/kirjasto/respond"
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
PAGE3 = {"page": "more", "q-ideas": "Lisää iltoja", "action": "submit"}
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class CsrfTesting(Testing):
    WTF_CSRF_ENABLED = True


@pytest.fixture
def survey(plan) -> Engagement:
    engagement = load_demo_survey()
    db.session.commit()
    return engagement


def snapshot(app):  # noqa: ANN001, ANN201
    return app.extensions[page_cache.EXTENSION].get("kirjasto")


def client(app):  # noqa: ANN001, ANN201
    return app.test_client()


def token_of(response) -> str:  # noqa: ANN001
    return TOKEN.search(response.get_data(as_text=True)).group(1)


def answer_all(client) -> str:  # noqa: ANN001
    """Answer the demo survey; the receipt code the thank-you page shows."""
    client.get(RESPOND)
    for data in (PAGE1, PAGE2, PAGE3):
        assert client.post(RESPOND, data=data).status_code == 302
    thanks = client.get("/en/e/kirjasto/thanks")
    assert thanks.status_code == 200
    return re.search(r'<p class="code">([^<]+)</p>', thanks.get_data(as_text=True)).group(1)


def test_a_second_visitor_gets_the_kept_page_with_their_own_csrf_token(app, survey):
    first, second = app.test_client(), app.test_client()
    one = first.get(RESPOND)
    assert snapshot(app) is not None
    assert snapshot(app).pages  # kept after the first visitor
    two = second.get(RESPOND)
    assert text_of(one) == text_of(two)
    assert token_of(one) != token_of(two)
    assert page_cache.CSRF_PLACEHOLDER not in two.get_data(as_text=True)
    # The same visitor again: the token their session holds.
    assert token_of(second.get(RESPOND)).split(".")[0] == token_of(two).split(".")[0]


def test_a_flashed_message_is_shown_only_to_its_visitor(app, survey):
    client(app).get(RESPOND)  # keeps the page
    flashed = app.test_client()
    with flashed.session_transaction() as session:
        session["_flashes"] = [("info", "A message for this visitor only")]
    assert "A message for this visitor only" in text_of(flashed.get(RESPOND))
    assert "A message for this visitor only" not in text_of(app.test_client().get(RESPOND))


def test_signed_in_staff_see_the_staff_menu_on_a_kept_page(app, survey, staff):
    assert "Staff pages" not in text_of(client(app).get(RESPOND))
    signed_in = client(app)
    login(signed_in, staff)
    page = text_of(signed_in.get(RESPOND))
    assert "Staff pages" in page
    assert "Sign out" in page
    assert "Staff pages" not in text_of(client(app).get(RESPOND))


def test_answers_typed_on_a_page_are_never_kept_for_others(app, survey):
    resident = client(app)
    resident.get(RESPOND)
    resident.post(RESPOND, data=PAGE1)
    resident.post(RESPOND, data={**PAGE2, "q-satisfied": "5", "action": "back"})
    back = resident.get(RESPOND)
    mine = back.get_data(as_text=True)
    assert 'value="lauantaisin"' in mine  # what they typed
    assert " checked" in mine
    fresh = client(app).get(RESPOND).get_data(as_text=True)
    assert "lauantaisin" not in fresh
    assert " checked" not in fresh


def test_each_resident_sees_their_own_receipt_on_the_kept_thank_you_page(app, survey):
    receipts = [answer_all(client(app)) for _ in range(2)]
    assert receipts[0] != receipts[1]
    stored = set(db.session.scalars(select(Submission.receipt_code)))
    assert stored == set(receipts)
    kept = str(snapshot(app).pages)
    assert page_cache.RECEIPT_PLACEHOLDER in kept
    assert not any(receipt in kept for receipt in receipts)


def test_background_flash_after_thanks_is_not_shown_to_the_next_resident(app, survey):
    first = client(app)
    answer_all(first)
    saved = first.post(
        "/en/e/kirjasto/thanks", data={"form": "background", "age": "30-44"}, follow_redirects=True
    )
    assert "Your background answers are saved" in text_of(saved)
    second = client(app)
    answer_all(second)
    again = text_of(second.get("/en/e/kirjasto/thanks"))
    assert "Thank you. Your background answers are saved." not in again
    assert "Save the background answers" in again


def test_a_new_version_of_the_questionnaire_is_shown_at_once(app, survey):
    assert "Did you visit the library this year?" not in text_of(client(app).get(RESPOND))
    question = db.session.scalar(select(Question).where(Question.code == "uses"))
    question.text = {**question.text, "en": "Did you visit the library this year?"}
    db.session.scalar(select(Questionnaire)).touch()
    db.session.commit()
    assert "Did you visit the library this year?" in text_of(client(app).get(RESPOND))


def test_closing_the_survey_is_seen_at_once_in_this_process(app, survey):
    client(app).get(RESPOND)
    client(app).get("/en/e/kirjasto")
    survey.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client(app).get(RESPOND).status_code == 410
    assert "Start" not in text_of(client(app).get("/en/e/kirjasto"))


def test_a_change_from_another_process_shows_when_the_snapshot_ends(app, survey, monkeypatch):
    client(app).get(RESPOND)
    # A statement the ORM does not see, as another process's commit.
    db.session.execute(
        update(Engagement)
        .where(Engagement.public_id == "kirjasto")
        .values(closes_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    assert client(app).get(RESPOND).status_code == 200  # the snapshot still holds
    later = page_cache.time.time() + page_cache.DEFAULT_SECONDS + 1
    monkeypatch.setattr(page_cache.time, "time", lambda: later)
    assert client(app).get(RESPOND).status_code == 410


def with_demo_survey(config_class: type[Testing]):  # noqa: ANN201
    for app in running_app(config_class):
        plan_services.import_plan(KEMI_PLAN.read_text(encoding="utf-8"))
        load_demo_survey()
        db.session.commit()
        yield app


def test_a_post_with_the_token_from_a_kept_page_is_accepted_and_another_is_refused():
    for app in with_demo_survey(CsrfTesting):
        first, second = client(app), client(app)
        token_one = token_of(first.get(RESPOND))
        token_two = token_of(second.get(RESPOND))  # from the kept page
        assert second.post(RESPOND, data={**PAGE1, "csrf_token": token_two}).status_code == 302
        assert first.post(RESPOND, data={**PAGE1, "csrf_token": token_two}).status_code == 400
        assert first.post(RESPOND, data={**PAGE1, "csrf_token": token_one}).status_code == 302


class NoCache(Testing):
    RESIDENT_PAGE_CACHE_SECONDS = 0


def test_the_cache_can_be_turned_off():
    for app in with_demo_survey(NoCache):
        assert client(app).get(RESPOND).status_code == 200
        assert snapshot(app) is None


def test_answers_are_refused_after_closing_elsewhere_while_the_snapshot_holds(app, survey):
    resident = client(app)
    resident.get(RESPOND)
    db.session.execute(  # closed by another process: this one's snapshot does not know yet
        update(Engagement)
        .where(Engagement.public_id == "kirjasto")
        .values(closes_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    assert resident.post(RESPOND, data=PAGE1).status_code == 302  # only the draft is kept
    assert resident.post(RESPOND, data=PAGE2).status_code == 302
    assert resident.post(RESPOND, data=PAGE3).status_code == 410
    assert db.session.scalar(select(Submission.id)) is None


def test_the_forms_on_a_kept_thank_you_page_carry_a_working_token():
    for app in with_demo_survey(CsrfTesting):
        residents = [client(app), client(app)]
        for resident in residents:
            token = token_of(resident.get(RESPOND))
            for data in (PAGE1, PAGE2, PAGE3):
                sent = resident.post(RESPOND, data={**data, "csrf_token": token})
                assert sent.status_code == 302
                token = token_of(resident.get(sent.headers["Location"]))
        # The second thank-you page came from the kept one: its token is that resident's.
        saved = residents[1].post(
            "/en/e/kirjasto/thanks",
            data={"form": "background", "age": "30-44", "csrf_token": token},
        )
        assert saved.status_code == 302
        assert "Your background answers are saved" in text_of(residents[1].get(saved.location))
