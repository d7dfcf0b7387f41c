"""Staff close an EVA: the input summary, the response to residents and the decision."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditLog
from app.core.mail import OutboxMessage
from app.engagements.models import Kind
from app.engagements.services import create_engagement
from app.eva.closing import decision_reference
from app.eva.models import Alternative, AssessedArea, Assessment
from app.extensions import db
from tests.conftest import department, login, text_of
from tests.eva._factory_c import answer, close, make_eva, subscribe

RESPONSE = {
    "adoption_children_youth": "partly",
    "reason_children_youth-fi": "Lisäämme kirjastobussin käyntejä.",
    "reason_children_youth-sv": "Biblioteksbussen kommer oftare.",
    "reason_children_youth-en": "The library bus will come twice a week.",
    "adoption_health": "not",
    "reason_health-fi": "Vaikutus on pieni.",
    "reason_health-sv": "Effekten är liten.",
    "reason_health-en": "The effect is small.",
    "final_proposal-fi": "Yhdistetään kirjastot syksyllä.",
    "final_proposal-sv": "Biblioteken slås ihop i höst.",
    "final_proposal-en": "The libraries are merged in the autumn.",
    "proposed": "VE1",
}
DECISION = {
    "decision_body": "Sivistyslautakunta",
    "decision_date": "2027-03-12",
    "decision_section": "§ 45",
    "decision_url": "https://kemi.example/poytakirjat/2027-03-12#45",
    "outcome-fi": "Kirjastot yhdistetään. Kirjastobussi käy kahdesti viikossa.",
    "outcome-sv": "Biblioteken slås ihop. Bussen kommer två gånger i veckan.",
    "outcome-en": "The libraries are merged. The library bus comes twice a week.",
}


@pytest.fixture
def eva(plan):
    return make_eva()


@pytest.fixture
def desk(app, staff):
    browser = app.test_client()
    login(browser, staff, lang="en")
    return browser


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def url(eva, page: str) -> str:
    return f"/en/staff/eva/{eva.public_id}/{page}"


# --- the summary -----------------------------------------------------------------------------


def test_summary_counts_the_answers_per_area_and_alternative(desk, eva):
    answer(
        eva,
        i_children_youth_ve1="worse",
        i_health_ve1="better",
        preferred="ve0",
        c_children_youth="Liian pitkä matka.",
    )
    answer(eva, i_children_youth_ve1="worse", i_health_ve1="cant", preferred="ve0")
    answer(eva, "sv", i_children_youth_ve1="same", i_health_ve1="cant", preferred="ve1")
    answer(eva, "en", i_children_youth_ve1="cant", i_children_youth_ve0="same")
    response = desk.get(url(eva, "summary"))
    assert response.status_code == 200
    page = text_of(response)
    assert "Interim figures:" in page
    assert "4 responses so far." in page
    # 3 answers besides "can't say": worse 2 of 3, no change 1 of 3; can't say counted apart.
    assert "VE1 Merge the libraries 0 (0%) 1 (33%) 2 (67%) 1 4" in page
    assert "VE0 Keep both libraries 0 (0%) 1 (100%) 0 (0%) 0 1" in page
    # Health: 1 better, 2 can't say; VE0 was not answered by anybody.
    assert "VE1 Merge the libraries 1 (100%) 0 (0%) 0 (0%) 2 3" in page
    assert "VE0 Keep both libraries 0 0 0 0 0" in page
    assert "VE0 Keep both libraries 2 67%" in page
    assert "VE1 Merge the libraries 1 33%" in page
    assert "1 written comment." in page
    html = response.get_data(as_text=True)
    assert f"/en/staff/surveys/{eva.public_id}/results/answers?question=c_children_youth" in html


def test_summary_says_the_figures_are_final_once_the_hearing_closed(desk, eva):
    answer(eva, i_health_ve1="better")
    close(eva)
    page = text_of(desk.get(url(eva, "summary")))
    assert "Interim figures" not in page
    assert "These are the final figures." in page
    assert "1 response so far." in page


def test_summary_without_answers_says_so(desk, eva):
    page = text_of(desk.get(url(eva, "summary")))
    assert "No answers yet." in page


def test_summary_of_a_survey_or_another_department_is_refused(app, desk, eva, other_staff):
    survey = create_engagement(Kind.SURVEY, department("sivistys"), {"fi": "Kysely"}, ["fi"])
    db.session.commit()
    assert desk.get(f"/en/staff/eva/{survey.public_id}/summary").status_code == 404
    outsider = app.test_client()
    login(outsider, other_staff)
    for page in ("summary", "response", "decision", "report", "report.xlsx"):
        assert outsider.get(url(eva, page)).status_code == 403, page


# --- the response to residents -------------------------------------------------------------


def test_response_is_refused_while_the_hearing_takes_answers(desk, eva):
    page = text_of(desk.get(url(eva, "response")))
    assert "The hearing is still open for answers." in page
    posted = desk.post(url(eva, "response"), data=RESPONSE)
    assert posted.status_code == 302
    assessment = db.session.scalar(select(Assessment))
    assert assessment.final_proposal == {}
    assert all(area.adoption is None for area in assessment.areas)


def test_response_is_refused_until_every_area_and_language_is_written(desk, eva):
    close(eva)
    incomplete = {
        k: v
        for k, v in RESPONSE.items()
        if k not in ("adoption_health", "reason_children_youth-sv", "final_proposal-en")
    }
    response = desk.post(url(eva, "response"), data=incomplete)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'href="#adoption_health"' in html
    assert 'href="#reason_children_youth-sv"' in html
    assert 'href="#final_proposal-en"' in html
    assert "Health: how the input changed the assessment" in text_of(response)
    assessment = db.session.scalar(select(Assessment))
    assert assessment.final_proposal == {}
    assert count(AssessedArea, AssessedArea.adoption.is_not(None)) == 0


def test_response_keeps_adoptions_reasons_and_the_proposed_alternative(desk, eva):
    close(eva)
    form = desk.get(url(eva, "response"))
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert (
        "<legend>Children and young people: how the input changed the assessment</legend>" in html
    )
    response = desk.post(url(eva, "response"), data=RESPONSE)
    assert response.status_code == 302
    assert response.headers["Location"] == url(eva, "decision")
    assessment = db.session.scalar(select(Assessment))
    db.session.refresh(assessment)
    adoptions = {a.area.code: a.adoption for a in assessment.areas}
    assert adoptions == {"children_youth": "partly", "health": "not"}
    children = next(a for a in assessment.areas if a.area.code == "children_youth")
    assert children.adoption_reason["sv"] == "Biblioteksbussen kommer oftare."
    assert assessment.final_proposal["en"] == "The libraries are merged in the autumn."
    proposed = db.session.scalars(select(Alternative.code).where(Alternative.is_proposed)).all()
    assert proposed == ["VE1"]
    assert "eva.response.save" in actions()
    # The form shows what was saved.
    again = desk.get(url(eva, "response")).get_data(as_text=True)
    assert "The library bus will come twice a week." in again


# --- the decision --------------------------------------------------------------------------


def test_decision_is_refused_until_the_response_is_complete(desk, eva):
    close(eva)
    page = desk.get(url(eva, "decision"))
    assert "Before recording the decision" in text_of(page)
    response = desk.post(url(eva, "decision"), data=DECISION)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'href="{url(eva, "response")}#adoption_children_youth"' in html
    assert f'href="{url(eva, "response")}#final_proposal-fi"' in html
    assert f'href="{url(eva, "response")}#proposed"' in html
    db.session.expire_all()
    assert db.session.scalar(select(Assessment)).decided_at is None
    assert eva.outcome_published_at is None


def test_decision_is_refused_with_a_list_when_its_own_fields_are_missing(desk, eva):
    close(eva)
    desk.post(url(eva, "response"), data=RESPONSE)
    data = {**DECISION, "decision_url": "javascript:alert(1)", "decision_section": ""}
    del data["outcome-sv"]
    response = desk.post(url(eva, "decision"), data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'href="#decision_url"' in html
    assert 'href="#decision_section"' in html
    assert 'href="#outcome-sv"' in html
    assert "Write an address that starts with https:// or http://." in html
    db.session.expire_all()
    assert db.session.scalar(select(Assessment)).decided_at is None


def test_decision_publishes_the_outcome_and_tells_each_subscriber_in_their_language(
    client, desk, eva
):
    subscribe(eva, "maija@example.fi", "fi")
    subscribe(eva, "erik@example.fi", "sv")
    subscribe(eva, "anna@example.fi", "en")
    close(eva)
    assert desk.post(url(eva, "response"), data=RESPONSE).status_code == 302
    response = desk.post(url(eva, "decision"), data=DECISION)
    assert response.status_code == 302, text_of(response)
    db.session.expire_all()
    assessment = db.session.scalar(select(Assessment))
    assert assessment.decision_body == "Sivistyslautakunta"
    assert assessment.decision_section == "45"
    assert assessment.decided_at is not None
    assert eva.decision_ref == "Sivistyslautakunta 12.3.2027 § 45"
    assert eva.outcome_published_at is not None
    messages = {m.to_address: m for m in db.session.scalars(select(OutboxMessage))}
    assert set(messages) == {"maija@example.fi", "erik@example.fi", "anna@example.fi"}
    assert messages["erik@example.fi"].locale == "sv"
    assert "Bussen kommer två gånger i veckan." in messages["erik@example.fi"].body_text
    assert "Kirjastobussi käy kahdesti viikossa." in messages["maija@example.fi"].body_text
    assert f"/en/e/{eva.public_id}" in messages["anna@example.fi"].body_text
    assert "Sivistyslautakunta 12.3.2027 § 45" in messages["anna@example.fi"].body_text
    assert "eva.decision.record" in actions()
    assert "engagement.outcome.publish" in actions()

    # Fixing the wording afterwards sends nothing again.
    fixed = {**DECISION, "outcome-en": "The libraries are merged in August."}
    assert desk.post(url(eva, "decision"), data=fixed).status_code == 302
    assert count(OutboxMessage) == 3
    assert actions()[-1] == "eva.decision.edit"


def test_hearing_page_shows_you_said_we_did_after_the_decision(client, desk, eva):
    close(eva)
    desk.post(url(eva, "response"), data=RESPONSE)
    before = text_of(client.get(f"/en/e/{eva.public_id}"))
    assert "You said, we did" not in before
    desk.post(url(eva, "decision"), data=DECISION)
    response = client.get(f"/en/e/{eva.public_id}")
    page = text_of(response)
    assert "You said, we did" in page
    assert "The libraries are merged. The library bus comes twice a week." in page
    assert "Decided by Sivistyslautakunta" in page
    assert "Section of the minutes § 45" in page
    assert "Proposed alternative: VE1 Merge the libraries" in page
    assert "The libraries are merged in the autumn." in page
    assert (
        "Children and young people : Partly adopted. The library bus will come twice a week."
        in page
    )
    assert "Health : Not adopted. The effect is small." in page
    html = response.get_data(as_text=True)
    assert 'href="https://kemi.example/poytakirjat/2027-03-12#45"' in html
    assert "Biblioteksbussen kommer oftare." in text_of(client.get(f"/sv/e/{eva.public_id}"))


def test_decision_reference_is_written_as_minutes_write_it():
    from datetime import date

    assert decision_reference("Kaupunginhallitus ", date(2027, 1, 5), "45 §") == (
        "Kaupunginhallitus 5.1.2027 § 45"
    )
