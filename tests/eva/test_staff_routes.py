"""Staff take a service change through the EVA pages: screening to publishing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.types import utcnow
from app.engagements.models import Engagement, Status
from app.eva import services
from app.eva.catalogue import area_by_code
from app.eva.models import Impact, Stage
from app.extensions import db
from app.questionnaires.demo import load_demo_survey
from tests.conftest import login, text_of
from tests.eva.conftest import build_eva

NEW = "/en/staff/departments/sivistys/eva/new"


def create(client, **extra) -> str:
    form = {
        "title-fi": "Terveysaseman aukioloajat",
        "title-en": "Opening hours of the health station",
        "languages": ["fi", "sv", "en"],
        "focus_areas": ["HK-01"],
        "triggers": ["residents", "service_network"],
        **extra,
    }
    response = client.post(NEW, data=form)
    assert response.status_code == 302, text_of(response)
    return response.headers["Location"]


def only_eva() -> Engagement:
    return db.session.scalar(select(Engagement))


def test_staff_create_an_eva_with_triggers_and_land_on_its_overview(client, staff):
    login(client, staff)
    assert "Significant effect on residents" in text_of(client.get(NEW))
    location = create(client)
    engagement = only_eva()
    assert location == f"/en/staff/eva/{engagement.public_id}/"
    assessment = services.assessment_of(engagement)
    assert assessment.triggers == ["residents", "service_network"]
    assert [alt.code for alt in assessment.alternatives] == ["VE0", "VE1"]
    page = text_of(client.get(location))
    assert "Opening hours of the health station" in page
    assert "Draft: residents cannot see it yet" in page
    assert "Before publishing, finish these:" in page
    assert "VE0 Keep the current state" in page


def test_screening_without_trigger_needs_a_reason_and_keeps_what_was_typed(client, staff):
    login(client, staff)
    response = client.post(
        NEW,
        data={"title-en": "New signs", "languages": ["en"], "focus_areas": ["HK-01"]},
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "Check these and try again" in page
    assert "write why no EVA is done" in page
    assert 'value="New signs"' in response.get_data(as_text=True)
    assert only_eva() is None


def test_screening_without_trigger_is_kept_and_shows_no_eva(client, staff):
    login(client, staff)
    location = create(client, triggers=[], skip_reason="Concerns one person only.")
    page = text_of(client.get(location))
    assert "No EVA: Concerns one person only." in page
    assert "Publish the hearing" not in page
    engagement = only_eva()
    response = client.get(f"/en/staff/eva/{engagement.public_id}/change")
    assert response.status_code == 302
    assert response.headers["Location"] == location


def test_change_texts_are_saved_per_language(client, staff):
    login(client, staff)
    location = create(client)
    form = {
        "title-fi": "Terveysaseman aukioloajat",
        "title-sv": "Hälsostationens öppettider",
        "title-en": "Opening hours of the health station",
        "proposal-fi": "Asema suljetaan lauantaisin.",
        "proposal-sv": "Stationen stängs på lördagar.",
        "proposal-en": "The station closes on Saturdays.",
        "decision_maker-fi": "Hyvinvointilautakunta",
        "decision_due": "2031-03-12",
        "closes_at": "2031-02-28T16:00",
        "languages": ["fi", "sv", "en"],
        "focus_areas": ["HK-01"],
        "retention_days": "90",
    }
    response = client.post(location + "change", data=form)
    assert response.status_code == 302
    engagement = only_eva()
    assessment = services.assessment_of(engagement)
    assert assessment.proposal == {
        "fi": "Asema suljetaan lauantaisin.",
        "sv": "Stationen stängs på lördagar.",
        "en": "The station closes on Saturdays.",
    }
    assert engagement.title["sv"] == "Hälsostationens öppettider"
    assert assessment.decision_maker == {"fi": "Hyvinvointilautakunta"}
    assert assessment.decision_due.isoformat() == "2031-03-12"
    assert engagement.closes_at.isoformat() == "2031-02-28T14:00:00+00:00"  # Finnish time
    assert engagement.retention_days == 90
    page = client.get(location + "change").get_data(as_text=True)
    assert 'value="Hälsostationens öppettider"' in page


def test_change_closing_before_opening_is_refused_and_kept(client, staff):
    login(client, staff)
    location = create(client)
    response = client.post(
        location + "change",
        data={
            "title-en": "Kept title",
            "opens_at": "2031-02-28T16:00",
            "closes_at": "2031-02-01T16:00",
            "languages": ["en"],
        },
    )
    assert response.status_code == 422
    assert "The hearing must close after it opens." in text_of(response)
    assert 'value="Kept title"' in response.get_data(as_text=True)


def test_alternatives_are_added_edited_moved_and_removed_but_not_ve0(client, staff):
    login(client, staff)
    location = create(client)
    response = client.post(
        location + "alternatives/new",
        data={"label-fi": "Lauantait", "label-en": "Saturdays", "description-en": "Open on Sat."},
    )
    assert response.status_code == 302
    assessment = services.assessment_of(only_eva())
    assert [alt.code for alt in assessment.alternatives] == ["VE0", "VE1", "VE2"]
    response = client.post(
        location + "alternatives/VE2",
        data={"label-fi": "Lauantait", "label-en": "Saturday mornings"},
    )
    assert response.status_code == 302
    client.post(location + "alternatives/VE2/move", data={"direction": "up"})
    response = client.post(location + "alternatives/VE0/delete")
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert "cannot be removed" in page
    db.session.expire_all()
    assessment = services.assessment_of(only_eva())
    assert [alt.code for alt in assessment.alternatives] == ["VE0", "VE2", "VE1"]
    assert assessment.alternatives[1].label["en"] == "Saturday mornings"
    assert assessment.alternatives[1].label["fi"] == "Lauantait"
    client.post(location + "alternatives/VE1/delete")
    db.session.expire_all()
    assessment = services.assessment_of(only_eva())
    assert [alt.code for alt in assessment.alternatives] == ["VE0", "VE2"]
    assert client.get(location + "alternatives/VE9").status_code == 404


def test_alternative_without_a_name_is_refused(client, staff):
    login(client, staff)
    location = create(client)
    response = client.post(location + "alternatives/new", data={"description-en": "Kept"})
    assert response.status_code == 422
    assert "Write the alternative's name." in text_of(response)
    assert "Kept" in response.get_data(as_text=True)


def choose_areas(client, location, *codes):
    ids = [str(area_by_code(code).id) for code in codes]
    response = client.post(location + "areas", data={"areas": ids})
    assert response.status_code == 302, text_of(response)


def test_matrix_cells_are_saved_from_the_area_form(client, staff):
    login(client, staff)
    location = create(client)
    choose_areas(client, location, "health", "accessibility")
    matrix = text_of(client.get(location + "matrix/preliminary"))
    assert "Health" in matrix
    assert "not assessed yet" in matrix
    response = client.post(
        location + "matrix/preliminary/health",
        data={
            "ve0-direction": "0",
            "ve1-direction": "-",
            "ve1-significance": "large",
            "ve1-groups": ["age", "area"],
            "ve1-time_span": "long",
            "ve1-evidence-en": "Visits per weekday",
            "ve1-mitigation-fi": "Etävastaanotto",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/matrix/preliminary")
    cells = {impact.alternative.code: impact for impact in db.session.scalars(select(Impact))}
    assert cells["VE0"].direction == "0"
    assert cells["VE1"].groups == ["age", "area"]
    assert cells["VE1"].evidence == {"en": "Visits per weekday"}
    assert cells["VE1"].mitigation == {"fi": "Etävastaanotto"}
    matrix = text_of(client.get(location + "matrix/preliminary"))
    assert "negative, large, long term" in matrix
    form = client.get(location + "matrix/preliminary/health").get_data(as_text=True)
    assert "Visits per weekday" in form


def test_matrix_cell_with_a_bad_direction_is_refused(client, staff):
    login(client, staff)
    location = create(client)
    choose_areas(client, location, "health")
    response = client.post(
        location + "matrix/preliminary/health",
        data={"ve0-direction": "++", "ve1-direction": "+", "ve1-evidence-en": "Kept text"},
    )
    assert response.status_code == 422
    assert "Check these and try again" in text_of(response)
    assert "Kept text" in response.get_data(as_text=True)
    assert db.session.scalar(select(Impact.id)) is None
    assert client.get(location + "matrix/preliminary/safety").status_code == 404
    assert client.get(location + "matrix/draft").status_code == 404


def test_final_matrix_waits_for_the_hearing_to_close_then_copies(client, staff):
    engagement = build_eva()
    db.session.commit()
    login(client, staff)
    base = f"/en/staff/eva/{engagement.public_id}/"
    response = client.get(base + "matrix/final")
    assert response.status_code == 302
    assert response.headers["Location"] == base
    engagement.closes_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    page = text_of(client.get(base + "matrix/final"))
    assert "Final assessment" in page
    assert "negative, medium, long term" in page
    count = db.session.scalar(select(db.func.count(Impact.id)).where(Impact.stage == Stage.FINAL))
    assert count == 6


def test_publish_is_refused_with_the_missing_list_then_succeeds(client, staff):
    login(client, staff)
    engagement = build_eva(publish=False)
    assessment = services.assessment_of(engagement)
    assessment.use_of_input = {"fi": "Vastaukset liitetään."}
    db.session.commit()
    base = f"/en/staff/eva/{engagement.public_id}/"
    response = client.post(base + "publish")
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert "cannot be published yet" in page
    assert "How the input will be used: write it in Swedish" in page
    assert "How the input will be used: write it in English" in page
    assert only_eva().status == Status.DRAFT
    assessment = services.assessment_of(only_eva())
    assessment.use_of_input = {"fi": "Vastaukset.", "sv": "Svaren.", "en": "The answers."}
    db.session.commit()
    response = client.post(base + "publish")
    assert response.status_code == 302
    assert "The hearing is published." in text_of(client.get(base))
    db.session.expire_all()
    assert only_eva().status == Status.PUBLISHED
    assert client.get(f"/en/e/{engagement.public_id}/respond").status_code in (200, 302)


def test_questionnaire_is_generated_from_the_overview(client, staff):
    login(client, staff)
    location = create(client)
    choose_areas(client, location, "children_youth")
    response = client.post(location + "questionnaire")
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert "The hearing questionnaire is ready." in page
    assert "Edit the questionnaire in the survey builder" in page
    html = client.get(location).get_data(as_text=True)
    assert f"/en/staff/surveys/{only_eva().public_id}/" in html
    builder = text_of(client.get(f"/en/staff/surveys/{only_eva().public_id}/"))
    assert "i_children_youth_ve1" in builder


def test_staff_of_another_department_cannot_see_or_change_a_draft_eva(client, other_staff):
    engagement = build_eva(publish=False)
    db.session.commit()
    login(client, other_staff)
    base = f"/fi/staff/eva/{engagement.public_id}/"
    for url in (base, base + "change", base + "alternatives", base + "matrix/preliminary"):
        assert client.get(url).status_code == 403, url
    assert client.post(base + "publish").status_code == 403
    assert client.post(base + "change", data={"title-fi": "Muutettu"}).status_code == 403
    assert client.get("/fi/staff/departments/sivistys/eva/new").status_code == 403
    db.session.expire_all()
    assert only_eva().status == Status.DRAFT
    assert only_eva().title["fi"] == "Koulukirjastojen yhdistäminen"


def test_a_survey_is_not_found_at_the_eva_addresses(client, coordinator):
    survey = load_demo_survey()
    db.session.commit()
    login(client, coordinator)
    assert client.get(f"/fi/staff/eva/{survey.public_id}/").status_code == 404
    assert client.get(f"/fi/staff/eva/{survey.public_id}/change").status_code == 404


def test_department_dashboard_links_to_the_eva(client, staff):
    engagement = build_eva(publish=False)
    db.session.commit()
    login(client, staff)
    html = client.get("/en/staff/departments/sivistys/").get_data(as_text=True)
    assert "/en/staff/departments/sivistys/eva/new" in html
    assert f"/en/staff/eva/{engagement.public_id}/" in html


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_every_eva_staff_page_renders_in_each_language(client, staff, lang):
    engagement = build_eva()
    engagement.closes_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    login(client, staff, lang=lang)
    base = f"/{lang}/staff/eva/{engagement.public_id}/"
    pages = [
        f"/{lang}/staff/departments/sivistys/eva/new",
        base,
        base + "screening",
        base + "change",
        base + "alternatives",
        base + "alternatives/new",
        base + "alternatives/VE1",
        base + "areas",
        base + "matrix/preliminary",
        base + "matrix/preliminary/health",
        base + "matrix/final",
        base + "matrix/final/health",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{lang}">' in response.get_data(as_text=True), url


def test_the_survey_builder_does_not_publish_an_eva_past_its_checks(client, staff, plan):
    engagement = build_eva(publish=False)
    db.session.commit()
    login(client, staff, lang="en")
    response = client.post(f"/en/staff/surveys/{engagement.public_id}/publish")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/en/staff/eva/{engagement.public_id}/")
    db.session.refresh(engagement)
    assert engagement.status == Status.DRAFT
