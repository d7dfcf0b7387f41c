"""Reach: the population table upload and who took part compared with the population."""

from __future__ import annotations

import io
import re

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.core.audit import AuditLog
from app.engagements.models import Status
from app.extensions import db
from app.participation import population, reach
from app.participation.models import PopulationGroup
from app.participation.population import PopulationError
from tests.conftest import login, text_of
from tests.participation._build import at, engagement, responses

POPULATION_CSV = b"""dimension,code,population,year
age,under-18,1000,2024
age,18-29,1000,2024
age,30-44,1000,2024
age,45-64,1000,2024
age,65-74,500,2024
age,75-plus,500,2024
area,94100,3000,2024
area,94200,2000,2024
"""


def stored() -> dict[tuple[str, str], int]:
    return {
        (group.dimension, group.code): group.population
        for group in db.session.scalars(select(PopulationGroup))
    }


def upload_table(data: bytes = POPULATION_CSV) -> None:
    population.replace(population.parse(data), None)
    db.session.commit()


@pytest.fixture
def year_2025(plan):
    """48 responses of 2025 in a published survey, and some that must not count.

    Age (20 answered): 18-29 ×12, 30-44 ×5, 45-64 ×2, 75-plus ×1.
    Area (45 answered): 94200 ×38, 94100 ×2, outside ×5. Three responses skipped both.
    """
    survey = engagement("survey", "sivistys", ("HK-01",), at(2025, 3, 1), at(2025, 5, 31))
    responses(survey, 12, at(2025, 3, 10), demographics={"age": "18-29", "area": "94200"})
    responses(survey, 5, at(2025, 3, 10), demographics={"age": "30-44", "area": "94200"})
    responses(survey, 2, at(2025, 3, 10), demographics={"age": "45-64", "area": "94100"})
    responses(survey, 1, at(2025, 3, 10), demographics={"age": "75-plus", "area": "94200"})
    responses(survey, 20, at(2025, 4, 1), demographics={"area": "94200"})
    responses(survey, 5, at(2025, 4, 1), demographics={"area": "outside"})
    responses(survey, 3, at(2025, 4, 1))
    # Not counted: last year's answers, and a draft's.
    responses(survey, 9, at(2024, 6, 1), demographics={"age": "65-74"})
    draft = engagement(
        "draft", "sivistys", ("HK-01",), at(2025, 3, 1), at(2025, 5, 31), status=Status.DRAFT
    )
    responses(draft, 4, at(2025, 3, 10), demographics={"age": "65-74", "area": "94100"})
    db.session.commit()
    return survey


@pytest.fixture
def desk(app, coordinator):
    browser = app.test_client()
    login(browser, coordinator, lang="en")
    return browser


def figures(group: reach.ReachGroup) -> tuple:
    share = None if group.participant_share is None else round(group.participant_share, 4)
    ratio = None if group.ratio is None else round(group.ratio, 4)
    population_share = None if group.population_share is None else round(group.population_share, 4)
    return (
        group.population,
        population_share,
        group.participants,
        share,
        ratio,
        group.suppressed,
        group.under_represented,
    )


# --- the comparison ------------------------------------------------------------------------


def test_age_bands_are_compared_with_exact_shares_ratios_and_flags(app, year_2025):
    upload_table()
    result = reach.build(2025, "en")
    assert result.answered == {"age": 20, "area": 45}
    assert result.responses == 48
    assert result.min_group_size == 5
    assert result.threshold == 0.5
    assert result.has_population
    assert result.population_year == 2024
    ages = {group.code: figures(group) for group in result.of("age")}
    assert list(ages) == ["under-18", "18-29", "30-44", "45-64", "65-74", "75-plus"]
    assert ages == {
        # Nobody under 18 took part: 0 reveals nobody, so it is shown, and flagged.
        "under-18": (1000, 0.2, 0, 0.0, 0.0, False, True),
        "18-29": (1000, 0.2, 12, 0.6, 3.0, False, False),
        # Exactly the minimum size is shown.
        "30-44": (1000, 0.2, 5, 0.25, 1.25, False, False),
        # 2 responses: suppressed; at most 4 of 20 is 1.0 × its population share: not flagged.
        "45-64": (1000, 0.2, None, None, None, True, False),
        "65-74": (500, 0.1, 0, 0.0, 0.0, False, True),
        "75-plus": (500, 0.1, None, None, None, True, False),
    }
    labels = {group.code: group.label for group in result.of("age")}
    assert labels["75-plus"] == "75 or older"


def test_areas_flag_a_suppressed_group_and_withhold_a_second_one(app, year_2025):
    upload_table()
    areas = {group.code: group for group in reach.build(2025, "en").of("area")}
    assert list(areas) == ["94100", "94200", "outside"]
    # 2 of 45 responses: hidden; even 4 of 45 would be 0.15 × its 60 % of the population.
    assert figures(areas["94100"]) == (3000, 0.6, None, None, None, True, True)
    assert figures(areas["94200"]) == (2000, 0.4, 38, 0.8444, 2.1111, False, False)
    # The lone suppressed count could be worked out as 45 − 38 − 5: the next smallest is withheld.
    outside = areas["outside"]
    assert (outside.suppressed, outside.withheld, outside.participants) == (True, True, None)
    # People living elsewhere have no population: never flagged.
    assert (outside.population, outside.population_share, outside.under_represented) == (
        None,
        None,
        False,
    )
    assert outside.label == "I live elsewhere"


def test_labels_follow_the_locale_asked_for(app, year_2025):
    upload_table()
    with force_locale("fi"):
        english = reach.build(2025, "en").of("area")[-1].label
    assert english == "I live elsewhere"


def test_without_a_population_table_only_the_answered_groups_show(app, year_2025):
    result = reach.build(2025, "en")
    assert not result.has_population
    assert [group.code for group in result.of("age")] == ["18-29", "30-44", "45-64", "75-plus"]
    assert not any(group.under_represented for group in result.groups)
    assert all(group.ratio is None for group in result.groups)


def test_compare_uses_the_configured_threshold(app):
    import pandas as pd

    counts = pd.Series({"a": 30, "b": 10})
    people = pd.Series({"a": 50, "b": 50})
    strict = reach.compare(counts, people, ["a", "b"], 5, 0.6)
    lenient = reach.compare(counts, people, ["a", "b"], 5, 0.5)
    # b: 25 % of the responses, 50 % of the population: ratio 0.5.
    assert strict.loc["b", "ratio"] == pytest.approx(0.5)
    assert bool(strict.loc["b", "under_represented"]) is True
    assert bool(lenient.loc["b", "under_represented"]) is False


def test_reach_page_shows_the_tables_flags_and_suppression(desk, year_2025):
    upload_table()
    response = desk.get("/en/staff/participation/reach?year=2025")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    rows = dict(re.findall(r'<tr data-group="([^"]+)"[^>]*>(.*?)</tr>', page, flags=re.S))
    row = {code: " ".join(re.sub(r"<[^>]+>", " ", html).split()) for code, html in rows.items()}
    assert row["under-18"].startswith("Under 18 1,000 20% 0 0% 0.00")
    assert "Under-represented" in row["under-18"]
    assert row["18-29"] == "18–29 1,000 20% 12 60% 3.00"
    assert "fewer than 5" in row["45-64"]
    assert "Under-represented" not in row["45-64"]
    assert "fewer than 5" in row["94100"]
    assert "Under-represented" in row["94100"]
    assert "not shown" in row["outside"]
    assert "Not in the population table" in row["outside"]
    text = text_of(response)
    assert (
        "The engagements of the year got 48 responses. Of them, 20 answered the age question "
        "and 45 the postal area question." in text
    )
    assert "people who skipped them are not in the comparison" in text
    # The bars are decoration; the numbers are in the text.
    assert 'class="bar" viewBox="0 0 100 4" preserveAspectRatio="none" aria-hidden="true"' in page


def test_reach_page_without_population_links_to_the_upload(desk, year_2025):
    response = desk.get("/en/staff/participation/reach?year=2025")
    assert response.status_code == 200
    assert "There is no population table yet" in text_of(response)
    assert 'href="/en/staff/participation/population"' in response.get_data(as_text=True)


def test_reach_page_refuses_a_malformed_year(desk):
    assert desk.get("/en/staff/participation/reach?year=abc").status_code == 404


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_pages_render_in_every_language(app, coordinator, year_2025, lang):
    upload_table()
    browser = app.test_client()
    login(browser, coordinator, lang=lang)
    for url in ("/staff/participation/reach?year=2025", "/staff/participation/population"):
        response = browser.get(f"/{lang}{url}")
        assert response.status_code == 200
        assert f'<html lang="{lang}"' in response.get_data(as_text=True)


# --- the population table ------------------------------------------------------------------


def post_file(browser, data: bytes, name: str = "population.csv"):
    return browser.post(
        "/en/staff/participation/population",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_upload_replaces_the_whole_table(desk):
    upload_table()
    # Finnish Excel: byte order mark, semicolons, CRLF, spaces between thousands, no year.
    new = "\ufeffdimension;code;population\r\nage;45-64;4 930\r\narea;94900;500\r\n;;\r\n"
    response = post_file(desk, new.encode("utf-8"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/staff/participation/population")
    assert stored() == {("age", "45-64"): 4930, ("area", "94900"): 500}
    entry = db.session.scalars(
        select(AuditLog)
        .where(AuditLog.action == "participation.population.upload")
        .order_by(AuditLog.id.desc())
    ).first()
    assert entry.actor_id is not None
    assert entry.details == {
        "source": "upload",
        "rows": 2,
        "age_rows": 1,
        "area_rows": 1,
        "replaced_rows": 8,
    }
    page = desk.get("/en/staff/participation/population")
    text = text_of(page)
    assert "The population table was replaced: 2 rows." in text
    assert "Age band 45-64 45–64 4,930" in text
    assert "Postal area 94900 94900 500" in text


BAD_FILES = [
    pytest.param(
        b"dimension,code,population\nregion,94100,3000\nage,18-29,100\n",
        ["Line 2: Unknown dimension “region”: write age or area."],
        id="unknown-dimension",
    ),
    pytest.param(
        b"dimension,code,population\nage,18-30,100\narea,99999,5\narea,outside,5\n",
        [
            "Line 2: Unknown age band “18-30”. The age bands are: under-18, 18-29, 30-44, "
            "45-64, 65-74, 75-plus.",
            "Line 3: Unknown postal area “99999”.",
            "Line 4: The code “outside” (people who live elsewhere) has no population",
        ],
        id="unknown-code",
    ),
    pytest.param(
        b"dimension,code,population\nage,18-29,12.5\nage,30-44,many\n",
        [
            "Line 2: The population “12.5” is not a whole number.",
            "Line 3: The population “many” is not a whole number.",
        ],
        id="not-whole",
    ),
    pytest.param(
        b"dimension,code,population\nage,18-29,-40\n",
        ["Line 2: The population -40 is negative."],
        id="negative",
    ),
    pytest.param(
        b"dimension,code,population\nage,18-29,40\narea,94100,7\nage,18-29,41\n",
        ["Line 4: This group (age 18-29) is already on line 2. Give each group only once."],
        id="duplicate",
    ),
    pytest.param(
        b"age,18-29,40\nage,30-44,41\n",
        ["Line 1: The first line must be the header “dimension,code,population”"],
        id="missing-header",
    ),
    pytest.param(b"", ["The file is empty."], id="empty"),
    pytest.param(b"\xef\xbb\xbf\r\n\r\n", ["The file is empty."], id="only-blank-lines"),
    pytest.param(
        b"dimension,code,population\n" + b"age,18-29,1\n" * 90_000,
        ["The file is bigger than 1 MB."],
        id="too-big",
    ),
    pytest.param(
        "dimension;code;population;name\r\nage;18-29;10;Nuoret\r\narea;94100;30;Keskustä\r\n".encode(
            "cp1252"
        ),
        ["Line 3: The file is not in UTF-8."],
        id="not-utf8",
    ),
    pytest.param(
        b"dimension,code,population,year\nage,18-29,10,twenty\n",
        ["Line 2: The year “twenty” is not a year between 2000 and 2100."],
        id="bad-year",
    ),
]


@pytest.mark.parametrize(("data", "messages"), BAD_FILES)
def test_a_bad_file_lists_its_problems_and_keeps_the_old_table(desk, data, messages):
    upload_table()
    before = stored()
    response = post_file(desk, data)
    assert response.status_code == 422
    text = text_of(response)
    assert "The file was not used and the table was not changed." in text
    for message in messages:
        assert message in text
    db.session.expire_all()
    assert stored() == before
    uploads = select(AuditLog).where(AuditLog.action == "participation.population.upload")
    assert len(db.session.scalars(uploads).all()) == 1  # upload_table's only


def test_every_problem_of_a_file_is_reported_at_once(app):
    data = b"dimension,code,population\nage,18-29,x\nplace,1,2\nage,30-44,-1\nage,18-29,5\n"
    with pytest.raises(PopulationError) as caught, force_locale("en"):
        population.parse(data)
    assert [problem.line for problem in caught.value.problems] == [2, 3, 4, 5]


def test_upload_without_a_file_or_with_another_kind_of_file_is_refused(desk):
    response = desk.post("/en/staff/participation/population", data={})
    assert response.status_code == 422
    assert "Choose the CSV file to upload." in text_of(response)
    response = post_file(desk, b"PK\x03\x04", name="population.xlsx")
    assert response.status_code == 422
    assert "Choose a CSV file (.csv)." in text_of(response)


def test_population_page_explains_the_format_and_offers_the_example(desk):
    response = desk.get("/en/staff/participation/population")
    assert response.status_code == 200
    text = text_of(response)
    assert "There is no population table yet." in text
    assert "dimension,code,population,year" in text
    assert 'href="/en/staff/participation/population/example.csv"' in response.get_data(
        as_text=True
    )
    example = desk.get("/en/staff/participation/population/example.csv")
    assert example.status_code == 200
    assert example.mimetype == "text/csv"
    assert "attachment" in example.headers["Content-Disposition"]
    assert len(population.parse(example.data)) == 16


def test_demo_table_loads_once_with_kemi_like_figures(app, plan):
    assert population.load_demo() is True
    db.session.commit()
    table = stored()
    assert len(table) == 16
    assert sum(n for (dimension, _code), n in table.items() if dimension == "age") == 19_500
    assert sum(n for (dimension, _code), n in table.items() if dimension == "area") == 19_500
    assert {group.year for group in db.session.scalars(select(PopulationGroup))} == {2025}
    assert population.load_demo() is False


# --- who may see it ------------------------------------------------------------------------


def test_staff_who_are_not_the_coordinator_are_refused(app, staff):
    browser = app.test_client()
    login(browser, staff, lang="en")
    assert browser.get("/en/staff/participation/reach").status_code == 403
    assert browser.get("/en/staff/participation/population").status_code == 403
    assert browser.get("/en/staff/participation/population/example.csv").status_code == 403
    assert post_file(browser, POPULATION_CSV).status_code == 403
    assert stored() == {}
