"""Polls of a customer panel: staff start one from the panel's pages and build it in the survey
builder; only signed-in members of the panel answer it, once each."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.core.types import utcnow
from app.engagements import services as engagement_services
from app.engagements.models import Engagement, Kind, Status
from app.extensions import db
from app.panels import membership, polls, services
from app.panels.models import Panel, PanelMember, Participant
from app.panels.services import ApplicationInput
from app.plan import services as plan_services
from app.questionnaires import builder
from app.questionnaires import services as questionnaire_services
from app.questionnaires.models import Submission
from tests.conftest import login, text_of

LANGS = ("fi", "sv", "en")
TITLE = {"fi": "Kirjaston asiakasraati", "sv": "Bibliotekets kundpanel", "en": "Library panel"}
ANSWER = {"page": "p1", "q-agree": "yes", "action": "submit"}


def make_panel(app: Flask, department: str, title: dict[str, str]) -> Panel:
    """A published open panel: everyone who applies becomes a member at once."""
    with app.test_request_context("/fi/"):
        panel = services.create_panel(
            plan_services.department_by_code(department),
            title,
            ["fi", "sv", "en"],
            [plan_services.focus_area_by_code("HK-07")],
            target_size=4,
        )
        panel.is_open = True
        engagement = panel.engagement
        engagement.status = Status.PUBLISHED
        engagement.opens_at = utcnow() - timedelta(days=1)
        engagement.closes_at = utcnow() + timedelta(days=30)
        db.session.commit()
        return panel


def join(app: Flask, panel: Panel, n: int) -> Participant:
    with app.test_request_context("/fi/"):
        application = services.apply(
            panel,
            ApplicationInput(
                email=f"member{n}@example.org",
                name=f"Member {n}",
                locale="fi",
                bands={},
                motivation="",
                consent=True,
            ),
        )
        db.session.commit()
        return application.participant


def sign_in(client, participant: Participant) -> None:
    with client.session_transaction() as session:
        session[membership.SESSION_KEY] = {"id": participant.id, "at": time.time()}


def member_of(panel: Panel, participant: Participant) -> PanelMember:
    return db.session.scalar(
        select(PanelMember).where(
            PanelMember.panel_id == panel.id, PanelMember.participant_id == participant.id
        )
    )


@pytest.fixture
def panel(app, staff) -> Panel:
    return make_panel(app, "sivistys", TITLE)


@pytest.fixture
def other_panel(app, plan) -> Panel:
    return make_panel(
        app,
        "kulttuuri-vapaa-aika",
        {"fi": "Uimahallin raati", "sv": "Simhallens panel", "en": "Swimming hall panel"},
    )


@pytest.fixture
def member(app, panel) -> Participant:
    return join(app, panel, 1)


@pytest.fixture
def poll(app, panel, staff) -> Engagement:
    """A published, open poll of the panel with one yes/no question."""
    with app.test_request_context("/fi/"):
        made = polls.create_poll(panel, staff)
        page = questionnaire_services.questionnaire_of(made).pages[0]
        questionnaire_services.add_question(
            page, "agree", "yes_no", {"fi": "Samaa mieltä?", "sv": "Enig?", "en": "Agree?"}
        )
        made.status = Status.PUBLISHED
        db.session.commit()
        return made


def respond_url(poll: Engagement, lang: str = "en") -> str:
    return f"/{lang}/e/{poll.public_id}/respond"


def responses(poll: Engagement) -> int:
    return db.session.scalar(
        select(func.count(Submission.id)).where(Submission.engagement_id == poll.id)
    )


# --- staff -----------------------------------------------------------------------------------


def test_staff_start_a_poll_and_land_in_the_survey_builder(client, panel, staff):
    login(client, staff)
    base = f"/en/staff/panels/{panel.engagement.public_id}/polls"
    response = client.post(base + "/new")
    assert response.status_code == 302
    poll = db.session.scalar(select(Engagement).where(Engagement.kind == Kind.SURVEY))
    assert response.headers["Location"] == f"/en/staff/surveys/{poll.public_id}/"
    assert poll.audience == f"panel:{panel.id}"
    assert poll.status == Status.DRAFT
    assert poll.one_response
    assert poll.department_id == panel.engagement.department_id
    assert poll.languages == ["fi", "sv", "en"]
    assert [area.code for area in poll.focus_areas] == ["HK-07"]
    assert poll.title["en"] == "Poll: Library panel"
    assert poll.title["fi"].endswith("Kirjaston asiakasraati")
    builder_page = client.get(response.headers["Location"])
    assert builder_page.status_code == 200
    assert "Poster with a QR code" not in text_of(builder_page)
    listing = client.get(base)
    assert listing.status_code == 200
    assert "Poll: Library panel" in text_of(listing)
    assert polls.panel_of_audience(poll) == panel


@pytest.mark.parametrize("lang", LANGS)
def test_the_polls_page_lists_polls_with_status_and_answers_in_each_language(
    client, panel, poll, staff, lang
):
    questionnaire_services.submit(poll, MultiDict({"q-agree": "yes"}), "fi", channel="paper")
    db.session.commit()
    login(client, staff, lang=lang)
    response = client.get(f"/{lang}/staff/panels/{panel.engagement.public_id}/polls")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'href="/{lang}/staff/surveys/{poll.public_id}/"' in html
    assert f'<html lang="{lang}"' in html
    assert '<td class="num">1</td>' in html


def test_staff_of_another_department_cannot_start_or_list_polls(client, panel, other_staff):
    login(client, other_staff)
    base = f"/en/staff/panels/{panel.engagement.public_id}/polls"
    assert client.post(base + "/new").status_code == 403
    assert client.get(base).status_code == 403
    assert db.session.scalar(select(func.count()).where(Engagement.kind == Kind.SURVEY)) == 0


def test_polls_are_only_for_panels(client, staff):
    survey = engagement_services.create_engagement(
        Kind.SURVEY, plan_services.department_by_code("sivistys"), {"fi": "Kysely"}, ["fi"]
    )
    db.session.commit()
    login(client, staff)
    assert client.get(f"/en/staff/panels/{survey.public_id}/polls").status_code == 404
    assert client.post(f"/en/staff/panels/{survey.public_id}/polls/new").status_code == 404


def settings_data(**extra) -> dict:
    return {
        "title-en": "Poll about opening hours",
        "languages": ["fi", "sv", "en"],
        "focus_areas": ["HK-07"],
        "retention_days": "365",
        **extra,
    }


def test_poll_settings_show_the_panel_as_the_fixed_audience(client, poll, staff):
    login(client, staff)
    url = f"/en/staff/surveys/{poll.public_id}/settings"
    page = client.get(url)
    assert page.status_code == 200
    assert "Members of Library panel" in text_of(page)
    assert "Anyone: listed on the front page" not in text_of(page)
    kept = client.post(url, data=settings_data(audience=f"panel:{poll.audience[6:]}"))
    assert kept.status_code == 302, text_of(kept)
    db.session.expire_all()
    assert poll.audience.startswith("panel:")
    assert poll.one_response  # one answer per member, whatever the form said
    refused = client.post(url, data=settings_data(audience="public", one_response="y"))
    assert refused.status_code == 422
    db.session.expire_all()
    assert poll.audience.startswith("panel:")


def test_an_ordinary_survey_cannot_be_given_a_panel_audience(client, panel, staff):
    survey = builder.create_survey(
        plan_services.department_by_code("sivistys"), {"en": "Survey"}, ["en"], []
    )
    db.session.commit()
    login(client, staff)
    url = f"/en/staff/surveys/{survey.public_id}/settings"
    assert "Members of" not in text_of(client.get(url))
    response = client.post(url, data=settings_data(languages=["en"], audience=f"panel:{panel.id}"))
    assert response.status_code == 422
    db.session.expire_all()
    assert survey.audience == "public"
    with pytest.raises(questionnaire_services.QuestionnaireError):
        builder.update_settings(
            survey,
            builder.SurveySettings(
                title={"en": "Survey"},
                summary={},
                intro={},
                closing_text={},
                privacy_note={},
                languages=["en"],
                focus_areas=[],
                opens_at=None,
                closes_at=None,
                audience=f"panel:{panel.id}",
                is_anonymous=True,
                one_response=True,
                retention_days=365,
            ),
        )


def test_polls_stay_off_the_public_lists(client, poll):
    assert poll.id not in {
        e.id for found in engagement_services.open_by_focus_area().values() for e in found
    }
    assert "Poll: Library panel" not in text_of(client.get("/en/"))


# --- members answering ---------------------------------------------------------------------


def assert_members_only(response, lang: str = "en") -> None:
    assert response.status_code == 403
    if lang == "en":
        assert (
            "This poll is for the members of Library panel. "
            "Members sign in with a link sent by e-mail." in text_of(response)
        )
    assert response.headers.get("X-Robots-Tag") == "noindex"
    assert f'href="/{lang}/panel/sign-in"' in response.get_data(as_text=True)


@pytest.mark.parametrize("lang", LANGS)
def test_a_signed_out_visitor_is_told_the_poll_is_for_members(client, poll, member, lang):
    for url in (f"/{lang}/e/{poll.public_id}", respond_url(poll, lang)):
        response = client.get(url)
        assert_members_only(response, lang)
        assert f'<html lang="{lang}"' in response.get_data(as_text=True)
    assert_members_only(client.post(respond_url(poll, "en"), data=ANSWER))
    assert responses(poll) == 0


def test_the_refusal_links_to_the_members_sign_in(client, poll):
    response = client.get(respond_url(poll))
    assert 'href="/en/panel/sign-in"' in response.get_data(as_text=True)
    assert client.get("/en/panel/sign-in").status_code == 200


def test_a_participant_who_is_no_member_and_a_member_of_another_panel_are_refused(
    app, client, poll, member, other_panel
):
    outsider = join(app, other_panel, 2)
    sign_in(client, outsider)
    assert_members_only(client.get(respond_url(poll)))
    assert_members_only(client.post(respond_url(poll), data=ANSWER))
    assert "You are signed in, but not as a member" in text_of(client.get(respond_url(poll)))
    assert responses(poll) == 0


@pytest.mark.parametrize("lang", LANGS)
def test_a_member_answers_once(app, client, poll, member, lang):
    sign_in(client, member)
    page = client.get(f"/{lang}/e/{poll.public_id}")
    assert page.status_code == 200
    assert page.headers.get("X-Robots-Tag") == "noindex"
    assert f"/e/{poll.public_id}/print" not in page.get_data(as_text=True)  # staff print polls
    assert client.get(respond_url(poll, lang)).status_code == 200
    sent = client.post(respond_url(poll, lang), data=ANSWER)
    assert sent.headers["Location"] == f"/{lang}/e/{poll.public_id}/thanks"
    assert client.get(sent.headers["Location"]).status_code == 200
    submission = db.session.scalar(select(Submission).where(Submission.engagement_id == poll.id))
    expected = polls.respondent_hash(poll, member_of(polls.panel_of_audience(poll), member))
    assert submission.respondent_hash == expected
    # Answering again is refused, from this browser and from another one.
    assert client.get(respond_url(poll, lang)).status_code == 409
    other_browser = app.test_client()
    sign_in(other_browser, member)
    assert other_browser.get(respond_url(poll, lang)).status_code == 409
    assert other_browser.post(respond_url(poll, lang), data=ANSWER).status_code == 409
    assert responses(poll) == 1


def test_a_double_submit_stores_one_response(client, poll, member):
    sign_in(client, member)
    client.post(respond_url(poll), data={**ANSWER, "action": "save"})
    first = client.post(respond_url(poll), data=ANSWER)
    second = client.post(respond_url(poll), data=ANSWER)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert responses(poll) == 1


def test_a_member_who_left_cannot_answer(app, client, poll, member, panel):
    sign_in(client, member)
    assert client.get(respond_url(poll)).status_code == 200
    services.leave(member_of(panel, member))
    db.session.commit()
    assert_members_only(client.get(respond_url(poll)))
    assert_members_only(client.post(respond_url(poll), data=ANSWER))
    assert responses(poll) == 0


def test_open_polls_for_a_member_leave_out_answered_draft_and_closed_ones(
    app, client, panel, poll, member, staff
):
    mine = member_of(panel, member)
    with app.test_request_context("/fi/"):
        draft = polls.create_poll(panel, staff)
        closed = polls.create_poll(panel, staff)
        closed.status = Status.PUBLISHED
        closed.closed_at = utcnow()
        db.session.commit()
    assert polls.open_polls_for(mine) == [poll]
    assert draft not in polls.open_polls_for(mine)
    sign_in(client, member)
    client.post(respond_url(poll), data=ANSWER)
    assert polls.open_polls_for(mine) == []
    other = member_of(panel, join(app, panel, 3))
    assert polls.open_polls_for(other) == [poll]
    services.leave(other)
    db.session.commit()
    assert polls.open_polls_for(other) == []


def test_staff_type_in_paper_answers_to_a_poll(client, poll, staff):
    login(client, staff)
    url = f"/en/staff/surveys/{poll.public_id}/entry"
    assert client.get(url).status_code == 200
    token = "a" * 32
    response = client.post(
        url,
        data={"channel": "paper", "form_locale": "fi", "form_token": token, "q-agree": "no"},
    )
    assert response.status_code == 302, text_of(response)
    assert responses(poll) == 1


def test_the_printed_poll_is_for_staff_only(client, poll, staff):
    assert client.get(f"/en/e/{poll.public_id}/print").status_code == 403
    login(client, staff)
    assert client.get(f"/en/e/{poll.public_id}/print").status_code == 200


def test_poll_responses_count_as_survey_responses_in_the_participation_records(
    client, poll, member
):
    from app.participation import records

    sign_in(client, member)
    client.post(respond_url(poll), data=ANSWER)
    found = records.build(utcnow().year, "en")
    (row,) = [row for row in found.engagements if row.public_id == poll.public_id]
    assert row.kind == "survey"
    assert row.figures.responses == 1
    assert not row.is_public
