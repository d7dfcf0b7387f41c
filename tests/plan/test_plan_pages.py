"""Residents read the plan; the coordinator edits its texts and the departments."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.audit import AuditLog
from app.extensions import db
from app.plan import services
from tests.conftest import login, text_of


@pytest.mark.parametrize(
    ("lang", "goals"),
    [
        ("fi", ["Hyvinvoivat kuntalaiset", "Sujuva arki", "Elinvoimainen kaupunki"]),
        ("sv", None),
        ("en", None),
    ],
)
def test_plan_page_shows_goals_aims_and_focus_areas(client, plan, lang, goals):
    page = text_of(client.get(f"/{lang}/plan"))
    goals = goals or [goal.title[lang] for goal in plan.goals]
    for goal in plan.goals:
        assert goal.title[lang] in page
        assert goal.aims[0][lang] in page
        for area in goal.focus_areas:
            assert area.title[lang] in page
    assert [g in page for g in goals] == [True, True, True]


def test_focus_area_page_says_nothing_is_open_yet(client, plan):
    page = text_of(client.get("/en/plan/EK-02"))
    assert "Nothing is open right now" in page
    assert services.focus_area_by_code("EK-02").title["en"] in page


def test_unknown_focus_area_is_not_found_with_a_translated_page(client, plan):
    response = client.get("/sv/plan/XX-99")
    assert response.status_code == 404
    assert '<html lang="sv">' in response.get_data(as_text=True)


def test_front_page_lists_focus_areas_under_goals(client, plan):
    page = text_of(client.get("/fi/"))
    assert "Sujuva arki" in page
    assert "Kiusaamisen ehkäiseminen" in page


def test_coordinator_edits_a_focus_area_in_three_languages(client, coordinator):
    login(client, coordinator)
    form = {
        "title-fi": "Kiusaamisen ehkäisy",
        "title-sv": "Förebygga mobbning",
        "title-en": "Stop bullying",
        "summary-fi": "",
        "summary-sv": "",
        "summary-en": "",
    }
    response = client.post("/fi/staff/plan/focus-areas/SA-02", data=form)
    assert response.status_code == 302
    assert "Stop bullying" in text_of(client.get("/en/plan/SA-02"))
    entry = db.session.scalar(
        select(AuditLog).where(AuditLog.action == "engagements.focus_area.edit")
    )
    assert entry.actor_id == coordinator.id
    assert entry.details["changed"]["title"]["new"]["en"] == "Stop bullying"


def test_missing_translation_is_refused_and_typed_text_is_kept(client, coordinator):
    login(client, coordinator)
    form = {"title-fi": "Uusi nimi", "title-sv": "", "title-en": "New name"}
    response = client.post("/en/staff/plan/focus-areas/SA-02", data=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Write this text in every language." in html
    assert 'href="#title-sv"' in html  # the error summary links to the field
    assert "Uusi nimi</textarea>" in html
    assert "New name</textarea>" in html
    assert services.focus_area_by_code("SA-02").title["fi"] == "Kiusaamisen ehkäiseminen"


def test_goal_aims_need_the_same_number_of_lines_in_every_language(client, coordinator, plan):
    login(client, coordinator)
    goal = plan.goals[1]
    form = {
        "title-fi": goal.title["fi"],
        "title-sv": goal.title["sv"],
        "title-en": goal.title["en"],
        "aims-fi": "Yksi\nKaksi",
        "aims-sv": "Ett",
        "aims-en": "One\nTwo",
    }
    response = client.post(f"/en/staff/plan/goals/{goal.code}", data=form)
    assert response.status_code == 422
    assert "same number of aims" in response.get_data(as_text=True)
    form["aims-sv"] = "Ett\nTvå"
    assert client.post(f"/en/staff/plan/goals/{goal.code}", data=form).status_code == 302
    db.session.refresh(goal)
    assert goal.aims == [
        {"fi": "Yksi", "sv": "Ett", "en": "One"},
        {"fi": "Kaksi", "sv": "Två", "en": "Two"},
    ]


def test_coordinator_adds_and_renames_a_department(client, coordinator):
    login(client, coordinator)
    form = {
        "code": "ymparisto",
        "name-fi": "Ympäristöpalvelut",
        "name-sv": "Miljötjänster",
        "name-en": "Environmental services",
        "is_active": "y",
    }
    assert client.post("/en/staff/departments", data=form).status_code == 302
    again = client.post("/en/staff/departments", data=form)
    assert again.status_code == 422
    assert "A department with this code exists already." in again.get_data(as_text=True)
    edit = {"name-fi": "Ympäristö", "name-sv": "Miljö", "name-en": "Environment"}
    assert client.post("/fi/staff/departments/ymparisto/edit", data=edit).status_code == 302
    dep = services.department_by_code("ymparisto")
    assert dep.name["en"] == "Environment"
    assert dep.is_active is False  # the box was not ticked
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"department.create", "department.edit"} <= actions


def test_department_code_must_be_simple(client, coordinator):
    login(client, coordinator)
    form = {"code": "Ympäristö palvelut", "name-fi": "x", "name-sv": "x", "name-en": "x"}
    response = client.post("/en/staff/departments", data=form)
    assert response.status_code == 422
    assert "Use only lowercase letters a–z (not ä or ö), digits and hyphens." in response.get_data(
        as_text=True
    )
    assert 'value="Ympäristö palvelut"' in response.get_data(as_text=True)
