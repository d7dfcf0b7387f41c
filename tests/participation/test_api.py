"""The open-data API: the year's records and the public engagements as JSON, for anyone, with no
personal data and nothing about unlisted engagements."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from app.core.types import utcnow
from app.extensions import db
from app.participation import records
from tests.participation._build import engagement, responses, year_2025
from tests.participation.test_export import YEAR, add_unlisted


@pytest.fixture
def data(plan):
    made = year_2025()
    add_unlisted()
    return made


def test_participation_is_the_year_s_records_without_unlisted_engagements(app, client, data):
    response = client.get("/api/v1/participation?year=2025&lang=en")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    document = response.get_json()
    with app.test_request_context("/en/"):
        rec = records.build(YEAR, "en")
    assert document["year"] == YEAR
    assert document["language"] == "en"
    assert document["totals"]["participants"] == rec.total.participants == 84
    hk = next(goal for goal in document["goals"] if goal["code"] == "HK")
    assert hk["title"] == "Residents who feel well"
    assert {item["public_id"] for item in document["engagements"]} == {
        "library",
        "school",
        "roads",
        "quiet",
    }
    assert "unlisted" not in response.get_data(as_text=True)
    for personal in ("example.org", "Anna", "person0"):
        assert personal not in response.get_data(as_text=True)


def test_participation_labels_follow_lang_and_default_to_finnish(client, data):
    finnish = client.get("/api/v1/participation?year=2025").get_json()
    swedish = client.get("/api/v1/participation?year=2025&lang=sv").get_json()
    assert finnish["language"] == "fi"
    assert swedish["language"] == "sv"
    hk_fi = next(goal for goal in finnish["goals"] if goal["code"] == "HK")
    hk_sv = next(goal for goal in swedish["goals"] if goal["code"] == "HK")
    assert hk_fi["title"] != hk_sv["title"]


@pytest.mark.parametrize("year", ["20x5", "1999", "2101", "-1"])
def test_a_bad_year_is_a_400_with_a_json_error(client, plan, year):
    response = client.get(f"/api/v1/participation?year={year}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_year"
    assert "public" not in response.headers.get("Cache-Control", "")


def test_a_bad_language_is_a_400(client, plan):
    response = client.get("/api/v1/participation?year=2025&lang=de")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_lang"


def test_without_a_year_it_is_this_year(client, plan):
    response = client.get("/api/v1/participation")
    assert response.status_code == 200
    assert response.get_json()["totals"]["engagements"] == 0


def test_engagements_lists_published_public_engagements_with_every_language(client, data):
    now = utcnow()
    open_now = engagement(
        "opennow", "sivistys", ("HK-01",), now - timedelta(days=1), now + timedelta(days=9)
    )
    open_now.summary = {"fi": "Kerro", "sv": "Berätta", "en": "Tell us"}
    responses(open_now, 1, now)
    db.session.commit()
    response = client.get("/api/v1/engagements")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    items = {item["public_id"]: item for item in response.get_json()["engagements"]}
    # Not the draft, not the unlisted one.
    assert set(items) == {"library", "school", "roads", "later", "quiet", "opennow"}
    item = items["opennow"]
    assert item["title"] == {"fi": "opennow fi", "sv": "opennow sv", "en": "opennow en"}
    assert item["summary"] == {"fi": "Kerro", "sv": "Berätta", "en": "Tell us"}
    assert item["department"]["code"] == "sivistys"
    assert item["department"]["name"]["fi"]
    assert item["focus_area_codes"] == ["HK-01"]
    assert item["languages"] == ["fi", "sv", "en"]
    assert item["open_now"] is True
    assert item["outcome_published"] is False
    assert item["url"] == "http://localhost/fi/e/opennow"
    library = items["library"]
    assert library["open_now"] is False
    assert library["outcome_published"] is True
    assert library["opens_at"] == "2025-03-01T12:00:00+00:00"
    text = json.dumps(response.get_json())
    for personal in ("example.org", "Anna", "Workshop", "email"):
        assert personal not in text


def test_the_api_needs_no_sign_in_and_refuses_writes(client, plan):
    assert client.get("/api/v1/engagements").status_code == 200
    assert client.post("/api/v1/engagements").status_code == 405
