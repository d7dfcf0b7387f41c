"""Publishing shows the grades; the coordinator's setting can make it ask for a confirmation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.core.audit import AuditLog
from app.core.settings import SiteSetting, get_setting, set_setting
from app.core.types import utcnow
from app.engagements.models import Engagement, Status
from app.eva import services as eva_services
from app.extensions import db
from app.panels import services as panel_services
from app.plainlang import Grade, analyze
from app.plainlang.gate import SETTING, grade_summary, needs_confirmation
from app.plan import services as plan_services
from app.questionnaires.builder import create_survey
from app.questionnaires.models import Question, Questionnaire
from tests.conftest import department, login, text_of
from tests.eva.conftest import build_eva

#: Finnish officialese: long nominal sentences, "johdosta", "kyseinen", -minen nouns.
OFFICIALESE_FI = (
    "Kyseisen toimenpiteen suorittamisen johdosta kirjaston aukioloaikojen muuttamista koskevan "
    "päätöksen valmistelun yhteydessä on tarkoituksenmukaista selvittää asiakkaiden näkemykset "
    "palveluverkon kehittämiseen liittyvien toimenpiteiden vaikuttavuuden arvioimiseksi. "
    "Mainittujen seikkojen huomioiminen edellyttää asianomaisten viranomaisten välisen "
    "yhteistoiminnan tehostamista sekä palvelujen saavutettavuuden varmistamiseen tähtäävien "
    "kehittämistoimenpiteiden toteuttamista, minkä johdosta vastaajien osallistuminen kyselyyn "
    "on toivottavaa."
)
EASY_FI = "Kirjasto on auki joka päivä. Tule lainaamaan kirjoja. Kerro meille, mitä toivot."
CONFIRM = "I have read the language check and want to publish anyway"
REFUSED = "Nothing was published. Some texts are harder to read than your city allows"


def setting(value: str) -> None:
    set_setting(SETTING, value, None)
    db.session.commit()


def make_survey(intro: str) -> Engagement:
    """A Finnish survey of sivistys that is ready to publish, with ``intro`` as its intro."""
    engagement = create_survey(
        department("sivistys"),
        {"fi": "Kirjastokysely"},
        ["fi"],
        [plan_services.focus_area_by_code("HK-01")],
    )
    engagement.summary = {"fi": "Kerro, miten käytät kirjastoa."}
    questionnaire = db.session.scalar(
        select(Questionnaire).where(Questionnaire.engagement_id == engagement.id)
    )
    questionnaire.intro = {"fi": intro}
    db.session.add(
        Question(
            questionnaire_id=questionnaire.id,
            page_id=questionnaire.pages[0].id,
            code="visits",
            type="yes_no",
            text={"fi": "Käytkö kirjastossa?"},
        )
    )
    db.session.commit()
    return engagement


def survey_url(engagement: Engagement, lang: str = "en") -> str:
    return f"/{lang}/staff/surveys/{engagement.public_id}/"


def status_of(engagement: Engagement) -> Status:
    db.session.expire_all()
    return db.session.get(Engagement, engagement.id).status


def test_the_officialese_sample_grades_hard_and_the_easy_one_easy():
    assert analyze(OFFICIALESE_FI, "fi").grade == Grade.HARD
    assert analyze(EASY_FI, "fi").grade == Grade.EASY


# --- the grades and the setting's default --------------------------------------------------------


def test_grade_summary_counts_each_language_and_lists_the_texts_below_easy(plan):
    engagement = make_survey(OFFICIALESE_FI)
    summary = grade_summary(engagement)
    assert list(summary) == ["fi"]
    finnish = summary["fi"]
    assert finnish.hard == 1
    with force_locale("en"):
        below = [(str(i.label), i.locale, i.grade) for i in finnish.below_easy]
    assert below == [("Introduction", "fi", Grade.HARD)]
    assert finnish.easy + finnish.fairly_easy + finnish.hard + finnish.ungraded == 4


def test_by_default_a_hard_survey_publishes_without_confirmation_and_shows_its_grades(
    client, staff
):
    engagement = make_survey(OFFICIALESE_FI)
    assert get_setting(SETTING, "off") == "off"
    assert not needs_confirmation(engagement)
    login(client, staff, lang="en")
    response = client.get(survey_url(engagement))
    html, page = response.get_data(as_text=True), text_of(response)
    assert "How easy the texts are to read" in page
    fi = grade_summary(engagement)["fi"]
    assert f"Finnish {fi.easy} {fi.fairly_easy} 1 {fi.ungraded}" in page
    assert "Introduction (Finnish): Hard to read" in page
    assert f'href="/en/staff/engagements/{engagement.public_id}/language"' in html
    assert 'name="confirm_language"' not in html

    response = client.post(survey_url(engagement) + "publish")
    assert response.status_code == 302
    assert status_of(engagement) == Status.PUBLISHED


# --- refused without the confirmation, published with it ----------------------------------------


def test_with_hard_a_hard_survey_is_refused_without_the_tick_and_published_with_it(client, staff):
    engagement = make_survey(OFFICIALESE_FI)
    setting("hard")
    login(client, staff, lang="en")
    page = client.get(survey_url(engagement)).get_data(as_text=True)
    assert 'name="confirm_language" value="y" required' in page
    assert CONFIRM in page

    response = client.post(survey_url(engagement) + "publish")
    assert response.status_code == 302
    assert response.headers["Location"] == survey_url(engagement) + "#publish-title"
    assert status_of(engagement) == Status.DRAFT
    shown = text_of(client.get(response.headers["Location"]))
    assert REFUSED in shown
    assert f"tick “{CONFIRM}” and publish again." in shown

    response = client.post(survey_url(engagement) + "publish", data={"confirm_language": "y"})
    assert response.status_code == 302
    assert status_of(engagement) == Status.PUBLISHED
    entry = db.session.scalar(
        select(AuditLog).where(AuditLog.action == "plainlang.publish_confirmed")
    )
    assert entry.target == f"engagements:{engagement.public_id}"
    assert entry.details["setting"] == "hard"
    assert entry.details["grades"]["fi"]["hard"] == 1


def test_missing_texts_are_reported_before_the_language_confirmation(client, staff):
    engagement = make_survey(OFFICIALESE_FI)
    engagement.summary = {}
    db.session.commit()
    setting("hard")
    login(client, staff, lang="en")
    response = client.post(survey_url(engagement) + "publish")
    assert response.headers["Location"] == survey_url(engagement) + "#missing"
    page = text_of(client.get(response.headers["Location"]))
    assert "The survey was not published. Fill in what is missing first." in page
    assert REFUSED not in page


def test_an_all_easy_survey_publishes_without_the_tick_even_with_fairly_easy(client, staff):
    engagement = make_survey(EASY_FI)
    setting("fairly_easy")
    assert all(
        not grades.hard and not grades.fairly_easy for grades in grade_summary(engagement).values()
    )
    login(client, staff, lang="en")
    assert 'name="confirm_language"' not in client.get(survey_url(engagement)).get_data(
        as_text=True
    )
    assert client.post(survey_url(engagement) + "publish").status_code == 302
    assert status_of(engagement) == Status.PUBLISHED


def test_fairly_easy_asks_for_the_tick_when_a_text_is_fairly_easy(plan):
    engagement = make_survey(EASY_FI)
    summary = grade_summary(engagement)
    summary["fi"].fairly_easy = 1
    setting("hard")
    assert not needs_confirmation(engagement, summary)
    setting("fairly_easy")
    assert needs_confirmation(engagement, summary)


def test_an_eva_hearing_with_hard_text_is_refused_without_the_tick(client, staff):
    engagement = build_eva(publish=False)
    assessment = eva_services.assessment_of(engagement)
    assessment.proposal = {**assessment.proposal, "fi": OFFICIALESE_FI}
    db.session.commit()
    setting("hard")
    login(client, staff, lang="en")
    base = f"/en/staff/eva/{engagement.public_id}/"
    page = client.get(base)
    assert "What is proposed (Finnish): Hard to read" in text_of(page)
    assert 'name="confirm_language"' in page.get_data(as_text=True)

    response = client.post(base + "publish")
    assert response.headers["Location"] == base + "#publish-title"
    assert REFUSED in text_of(client.get(base))
    assert status_of(engagement) == Status.DRAFT

    client.post(base + "publish", data={"confirm_language": "y"})
    assert status_of(engagement) == Status.PUBLISHED


def test_a_panel_with_hard_text_is_refused_without_the_tick(client, staff):
    panel = panel_services.create_panel(
        department("sivistys"),
        {"fi": "Kirjaston asiakasraati", "en": "Library customer panel"},
        ["fi", "en"],
        [plan_services.focus_area_by_code("HK-07")],
        target_size=6,
    )
    panel.purpose = {"fi": OFFICIALESE_FI, "en": "The panel tells the library what to change."}
    panel.quotas = {"age": {"18-29": 3}}
    panel.engagement.closes_at = utcnow() + timedelta(days=30)
    db.session.commit()
    engagement = panel.engagement
    setting("hard")
    login(client, staff, lang="en")
    base = f"/en/staff/panels/{engagement.public_id}/"
    page = client.get(base)
    assert "Purpose (Finnish): Hard to read" in text_of(page)
    assert 'name="confirm_language"' in page.get_data(as_text=True)

    response = client.post(base + "publish")
    assert response.headers["Location"] == base + "#publish-title"
    assert REFUSED in text_of(client.get(base))
    assert status_of(engagement) == Status.DRAFT

    client.post(base + "publish", data={"confirm_language": "y"})
    assert status_of(engagement) == Status.PUBLISHED


# --- the coordinator's page ----------------------------------------------------------------------

SETTINGS = "/{lang}/staff/settings/plain-language"


def checked_value(html: str) -> str:
    return re.search(r'name="confirm_below" value="(\w+)" checked', html).group(1)


def test_coordinator_saves_the_setting_and_it_is_audited_and_shown_chosen(client, coordinator):
    login(client, coordinator, lang="en")
    page = client.get(SETTINGS.format(lang="en"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<legend>When must staff confirm before they publish?</legend>" in html
    assert checked_value(html) == "off"

    response = client.post(SETTINGS.format(lang="en"), data={"confirm_below": "fairly_easy"})
    assert response.status_code == 302
    assert response.headers["Location"] == SETTINGS.format(lang="en")
    shown = client.get(response.headers["Location"])
    assert "The setting is saved." in text_of(shown)
    assert checked_value(shown.get_data(as_text=True)) == "fairly_easy"
    row = db.session.get(SiteSetting, SETTING)
    assert row.value == "fairly_easy"
    assert row.updated_by_id == coordinator.id
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "setting.change"))
    assert entry.actor_id == coordinator.id
    assert entry.target == f"site_settings:{SETTING}"
    assert entry.details == {"old": None, "new": "fairly_easy"}


@pytest.mark.parametrize("value", ["sometimes", ""])
def test_an_invalid_choice_is_refused_with_a_clear_message(client, coordinator, value):
    login(client, coordinator, lang="en")
    response = client.post(SETTINGS.format(lang="en"), data={"confirm_below": value})
    assert response.status_code == 422
    page = text_of(response)
    assert "Check these and try again:" in page
    assert "Choose one of the three choices." in page
    assert db.session.get(SiteSetting, SETTING) is None


def test_the_coordinator_home_links_to_the_setting(client, coordinator):
    login(client, coordinator, lang="en")
    html = client.get("/en/staff/").get_data(as_text=True)
    assert 'href="/en/staff/settings/plain-language"' in html


def test_staff_are_refused_and_anonymous_visitors_sent_to_sign_in(client, staff):
    url = SETTINGS.format(lang="fi")
    for method in ("GET", "POST"):
        response = client.open(url, method=method, data={"confirm_below": "hard"})
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/fi/login?next=")
    login(client, staff)
    assert client.get(url).status_code == 403
    assert client.post(url, data={"confirm_below": "hard"}).status_code == 403
    assert db.session.get(SiteSetting, SETTING) is None


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_settings_page_renders_in_every_interface_language(client, coordinator, lang):
    login(client, coordinator, lang=lang)
    response = client.get(SETTINGS.format(lang=lang))
    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.get_data(as_text=True)
