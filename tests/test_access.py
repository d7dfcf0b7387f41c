"""Every staff route refuses people who should not see it, proven by walking the URL map."""

from __future__ import annotations

import pytest
from flask import Flask

from app.extensions import db
from app.i18n import LANG_PREFIX
from app.questionnaires.demo import load_demo_survey
from tests.conftest import UserFactory, department, login

# Sample values for URL arguments; department-scoped routes get the staff member's department.
# Survey routes use the demo survey (department kulttuuri-vapaa-aika), loaded by `survey`.
SAMPLE_ARGS = {
    "lang": "fi",
    "code": "HK-01",
    "department": "sivistys",
    "user_id": 1,
    "token": "x",
    "public_id": "kirjasto",
    "page_code": "visits",
    "question_code": "uses",
    "stage": "preliminary",
    "area_code": "children_youth",
    "alt_code": "VE1",
    "post_id": 1,
    "entry_id": 1,
    "run_id": 1,
    "meeting_id": 1,
    "member_id": 1,
    "statement_id": 1,
    "thread_id": 1,
    "request_id": 1,
}


def staff_rules(app: Flask):
    prefix = f"{LANG_PREFIX}/staff/"
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(prefix)]


def url_for_rule(rule, **overrides) -> str:
    values = {name: overrides.get(name, SAMPLE_ARGS[name]) for name in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def method_of(rule) -> str:
    return "GET" if "GET" in rule.methods else "POST"


def test_every_staff_route_declares_who_may_use_it(app):
    undeclared = [
        rule.endpoint
        for rule in staff_rules(app)
        if getattr(app.view_functions[rule.endpoint], "access", None)
        not in {"staff", "coordinator", "department"}
    ]
    assert staff_rules(app), "no staff routes found"
    assert undeclared == []


@pytest.fixture
def survey(plan):
    engagement = load_demo_survey()
    db.session.commit()
    return engagement


def test_anonymous_visitor_is_sent_to_sign_in_from_every_staff_route(app, client, survey):
    for rule in staff_rules(app):
        url = url_for_rule(rule)
        response = client.open(url, method=method_of(rule))
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/fi/login?next="), url


def test_staff_member_is_refused_coordinator_and_other_department_routes(app, client, survey):
    UserFactory(email="sivistys@city.example", department=department("sivistys"))
    outsider = UserFactory(
        email="tekninen@city.example", department=department("tekniset-palvelut")
    )
    login(client, outsider)
    checked = 0
    for rule in staff_rules(app):
        access = app.view_functions[rule.endpoint].access
        if access == "staff":
            continue
        url = url_for_rule(rule)
        response = client.open(url, method=method_of(rule))
        assert response.status_code == 403, url
        checked += 1
    assert checked >= 5


def test_staff_member_reaches_own_department_and_coordinator_reaches_all(app, client, plan):
    own = UserFactory(email="own@city.example", department=department("sivistys"))
    login(client, own)
    assert client.get("/fi/staff/departments/sivistys/").status_code == 200
    assert client.get("/fi/staff/").headers["Location"] == "/fi/staff/departments/sivistys/"
    client.post("/fi/logout")
    boss = UserFactory(email="boss@city.example", role="coordinator")
    login(client, boss)
    for code in ("sivistys", "tekniset-palvelut", "kanslia"):
        assert client.get(f"/fi/staff/departments/{code}/").status_code == 200


def test_deactivated_user_loses_access_immediately(app, client, staff):
    login(client, staff)
    assert client.get("/fi/staff/departments/sivistys/").status_code == 200
    staff.is_active_user = False
    db.session.commit()
    response = client.get("/fi/staff/departments/sivistys/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/fi/login")


def test_department_dashboard_lists_only_its_own_engagements(app, client, staff):
    from app.engagements.models import Kind
    from app.engagements.services import create_engagement

    create_engagement(Kind.SURVEY, department("sivistys"), {"fi": "Koulukysely"}, ["fi"])
    create_engagement(Kind.SURVEY, department("tekniset-palvelut"), {"fi": "Katukysely"}, ["fi"])
    db.session.commit()
    login(client, staff)
    page = client.get("/fi/staff/departments/sivistys/").get_data(as_text=True)
    assert "Koulukysely" in page
    assert "Katukysely" not in page


def test_panel_poll_routes_are_among_the_walked_staff_routes(app):
    # The walks above check them: anonymous visitors sign in, other departments get 403.
    endpoints = {rule.endpoint for rule in staff_rules(app)}
    assert {"panel_polls.poll_list", "panel_polls.new_poll"} <= endpoints
    assert app.view_functions["panel_polls.poll_list"].access == "department"


def test_the_check_language_page_is_among_the_walked_staff_routes(app):
    # The walks above check it: anonymous visitors sign in, other departments get 403.
    endpoints = {rule.endpoint for rule in staff_rules(app)}
    assert "plainlang.language" in endpoints
    assert app.view_functions["plainlang.language"].access == "department"


def test_the_plain_language_setting_is_among_the_walked_coordinator_routes(app):
    # The walks above check it: anonymous visitors sign in, staff members get 403.
    endpoints = {rule.endpoint for rule in staff_rules(app)}
    assert "plainlang_settings.plain_language" in endpoints
    assert app.view_functions["plainlang_settings.plain_language"].access == "coordinator"
