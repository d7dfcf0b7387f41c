"""The coordinator's dashboard, plan table, drill-down and TEAviisari pages."""

from __future__ import annotations

import re

import pytest

from tests.conftest import login, text_of
from tests.participation._build import year_2025

PAGES = (
    "/{lang}/staff/participation/?year=2025",
    "/{lang}/staff/participation/plan-table?year=2025",
    "/{lang}/staff/participation/engagements?year=2025",
    "/{lang}/staff/participation/teaviisari?year=2025",
)


@pytest.fixture
def data(plan):
    return year_2025()


@pytest.fixture
def desk(client, coordinator):
    login(client, coordinator, lang="en")
    return client


def figure(html: str, scope: str, name: str) -> str:
    """The text of the data-figure ``name`` inside the row marked ``scope``."""
    row = re.search(rf"<tr [^>]*{scope}[^>]*>(.*?)</tr>", html, re.S)
    assert row, scope
    cell = re.search(rf'data-figure="{name}">([^<]*)<', row.group(1))
    assert cell, (scope, name)
    return cell.group(1).strip()


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_every_records_page_renders_in_each_language(desk, data, lang):
    for page in PAGES:
        response = desk.get(page.format(lang=lang))
        assert response.status_code == 200, page
        assert f'<html lang="{lang}"' in response.get_data(as_text=True)


def test_dashboard_shows_the_years_figures(desk, data):
    response = desk.get("/en/staff/participation/?year=2025")
    html = response.get_data(as_text=True)
    totals = dict(re.findall(r'<dd data-figure="(\w+)">([^<]*)</dd>', html))
    assert totals["engagements"] == "4"
    assert totals["participants"] == "69"
    assert totals["responses"] == "27"
    assert totals["offline_participants"] == "40"
    assert totals["outcomes"].startswith("1 of 4 (25%)")
    assert figure(html, 'data-focus-area="HK-05"', "participants") == "58"
    assert figure(html, 'data-focus-area="HK-01"', "engagements") == "1"
    assert figure(html, 'data-department="sivistys"', "participants") == "9"
    assert figure(html, 'data-channel="event"', "participants") == "40"
    assert figure(html, 'data-quarter="2"', "participants") == "45"


def test_focus_areas_without_engagements_are_pointed_out_in_words(desk, data):
    response = desk.get("/en/staff/participation/?year=2025")
    page = text_of(response)
    assert "19 focus areas of the plan had no engagement this year" in page
    html = response.get_data(as_text=True)
    row = re.search(r'<tr id="area-HK-02"[^>]*class="gap"[^>]*>(.*?)</tr>', html, re.S)
    assert row
    assert "No engagement this year" in row.group(1)
    assert 'id="area-HK-05" data-focus-area="HK-05">' in html


def test_drill_down_lists_the_engagements_of_a_focus_area(desk, data):
    response = desk.get("/en/staff/participation/engagements?year=2025&focus_area=SA-06")
    html = response.get_data(as_text=True)
    assert re.findall(r'data-engagement="(\w+)"', html) == ["library"]
    assert "1 engagement in 2025" in text_of(response)
    everything = desk.get("/en/staff/participation/engagements?year=2025").get_data(as_text=True)
    assert sorted(re.findall(r'data-engagement="(\w+)"', everything)) == [
        "library",
        "quiet",
        "roads",
        "school",
    ]
    eva = desk.get("/en/staff/participation/engagements?year=2025&kind=eva").get_data(as_text=True)
    assert re.findall(r'data-engagement="(\w+)"', eva) == ["school"]
    phone = desk.get("/en/staff/participation/engagements?year=2025&channel=phone")
    assert re.findall(r'data-engagement="(\w+)"', phone.get_data(as_text=True)) == ["roads"]


@pytest.mark.parametrize(
    "query", ["year=abc", "year=1800", "focus_area=XX-99", "department=nope", "kind=poll"]
)
def test_unknown_years_and_filters_are_not_found(desk, data, query):
    assert desk.get(f"/en/staff/participation/engagements?{query}").status_code == 404


def test_plan_table_has_a_cell_per_focus_area_and_department(desk, data):
    response = desk.get("/en/staff/participation/plan-table?year=2025")
    html = response.get_data(as_text=True)
    row = re.search(r'<tr data-focus-area="HK-05"[^>]*>(.*?)</tr>', html, re.S).group(1)
    cell = re.search(r'<td data-department="kulttuuri-vapaa-aika">([^<]*)</td>', row).group(1)
    assert cell.strip() == "1 engagement, 58 people"
    assert "Print" in text_of(response)


def test_teaviisari_page_answers_yes_or_no_with_evidence(desk, data):
    html = desk.get("/en/staff/participation/teaviisari?year=2025").get_data(as_text=True)
    assert 'data-indicator="customer_panels" data-met="no"' in html
    assert 'data-indicator="eva_participation" data-met="yes"' in html
    section = re.search(r'id="indicator-eva_participation"(.*?)</section>', html, re.S).group(1)
    assert re.findall(r'data-engagement="(\w+)"', section) == ["school"]


def test_staff_and_visitors_cannot_see_the_records(app, client, staff, data):
    for page in PAGES:
        response = client.get(page.format(lang="fi"))
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/fi/login")
    login(client, staff)
    for page in PAGES:
        assert client.get(page.format(lang="fi")).status_code == 403


def test_coordinator_home_links_to_the_records(desk, data):
    html = desk.get("/en/staff/").get_data(as_text=True)
    assert 'href="/en/staff/participation/"' in html
