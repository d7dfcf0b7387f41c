"""Residents see a customer panel at its address and apply to it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.core.mail import OutboxMessage
from app.core.types import utcnow
from app.engagements.models import Status
from app.extensions import db
from app.panels import services
from app.panels.models import (
    ApplicationStatus,
    PanelApplication,
    PanelMember,
    PanelStatement,
    Participant,
)
from app.plan import services as plan_services
from tests.conftest import text_of

PUBLIC_ID = "raati"
PAGE = f"/en/e/{PUBLIC_ID}"
APPLY = f"/en/e/{PUBLIC_ID}/apply"


def t(fi: str, sv: str, en: str) -> dict[str, str]:
    return {"fi": fi, "sv": sv, "en": en}


@pytest.fixture
def panel(app, plan):
    """A published library panel taking applications, with age and language targets."""
    made = services.create_panel(
        plan_services.department_by_code("kulttuuri-vapaa-aika"),
        t("Kirjaston asiakasraati", "Bibliotekets kundpanel", "Library customer panel"),
        ["fi", "sv", "en"],
        [plan_services.focus_area_by_code("HK-07")],
        target_size=8,
    )
    made.purpose = t(
        "Raati kertoo, millaisia kirjastopalveluja kemiläiset tarvitsevat.",
        "Panelen berättar vilka bibliotekstjänster invånarna behöver.",
        "The panel tells us what library services residents need.",
    )
    made.meeting_plan = t("Neljä iltaa syksyllä.", "Fyra kvällar på hösten.", "Four evenings.")
    made.compensation = t("Kahvi ja lippu.", "Kaffe och biljett.", "Coffee and a bus ticket.")
    made.term_start = date(2025, 9, 1)
    made.term_end = date(2026, 5, 31)
    made.quotas = {"age": {"18-29": 3, "65-74": 2}, "language": {"sv": 1}}
    engagement = made.engagement
    engagement.public_id = PUBLIC_ID
    engagement.status = Status.PUBLISHED
    engagement.opens_at = utcnow() - timedelta(days=1)
    engagement.closes_at = utcnow() + timedelta(days=30)
    engagement.retention_days = 180
    db.session.commit()
    return made


def form_data(**overrides: object) -> dict[str, object]:
    data = {
        "name": "Maija Meikäläinen",
        "email": "maija@example.org",
        "band_age": "18-29",
        "band_language": "",
        "motivation": "I read a lot.",
        "consent": "y",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def applications() -> list[PanelApplication]:
    return list(db.session.scalars(select(PanelApplication)))


def add_member(panel, n: int, age: str, name_public: bool = False) -> PanelMember:
    person = Participant(email=f"member{n}@example.org", name=f"Secret Person {n}")
    db.session.add(person)
    db.session.flush()
    application = PanelApplication(
        panel_id=panel.id,
        participant_id=person.id,
        bands={"age": age},
        status=ApplicationStatus.ACCEPTED,
    )
    db.session.add(application)
    db.session.flush()
    member = PanelMember(
        panel_id=panel.id,
        participant_id=person.id,
        application_id=application.id,
        name_public=name_public,
    )
    db.session.add(member)
    db.session.flush()
    return member


# The page


@pytest.mark.parametrize(
    ("lang", "purpose", "button", "target"),
    [
        ("fi", "millaisia kirjastopalveluja", "Apply to the panel", "18–29"),
        ("sv", "vilka bibliotekstjänster", "Apply to the panel", "18–29"),
        ("en", "what library services", "Apply to the panel", "18–29"),
    ],
)
def test_published_panel_page_shows_purpose_targets_and_apply_button(
    client, panel, lang, purpose, button, target
):
    response = client.get(f"/{lang}/e/{PUBLIC_ID}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    text = text_of(response)
    assert purpose in text
    assert f'href="/{lang}/e/{PUBLIC_ID}/apply"' in html
    assert 'class="button"' in html
    # The age targets in a table: 3 places for 18–29, 2 for 65–74.
    table = re.search(r"<table[^>]*>.*?</table>", html, re.S).group(0)
    assert "<caption>" in table
    assert re.search(rf"{target}</th>\s*<td class=\"num\">3</td>", table)


def test_panel_page_in_english_tells_term_size_selection_meetings_and_compensation(client, panel):
    text = text_of(client.get(PAGE))
    assert "Library customer panel" in text
    assert "What the panel is for" in text
    assert "From September 1, 2025 to May 31, 2026" in text
    assert "8 members" in text
    assert "Open until" in text
    assert "chosen by lot" in text
    assert "Four evenings." in text
    assert "Coffee and a bus ticket." in text
    assert "Culture and leisure" in text or "Kulttuuri" in text
    assert "Age" in text
    assert "Your language" in text
    assert "Swedish" in text


def test_open_panel_page_says_anyone_becomes_a_member(client, panel):
    panel.is_open = True
    db.session.commit()
    text = text_of(client.get(PAGE))
    assert "Anyone who applies becomes a member." in text
    assert "chosen by lot" not in text


def test_draft_panel_is_not_found(client, panel):
    panel.engagement.status = Status.DRAFT
    db.session.commit()
    for url in (PAGE, "/fi/e/raati", APPLY, f"{PAGE}/applied"):
        assert client.get(url).status_code == 404, url
    assert client.post(APPLY, data=form_data()).status_code == 404
    assert applications() == []


def test_unknown_engagement_is_still_not_found(client, panel):
    assert client.get("/en/e/nothing").status_code == 404
    assert client.get("/en/e/nothing/apply").status_code == 404


def test_closed_panel_shows_no_apply_button_and_the_form_is_gone(client, panel):
    panel.engagement.closed_at = utcnow()
    db.session.commit()
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "/apply" not in page.get_data(as_text=True)
    assert "Applications to this panel are closed." in text_of(page)
    form = client.get(APPLY)
    assert form.status_code == 200
    assert "You can no longer apply." in text_of(form)
    assert "<form" not in form.get_data(as_text=True).split("<main", 1)[1]
    assert client.post(APPLY, data=form_data()).status_code == 409
    assert applications() == []


def test_panel_not_yet_open_says_when_applications_open(client, panel):
    panel.engagement.opens_at = utcnow() + timedelta(days=3)
    db.session.commit()
    assert "You can apply from" in text_of(client.get(PAGE))
    assert "You can apply from" in text_of(client.get(APPLY))


# Applying


def test_apply_form_has_labelled_fields_band_questions_and_consent(client, panel):
    response = client.get(APPLY)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<label for="name">Your name</label>' in html
    assert '<label for="email">E-mail address</label>' in html
    assert "<legend>Age</legend>" in html
    assert "<legend>Your language</legend>" in html
    assert html.count("I prefer not to say") == 2
    assert 'href="/en/privacy"' in html
    assert "We delete them 180 days after" in text_of(response)
    assert re.search(r"<div hidden>.*name=\"website\".*?</div>", html, re.S)


def test_applying_stores_the_application_and_queues_the_confirmation(client, panel):
    response = client.post(APPLY, data=form_data())
    assert response.status_code == 302
    assert response.headers["Location"] == f"/en/e/{PUBLIC_ID}/applied"
    (application,) = applications()
    assert application.bands == {"age": "18-29"}
    assert application.motivation == "I read a lot."
    assert application.locale == "en"
    assert application.participant.name == "Maija Meikäläinen"
    (message,) = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == "maija@example.org")
    )
    assert message.locale == "en"
    assert "Library customer panel" in message.subject
    thanks = client.get(response.headers["Location"])
    text = text_of(thanks)
    assert "we sent a confirmation to your e-mail" in text
    assert "chosen by lot" in text
    assert "maija@example.org" not in thanks.get_data(as_text=True)


def test_application_in_swedish_is_in_swedish(client, panel):
    client.post(f"/sv/e/{PUBLIC_ID}/apply", data=form_data())
    (application,) = applications()
    assert application.locale == "sv"
    assert application.participant.locale == "sv"


def test_thank_you_page_without_applying_goes_to_the_panel(client, panel):
    response = client.get(f"{PAGE}/applied")
    assert response.status_code == 302
    assert response.headers["Location"] == PAGE


def test_open_panel_applicant_becomes_a_member_and_is_told_so(client, panel):
    panel.is_open = True
    db.session.commit()
    response = client.post(APPLY, data=form_data())
    assert response.status_code == 302
    (member,) = db.session.scalars(select(PanelMember))
    assert member.participant.email == "maija@example.org"
    text = text_of(client.get(response.headers["Location"]))
    assert "You are now a member of the panel" in text
    assert "chosen by lot" not in text


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"name": "  "}, "name", "Write your name."),
        ({"name": "N" * 121}, "name", "Your name is too long."),
        ({"email": "not an address"}, "email", "Write your e-mail address"),
        ({"band_age": "200-300"}, "band_age", "Choose one of the options."),
        ({"motivation": "x" * 2001}, "motivation", "Your text has 2001 characters."),
        ({"consent": None}, "consent", "To apply, agree that we store your application."),
    ],
)
def test_each_bad_answer_is_told_in_the_summary_and_typed_text_is_kept(
    client, panel, overrides, field, words
):
    data = form_data(**overrides)
    response = client.post(APPLY, data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert f'href="#{field}' in summary
    assert words in summary
    for name in ("name", "email"):
        assert f'value="{data[name].strip()}"' in html
    assert f"{data['motivation']}</textarea>" in html
    assert applications() == []


def test_all_problems_are_shown_at_once(client, panel):
    data = form_data(name="", email="nope", consent=None, motivation="Kept words")
    response = client.post(APPLY, data=data)
    assert response.status_code == 422
    summary = re.search(
        r'<div class="error-summary".*?</div>', response.get_data(as_text=True), re.S
    ).group(0)
    links = re.findall(r'href="#([\w-]+)"', summary)
    assert links == ["name", "email", "consent"]
    assert "Kept words</textarea>" in response.get_data(as_text=True)


def test_answers_about_oneself_are_kept_after_a_problem(client, panel):
    response = client.post(APPLY, data=form_data(name="", band_age="65-74"))
    html = response.get_data(as_text=True)
    assert re.search(r'value="65-74" checked', html)


def test_applying_twice_with_the_same_email_is_refused(client, panel):
    client.post(APPLY, data=form_data())
    again = client.post(APPLY, data=form_data(email="MAIJA@example.org", name="Maija M."))
    assert again.status_code == 422
    text = text_of(again)
    assert "You have already applied to this panel with this e-mail address." in text
    assert 'value="Maija M."' in again.get_data(as_text=True)
    assert len(applications()) == 1
    assert applications()[0].participant.name == "Maija Meikäläinen"


def test_robot_filling_the_trap_field_stores_nothing(client, panel):
    response = client.post(APPLY, data=form_data(website="http://spam.example"))
    assert response.status_code == 302
    assert applications() == []
    assert db.session.scalars(select(OutboxMessage)).all() == []


# Members and statements


def test_member_composition_shows_counts_but_no_names(client, panel):
    add_member(panel, 1, "18-29")
    add_member(panel, 2, "18-29")
    add_member(panel, 3, "65-74")
    gone = add_member(panel, 4, "65-74")
    gone.left_at = utcnow()
    db.session.commit()
    response = client.get(PAGE)
    html = response.get_data(as_text=True)
    text = text_of(response)
    assert "The panel has 3 members now." in text
    assert re.search(r'18–29</th>\s*<td class="num">3</td>\s*<td class="num">2</td>', html)
    assert re.search(r'65–74</th>\s*<td class="num">2</td>\s*<td class="num">1</td>', html)
    # Nobody answered the language question: counted as not saying.
    assert re.search(r'Did not say</th>\s*<td class="num">–</td>\s*<td class="num">3</td>', html)
    assert "Secret Person" not in text
    assert "member1@example.org" not in html


def test_members_who_agreed_are_named(client, panel):
    add_member(panel, 1, "18-29", name_public=True)
    add_member(panel, 2, "18-29")
    db.session.commit()
    text = text_of(client.get(PAGE))
    assert "Secret Person 1" in text
    assert "Secret Person 2" not in text


def test_statements_and_responses_appear_once_published(client, panel):
    statement = PanelStatement(
        panel_id=panel.id,
        title=t("Aukioloajat", "Öppettider", "Opening hours"),
        statement=t("Auki sunnuntaisin.", "Öppet på söndagar.", "Open on Sundays.\n\nAlso at 8."),
        response=t("Kokeilemme.", "Vi prövar.", "We will try it."),
        decision_ref="KUVA 12/2026 § 4",
    )
    db.session.add(statement)
    db.session.commit()
    text = text_of(client.get(PAGE))
    assert "Opening hours" not in text
    statement.statement_published_at = utcnow().replace(year=2026, month=3, day=2)
    db.session.commit()
    text = text_of(client.get(PAGE))
    assert "Opening hours" in text
    assert "Open on Sundays. Also at 8." in text
    assert "Published Mar 2, 2026" in text
    assert "We will try it." not in text
    statement.response_published_at = utcnow().replace(year=2026, month=4, day=20)
    db.session.commit()
    response = client.get(PAGE)
    assert "We will try it." in text_of(response)
    assert "Published Apr 20, 2026" in text_of(response)
    assert "KUVA 12/2026 § 4" in text_of(response)
    assert "<p>Also at 8.</p>" in response.get_data(as_text=True)
    fi = text_of(client.get(f"/fi/e/{PUBLIC_ID}"))
    assert "Kokeilemme." in fi
