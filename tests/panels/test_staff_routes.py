"""Staff set up a customer panel and run the selection through its pages: creating, settings,
composition targets, publishing, the applicants, the draw's report and sending invitations."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.audit import AuditLog
from app.core.mail import OutboxMessage
from app.core.types import utcnow
from app.engagements.models import Engagement, Status
from app.extensions import db
from app.panels import services
from app.panels.models import Panel, SelectionRun
from app.panels.services import ApplicationInput
from tests.conftest import login, text_of

NEW = "/{lang}/staff/departments/sivistys/panels/new"
LANGS = ("fi", "sv", "en")


def create(client, lang: str = "en", **extra) -> str:
    form = {
        "title-fi": "Kirjaston asiakasraati",
        "title-en": "The library's customer panel",
        "languages": ["fi", "en"],
        "focus_areas": ["HK-07"],
        "target_size": "4",
        **extra,
    }
    response = client.post(NEW.format(lang=lang), data=form)
    assert response.status_code == 302, text_of(response)
    return response.headers["Location"]


def only_panel() -> Panel:
    return db.session.scalar(select(Panel))


def settings_form(**extra) -> dict:
    soon = utcnow() + timedelta(days=30)
    return {
        "title-fi": "Kirjaston asiakasraati",
        "title-en": "The library's customer panel",
        "purpose-fi": "Raati kertoo, mitä kirjaston pitäisi muuttaa.",
        "purpose-en": "The panel tells the library what to change.",
        "meeting_plan-fi": "Neljä iltaa vuodessa.",
        "meeting_plan-en": "Four evenings a year.",
        "term_start": "2031-01-01",
        "term_end": "2031-12-31",
        "opens_at": "",
        "closes_at": soon.strftime("%Y-%m-%dT%H:%M"),
        "target_size": "4",
        "languages": ["fi", "en"],
        "focus_areas": ["HK-07"],
        **extra,
    }


@pytest.fixture
def panel_url(client, staff) -> str:
    """A draft selected panel of sivistys in fi/en with texts and a closing time (English URL)."""
    login(client, staff)
    location = create(client)
    response = client.post(location + "settings", data=settings_form())
    assert response.status_code == 302, text_of(response)
    return location


def person(n: int, age: str) -> ApplicationInput:
    return ApplicationInput(
        email=f"person{n}@example.org",
        name=f"Person {n}",
        locale="fi",
        bands={"age": age},
        motivation="I use the library every week.",
        consent=True,
    )


def open_for_applications(app, panel: Panel, people) -> None:
    """Publish the panel with age targets and let ``people`` apply."""
    panel.quotas = {"age": {"18-29": 2, "65-74": 2}}
    engagement = panel.engagement
    engagement.status = Status.PUBLISHED
    engagement.opens_at = utcnow() - timedelta(days=1)
    engagement.closes_at = utcnow() + timedelta(days=30)
    db.session.commit()
    with app.test_request_context("/fi/"):
        for data in people:
            services.apply(panel, data)
        db.session.commit()


# --- access ----------------------------------------------------------------------------------


def test_every_page_is_shown_in_three_languages(app, client, panel_url):
    panel = only_panel()
    open_for_applications(app, panel, [person(1, "18-29"), person(2, "65-74")])
    run = services.draw(panel, None, seed=7)
    db.session.commit()
    public_id = panel.engagement.public_id
    for lang in LANGS:
        base = f"/{lang}/staff/panels/{public_id}/"
        for url in (
            NEW.format(lang=lang),
            base,
            base + "settings",
            base + "composition",
            base + "applicants",
            base + f"draws/{run.id}",
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert f'<html lang="{lang}"' in response.get_data(as_text=True), url


def test_other_department_is_refused_and_anonymous_is_sent_to_sign_in(
    app, client, panel_url, other_staff
):
    panel = only_panel()
    open_for_applications(app, panel, [person(1, "18-29")])
    run = services.draw(panel, None, seed=1)
    db.session.commit()
    base = panel_url
    gets = [NEW.format(lang="en"), base, base + "settings", base + "composition"]
    gets += [base + "applicants", base + f"draws/{run.id}"]
    posts = [NEW.format(lang="en"), base + "settings", base + "composition", base + "publish"]
    posts += [base + "draw", base + f"draws/{run.id}/send"]
    client.post("/en/logout")
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/en/login"), url
    for url in posts:
        response = client.post(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/en/login"), url
    login(client, other_staff)
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert client.post(url).status_code == 403, url
    assert (
        db.session.scalar(select(SelectionRun).where(SelectionRun.applied_at.is_not(None))) is None
    )


# --- creating --------------------------------------------------------------------------------


def test_staff_create_a_panel_and_land_on_its_overview(client, staff):
    login(client, staff)
    assert "New customer panel" in text_of(client.get("/en/staff/departments/sivistys/"))
    location = create(client, is_open="y")
    panel = only_panel()
    engagement = panel.engagement
    assert location == f"/en/staff/panels/{engagement.public_id}/"
    assert engagement.kind == "panel"
    assert engagement.languages == ["fi", "en"]
    assert engagement.title == {
        "fi": "Kirjaston asiakasraati",
        "en": "The library's customer panel",
    }
    assert [area.code for area in engagement.focus_areas] == ["HK-07"]
    assert panel.target_size == 4
    assert panel.is_open is True
    page = text_of(client.get(location))
    assert "The library's customer panel" in page
    assert "Draft: residents cannot see it yet" in page
    dashboard = client.get("/en/staff/departments/sivistys/").get_data(as_text=True)
    assert f'<a href="{location}">The library&#39;s customer panel</a>' in dashboard
    assert "Open panel: anyone who applies becomes a member" in page
    assert "Purpose: write it in Finnish" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title-fi": "", "title-en": ""}, "Write the panel's name in a chosen language."),
        ({"focus_areas": []}, "Choose at least one focus area."),
        ({"target_size": "0"}, "Write a number of seats from 1 to 200."),
        ({"target_size": "many"}, "Write a whole number, for example 2."),
        ({"languages": []}, "Choose at least one language."),
    ],
)
def test_new_panel_is_refused_with_a_reason_and_keeps_the_input(client, staff, changes, message):
    login(client, staff)
    form = {
        "title-fi": "Nuorisoraati",
        "title-en": "Youth panel",
        "languages": ["fi", "en"],
        "focus_areas": ["HK-07"],
        "target_size": "10",
        **changes,
    }
    response = client.post(NEW.format(lang="en"), data=form)
    assert response.status_code == 422
    page = text_of(response)
    assert "Check these and try again" in page
    assert message in page
    html = response.get_data(as_text=True)
    if form["title-en"]:
        assert 'value="Youth panel"' in html
    if form["target_size"] != "10":
        assert f'value="{form["target_size"]}"' in html
    assert only_panel() is None


# --- settings --------------------------------------------------------------------------------


def test_settings_are_saved_and_shown_again(client, panel_url):
    panel = only_panel()
    assert panel.purpose == {
        "fi": "Raati kertoo, mitä kirjaston pitäisi muuttaa.",
        "en": "The panel tells the library what to change.",
    }
    assert panel.meeting_plan["en"] == "Four evenings a year."
    assert panel.term_start.isoformat() == "2031-01-01"
    assert panel.engagement.closes_at > utcnow()
    html = client.get(panel_url + "settings").get_data(as_text=True)
    assert 'value="2031-12-31"' in html
    assert "The panel tells the library what to change." in html
    assert 'name="purpose-sv"' not in html  # only the offered languages


def test_the_retention_period_is_saved(client, panel_url):
    response = client.post(panel_url + "settings", data=settings_form(retention_days="180"))
    assert response.status_code == 302
    assert only_panel().engagement.retention_days == 180
    assert 'value="180"' in client.get(panel_url + "settings").get_data(as_text=True)


def test_settings_close_in_finnish_time(client, panel_url):
    response = client.post(panel_url + "settings", data=settings_form(closes_at="2031-02-28T16:00"))
    assert response.status_code == 302
    assert only_panel().engagement.closes_at.isoformat() == "2031-02-28T14:00:00+00:00"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"term_end": "2030-12-31"}, "The term must end after it starts."),
        (
            {"opens_at": "2031-03-01T12:00", "closes_at": "2031-02-01T12:00"},
            "Applications must close after they open.",
        ),
        ({"target_size": "201"}, "Write a number of seats from 1 to 200."),
        ({"retention_days": "5"}, "Enter a number from 30 to 3650."),
    ],
)
def test_bad_settings_are_refused_with_the_input_kept(client, panel_url, changes, message):
    response = client.post(
        panel_url + "settings", data=settings_form(**changes, **{"purpose-en": "Changed text"})
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "Check these and try again" in page
    assert message in page
    assert "Changed text" in response.get_data(as_text=True)
    assert only_panel().purpose["en"] == "The panel tells the library what to change."


# --- composition -----------------------------------------------------------------------------


def test_composition_targets_are_saved_and_shown(client, panel_url):
    page = text_of(client.get(panel_url + "composition"))
    for legend in ("Age", "Postal area where you live", "Your language", "Gender"):
        assert legend in page
    response = client.post(
        panel_url + "composition",
        data={"age-18-29": "2", "age-65-74": "2", "language-sv": "1", "gender-woman": ""},
    )
    assert response.status_code == 302
    assert only_panel().quotas == {"age": {"18-29": 2, "65-74": 2}, "language": {"sv": 1}}
    response = client.get(response.headers["Location"])
    html = response.get_data(as_text=True)
    assert re.search(r'<input id="age-18-29"[^>]* value="2">', html)
    assert re.search(r'<input id="language-sv"[^>]* value="1">', html)
    assert re.search(r'<input id="gender-woman"[^>]* value="">', html)
    page = text_of(response)
    assert "The composition targets are saved." in page
    assert "Targets together: 4 of 4 seats." in page
    assert "Targets together: 1 of 4 seats." in page


def test_targets_over_the_seats_are_saved_with_a_warning(client, panel_url):
    response = client.post(
        panel_url + "composition", data={"age-18-29": "3", "age-65-74": "3"}, follow_redirects=True
    )
    page = text_of(response)
    assert "Age: the targets add up to 6 seats, but the panel has 4." in page
    assert "Warning: the targets add up to 6 seats, but the panel has 4." in page
    assert only_panel().quotas == {"age": {"18-29": 3, "65-74": 3}}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "Write 0 or more seats, at most 200."),
        ("two", "Write a whole number, for example 2."),
    ],
)
def test_composition_refuses_negative_and_non_numbers(client, panel_url, value, message):
    response = client.post(panel_url + "composition", data={"age-18-29": value, "age-65-74": "2"})
    assert response.status_code == 422
    page = text_of(response)
    assert f"Age: 18–29: {message}" in page
    assert f'value="{value}"' in response.get_data(as_text=True)
    assert only_panel().quotas == {}


# --- publishing ------------------------------------------------------------------------------


def test_publishing_is_refused_with_what_is_missing_then_accepted(client, staff):
    login(client, staff)
    location = create(client)
    response = client.post(location + "publish")
    assert response.status_code == 302
    assert response.headers["Location"] == location + "#missing"
    shown = client.get(location)
    page, text = shown.get_data(as_text=True), text_of(shown)
    assert "The panel cannot be published yet" in text
    for item in (
        "Purpose: write it in Finnish",
        "Purpose: write it in English",
        "Set a closing time for applications in the future.",
        "Set at least one composition target",
    ):
        assert item in text
    assert f'href="{location}settings#purpose-fi"' in page
    assert f'href="{location}composition"' in page
    assert only_panel().engagement.status == Status.DRAFT

    client.post(location + "settings", data=settings_form())
    client.post(location + "composition", data={"age-18-29": "2"})
    response = client.post(location + "publish", follow_redirects=True)
    assert "The panel is published. Residents can apply." in text_of(response)
    engagement = db.session.scalar(select(Engagement))
    assert engagement.status == Status.PUBLISHED
    assert "Published, open for applications until" in text_of(response)
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "panel.publish"))


def test_an_open_panel_is_published_without_targets(client, staff):
    login(client, staff)
    location = create(client, is_open="y")
    client.post(location + "settings", data=settings_form(is_open="y"))
    response = client.post(location + "publish", follow_redirects=True)
    assert "The panel is published." in text_of(response)


# --- applicants, the draw and the invitations ------------------------------------------------


def test_draw_report_shows_the_numbers_and_sending_invites_the_selected(app, client, panel_url):
    panel = only_panel()
    young = [person(n, "18-29") for n in range(1, 4)]
    old = [person(n, "65-74") for n in range(4, 6)]
    open_for_applications(app, panel, [*young, *old])

    page = text_of(client.get(panel_url + "applicants"))
    assert "Person 1" in page
    assert "person5@example.org" in page
    assert "Age: 18–29" in page
    assert "5 applicants are waiting for the draw." in page
    viewed = db.session.scalar(select(AuditLog).where(AuditLog.action == "panel.applications.view"))
    assert viewed.details == {"count": 5}

    response = client.post(panel_url + "draw", data={"seed": "42"})
    assert response.status_code == 302
    run = db.session.scalar(select(SelectionRun))
    assert response.headers["Location"] == f"{panel_url}draws/{run.id}"
    assert run.seed == 42
    response = client.get(response.headers["Location"])
    page = text_of(response)
    assert "Random seed 42" in page
    assert "Seats 4" in page
    assert "Applicants in the pool 5" in page
    assert "Total difference from the targets 0" in page
    # Age: 18–29 target 2, 3 in the pool, 2 selected; 65–74 target 2, 2 in the pool, 2 selected.
    assert "18–29 2 3 2 0" in page
    assert "65–74 2 2 2 0" in page
    assert "Person 1" not in page
    assert "Send the invitations" in page
    (reserve,) = run.result["reserves"]
    assert f"Application {reserve}: Age: 18–29" in page

    response = client.post(f"{panel_url}draws/{run.id}/send", follow_redirects=True)
    assert "The invitations are sent to 4 people." in text_of(response)
    assert f'action="{panel_url}draws/{run.id}/send"' not in response.get_data(as_text=True)
    invitations = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.subject.contains("valittiin"))
    ).all()
    assert len(invitations) == 4

    page = text_of(client.get(f"{panel_url}draws/{run.id}?repeat=1"))
    assert "Repeated with seed 42: the result is identical." in page

    page = text_of(client.get(panel_url + "applicants"))
    assert page.count("invited, no answer yet") == 4
    assert "reserve" in page
    overview = text_of(client.get(panel_url))
    assert "Invited, no answer yet 4" in overview
    assert "Reserves 1" in overview

    response = client.post(panel_url + "draw", data={"seed": ""}, follow_redirects=True)
    assert "A panel is drawn only once." in text_of(response)


def test_draw_after_a_new_application_must_be_made_again(app, client, panel_url):
    panel = only_panel()
    open_for_applications(app, panel, [person(1, "18-29"), person(2, "65-74")])
    client.post(panel_url + "draw", data={"seed": ""})
    run = db.session.scalar(select(SelectionRun))
    with app.test_request_context("/fi/"):
        services.apply(panel, person(3, "65-74"))
        db.session.commit()
    response = client.post(f"{panel_url}draws/{run.id}/send", follow_redirects=True)
    assert "Someone applied after this draw. Draw again." in text_of(response)
    assert db.session.get(SelectionRun, run.id).applied_at is None


def test_draw_is_refused_for_an_open_panel(app, client, staff):
    login(client, staff)
    location = create(client, is_open="y")
    panel = only_panel()
    open_for_applications(app, panel, [person(1, "18-29")])
    response = client.post(location + "draw", data={"seed": "1"}, follow_redirects=True)
    assert "This is an open panel" in text_of(response)
    assert db.session.scalar(select(SelectionRun)) is None


def test_draw_with_an_empty_pool_or_a_bad_seed_is_refused(client, panel_url):
    response = client.post(panel_url + "draw", data={"seed": "x"}, follow_redirects=True)
    assert "Write a whole number, or leave it empty for a random one." in text_of(response)
    response = client.post(panel_url + "draw", data={"seed": ""}, follow_redirects=True)
    assert "Nobody is waiting for the draw" in text_of(response)
    assert db.session.scalar(select(SelectionRun)) is None


def test_a_draw_of_another_panel_is_not_found(app, client, panel_url):
    panel = only_panel()
    open_for_applications(app, panel, [person(1, "18-29")])
    run = services.draw(panel, None, seed=1)
    db.session.commit()
    assert client.get(f"{panel_url}draws/{run.id + 1}").status_code == 404


def test_a_panel_with_applicants_cannot_become_open(app, client, panel_url):
    panel = only_panel()
    open_for_applications(app, panel, [person(1, "18-29")])
    response = client.post(panel_url + "settings", data=settings_form(is_open="y"))
    assert response.status_code == 422
    assert "People have applied already" in text_of(response)
    assert only_panel().is_open is False
