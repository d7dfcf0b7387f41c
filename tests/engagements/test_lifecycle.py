"""Staff close a survey early, publish the outcome and invite residents; residents see it."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditLog
from app.core.mail import OutboxMessage
from app.core.types import utcnow
from app.engagements import lifecycle
from app.engagements.lifecycle import LifecycleError
from app.engagements.models import Engagement, Invitation, OutcomeSubscription
from app.extensions import db
from app.plan import services as plan_services
from app.questionnaires.demo import load_demo_survey
from app.questionnaires.models import Submission
from config import Testing
from tests.conftest import KEMI_PLAN, UserFactory, department, login, running_app, text_of

PAGE1 = {"page": "visits", "q-uses": "no", "action": "next"}
PAGE2 = {"page": "hours", "q-satisfied": "4", "action": "next"}
PAGE3 = {"page": "more", "q-ideas": "", "action": "submit"}
OUTCOME = {
    "outcome-fi": "Kirjasto on auki sunnuntaisin.\n\nIltoja emme pidentäneet.",
    "outcome-sv": "Biblioteket är öppet på söndagar.",
    "outcome-en": "The library is open on Sundays.",
    "decision_ref": "Kulttuurilautakunta 12.3.2027 § 14",
}


@pytest.fixture
def survey(plan) -> Engagement:
    engagement = load_demo_survey()
    db.session.commit()
    return engagement


@pytest.fixture
def librarian(plan):
    return UserFactory(email="kirjasto@city.example", department=department("kulttuuri-vapaa-aika"))


@pytest.fixture
def desk(app, librarian):
    """A signed-in staff member of the survey's department, in a browser of their own."""
    browser = app.test_client()
    login(browser, librarian)
    return browser


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def answer(client, lang: str = "fi", pages=(PAGE1, PAGE2, PAGE3)):
    response = None
    for data in pages:
        response = client.post(f"/{lang}/e/kirjasto/respond", data=data)
    return response


def close_survey(desk) -> None:
    assert desk.post("/fi/staff/surveys/kirjasto/close").status_code == 302


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


# --- closing early --------------------------------------------------------------------------


def test_close_asks_for_confirmation_before_closing(desk, survey):
    page = desk.get("/en/staff/surveys/kirjasto/close")
    assert page.status_code == 200
    assert "Yes, close the survey now" in text_of(page)
    db.session.refresh(survey)
    assert survey.closed_at is None


def test_closing_early_refuses_answers_even_from_a_form_opened_before(app, client, desk, survey):
    answer(client, pages=(PAGE1, PAGE2))  # the form is open on the last page
    close_survey(desk)
    response = answer(client, pages=(PAGE3,))
    assert response.status_code == 410
    page = text_of(response)
    assert "The survey is closed" in page or "Kysely on päättynyt" in page
    assert "Julkaisemme tulokset tällä sivulla kesäkuussa." in page  # when results come
    assert count(Submission) == 0
    assert "engagement.close" in actions()
    survey_page = client.get("/fi/e/kirjasto")
    assert 'href="/fi/e/kirjasto/respond"' not in survey_page.get_data(as_text=True)
    assert 'href="/fi/e/kirjasto"' not in client.get("/fi/").get_data(as_text=True)


def test_reopening_takes_answers_again_while_the_closing_time_is_ahead(client, desk, survey):
    close_survey(desk)
    assert desk.post("/fi/staff/surveys/kirjasto/reopen").status_code == 302
    db.session.refresh(survey)
    assert survey.closed_at is None
    assert answer(client).headers["Location"] == "/fi/e/kirjasto/thanks"
    assert actions()[-1] == "engagement.reopen"


def test_reopening_is_refused_after_the_closing_time(desk, survey):
    close_survey(desk)
    survey.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    desk.post("/en/staff/surveys/kirjasto/reopen")
    db.session.refresh(survey)
    assert survey.closed_at is not None
    assert "closing time has passed" in text_of(desk.get("/en/staff/surveys/kirjasto/close"))


# --- the outcome ----------------------------------------------------------------------------


def test_outcome_cannot_be_published_while_the_survey_takes_answers(desk, survey):
    response = desk.post(
        "/en/staff/surveys/kirjasto/outcome", data={**OUTCOME, "action": "publish"}
    )
    assert response.status_code == 422
    assert "Close the survey first" in text_of(response)
    db.session.refresh(survey)
    assert survey.outcome_published_at is None
    assert survey.outcome["sv"] == "Biblioteket är öppet på söndagar."  # kept as a draft


def test_outcome_publishing_is_refused_until_every_language_has_the_text(desk, survey):
    close_survey(desk)
    response = desk.post(
        "/en/staff/surveys/kirjasto/outcome",
        data={"outcome-fi": "Kirjasto on auki sunnuntaisin.", "action": "publish"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    assert 'href="#outcome-sv"' in html
    assert 'href="#outcome-en"' in html
    assert 'href="#outcome-fi"' not in html
    db.session.refresh(survey)
    assert survey.outcome_published_at is None
    assert survey.outcome == {"fi": "Kirjasto on auki sunnuntaisin."}
    assert count(OutboxMessage) == 0


def subscribe(app, lang: str, email: str) -> None:
    resident = app.test_client()
    answer(resident, lang)
    response = resident.post(
        f"/{lang}/e/kirjasto/thanks", data={"form": "subscribe", "email": email}
    )
    assert response.status_code == 302, text_of(response)


def test_publishing_sends_one_email_per_subscriber_in_their_language_and_never_twice(
    app, desk, survey
):
    subscribe(app, "fi", "maija@example.fi")
    subscribe(app, "sv", "erik@example.fi")
    close_survey(desk)
    response = desk.post(
        "/fi/staff/surveys/kirjasto/outcome", data={**OUTCOME, "action": "publish"}
    )
    assert response.status_code == 302
    messages = {m.to_address: m for m in db.session.scalars(select(OutboxMessage))}
    assert set(messages) == {"maija@example.fi", "erik@example.fi"}
    swedish = messages["erik@example.fi"]
    assert swedish.locale == "sv"
    assert "Bibliotekets öppettider" in swedish.subject
    assert "Biblioteket är öppet på söndagar." in swedish.body_text
    assert "http://localhost/sv/e/kirjasto" in swedish.body_text
    assert "Kulttuurilautakunta 12.3.2027 § 14" in swedish.body_text
    assert "Kirjasto on auki sunnuntaisin." in messages["maija@example.fi"].body_text
    assert count(OutcomeSubscription, OutcomeSubscription.notified_at.is_(None)) == 0

    fixed = {**OUTCOME, "outcome-en": "The main library is open on Sundays.", "action": "save"}
    assert desk.post("/fi/staff/surveys/kirjasto/outcome", data=fixed).status_code == 302
    again = desk.post("/fi/staff/surveys/kirjasto/outcome", data={**fixed, "action": "publish"})
    assert again.status_code == 422
    assert count(OutboxMessage) == 2
    db.session.refresh(survey)
    assert survey.outcome["en"] == "The main library is open on Sundays."
    assert "engagement.outcome.publish" in actions()
    assert actions()[-1] == "engagement.outcome.edit"


def test_an_address_left_after_publishing_gets_the_outcome_at_once(desk, survey):
    close_survey(desk)
    desk.post("/fi/staff/surveys/kirjasto/outcome", data={**OUTCOME, "action": "publish"})
    db.session.refresh(survey)
    with desk.application.test_request_context("/en/"):
        assert lifecycle.subscribe(survey, "late@example.fi", "en") is True
        assert lifecycle.subscribe(survey, "LATE@example.fi", "en") is False
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage))
    assert message.to_address == "late@example.fi"
    assert "The library is open on Sundays." in message.body_text
    assert count(OutcomeSubscription, OutcomeSubscription.notified_at.is_(None)) == 0


def test_published_outcome_is_shown_on_the_survey_page_and_the_closed_page(client, desk, survey):
    close_survey(desk)
    desk.post("/fi/staff/surveys/kirjasto/outcome", data={**OUTCOME, "action": "publish"})
    page = text_of(client.get("/sv/e/kirjasto"))
    assert "Biblioteket är öppet på söndagar." in page
    assert "Kulttuurilautakunta 12.3.2027 § 14" in page
    html = client.get("/fi/e/kirjasto").get_data(as_text=True)
    assert "<p>Kirjasto on auki sunnuntaisin.</p>" in html
    assert "<p>Iltoja emme pidentäneet.</p>" in html
    closed = client.get("/en/e/kirjasto/respond")
    assert closed.status_code == 410
    assert "The library is open on Sundays." in text_of(closed)


# --- the thank-you page: background bands and outcome news -----------------------------------


def test_background_bands_are_saved_once_on_the_right_submission(app, client, survey):
    other = app.test_client()
    answer(other)
    answer(client, "en")
    page = client.get("/en/e/kirjasto/thanks")
    assert "94100 Keskusta" in text_of(page)
    saved = client.post(
        "/en/e/kirjasto/thanks",
        data={"form": "background", "age": "30-44", "area": "94200", "gender": "not-said"},
    )
    assert saved.headers["Location"] == "/en/e/kirjasto/thanks"
    mine = db.session.scalar(select(Submission).where(Submission.locale == "en"))
    theirs = db.session.scalar(select(Submission).where(Submission.locale == "fi"))
    assert mine.demographics == {"age": "30-44", "area": "94200", "gender": "not-said"}
    assert theirs.demographics == {}
    client.post("/en/e/kirjasto/thanks", data={"form": "background", "age": "75-plus"})
    db.session.refresh(mine)
    assert mine.demographics["age"] == "30-44"
    assert 'name="age"' not in client.get("/en/e/kirjasto/thanks").get_data(as_text=True)


def test_background_answers_outside_the_bands_are_refused_and_typed_values_kept(client, survey):
    answer(client, "en")
    response = client.post(
        "/en/e/kirjasto/thanks", data={"form": "background", "age": "99", "area": "94300"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    assert 'href="#age-0"' in html
    assert "Choose one of the options." in text_of(response) or "Valitse" in text_of(response)
    assert '<option selected value="94300">' in html or 'value="94300" selected' in html
    assert db.session.scalar(select(Submission.demographics)) == {}
    empty = client.post("/en/e/kirjasto/thanks", data={"form": "background"})
    assert empty.status_code == 422
    assert db.session.scalar(select(Submission.demographics)) == {}


def test_outcome_email_is_kept_apart_from_the_answers_and_not_doubled(app, client, survey):
    assert "submission_id" not in OutcomeSubscription.__table__.columns
    answer(client)
    wrong = client.post("/fi/e/kirjasto/thanks", data={"form": "subscribe", "email": "maija@"})
    assert wrong.status_code == 422
    assert 'value="maija@"' in wrong.get_data(as_text=True)
    assert 'href="#email"' in wrong.get_data(as_text=True)
    done = client.post(
        "/fi/e/kirjasto/thanks", data={"form": "subscribe", "email": "Maija@Example.fi"}
    )
    assert done.status_code == 302
    assert 'class="flash flash-success"' in client.get(done.headers["Location"]).get_data(
        as_text=True
    )
    subscribe(app, "sv", "maija@example.fi")
    rows = db.session.execute(select(OutcomeSubscription.email, OutcomeSubscription.locale)).all()
    assert rows == [("maija@example.fi", "fi")]
    created = db.session.scalar(select(OutcomeSubscription.created_at))
    assert (created.hour, created.minute, created.second) == (0, 0, 0)  # no time to match


def test_thank_you_page_needs_a_response_in_this_session(client, survey):
    response = client.get("/fi/e/kirjasto/thanks")
    assert response.headers["Location"] == "/fi/e/kirjasto"
    posted = client.post("/fi/e/kirjasto/thanks", data={"form": "subscribe", "email": "a@b.fi"})
    assert posted.headers["Location"] == "/fi/e/kirjasto"
    assert count(OutcomeSubscription) == 0


# --- audiences ------------------------------------------------------------------------------


def test_unlisted_survey_is_not_on_the_front_page_but_can_be_answered(client, survey):
    survey.audience = "link"
    db.session.commit()
    assert 'href="/fi/e/kirjasto"' not in client.get("/fi/").get_data(as_text=True)
    assert 'href="/fi/plan/HK-05"' in client.get("/fi/plan").get_data(as_text=True)
    assert 'href="/fi/e/kirjasto"' not in client.get("/fi/plan/HK-05").get_data(as_text=True)
    page = client.get("/fi/e/kirjasto")
    assert page.status_code == 200
    assert page.headers["X-Robots-Tag"] == "noindex"
    assert answer(client).headers["Location"] == "/fi/e/kirjasto/thanks"
    assert count(Submission) == 1
    survey.audience = "public"
    db.session.commit()
    assert "X-Robots-Tag" not in client.get("/fi/e/kirjasto").headers


@pytest.fixture
def invited(survey) -> Engagement:
    survey.audience = "invited"
    db.session.commit()
    return survey


def make_codes(desk, n: int) -> list[str]:
    response = desk.post(
        "/fi/staff/surveys/kirjasto/invitations", data={"form": "codes", "count": n}
    )
    assert response.status_code == 302, text_of(response)
    return list(db.session.scalars(select(Invitation.code).order_by(Invitation.id.desc()).limit(n)))


def test_invited_survey_asks_for_a_code_and_takes_one_response_per_code(app, client, desk, invited):
    (code,) = make_codes(desk, 1)
    page = client.get("/fi/e/kirjasto")
    assert page.headers["X-Robots-Tag"] == "noindex"
    assert 'name="code"' in page.get_data(as_text=True)
    assert client.get("/fi/e/kirjasto/respond").headers["Location"] == "/fi/e/kirjasto"

    typed = client.post("/fi/e/kirjasto/code", data={"code": code.lower().replace("-", " ")})
    assert typed.headers["Location"] == "/fi/e/kirjasto"
    assert 'href="/fi/e/kirjasto/respond"' in client.get("/fi/e/kirjasto").get_data(as_text=True)
    assert answer(client).headers["Location"] == "/fi/e/kirjasto/thanks"

    submission = db.session.scalar(select(Submission))
    expected = hmac.new(
        app.config["SECRET_KEY"].encode(),
        f"kirjasto:invitation:{code}".encode(),
        hashlib.sha256,
    ).hexdigest()
    assert submission.respondent_hash == expected
    assert db.session.scalar(select(Invitation.used_at)) is not None

    other_browser = app.test_client()
    used = other_browser.post("/en/e/kirjasto/code", data={"code": code})
    assert used.status_code == 422
    assert "This code has been used already" in text_of(used)
    unknown = other_browser.get("/en/e/kirjasto?code=AAAA-BBBB-CCCC")
    assert unknown.status_code == 422
    assert "We did not find this code" in text_of(unknown)
    assert 'value="AAAA-BBBB-CCCC"' in unknown.get_data(as_text=True)
    assert count(Submission) == 1


def test_one_code_answers_once_even_from_two_browsers_at_the_same_time(app, desk, invited):
    (code,) = make_codes(desk, 1)
    first, second = app.test_client(), app.test_client()
    for browser, lang in ((first, "fi"), (second, "en")):
        location = browser.get(f"/{lang}/e/kirjasto?code={code}").headers["Location"]
        assert location == f"/{lang}/e/kirjasto"
        answer(browser, lang, pages=(PAGE1, PAGE2))
    assert answer(first, pages=(PAGE3,)).headers["Location"] == "/fi/e/kirjasto/thanks"
    refused = answer(second, "en", pages=(PAGE3,))
    assert refused.headers["Location"] == "/en/e/kirjasto"
    assert "This code has been used already" in text_of(second.get("/en/e/kirjasto"))
    assert count(Submission) == 1


def test_a_double_click_with_an_invitation_code_shows_the_receipt(desk, client, invited):
    (code,) = make_codes(desk, 1)
    client.get(f"/fi/e/kirjasto?code={code}")
    answer(client, pages=(PAGE1, PAGE2))
    before = client.get_cookie("osallistu_session").value
    answer(client, pages=(PAGE3,))
    client.set_cookie("osallistu_session", before)
    second = answer(client, pages=(PAGE3,))
    assert second.headers["Location"] == "/fi/e/kirjasto/thanks"
    receipt = db.session.scalar(select(Submission.receipt_code))
    assert receipt in text_of(client.get("/fi/e/kirjasto/thanks"))
    assert count(Submission) == 1


def test_a_code_used_while_the_last_page_was_being_sent_stores_nothing_more(
    app, desk, invited, monkeypatch
):
    (code,) = make_codes(desk, 1)
    first, second = app.test_client(), app.test_client()
    for browser, lang in ((first, "fi"), (second, "en")):
        browser.get(f"/{lang}/e/kirjasto?code={code}")
        answer(browser, lang, pages=(PAGE1, PAGE2))
    answer(first, pages=(PAGE3,))
    # The second browser passed the check before the first one's answers were stored.
    check = lifecycle.check_invitation
    monkeypatch.setattr(
        lifecycle,
        "check_invitation",
        lambda engagement, typed: (
            db.session.scalar(
                select(Invitation).where(Invitation.code == lifecycle.normalize_code(typed))
            )
            or check(engagement, typed)
        ),
    )
    refused = answer(second, "en", pages=(PAGE3,))
    assert refused.status_code == 409
    assert "This code has been used already" in text_of(refused)
    assert count(Submission) == 1


def test_a_code_is_marked_used_only_once(desk, invited):
    (code,) = make_codes(desk, 1)
    lifecycle.use_invitation(invited, code)
    with pytest.raises(LifecycleError) as refused:
        lifecycle.use_invitation(invited, code)
    assert refused.value.reason == "used_code"
    with pytest.raises(LifecycleError) as unknown:
        lifecycle.use_invitation(invited, "AAAA-BBBB-CCCC")
    assert unknown.value.reason == "unknown_code"


def test_printed_codes_come_on_a_sheet_with_the_address(desk, invited):
    response = desk.post(
        "/sv/staff/surveys/kirjasto/invitations", data={"form": "codes", "count": 3}
    )
    sheet = desk.get(response.headers["Location"])
    assert sheet.status_code == 200
    page = text_of(sheet)
    for code in db.session.scalars(select(Invitation.code)):
        assert code in page
    assert "http://localhost/sv/e/kirjasto" in page
    assert "invitation.print" in actions()
    overview = text_of(desk.get("/en/staff/surveys/kirjasto/invitations"))
    assert "Codes made 3 Codes used 0" in overview


def test_emailed_invitations_carry_their_own_code_in_the_link(desk, invited):
    bad = desk.post(
        "/fi/staff/surveys/kirjasto/invitations",
        data={"form": "email", "locale": "sv", "addresses": "anna@example.fi\nnot an address"},
    )
    assert bad.status_code == 422
    assert "not an address" in text_of(bad)
    assert count(OutboxMessage) == 0
    addresses = "anna@example.fi\nANNA@example.fi\n\nbo@example.fi\n"
    sent = desk.post(
        "/fi/staff/surveys/kirjasto/invitations",
        data={"form": "email", "locale": "sv", "addresses": addresses},
    )
    assert sent.status_code == 302
    invitations = {i.email: i for i in db.session.scalars(select(Invitation))}
    assert set(invitations) == {"anna@example.fi", "bo@example.fi"}
    messages = {m.to_address: m for m in db.session.scalars(select(OutboxMessage))}
    assert set(messages) == {"anna@example.fi", "bo@example.fi"}
    anna = messages["anna@example.fi"]
    assert anna.locale == "sv"
    assert "Bibliotekets öppettider" in anna.subject
    assert f"http://localhost/sv/e/kirjasto?code={invitations['anna@example.fi'].code}" in (
        anna.body_text
    )
    desk.post(
        "/fi/staff/surveys/kirjasto/invitations",
        data={"form": "email", "locale": "sv", "addresses": "bo@example.fi\ncay@example.fi"},
    )
    assert count(OutboxMessage) == 3  # bo was invited before
    audit = db.session.scalar(
        select(AuditLog.details).where(AuditLog.action == "invitation.email").limit(1)
    )
    assert "anna@example.fi" not in str(audit)


def test_invitations_are_refused_for_a_survey_open_to_everyone(desk, survey):
    response = desk.post(
        "/fi/staff/surveys/kirjasto/invitations", data={"form": "codes", "count": 5}
    )
    assert response.status_code == 422
    assert count(Invitation) == 0


# --- access ---------------------------------------------------------------------------------

STAFF_PAGES = [
    ("GET", "/fi/staff/surveys/kirjasto/close"),
    ("POST", "/fi/staff/surveys/kirjasto/close"),
    ("POST", "/fi/staff/surveys/kirjasto/reopen"),
    ("GET", "/fi/staff/surveys/kirjasto/outcome"),
    ("POST", "/fi/staff/surveys/kirjasto/outcome"),
    ("GET", "/fi/staff/surveys/kirjasto/invitations"),
    ("POST", "/fi/staff/surveys/kirjasto/invitations"),
    ("GET", "/fi/staff/surveys/kirjasto/invitations/sheet?batch=1"),
]


@pytest.mark.parametrize(("method", "url"), STAFF_PAGES)
def test_staff_pages_send_anonymous_visitors_to_sign_in(client, survey, method, url):
    response = client.open(url, method=method)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/fi/login?next=")


@pytest.mark.parametrize(("method", "url"), STAFF_PAGES)
def test_staff_pages_refuse_other_departments(client, other_staff, survey, method, url):
    login(client, other_staff)
    assert client.open(url, method=method).status_code == 403
    db.session.refresh(survey)
    assert survey.closed_at is None


def test_staff_pages_open_for_the_department_and_the_coordinator(app, desk, coordinator, survey):
    for url in ("close", "outcome", "invitations"):
        assert desk.get(f"/fi/staff/surveys/kirjasto/{url}").status_code == 200
    boss = app.test_client()
    login(boss, coordinator)
    assert boss.get("/fi/staff/surveys/kirjasto/outcome").status_code == 200


class RateLimited(Testing):
    RATELIMIT_ENABLED = True


@pytest.fixture
def limited_app():
    for app in running_app(RateLimited):
        plan_services.import_plan(KEMI_PLAN.read_text(encoding="utf-8"))
        load_demo_survey().audience = "invited"
        db.session.commit()
        yield app


def test_guessing_invitation_codes_is_slowed_down(limited_app):
    client = limited_app.test_client()
    for n in range(10):
        assert (
            client.post("/fi/e/kirjasto/code", data={"code": f"AAAA-BBBB-CCC{n}"}).status_code
            == 422
        )
    assert client.get("/fi/e/kirjasto?code=AAAA-BBBB-CCCC").status_code == 429
    assert client.get("/fi/e/kirjasto").status_code == 200  # reading the page is not limited
