"""The catalogue of impact areas: seeding and the coordinator's editor."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core.audit import AuditLog
from app.eva.catalogue import SEED, area_by_code, ensure_catalogue, list_areas
from app.eva.models import ImpactArea
from app.extensions import db
from tests.conftest import login, text_of


def test_seeding_adds_every_standard_area_once(app):
    assert ensure_catalogue() == len(SEED)
    db.session.commit()
    assert ensure_catalogue() == 0
    assert db.session.scalar(select(func.count(ImpactArea.id))) == len(SEED)
    codes = [area.code for area in list_areas()]
    assert codes[:2] == ["children_youth", "health"]
    assert codes[-1] == "organisation_staff"
    for area in list_areas():
        assert set(area.label) == {"fi", "sv", "en"}
        assert set(area.guidance) == {"fi", "sv", "en"}


def test_seeding_keeps_what_the_coordinator_changed(app):
    ensure_catalogue()
    health = area_by_code("health")
    health.label = {"fi": "Terveys ja mielenterveys", "sv": "Hälsa", "en": "Health"}
    db.session.delete(area_by_code("safety"))
    db.session.commit()
    assert ensure_catalogue() == 1
    assert area_by_code("health").label["fi"] == "Terveys ja mielenterveys"


def test_demo_load_seeds_the_catalogue(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert area_by_code("organisation_staff") is not None


def area_form(**extra):
    return {
        "code": "digital_services",
        "label-fi": "Digipalvelut",
        "label-sv": "Digitala tjänster",
        "label-en": "Digital services",
        "guidance-fi": "Osaavatko kaikki käyttää palvelua?",
        "guidance-sv": "Kan alla använda tjänsten?",
        "guidance-en": "Can everyone use the service?",
        "group": "people",
        "position": "95",
        "is_active": "y",
        **extra,
    }


def test_coordinator_adds_and_edits_an_area(client, coordinator):
    ensure_catalogue()
    db.session.commit()
    login(client, coordinator)
    listing = text_of(client.get("/en/staff/eva/impact-areas"))
    assert "Impacts on people" in listing
    assert "Children and young people" in listing
    response = client.post("/en/staff/eva/impact-areas/new", data=area_form())
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/staff/eva/impact-areas"
    area = area_by_code("digital_services")
    assert area.label["sv"] == "Digitala tjänster"
    assert area.position == 95
    response = client.post(
        "/en/staff/eva/impact-areas/digital_services",
        data=area_form(
            code="changed", **{"label-en": "Digital services and e-services"}, is_active=""
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    area = area_by_code("digital_services")
    assert area.label["en"] == "Digital services and e-services"
    assert area.is_active is False
    assert area_by_code("changed") is None  # the code never changes
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "eva.area_edit"))


def test_area_editor_refuses_bad_codes_and_missing_languages(client, coordinator):
    ensure_catalogue()
    db.session.commit()
    login(client, coordinator)
    response = client.post(
        "/en/staff/eva/impact-areas/new", data=area_form(code="Health!", **{"label-sv": ""})
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "Check these and try again" in page
    assert 'value="Digipalvelut"' in response.get_data(as_text=True)
    response = client.post("/en/staff/eva/impact-areas/new", data=area_form(code="health"))
    assert response.status_code == 422
    assert "Another impact area has this code." in text_of(response)


def test_area_editor_is_for_the_coordinator_only(client, staff):
    ensure_catalogue()
    db.session.commit()
    login(client, staff)
    assert client.get("/en/staff/eva/impact-areas").status_code == 403
    assert client.get("/en/staff/eva/impact-areas/health").status_code == 403
    assert client.post("/en/staff/eva/impact-areas/new", data=area_form()).status_code == 403
    assert area_by_code("digital_services") is None
