"""The EVA report (page and XLSX) and the yearly register (page, XLSX, command line)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import openpyxl
import pytest
from sqlalchemy import select

from app.core.audit import AuditLog
from app.discussion.models import Discussion, Post, PostState, Thread
from app.eva.models import Assessment, Impact
from app.extensions import db
from tests.conftest import login, text_of
from tests.eva._factory_c import answer, close, make_eva
from tests.eva.test_closing import DECISION, RESPONSE


@pytest.fixture
def eva(plan):
    return make_eva()


@pytest.fixture
def desk(app, staff):
    browser = app.test_client()
    login(browser, staff, lang="en")
    return browser


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def decided(desk, eva) -> None:
    answer(eva, i_children_youth_ve1="worse", preferred="ve0")
    close(eva)
    assert desk.post(f"/en/staff/eva/{eva.public_id}/response", data=RESPONSE).status_code == 302
    assert desk.post(f"/en/staff/eva/{eva.public_id}/decision", data=DECISION).status_code == 302


def workbook(response) -> openpyxl.Workbook:
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return openpyxl.load_workbook(io.BytesIO(response.data))


def rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


# --- the report ----------------------------------------------------------------------------


def test_report_page_has_every_part_of_the_assessment(desk, eva):
    decided(desk, eva)
    response = desk.get(f"/en/staff/eva/{eva.public_id}/report")
    assert response.status_code == 200
    page = text_of(response)
    for part in (
        "Screening",
        "An EVA is needed because: Significant effect on residents",
        "The change",
        "The two school libraries are merged into one.",
        "The alternatives",
        "Preliminary assessment of the impacts",
        "VE1 Merge the libraries: negative, large impact, in the long term.",
        "Final assessment of the impacts",
        "What residents said",
        "1 response so far.",
        "Response to residents",
        "Partly adopted",
        "The library bus will come twice a week.",
        "The decision",
        "Decided by Sivistyslautakunta",
    ):
        assert part in page, part
    html = response.get_data(as_text=True)
    assert 'href="/static/css/eva_report.css" media="print"' in html
    assert f'href="/en/staff/eva/{eva.public_id}/report.xlsx"' in html


def test_report_xlsx_has_the_sheets_with_headings_and_codes(desk, eva):
    impact = db.session.scalars(select(Impact).where(Impact.direction == "-")).one()
    impact.evidence = {**impact.evidence, "en": '=HYPERLINK("http://evil")'}
    db.session.commit()
    decided(desk, eva)
    book = workbook(desk.get(f"/en/staff/eva/{eva.public_id}/report.xlsx"))
    assert book.sheetnames == ["Screening", "Change", "Preliminary", "Final", "Hearing", "Response"]
    preliminary = rows(book["Preliminary"])
    assert preliminary[0][:4] == (
        "Impact area code",
        "Impact area",
        "Alternative code",
        "Alternative",
    )
    assert preliminary[1][:4] == ("area_code", "area", "alternative_code", "alternative")
    negative = next(row for row in preliminary[2:] if row[4] == "-")
    assert negative[:8] == (
        "children_youth",
        "Children and young people",
        "VE1",
        "Merge the libraries",
        "-",
        "negative",
        "large",
        "large impact",
    )
    assert negative[12] == '\'=HYPERLINK("http://evil")'
    assert book["Preliminary"].cell(row=3, column=1).data_type == "s"
    screening = {row[0]: row[2] for row in rows(book["Screening"])[2:]}
    assert screening["eva_needed"] == "yes"
    assert screening["trigger.residents"] == "yes"
    assert screening["trigger.cost"] == "no"
    change = {row[0]: row[2] for row in rows(book["Change"])[2:]}
    assert change["proposal.sv"] == "Biblioteken slås ihop."
    assert change["alternative.VE1.label.en"] == "Merge the libraries"
    hearing = rows(book["Hearing"])
    worse = next(r for r in hearing[2:] if r[4] == "i_children_youth_ve1" and r[5] == "worse")
    assert worse[7:] == (1, 1)
    response = {row[0]: row[2] for row in rows(book["Response"])[2:]}
    assert response["adoption.children_youth"] == "partly"
    assert response["proposed"] == "VE1"
    assert response["decision_ref"] == "Sivistyslautakunta 12.3.2027 § 45"
    assert "eva.report.export" in actions()


def test_report_xlsx_headings_follow_the_chosen_language(desk, eva):
    book = workbook(desk.get(f"/fi/staff/eva/{eva.public_id}/report.xlsx?language=sv"))
    first = rows(book["Preliminary"])
    assert first[1][0] == "area_code"
    assert any(row[1] == "Barn och unga" for row in first[2:])


# --- the register --------------------------------------------------------------------------


def screened(year: int, **kwargs):  # noqa: ANN003
    return make_eva(screened_at=datetime(year, 5, 2, 9, 0, tzinfo=UTC), **kwargs)


@pytest.fixture
def evas(plan):
    """Sivistys: a published EVA (2026) and a draft (2026); technical services: a published
    screening without an EVA and a draft (2026); one sivistys EVA of 2025."""
    return {
        "published": screened(
            2026, title={"fi": "Julkaistu", "sv": "Publicerad", "en": "Published one"}
        ),
        "draft": screened(
            2026, publish=False, title={"fi": "Luonnos", "sv": "Utkast", "en": "Sivistys draft"}
        ),
        "other_published": screened(
            2026,
            department_code="tekniset-palvelut",
            triggers=(),
            skip_reason="Pieni muutos.",
            questionnaire=False,
            publish=False,
            title={"fi": "Katuvalot", "sv": "Gatlyktor", "en": "Street lights"},
        ),
        "other_draft": screened(
            2026,
            department_code="tekniset-palvelut",
            publish=False,
            title={"fi": "Salainen", "sv": "Hemlig", "en": "Secret draft"},
        ),
        "old": screened(2025, title={"fi": "Vanha", "sv": "Gammal", "en": "Last year"}),
    }


def publish_without_hearing(engagement) -> None:
    engagement.status = "published"
    db.session.commit()


def test_register_lists_the_years_screenings_for_the_coordinator(app, coordinator, evas):
    publish_without_hearing(evas["other_published"])
    browser = app.test_client()
    login(browser, coordinator, lang="en")
    response = browser.get("/en/staff/eva/register?year=2026")
    assert response.status_code == 200
    page = text_of(response)
    for title in ("Published one", "Sivistys draft", "Street lights", "Secret draft"):
        assert title in page
    assert "Last year" not in page
    assert "No: Pieni muutos." in page
    assert "4 screenings in 2026" in page
    assert "Last year" in text_of(browser.get("/en/staff/eva/register?year=2025"))


def test_staff_see_their_own_drafts_and_only_published_rows_of_other_departments(
    app, staff, other_staff, evas
):
    publish_without_hearing(evas["other_published"])
    own = app.test_client()
    login(own, staff, lang="en")
    page = text_of(own.get("/en/staff/eva/register?year=2026"))
    assert "Sivistys draft" in page
    assert "Street lights" in page
    assert "Secret draft" not in page
    other = app.test_client()
    login(other, other_staff, lang="en")
    page = text_of(other.get("/en/staff/eva/register?year=2026"))
    assert "Secret draft" in page
    assert "Published one" in page
    assert "Sivistys draft" not in page
    book = workbook(other.get("/en/staff/eva/register.xlsx?year=2026"))
    titles = [row[3] for row in rows(book["Register"])[2:]]
    assert "Sivistys draft" not in titles
    assert "Published one" in titles


def test_register_counts_residents_heard_comments_and_the_outcome(app, coordinator, staff, evas):
    eva = evas["published"]
    answer(eva, i_health_ve1="better")
    answer(eva, i_health_ve1="worse")
    discussion = Discussion(engagement_id=eva.id)
    thread = Thread(discussion=discussion)
    db.session.add_all([discussion, thread])
    db.session.flush()
    db.session.add_all(
        [
            Post(thread_id=thread.id, body="Hyvä.", state=PostState.VISIBLE),
            Post(thread_id=thread.id, body="Huono.", state=PostState.VISIBLE),
            Post(thread_id=thread.id, body="Roskaa.", state=PostState.HIDDEN),
        ]
    )
    db.session.commit()
    desk = app.test_client()
    login(desk, staff, lang="en")
    decided(desk, eva)
    book = workbook(desk.get("/en/staff/eva/register.xlsx?year=2026"))
    sheet = rows(book["Register"])
    assert sheet[1][:3] == ("public_id", "department_code", "department")
    by_id = {row[0]: dict(zip(sheet[1], row, strict=True)) for row in sheet[2:]}
    row = by_id[eva.public_id]
    assert row["responses"] == 3  # two above and one in decided()
    assert row["comments"] == 2
    assert row["outcome_published"] == "yes"
    assert row["decision_ref"] == "Sivistyslautakunta 12.3.2027 § 45"
    assert row["eva_needed"] == "yes"
    assert row["triggers"] == "residents service_network"
    draft = by_id[evas["draft"].public_id]
    assert draft["responses"] == 0
    assert draft["comments"] is None
    assert draft["outcome_published"] == "no"
    assert "eva.register.export" in actions()


def test_register_with_an_invalid_year_shows_this_year_and_the_xlsx_is_refused(app, staff, plan):
    browser = app.test_client()
    login(browser, staff, lang="en")
    response = browser.get("/en/staff/eva/register?year=abc")
    assert response.status_code == 400
    assert "That is not a year we can show." in text_of(response)
    assert browser.get("/en/staff/eva/register.xlsx?year=99999").status_code == 400
    this_year = datetime.now(UTC).year
    assert f"EVA register {this_year}" in text_of(browser.get("/en/staff/eva/register"))


def test_register_is_for_staff_only(client, plan):
    response = client.get("/en/staff/eva/register")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_register_command_writes_every_department_to_a_file(app, runner, evas, tmp_path):
    out = tmp_path / "register.xlsx"
    result = runner.invoke(
        args=["eva", "register", "--year", "2026", "--out", str(out), "--language", "en"]
    )
    assert result.exit_code == 0, result.output
    assert "4 rows" in result.output
    book = openpyxl.load_workbook(out)
    titles = {row[3] for row in rows(book["Register"])[2:]}
    assert titles == {"Published one", "Sivistys draft", "Street lights", "Secret draft"}
    assert db.session.scalar(select(AuditLog.action).order_by(AuditLog.id.desc())) == (
        "eva.register.export"
    )


def test_screening_without_an_eva_stays_in_the_register_with_its_reason(app, coordinator, evas):
    assessment = db.session.scalar(
        select(Assessment).where(Assessment.engagement_id == evas["other_published"].id)
    )
    assert not assessment.is_needed
    browser = app.test_client()
    login(browser, coordinator, lang="en")
    book = workbook(browser.get("/en/staff/eva/register.xlsx?year=2026"))
    sheet = rows(book["Register"])
    row = dict(zip(sheet[1], next(r for r in sheet if r[3] == "Street lights"), strict=True))
    assert row["eva_needed"] == "no"
    assert row["skip_reason"] == "Pieni muutos."
    assert row["responses"] == 0
