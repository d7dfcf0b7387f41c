"""The participation export: the workbook, the CSV and the JSON hold the records' exact numbers,
headings in the chosen language with stable codes, charts, and nothing about a person; the
`flask export participation` command writes each format and audits it."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import zipfile
from datetime import date

import openpyxl
import pandas as pd
import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.core.audit import AuditLog
from app.extensions import db
from app.participation import export, records, teaviisari
from app.participation.records import EngagementRow, Figures
from tests.participation._build import at, engagement, responses, year_2025

YEAR = 2025


def add_unlisted() -> None:
    """An unlisted engagement (link audience) whose title looks like a spreadsheet formula, with
    background answers: 45–64 ×7 (shown), 30–44 ×6 and 65–74 ×2 (hidden)."""
    unlisted = engagement(
        "unlisted", "sivistys", ("HK-02",), at(YEAR, 5, 1), at(YEAR, 5, 31), audience="link"
    )
    unlisted.title = {"fi": '=HYPERLINK("x")', "en": '=HYPERLINK("x")'}
    responses(unlisted, 7, at(YEAR, 5, 2), demographics={"age": "45-64"})
    responses(unlisted, 6, at(YEAR, 5, 3), demographics={"age": "30-44"})
    responses(unlisted, 2, at(YEAR, 5, 4), demographics={"age": "65-74"})
    db.session.commit()


@pytest.fixture
def data(plan):
    made = year_2025()
    add_unlisted()
    return made


def made(fmt: str, language: str = "en") -> bytes:
    out = io.BytesIO()
    export.write(YEAR, fmt, language, out)
    return out.getvalue()


def built(app, language: str = "en") -> records.Records:
    with app.test_request_context(f"/{language}/"), force_locale(language):
        return records.build(YEAR, language)


def rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def table(sheet) -> list[dict]:
    """Data rows of a sheet as dicts keyed by the codes of its second row."""
    all_rows = rows(sheet)
    codes = all_rows[1]
    return [dict(zip(codes, row, strict=True)) for row in all_rows[2:] if any(row)]


@pytest.fixture
def workbook(app, data):
    return openpyxl.load_workbook(io.BytesIO(made("xlsx")))


# --- XLSX --------------------------------------------------------------------------------------


def test_the_workbook_has_every_sheet_with_headings_over_codes(workbook):
    assert tuple(workbook.sheetnames) == export.SHEETS
    summary = rows(workbook["summary"])
    assert summary[0][:5] == (
        "Goal code",
        "Focus area code",
        "Goal or focus area",
        "Engagements",
        "People reached",
    )
    assert summary[1][:5] == (
        "goal_code",
        "focus_area_code",
        "title",
        "engagements",
        "participants",
    )
    for sheet in workbook:
        assert sheet.freeze_panes in ("A3", "B3"), sheet.title
        codes = rows(sheet)[1]
        assert all(code and re.fullmatch(r"[a-z0-9_.\-]+", code) for code in codes), sheet.title


def test_headings_and_labels_follow_the_chosen_language(app, data):
    finnish = openpyxl.load_workbook(io.BytesIO(made("xlsx", "fi")))
    with force_locale("fi"):
        department = str(export._l("Department"))
        online = records.channel_label("web")
    assert department != "Department"  # translated, so the test tells the languages apart
    assert rows(finnish["departments"])[0][1] == department
    assert (
        rows(finnish["departments"])[1][1] == "department"
    )  # codes are the same in every language
    areas = {row["focus_area_code"]: row for row in table(finnish["summary"])}
    assert areas["HK-05"]["title"] == "Kuntalaisten osallistaminen ja toiminnasta tiedottaminen"
    assert online in areas["HK-05"]["channels"]
    english = {
        row["focus_area_code"]: row
        for row in table(openpyxl.load_workbook(io.BytesIO(made("xlsx", "en")))["summary"])
    }
    assert english["HK-05"]["title"] == "Involving residents and telling them about our work"
    assert english["HK-05"]["channels"] == "Online, Paper form, At an event"


def test_summary_numbers_are_the_records_numbers(app, workbook):
    rec = built(app)
    summary = table(workbook["summary"])
    areas = {row["focus_area_code"]: row for row in summary if row["focus_area_code"]}
    for area in rec.focus_areas:
        row = areas[area.code]
        assert (row["engagements"], row["participants"], row["responses"], row["comments"]) == (
            area.figures.engagements,
            area.figures.participants,
            area.figures.responses,
            area.figures.comments,
        ), area.code
    # Known numbers of the hand-built year.
    assert (areas["HK-05"]["engagements"], areas["HK-05"]["participants"]) == (1, 58)
    assert areas["HK-05"]["offline_participants"] == 40
    assert areas["HK-05"]["outcome_share"] == 1
    assert (areas["HK-02"]["engagements"], areas["HK-02"]["participants"]) == (1, 15)
    goals = {
        row["goal_code"]: row for row in summary if row["goal_code"] and not row["focus_area_code"]
    }
    assert goals["HK"]["participants"] == 58 + 9 + 15
    total = summary[-1]
    assert total["title"] == "All engagements"
    assert (total["engagements"], total["participants"], total["responses"]) == (5, 84, 42)
    assert total["outcome_share"] == pytest.approx(0.2)


def test_plan_table_has_two_columns_per_department_and_prints_on_landscape_pages(app, workbook):
    rec = built(app)
    sheet = workbook["plan_table"]
    codes = rows(sheet)[1]
    assert codes[3:5] == (
        f"{rec.departments[0].code}.engagements",
        f"{rec.departments[0].code}.participants",
    )
    assert len(codes) == 3 + 2 * len(rec.departments) + 2
    cells = {row["focus_area_code"]: row for row in table(sheet)}
    assert cells["HK-05"]["kulttuuri-vapaa-aika.engagements"] == 1
    assert cells["HK-05"]["kulttuuri-vapaa-aika.participants"] == 58
    assert cells["HK-05"]["sivistys.participants"] == 0
    assert cells["HK-01"]["sivistys.participants"] == 9
    assert (cells["HK-05"]["total.engagements"], cells["HK-05"]["total.participants"]) == (1, 58)
    assert "Education services: people reached" in rows(sheet)[0]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToHeight == 0  # one page wide, as many pages long as needed
    assert sheet.print_title_rows == "$1:$2"


def test_departments_channels_and_quarters_match_the_records(app, workbook):
    rec = built(app)
    departments = {row["department_code"]: row for row in table(workbook["departments"])}
    for dep in rec.departments:
        assert departments[dep.code]["participants"] == dep.figures.participants
    assert departments["kulttuuri-vapaa-aika"]["participants"] == 58
    breakdown = table(workbook["channels_languages"])
    channels = {row["channel"]: row for row in breakdown if row["breakdown"] == "channel"}
    languages = {row["language"]: row for row in breakdown if row["breakdown"] == "language"}
    both = [row for row in breakdown if row["breakdown"] == "channel_language"]
    assert {code: row["participants"] for code, row in channels.items()} == {
        row.channel: row.participants for row in rec.channels
    }
    assert channels["paper"]["participants"] == 5
    assert channels["event"]["participants"] == 40
    assert languages["sv"]["responses"] == 3
    assert len(both) == len(rec.channel_language)
    quarters = {row["quarter"]: row["participants"] for row in table(workbook["quarters"])}
    assert quarters == {row.quarter: row.participants for row in rec.quarters}


def test_every_engagement_fact_has_a_column_with_iso_dates(app, workbook):
    sheet = workbook["engagements"]
    codes = set(rows(sheet)[1])
    facts = {field.name for field in dataclasses.fields(EngagementRow)} - {"figures"}
    facts |= {field.name for field in dataclasses.fields(Figures)}
    assert facts <= codes
    engagements = {row["public_id"]: row for row in table(sheet)}
    assert set(engagements) == {"library", "school", "roads", "quiet", "unlisted"}
    library = engagements["library"]
    assert library["opens_at"] == "2025-03-01T14:00+02:00"
    assert date.fromisoformat(library["outcome_published_on"]) == date(2025, 6, 1)
    assert (library["participants"], library["responses"], library["offline_participants"]) == (
        58,
        18,
        40,
    )
    assert library["focus_area_codes"] == "HK-05 SA-06"
    assert (library["outcome_published"], library["decision_recorded"]) == ("yes", "yes")
    assert (library["subscribers"], library["informed"]) == (2, 2)
    assert engagements["school"]["commenters"] == 2


def test_a_title_that_looks_like_a_formula_stays_text(workbook):
    sheet = workbook["engagements"]
    title_column = rows(sheet)[1].index("title") + 1
    for row in sheet.iter_rows(min_row=3, min_col=title_column, max_col=title_column):
        cell = row[0]
        if cell.value and "HYPERLINK" in cell.value:
            assert cell.data_type == "s"
            assert cell.value == '\'=HYPERLINK("x")'
            break
    else:
        pytest.fail("the unlisted engagement's title is missing")


def test_reach_shows_small_groups_as_hidden_never_their_number(workbook):
    groups = {row["code"]: row for row in table(workbook["reach"]) if row["dimension"] == "age"}
    assert groups["45-64"]["participants"] == 7
    assert groups["65-74"]["participants"] == "<5"
    assert groups["65-74"]["participant_share"] is None
    assert groups["65-74"]["suppressed"] == "yes"
    # 30–44 is withheld too, or 2 could be worked out from the total of 15.
    assert groups["30-44"]["participants"] == "hidden"
    shown = [value for row in rows(workbook["reach"]) for value in row]
    assert 2 not in shown
    assert 6 not in shown


def test_teaviisari_sheet_names_the_evidence(app, workbook):
    rec = built(app)
    indicators = {item.code: item for item in teaviisari.evidence(rec)}
    sheet = {row["code"]: row for row in table(workbook["teaviisari"])}
    assert set(sheet) == set(indicators)
    assert sheet["outcome_published"]["met"] == "yes"
    assert sheet["outcome_published"]["evidence"] == "library"
    assert sheet["customer_panels"]["met"] == "no"
    assert sheet["customer_panels"]["evidence_count"] == 0


def test_the_workbook_has_native_charts_and_properties(app, data):
    content = made("xlsx")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        charts = [
            name for name in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", name)
        ]
        sheets = set()
        for name in charts:
            sheets |= set(re.findall(r"<c:f>(\w+)!", archive.read(name).decode()))
    assert len(charts) == 4
    assert sheets == {"summary", "departments", "channels_languages", "quarters"}
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.properties.title == "Participation records 2025"
    assert {prop.name: prop.value for prop in book.custom_doc_props.props}["year"] == 2025


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_is_the_tidy_table_with_codes(app, data):
    content = made("csv")
    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads ä and ö right
    frame = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", keep_default_na=False)
    rec = built(app)
    assert list(frame.columns) == list(rec.tidy.columns)
    assert list(frame.columns[:5]) == [
        "year",
        "goal_code",
        "focus_area_code",
        "department_code",
        "public_id",
    ]
    assert len(frame) == len(rec.tidy)
    assert set(frame["outcome_published"]) == {0, 1}
    hk05 = frame[frame["focus_area_code"] == "HK-05"]
    assert hk05["participants"].sum() == 58
    assert (frame["year"] == YEAR).all()
    assert frame[frame["public_id"] == "quiet"]["quarter"].tolist() == [""]


def test_csv_makes_formula_like_text_inert(app, plan):
    item = engagement("=cmd", "sivistys", ("HK-01",), at(YEAR, 2, 1), at(YEAR, 2, 20))
    responses(item, 1, at(YEAR, 2, 2))
    db.session.commit()
    text = made("csv").decode("utf-8-sig")
    assert '"\'=cmd"' in text
    assert ',"=cmd"' not in text


# --- JSON --------------------------------------------------------------------------------------


def test_json_has_every_part_of_the_records(app, data):
    document = json.loads(made("json"))
    assert list(document) == [
        "year",
        "language",
        "plan",
        "generated_at",
        "totals",
        "goals",
        "departments",
        "plan_table",
        "channels",
        "languages",
        "channel_language",
        "quarters",
        "kinds",
        "engagements",
        "reach",
        "teaviisari",
    ]
    assert document["year"] == YEAR
    assert document["plan"]["code"] == "kemi-2022-25"
    assert document["totals"]["participants"] == 84
    hk = next(goal for goal in document["goals"] if goal["code"] == "HK")
    hk05 = next(area for area in hk["focus_areas"] if area["code"] == "HK-05")
    assert hk05["figures"]["participants"] == 58
    row = next(row for row in document["plan_table"]["rows"] if row["focus_area_code"] == "HK-05")
    assert row["cells"]["kulttuuri-vapaa-aika"] == {"engagements": 1, "participants": 58}
    ages = {g["code"]: g for g in document["reach"]["groups"] if g["dimension"] == "age"}
    assert ages["65-74"]["participants"] is None
    assert ages["65-74"]["suppressed"]
    # The staff file has every engagement, the unlisted one too.
    assert {item["public_id"] for item in document["engagements"]} == {
        "library",
        "school",
        "roads",
        "quiet",
        "unlisted",
    }


def test_no_file_holds_personal_data(app, data):
    for fmt in export.FORMATS:
        content = made(fmt)
        text = content.decode("utf-8-sig") if fmt != "xlsx" else ""
        if fmt == "xlsx":
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                text = " ".join(
                    archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                )
        for personal in ("@example.org", "person0", "Anna", "Ben", "Workshop"):
            assert not re.search(rf"\b{personal}\b", text), (fmt, personal)


def test_open_data_leaves_out_engagements_that_are_not_public(app, data):
    with app.test_request_context("/"):
        document = export.open_data(YEAR, "en")
    assert "unlisted" not in json.dumps(document)
    assert document["totals"]["participants"] == 84  # counted, but not named


def test_an_unknown_format_is_refused(app, plan):
    with pytest.raises(export.ExportError):
        export.write(YEAR, "pdf", "fi", io.BytesIO())


# --- the command line --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_the_command_writes_each_format_and_audits(app, runner, data, tmp_path, fmt):
    out = tmp_path / f"records.{fmt}"
    result = runner.invoke(
        args=[
            "export",
            "participation",
            "--year",
            "2025",
            "--format",
            fmt,
            "--out",
            str(out),
            "--language",
            "sv",
        ]
    )
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    content = out.read_bytes()
    if fmt == "xlsx":
        assert tuple(openpyxl.load_workbook(out).sheetnames) == export.SHEETS
    elif fmt == "csv":
        assert content.decode("utf-8-sig").startswith('"year","goal_code"')
    else:
        assert json.loads(content)["language"] == "sv"
    entry = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "participation.export")
    ).one()
    assert entry.target == "participation:2025"
    assert entry.details == {"format": fmt, "language": "sv"}
    assert entry.actor_id is None


def test_the_command_refuses_a_bad_year_and_an_unwritable_path(app, runner, plan, tmp_path):
    result = runner.invoke(
        args=[
            "export",
            "participation",
            "--year",
            "20x5",
            "--format",
            "csv",
            "--out",
            str(tmp_path / "a.csv"),
        ]
    )
    assert result.exit_code != 0
    assert "'20x5' is not a year from 2000 to 2100" in result.output
    result = runner.invoke(
        args=[
            "export",
            "participation",
            "--year",
            "2025",
            "--format",
            "csv",
            "--out",
            str(tmp_path / "missing" / "a.csv"),
        ]
    )
    assert result.exit_code != 0
    assert "Cannot write" in result.output
    assert (
        db.session.scalars(select(AuditLog).where(AuditLog.action == "participation.export")).all()
        == []
    )


def test_the_command_help_explains_the_formats(app, runner):
    result = runner.invoke(args=["export", "participation", "--help"])
    assert "--year YEAR" in result.output
    assert "xlsx|csv|json" in result.output
