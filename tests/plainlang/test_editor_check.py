"""Staff press "Check language" in an editor: the form comes back with what they typed, advice
under each text they wrote, and nothing saved.

Every editor with the button is covered by the parametrized tests below: the button is shown,
a check answers 200 with the advice under the officialese text and "nothing to point out"
under the plain one, the typed text stays in its field, and the database, the audit log and
the number of surveys, EVAs, panels, questions, statements and meetings stay as they were. The
same form sent with the editor's own button saves (so the data is valid and the check is what
keeps it from being saved).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select

from app.core.audit import AuditLog
from app.core.types import utcnow
from app.engagements.models import Engagement
from app.eva import services as eva_services
from app.eva.models import Alternative, Assessment, Impact
from app.extensions import db
from app.panels.models import Panel, PanelMeeting, PanelStatement
from app.plan import services as plan_services
from app.questionnaires import services as questionnaire_services
from app.questionnaires.builder import create_survey
from app.questionnaires.models import Question
from tests.conftest import (
    KEMI_PLAN,
    PASSWORD,
    CsrfOn,
    UserFactory,
    department,
    login,
    running_app,
    text_of,
)
from tests.eva._factory_c import close, make_eva
from tests.eva.conftest import build_eva
from tests.eva.test_closing import RESPONSE
from tests.panels._work import add_meeting, at, make_panel
from tests.panels._work import base as panel_base
from tests.plainlang.conftest import sample

#: Officialese: "koskien" is on the officialese list, and the whole notice grades hard.
HARD_FI = sample("fi_library_officialese").strip()
#: Its heading: short enough for a title field, with "koskien" in it.
HARD_TITLE = HARD_FI.splitlines()[0]
HARD_SV = sample("sv_library_officialese").strip()
PLAIN_EN = sample("en_library_plain").strip()
PLAIN_SV = sample("sv_library_plain").strip()

CHECK = {"check_language": "1"}
BUTTON = '<button type="submit" class="button secondary" name="check_language" value="1">'
NOTICE = {
    "en": "The language is checked. The advice is under each text. Nothing is saved yet: "
    "save when you are ready.",
    "fi": "Kieli on tarkistettu. Neuvot ovat kunkin tekstin alla. Mitään ei ole vielä "
    "tallennettu: tallenna, kun olet valmis.",
    "sv": "Språket är granskat. Råden finns under varje text. Inget är sparat än: "
    "spara när du är klar.",
}


# --- reading the page ----------------------------------------------------------------------------


def html_of(response) -> str:
    return response.get_data(as_text=True)


def advice(html: str, field_id: str) -> str:
    """The language advice shown under the input ``field_id`` (up to the next input)."""
    start = html.find(f'<div class="plainlang-field" id="{field_id}-language">')
    assert start >= 0, f"no language advice under {field_id}"
    rest = html[start:]
    end = re.search(r'<div class="field|</fieldset>', rest)
    assert end, f"the advice under {field_id} does not end"
    return rest[: end.start()]


def advised_fields(html: str) -> list[str]:
    """The inputs that have language advice under them, in page order."""
    return re.findall(r'<div class="plainlang-field" id="([^"]+)-language">', html)


def assert_officialese_marked(block: str, field_id: str) -> None:
    """The word "koskien" is marked in the text and explained in a note linked to the mark."""
    mark = re.search(rf'<mark id="f-{re.escape(field_id)}-(\d+)">koskien</mark>', block)
    assert mark, block
    number = mark.group(1)
    assert f'<a href="#n-{field_id}-{number}">' in block
    note = re.search(rf'<li id="n-{re.escape(field_id)}-{number}">.*?</li>', block, re.S)
    assert note, block
    assert f'<a href="#f-{field_id}-{number}"><q lang="fi">koskien</q></a>' in note.group()
    assert "“koskien” sounds official. A plainer choice:" in note.group()


# --- the editors ---------------------------------------------------------------------------------


@dataclass
class Editor:
    """One editor: where it is, what a staff member fills in, and what it stores."""

    #: The address the form is sent to (English interface).
    url: str
    #: Every field of a form that saves, without the pressed button.
    data: dict
    #: The input holding officialese Finnish, and one holding a plain text.
    hard: str
    plain: str
    #: What the editor stores, read afresh from the database.
    stored: Callable[[], object]
    #: The editor's own "save" button (name and value), when it has one.
    save: dict = field(default_factory=dict)
    #: The page the form is on, when the form is sent elsewhere.
    page: str = ""
    #: A long text (a notice) is graded; a title is too short to be "Hard to read".
    long: bool = True

    @property
    def form_page(self) -> str:
        return self.page or self.url


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def posted(client: FlaskClient, url: str, data: dict, status: int = 302) -> str:
    """Send a form that has to succeed; the address it leads to."""
    response = client.post(url, data=data)
    assert response.status_code == status, text_of(response)
    return response.headers.get("Location", "")


def library_survey() -> Engagement:
    engagement = create_survey(
        department("sivistys"),
        {"fi": "Kirjastokysely", "sv": "Biblioteksenkät", "en": "Library survey"},
        ["fi", "sv", "en"],
        [plan_services.focus_area_by_code("HK-01")],
    )
    db.session.commit()
    return engagement


def survey_settings_data(**texts: str) -> dict:
    return {
        "title-fi": "Kirjastokysely",
        "title-sv": "Biblioteksenkät",
        "title-en": "Library survey",
        "intro-fi": HARD_FI,
        "intro-sv": PLAIN_SV,
        "intro-en": PLAIN_EN,
        "languages": ["fi", "sv", "en"],
        "focus_areas": ["HK-01"],
        "audience": "public",
        "retention_days": "365",
        **texts,
    }


def survey_new(client: FlaskClient) -> Editor:
    return Editor(
        url="/en/staff/departments/sivistys/surveys/new",
        data={
            "title-fi": HARD_TITLE,
            "title-en": "Library survey",
            "languages": ["fi", "en"],
            "focus_areas": ["HK-01"],
        },
        hard="title-fi",
        plain="title-en",
        stored=lambda: count(Engagement),
        long=False,
    )


def survey_settings(client: FlaskClient) -> Editor:
    survey = library_survey()
    questionnaire = questionnaire_services.questionnaire_of(survey)
    return Editor(
        url=f"/en/staff/surveys/{survey.public_id}/settings",
        data=survey_settings_data(),
        hard="intro-fi",
        plain="intro-en",
        stored=lambda: (survey.title, survey.summary, questionnaire.intro, survey.audience),
    )


def survey_page(client: FlaskClient) -> Editor:
    survey = library_survey()
    page = questionnaire_services.questionnaire_of(survey).pages[0]
    return Editor(
        url=f"/en/staff/surveys/{survey.public_id}/pages/{page.code}",
        data={"title-fi": HARD_TITLE, "title-en": "Your library", "condition-match": "all"},
        hard="title-fi",
        plain="title-en",
        stored=lambda: page.title,
        long=False,
    )


def question_data(text_fi: str) -> dict:
    return {"code": "opinion", "text-fi": text_fi, "text-en": PLAIN_EN}


def survey_new_question(client: FlaskClient) -> Editor:
    survey = library_survey()
    return Editor(
        url=f"/en/staff/surveys/{survey.public_id}/pages/p1/questions/new?type=long_text",
        data=question_data(HARD_FI),
        hard="text-fi",
        plain="text-en",
        stored=lambda: count(Question),
    )


def survey_question(client: FlaskClient) -> Editor:
    survey = library_survey()
    base = f"/en/staff/surveys/{survey.public_id}/"
    posted(client, base + "pages/p1/questions/new?type=long_text", question_data("Mitä mieltä?"))
    question = db.session.scalar(select(Question).where(Question.code == "opinion"))
    return Editor(
        url=base + "questions/opinion",
        data=question_data(HARD_FI),
        hard="text-fi",
        plain="text-en",
        stored=lambda: (question.text, question.help),
    )


def survey_outcome(client: FlaskClient) -> Editor:
    survey = library_survey()
    return Editor(
        url=f"/en/staff/surveys/{survey.public_id}/outcome",
        data={
            "outcome-fi": HARD_FI,
            "outcome-sv": PLAIN_SV,
            "outcome-en": PLAIN_EN,
            "decision_ref": "Sivistyslautakunta 12.3.2027 § 14",
        },
        save={"action": "save"},
        hard="outcome-fi",
        plain="outcome-en",
        stored=lambda: (survey.outcome, survey.decision_ref),
    )


def eva_new(client: FlaskClient) -> Editor:
    return Editor(
        url="/en/staff/departments/sivistys/eva/new",
        data={
            "title-fi": HARD_TITLE,
            "title-en": "Merging the school libraries",
            "languages": ["fi", "sv", "en"],
            "focus_areas": ["HK-01"],
            "triggers": ["residents", "service_network"],
        },
        hard="title-fi",
        plain="title-en",
        stored=lambda: count(Engagement),
        long=False,
    )


def draft_eva() -> tuple[Engagement, Assessment]:
    engagement = build_eva(publish=False)
    db.session.commit()
    return engagement, eva_services.assessment_of(engagement)


def eva_change(client: FlaskClient) -> Editor:
    engagement, assessment = draft_eva()
    closes = (utcnow() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    return Editor(
        url=f"/en/staff/eva/{engagement.public_id}/change",
        data={
            "title-fi": "Koulukirjastojen yhdistäminen",
            "title-sv": "Sammanslagning av skolbiblioteken",
            "title-en": "Merging the school libraries",
            "proposal-fi": HARD_FI,
            "proposal-sv": HARD_SV,
            "proposal-en": PLAIN_EN,
            "decision_maker-fi": "Sivistyslautakunta",
            "closes_at": closes,
            "languages": ["fi", "sv", "en"],
            "focus_areas": ["HK-01"],
            "retention_days": "365",
        },
        hard="proposal-fi",
        plain="proposal-en",
        stored=lambda: (engagement.title, assessment.proposal, assessment.decision_maker),
    )


def alternative_data() -> dict:
    return {
        "label-fi": "Kirjastot yhdistetään",
        "label-en": "Merge the libraries",
        "description-fi": HARD_FI,
        "description-en": PLAIN_EN,
    }


def eva_new_alternative(client: FlaskClient) -> Editor:
    engagement, _assessment = draft_eva()
    return Editor(
        url=f"/en/staff/eva/{engagement.public_id}/alternatives/new",
        data=alternative_data(),
        hard="description-fi",
        plain="description-en",
        stored=lambda: count(Alternative),
    )


def eva_alternative(client: FlaskClient) -> Editor:
    engagement, assessment = draft_eva()
    alternative = eva_services.alternative_by_code(assessment, "VE1")
    return Editor(
        url=f"/en/staff/eva/{engagement.public_id}/alternatives/VE1",
        data=alternative_data(),
        hard="description-fi",
        plain="description-en",
        stored=lambda: (alternative.label, alternative.description),
    )


def eva_matrix_area(client: FlaskClient) -> Editor:
    engagement, _assessment = draft_eva()

    def cells() -> list:
        impacts = db.session.scalars(select(Impact).order_by(Impact.id))
        return [(i.direction, i.significance, i.evidence, i.mitigation) for i in impacts]

    return Editor(
        url=f"/en/staff/eva/{engagement.public_id}/matrix/preliminary/children_youth",
        data={
            "ve0-direction": "0",
            "ve1-direction": "+",
            "ve1-significance": "large",
            "ve1-groups": ["age"],
            "ve1-time_span": "short",
            "ve1-evidence-fi": HARD_FI,
            "ve1-evidence-en": PLAIN_EN,
        },
        hard="ve1-evidence-fi",
        plain="ve1-evidence-en",
        stored=cells,
    )


def closed_hearing() -> tuple[Engagement, Assessment]:
    engagement = make_eva()
    close(engagement)
    return engagement, db.session.scalar(select(Assessment))


def eva_response(client: FlaskClient) -> Editor:
    engagement, assessment = closed_hearing()

    def response() -> tuple:
        areas = [(a.adoption, a.adoption_reason) for a in assessment.areas]
        return assessment.final_proposal, areas

    return Editor(
        url=f"/en/staff/eva/{engagement.public_id}/response",
        data={**RESPONSE, "final_proposal-fi": HARD_FI, "final_proposal-en": PLAIN_EN},
        hard="final_proposal-fi",
        plain="final_proposal-en",
        stored=response,
    )


def eva_decision(client: FlaskClient) -> Editor:
    engagement, assessment = closed_hearing()
    posted(client, f"/en/staff/eva/{engagement.public_id}/response", RESPONSE)
    return Editor(
        url=f"/en/staff/eva/{engagement.public_id}/decision",
        data={
            "decision_body": "Sivistyslautakunta",
            "decision_date": "2027-03-12",
            "decision_section": "45",
            "decision_url": "https://kemi.example/poytakirjat/2027-03-12#45",
            "outcome-fi": HARD_FI,
            "outcome-sv": PLAIN_SV,
            "outcome-en": PLAIN_EN,
        },
        hard="outcome-fi",
        plain="outcome-en",
        stored=lambda: (
            engagement.outcome,
            engagement.outcome_published_at,
            assessment.decision_body,
        ),
    )


def panel_new(client: FlaskClient) -> Editor:
    return Editor(
        url="/en/staff/departments/sivistys/panels/new",
        data={
            "title-fi": HARD_TITLE,
            "title-en": "The library's customer panel",
            "languages": ["fi", "en"],
            "focus_areas": ["HK-07"],
            "target_size": "4",
        },
        hard="title-fi",
        plain="title-en",
        stored=lambda: (count(Panel), count(Engagement)),
        long=False,
    )


def panel_settings(client: FlaskClient) -> Editor:
    new = panel_new(client)
    location = posted(client, new.url, {**new.data, "title-fi": "Kirjaston asiakasraati"})
    panel = db.session.scalar(select(Panel))
    return Editor(
        url=location + "settings",
        data={
            "title-fi": "Kirjaston asiakasraati",
            "title-en": "The library's customer panel",
            "purpose-fi": HARD_FI,
            "purpose-en": PLAIN_EN,
            "meeting_plan-fi": "Neljä iltaa vuodessa.",
            "meeting_plan-en": "Four evenings a year.",
            "term_start": "2031-01-01",
            "term_end": "2031-12-31",
            "closes_at": (utcnow() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
            "target_size": "4",
            "languages": ["fi", "en"],
            "focus_areas": ["HK-07"],
        },
        hard="purpose-fi",
        plain="purpose-en",
        stored=lambda: (panel.purpose, panel.meeting_plan, panel.term_start),
    )


def panel_new_statement(client: FlaskClient) -> Editor:
    make_panel()
    return Editor(
        url=panel_base() + "statements",
        data={"title-fi": HARD_TITLE, "title-en": "Opening hours"},
        hard="title-fi",
        plain="title-en",
        stored=lambda: count(PanelStatement),
        long=False,
    )


def a_statement(client: FlaskClient) -> tuple[str, PanelStatement]:
    """A panel (published, fi/sv/en) with a statement titled "Aukioloajat"; its page."""
    make_panel()
    location = posted(client, panel_base() + "statements", {"title-fi": "Aukioloajat"})
    return location, db.session.scalar(select(PanelStatement))


def statement_data() -> dict:
    return {
        "title-fi": "Aukioloajat",
        "title-en": "Opening hours",
        "statement-fi": HARD_FI,
        "statement-en": PLAIN_EN,
    }


def response_data() -> dict:
    return {
        "response-fi": HARD_FI,
        "response-en": PLAIN_EN,
        "decision_ref": "Sivistyslautakunta 12.3.2031 § 45",
    }


def panel_statement(client: FlaskClient) -> Editor:
    location, item = a_statement(client)
    return Editor(
        url=location,
        data=statement_data(),
        save={"action": "save"},
        hard="statement-fi",
        plain="statement-en",
        stored=lambda: (item.title, item.statement, item.statement_published_at),
    )


def panel_response(client: FlaskClient) -> Editor:
    location, item = a_statement(client)
    return Editor(
        url=location + "/response",
        page=location,
        data=response_data(),
        save={"action": "save"},
        hard="response-fi",
        plain="response-en",
        stored=lambda: (item.response, item.decision_ref, item.response_published_at),
    )


def meeting_data() -> dict:
    return {
        "starts_at": "2031-03-14T18:00",
        "ends_at": "20:00",
        "place": "Pääkirjasto, Lumo-sali",
        "online_url": "https://meet.example/raati",
        "agenda-fi": HARD_FI,
        "agenda-en": PLAIN_EN,
    }


def panel_new_meeting(client: FlaskClient) -> Editor:
    make_panel()
    return Editor(
        url=panel_base() + "meetings/new",
        data=meeting_data(),
        hard="agenda-fi",
        plain="agenda-en",
        stored=lambda: count(PanelMeeting),
    )


def panel_meeting(client: FlaskClient) -> Editor:
    panel = make_panel()
    meeting = add_meeting(panel, at(2031, 3, 14, 16), agenda={"fi": "Aukioloajat"})
    return Editor(
        url=panel_base() + f"meetings/{meeting.id}",
        data=meeting_data(),
        hard="agenda-fi",
        plain="agenda-en",
        stored=lambda: (meeting.starts_at, meeting.place, meeting.agenda),
    )


EDITORS: dict[str, Callable[[FlaskClient], Editor]] = {
    "survey new": survey_new,
    "survey settings": survey_settings,
    "survey page": survey_page,
    "survey new question": survey_new_question,
    "survey question": survey_question,
    "survey outcome": survey_outcome,
    "eva new": eva_new,
    "eva change": eva_change,
    "eva new alternative": eva_new_alternative,
    "eva alternative": eva_alternative,
    "eva matrix area": eva_matrix_area,
    "eva response": eva_response,
    "eva decision": eva_decision,
    "panel new": panel_new,
    "panel settings": panel_settings,
    "panel new statement": panel_new_statement,
    "panel statement": panel_statement,
    "panel response": panel_response,
    "panel new meeting": panel_new_meeting,
    "panel meeting": panel_meeting,
}


@pytest.fixture(params=list(EDITORS))
def editor(request, client, staff) -> Editor:
    """Each editor, for a signed-in staff member of its department (English interface)."""
    login(client, staff, lang="en")
    return EDITORS[request.param](client)


def snapshot(editor: Editor) -> tuple:
    """What a check must leave alone: the editor's stored values, the audit log, the
    engagements. A view's uncommitted changes are dropped first, as at the end of a request."""
    db.session.rollback()
    db.session.expire_all()
    return editor.stored(), count(AuditLog), count(Engagement)


# --- every editor --------------------------------------------------------------------------------


def test_every_editor_has_the_check_language_button(client, editor):
    """The editor shows "Check language" next to its save button."""
    response = client.get(editor.form_page)
    assert response.status_code == 200
    assert f"{BUTTON}Check language</button>" in html_of(response)


def test_checking_shows_advice_under_the_texts_keeps_them_and_saves_nothing(client, editor):
    """A check shows the same form with the advice under each text written: the officialese
    word marked and explained, "Nothing to point out" under the plain text; the texts stay as
    typed, and nothing is stored."""
    before = snapshot(editor)
    response = client.post(editor.url, data={**editor.data, **CHECK})
    assert response.status_code == 200, text_of(response)
    html = html_of(response)
    assert html.count(f"{BUTTON}Check language</button>") >= 1

    hard = advice(html, editor.hard)
    assert '<p class="plainlang-field-title">Language advice: Finnish</p>' in hard
    assert '<div class="plainlang-text" lang="fi">' in hard
    assert_officialese_marked(hard, editor.hard)
    if editor.long:
        assert '<p class="plainlang-facts" lang="en"><strong>Hard to read</strong>' in hard
    plain = advice(html, editor.plain)
    assert '<p class="plainlang-field-title">Language advice: English</p>' in plain
    assert '<p class="plainlang-none" lang="en">Nothing to point out.</p>' in plain
    assert "<mark" not in plain
    # Only what was typed is checked: an input left empty gets no advice.
    assert all(editor.data.get(name) for name in advised_fields(html))

    # What was typed is in its field as typed (escaped), not the stored value.
    assert str(escape(editor.data[editor.hard])) in html
    assert str(escape(editor.data[editor.plain])) in html
    assert "error-summary" not in html
    assert snapshot(editor) == before


@pytest.mark.parametrize("name", list(EDITORS))
def test_a_check_says_that_nothing_is_saved_yet(client, staff, name):
    """After a check, a notice on top says the language is checked and nothing is saved yet."""
    login(client, staff, lang="en")
    editor = EDITORS[name](client)
    response = client.post(editor.url, data={**editor.data, **CHECK})
    html = html_of(response)
    assert '<div class="notice plainlang-checked" role="status">' in html
    assert NOTICE["en"] in text_of(response)


def test_the_same_form_with_the_save_button_saves(client, editor):
    """Without the check the very same form is saved: the check alone kept it from saving."""
    before = snapshot(editor)
    response = client.post(editor.url, data={**editor.data, **editor.save})
    assert response.status_code == 302, text_of(response)
    assert "plainlang-field" not in html_of(response)
    assert snapshot(editor)[0] != before[0]


# --- the survey settings in every language -------------------------------------------------------

LANGUAGE_WORDS = {
    # UI language: (button, advice title for Finnish, for Swedish, hard grade, officialese note)
    "en": (
        "Check language",
        "Language advice: Finnish",
        "Language advice: Swedish",
        "Hard to read",
        "“koskien” sounds official.",
    ),
    "fi": (
        "Tarkista kieli",
        "Kieliasun neuvot: Suomi",
        "Kieliasun neuvot: Ruotsi",
        "Vaikea lukea",
        "”koskien” kuulostaa virkakieleltä.",
    ),
    "sv": (
        "Granska språket",
        "Råd om språket: Finska",
        "Råd om språket: Svenska",
        "Svår att läsa",
        "”koskien” låter kanslispråkligt.",
    ),
}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_survey_settings_advice_is_in_the_interface_language(client, staff, plan, lang):
    """In Finnish, Swedish and English pages the notice, the headings, the grade and the notes
    are in the page's language; each text's advice quotes it in its own language."""
    survey = library_survey()
    login(client, staff, lang=lang)
    url = f"/{lang}/staff/surveys/{survey.public_id}/settings"
    button, finnish, swedish, hard, note = LANGUAGE_WORDS[lang]
    assert f"{BUTTON}{button}</button>" in html_of(client.get(url))

    response = client.post(url, data={**survey_settings_data(**{"intro-sv": HARD_SV}), **CHECK})
    assert response.status_code == 200
    html = html_of(response)
    assert f'<html lang="{lang}"' in html
    assert NOTICE[lang] in text_of(response)
    for other in {"fi", "sv", "en"} - {lang}:
        assert NOTICE[other] not in text_of(response)
    fi_advice = advice(html, "intro-fi")
    assert f'<p class="plainlang-field-title">{finnish}</p>' in fi_advice
    assert f'<p class="plainlang-facts" lang="{lang}"><strong>{hard}</strong>' in fi_advice
    assert note in fi_advice
    sv_advice = advice(html, "intro-sv")
    assert f'<p class="plainlang-field-title">{swedish}</p>' in sv_advice
    assert f"<strong>{hard}</strong>" in sv_advice
    assert re.search(r'<mark id="f-intro-sv-\d+">beträffande</mark>', sv_advice)
    assert '<div class="plainlang-text" lang="sv">' in sv_advice
    # The empty texts (summary, closing text, privacy note) get no advice.
    assert advised_fields(html) == [
        "title-fi",
        "title-sv",
        "title-en",
        "intro-fi",
        "intro-sv",
        "intro-en",
    ]


def test_survey_settings_save_after_a_check(client, staff, plan):
    """Check first, then save the same texts: the settings are saved and the survey's page
    follows, without advice."""
    survey = library_survey()
    login(client, staff, lang="en")
    url = f"/en/staff/surveys/{survey.public_id}/settings"
    data = survey_settings_data()
    assert client.post(url, data={**data, **CHECK}).status_code == 200
    db.session.rollback()
    assert questionnaire_services.questionnaire_of(survey).intro == {}

    response = client.post(url, data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/en/staff/surveys/{survey.public_id}/"
    db.session.expire_all()
    assert questionnaire_services.questionnaire_of(survey).intro == {
        "fi": HARD_FI,
        "sv": PLAIN_SV,
        "en": PLAIN_EN,
    }
    page = client.get(url)
    assert "plainlang-field" not in html_of(page)
    assert "plainlang-checked" not in html_of(page)


# --- two forms on one page -----------------------------------------------------------------------


def test_checking_the_panel_response_advises_on_the_response_only(client, staff, plan):
    """On a statement's page, checking the service's response gives advice under the response
    only; the statement's form shows what is stored, without advice."""
    login(client, staff, lang="en")
    location, item = a_statement(client)
    response = client.post(location + "/response", data={**response_data(), **CHECK})
    assert response.status_code == 200
    html = html_of(response)
    assert advised_fields(html) == ["response-fi", "response-en"]
    assert_officialese_marked(advice(html, "response-fi"), "response-fi")
    # The statement form still shows the stored title.
    assert 'name="title-fi" type="text" value="Aukioloajat">' in html
    db.session.rollback()
    assert item.response == {}


def test_checking_the_panel_statement_advises_on_the_statement_only(client, staff, plan):
    """Checking the statement gives advice under its title and text, not under the response,
    which shows what is stored."""
    login(client, staff, lang="en")
    location, item = a_statement(client)
    posted(client, location + "/response", {"response-fi": "Kirjasto vastaa.", "action": "save"})
    response = client.post(location, data={**statement_data(), **CHECK})
    assert response.status_code == 200
    html = html_of(response)
    assert advised_fields(html) == ["title-fi", "title-en", "statement-fi", "statement-en"]
    assert_officialese_marked(advice(html, "statement-fi"), "statement-fi")
    assert "Kirjasto vastaa.</textarea>" in html
    assert "response-fi-language" not in html
    db.session.rollback()
    db.session.expire_all()
    assert item.statement == {}


# --- hostile text --------------------------------------------------------------------------------

HOSTILE = "<script>alert(1)</script>"


@pytest.mark.parametrize("name", ["survey settings", "eva change", "panel response"])
def test_hostile_text_is_shown_escaped_in_the_advice(client, staff, name):
    """Markup typed into a text is shown as text in the field and in the advice, never run."""
    login(client, staff, lang="en")
    editor = EDITORS[name](client)
    data = {**editor.data, editor.hard: f"{HOSTILE} {HARD_FI}", **CHECK}
    if "title-fi" in data:
        data["title-fi"] = f'"><script>alert(2)</script> {HARD_TITLE}'
    response = client.post(editor.url, data=data)
    assert response.status_code == 200
    html = html_of(response)
    assert "<script>alert(" not in html
    block = advice(html, editor.hard)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in block
    assert_officialese_marked(block, editor.hard)
    if "title-fi" in data:
        assert 'value="&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt; Tiedote koskien' in html
        title = advice(html, "title-fi")
        assert "&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt; Tiedote" in title
        assert_officialese_marked(title, "title-fi")


# --- CSRF ----------------------------------------------------------------------------------------


@pytest.fixture
def csrf_app():
    for app in running_app(CsrfOn):
        plan_services.import_plan(KEMI_PLAN.read_text(encoding="utf-8"))
        db.session.commit()
        yield app


def csrf_token(response) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html_of(response))
    assert found, "the page has no CSRF token"
    return found.group(1)


def test_a_check_without_the_csrf_token_is_refused_and_saves_nothing(csrf_app):
    """With CSRF protection on (as in production), a check sent without the form's token gets
    "The form expired" and changes nothing; with the token it shows the advice."""
    user = UserFactory(email="csrf@city.example", department=department("sivistys"))
    client = csrf_app.test_client()
    token = csrf_token(client.get("/en/login"))
    signed_in = client.post(
        "/en/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 302
    survey = library_survey()
    url = f"/en/staff/surveys/{survey.public_id}/settings"
    token = csrf_token(client.get(url))
    audit = count(AuditLog)

    refused = client.post(url, data={**survey_settings_data(), **CHECK})
    assert refused.status_code == 400
    assert "The form expired" in text_of(refused)
    assert "plainlang-field" not in html_of(refused)

    checked = client.post(url, data={**survey_settings_data(), **CHECK, "csrf_token": token})
    assert checked.status_code == 200
    assert_officialese_marked(advice(html_of(checked), "intro-fi"), "intro-fi")

    db.session.rollback()
    assert questionnaire_services.questionnaire_of(survey).intro == {}
    assert count(AuditLog) == audit
