"""Staff write the panel's statements and the service's official response; what is published
shows on the public panel page in every language."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditLog
from app.extensions import db
from app.panels import statements
from app.panels.models import PanelStatement
from app.panels.services import PanelError
from app.panels.statements import MissingTextError
from tests.conftest import login, text_of
from tests.panels._work import LANGS, PUBLIC_ID, base, make_panel, t

LIST = base() + "statements"
TITLE = t("Aukioloajat", "Öppettider", "Opening hours")
TEXT = t(
    "Raati suosittaa iltaaukioloa.",
    "Panelen rekommenderar kvällsöppet.",
    "The panel recommends evening opening.",
)
RESPONSE = t(
    "Kirjasto on auki tiistaisin iltaan.",
    "Biblioteket har kvällsöppet på tisdagar.",
    "The library stays open on Tuesday evenings.",
)


@pytest.fixture
def panel(app, plan):
    return make_panel()


@pytest.fixture
def signed_in(client, staff, panel):
    login(client, staff)
    return client


def statement_form(title=TITLE, text=TEXT, action="save") -> dict:
    form = {f"title-{loc}": value for loc, value in title.items()}
    form.update({f"statement-{loc}": value for loc, value in text.items()})
    form["action"] = action
    return form


def response_form(text=RESPONSE, decision_ref="Sivistyslautakunta 12.3.2031 § 45", action="save"):
    form = {f"response-{loc}": value for loc, value in text.items()}
    form.update({"decision_ref": decision_ref, "action": action})
    return form


def only_statement() -> PanelStatement:
    return db.session.scalar(select(PanelStatement))


def public_page(client, lang: str) -> str:
    response = client.get(f"/{lang}/e/{PUBLIC_ID}")
    assert response.status_code == 200
    return text_of(response)


def add(client) -> str:
    """A new statement by its title; its page's address."""
    response = client.post(LIST, data={"title-fi": "Aukioloajat"})
    assert response.status_code == 302, text_of(response)
    return response.headers["Location"]


# --- the list and a new statement ------------------------------------------------------------


def test_staff_add_a_statement_by_its_title_and_land_on_its_page(signed_in):
    assert "No statements yet." in text_of(signed_in.get(LIST))
    location = add(signed_in)
    item = only_statement()
    assert location == f"{LIST}/{item.id}"
    assert item.title == {"fi": "Aukioloajat"}
    assert item.statement_published_at is None
    page = text_of(signed_in.get(location))
    assert "The statement is added. Write its text next." in page
    assert "Draft: residents cannot see it yet" in page
    listed = text_of(signed_in.get(LIST))
    assert "Aukioloajat draft not written" in listed


def test_a_statement_needs_a_title(signed_in):
    response = signed_in.post(LIST, data={"title-fi": " ", "title-sv": "", "title-en": ""})
    assert response.status_code == 422
    page = text_of(response)
    assert "Check these and try again:" in page
    assert "Title: Suomeksi: Write the title in at least one language." in page
    assert db.session.scalar(select(func.count()).select_from(PanelStatement)) == 0


# --- the statement ---------------------------------------------------------------------------


def test_publishing_needs_every_language_and_keeps_what_was_typed(signed_in, client):
    location = add(signed_in)
    form = statement_form(
        title={"fi": "Aukioloajat", "sv": "", "en": "Opening hours"},
        text={"fi": TEXT["fi"], "sv": TEXT["sv"], "en": ""},
        action="publish",
    )
    response = signed_in.post(location, data=form)
    assert response.status_code == 422
    page = text_of(response)
    assert "Check these and try again:" in page
    assert "Title: På svenska: Write it in Swedish before publishing." in page
    assert "The panel's statement: In English: Write it in English before publishing." in page
    html = response.get_data(as_text=True)
    assert 'value="Opening hours"' in html
    assert TEXT["sv"] in html
    item = only_statement()
    assert item.statement_published_at is None
    assert item.title == {"fi": "Aukioloajat"}  # nothing of the refused change is saved
    assert "Raati suosittaa" not in public_page(client, "fi")


def test_a_saved_draft_is_not_shown_to_residents(signed_in, client):
    location = add(signed_in)
    response = signed_in.post(location, data=statement_form())
    assert response.status_code == 302
    assert "The statement is saved." in text_of(signed_in.get(location))
    assert only_statement().statement == TEXT
    for lang in LANGS:
        assert "Statements of the panel" not in public_page(client, lang)


def test_published_statement_and_response_show_on_the_public_page_in_every_language(
    signed_in, client
):
    location = add(signed_in)
    response = signed_in.post(location, data=statement_form(action="publish"))
    assert response.status_code == 302
    assert "The statement is published on the panel's page." in text_of(signed_in.get(location))
    for lang in LANGS:
        page = public_page(client, lang)
        assert TITLE[lang] in page
        assert TEXT[lang] in page
        assert RESPONSE[lang] not in page

    response = signed_in.post(location + "/response", data=response_form())
    assert response.status_code == 302
    assert response.headers["Location"] == location + "#the-response"
    assert only_statement().response_published_at is None
    assert RESPONSE["en"] not in public_page(client, "en")

    response = signed_in.post(location + "/response", data=response_form(action="publish"))
    assert response.status_code == 302
    page = text_of(signed_in.get(location))
    assert "The response is published on the panel's page." in page
    for lang in LANGS:
        page = public_page(client, lang)
        assert TEXT[lang] in page
        assert RESPONSE[lang] in page
        assert "Sivistyslautakunta 12.3.2031 § 45" in page
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"panel.statement.publish", "panel.response.publish"} <= actions


def test_the_response_waits_for_the_published_statement_and_every_language(signed_in):
    location = add(signed_in)
    signed_in.post(location, data=statement_form())
    response = signed_in.post(location + "/response", data=response_form(action="publish"))
    assert response.status_code == 422
    assert "Publish the panel's statement first" in text_of(response)
    assert RESPONSE["sv"] in response.get_data(as_text=True)
    assert only_statement().response == {}

    signed_in.post(location, data=statement_form(action="publish"))
    response = signed_in.post(
        location + "/response",
        data=response_form(text={**RESPONSE, "en": ""}, decision_ref="Päätös 7", action="publish"),
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "The service's response: In English: Write it in English before publishing." in page
    html = response.get_data(as_text=True)
    assert 'value="Päätös 7"' in html
    assert RESPONSE["fi"] in html
    assert only_statement().response_published_at is None


def test_a_published_text_cannot_lose_a_language(signed_in):
    location = add(signed_in)
    signed_in.post(location, data=statement_form(action="publish"))
    response = signed_in.post(location, data=statement_form(text={**TEXT, "sv": ""}))
    assert response.status_code == 422
    assert "Write it in Swedish before publishing." in text_of(response)
    assert only_statement().statement == TEXT


def test_unpublishing_takes_the_texts_off_the_public_page(signed_in, client):
    location = add(signed_in)
    signed_in.post(location, data=statement_form(action="publish"))
    signed_in.post(location + "/response", data=response_form(action="publish"))

    response = signed_in.post(location + "/unpublish", data={"part": "response"})
    assert response.status_code == 302
    page = public_page(client, "sv")
    assert TEXT["sv"] in page
    assert RESPONSE["sv"] not in page

    signed_in.post(location + "/response", data=response_form(action="publish"))
    response = signed_in.post(location + "/unpublish", data={"part": "statement"})
    assert response.status_code == 302
    assert "The statement and its response are no longer shown on the panel's page." in text_of(
        signed_in.get(location)
    )
    item = only_statement()
    assert (item.statement_published_at, item.response_published_at) == (None, None)
    assert item.response == RESPONSE  # still saved
    for lang in LANGS:
        page = public_page(client, lang)
        assert TEXT[lang] not in page
        assert RESPONSE[lang] not in page


def test_a_statement_of_another_panel_is_not_found(signed_in):
    location = add(signed_in)
    item = only_statement()
    other = f"{LIST}/{item.id + 1}"
    assert signed_in.get(other).status_code == 404
    assert signed_in.post(other, data=statement_form()).status_code == 404
    assert signed_in.post(other + "/response", data=response_form()).status_code == 404
    assert signed_in.get(location).status_code == 200


# --- the services ----------------------------------------------------------------------------


def test_services_list_what_publishing_still_needs(panel):
    item = statements.create_statement(panel, {"fi": "Aukioloajat", "de": "ignored"})
    assert item.title == {"fi": "Aukioloajat"}
    with pytest.raises(MissingTextError) as refused:
        statements.publish_statement(item)
    assert refused.value.missing == [
        "title:sv",
        "title:en",
        "statement:fi",
        "statement:sv",
        "statement:en",
    ]
    statements.update_statement(item, TITLE, TEXT)
    with pytest.raises(PanelError) as refused:
        statements.publish_response(item)
    assert refused.value.reason == "statement_not_published"
    statements.publish_statement(item)
    statements.save_response(item, {"fi": RESPONSE["fi"]}, "  ")
    assert item.decision_ref is None
    with pytest.raises(MissingTextError) as refused:
        statements.publish_response(item)
    assert refused.value.missing == ["response:sv", "response:en"]
