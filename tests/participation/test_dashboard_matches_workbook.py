"""The numbers the coordinator sees on the dashboard are the numbers in the downloaded workbook."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from tests.conftest import login
from tests.participation._build import year_2025


@pytest.fixture
def desk(client, coordinator, plan):
    year_2025()
    login(client, coordinator, lang="en")
    return client


def dashboard_figures(html: str, scope: str) -> dict[str, tuple[int, int]]:
    """``data-<scope>`` rows of the dashboard: code → (engagements, people reached)."""
    found = {}
    for code, row in re.findall(rf'<tr [^>]*data-{scope}="([^"]+)"[^>]*>(.*?)</tr>', html, re.S):
        engagements = re.search(r'data-figure="engagements">([^<]*)<', row)
        participants = re.search(r'data-figure="participants">([^<]*)<', row)
        found[code] = (
            int(engagements.group(1).replace(",", "")) if engagements else None,
            int(participants.group(1).replace(",", "")),
        )
    return found


def sheet_rows(sheet) -> list[dict]:
    """Rows of a sheet keyed by the stable codes in its second row."""
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[1], row, strict=True)) for row in values[2:] if any(row)]


def downloaded_workbook(desk) -> openpyxl.Workbook:
    form = {"year": "2025", "format": "xlsx", "language": "en"}
    started = desk.post("/en/staff/participation/export", data=form)
    assert started.status_code == 302
    status = desk.get(started.headers["Location"])
    assert "/download" in status.get_data(as_text=True)
    token = started.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    download = desk.get(f"/en/staff/participation/export/jobs/{token}/download")
    assert download.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(download.data))


def test_dashboard_and_workbook_show_the_same_numbers(desk):
    html = desk.get("/en/staff/participation/?year=2025").get_data(as_text=True)
    book = downloaded_workbook(desk)

    on_page = dashboard_figures(html, "focus-area")
    summary = sheet_rows(book["summary"])
    in_book = {
        row["focus_area_code"]: (row["engagements"], row["participants"])
        for row in summary
        if row["focus_area_code"]
    }
    assert len(on_page) == 24
    assert on_page == in_book

    totals = dict(re.findall(r'<dd data-figure="(\w+)">([^<]*)</dd>', html))
    total_row = summary[-1]
    assert int(totals["engagements"]) == total_row["engagements"]
    assert int(totals["participants"]) == total_row["participants"]
    assert int(totals["responses"]) == total_row["responses"]

    departments = dashboard_figures(html, "department")
    in_book = {
        row["department_code"]: (row["engagements"], row["participants"])
        for row in sheet_rows(book["departments"])
        if row.get("department_code")
    }
    assert departments == in_book

    channels = {code: people for code, (_n, people) in dashboard_figures(html, "channel").items()}
    channel_rows = [
        row for row in sheet_rows(book["channels_languages"]) if row["breakdown"] == "channel"
    ]
    assert channels == {row["channel"]: row["participants"] for row in channel_rows}
