"""The coordinator opens the year's participation records, checks the plan's focus areas with real
numbers from the demo data, exports the year's records as XLSX, and the file opens with the same
numbers."""

from __future__ import annotations

import io
import re

import openpyxl
from playwright.sync_api import expect

from e2e.conftest import new_context, sign_in
from e2e.test_keyboard_journeys import axe_violations


def test_coordinator_exports_the_years_records_and_the_file_opens(browser, base_url):
    context = new_context(browser, base_url, accept_downloads=True)
    page = context.new_page()
    sign_in(page, "coordinator")
    page.goto("/en/staff/")
    page.get_by_role("link", name="Participation records").click()
    page.wait_for_url("**/staff/participation/")
    expect(page.locator("h1")).to_contain_text("Participation records")
    assert axe_violations(page) == []

    # The demo data: the library survey (HK-05) has responses and a workshop; the EVA hearings
    # are under HK-01.
    people = page.locator('dd[data-figure="participants"]').inner_text()
    total_people = int(re.sub(r"\D", "", people))
    assert total_people > 0
    library_row = page.locator('tr[data-focus-area="HK-05"]')
    assert int(re.sub(r"\D", "", library_row.locator('[data-figure="participants"]').inner_text()))
    expect(page.locator('tr[data-focus-area="HK-02"]')).to_contain_text("No engagement this year")

    # Drill down to the focus area's engagements.
    library_row.get_by_role("link").click()
    expect(page.locator("tr[data-engagement=kirjasto]")).to_have_count(1)

    # Export the year as XLSX; the status page shows progress, then the download.
    page.goto("/en/staff/participation/")
    page.get_by_role("link", name="Download the records").click()
    page.wait_for_url("**/staff/participation/export*")
    assert axe_violations(page) == []
    page.get_by_label("XLSX", exact=False).first.check()
    page.get_by_role("button", name="Make the file").click()
    page.wait_for_url(re.compile(r".*/staff/participation/export/jobs/[^/]+$"))
    download_link = page.get_by_role("link", name=re.compile(r"Download osallistu-participation"))
    expect(download_link).to_be_visible(timeout=60_000)
    assert axe_violations(page) == []
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert re.fullmatch(r"osallistu-participation-\d{4}\.xlsx", download.suggested_filename)
    data = open(download.path(), "rb").read()  # noqa: SIM115, PTH123
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert "summary" in book.sheetnames
    assert "plan_table" in book.sheetnames
    rows = list(book["summary"].iter_rows(values_only=True))
    codes = rows[1]
    total = dict(zip(codes, rows[-1], strict=True))
    assert total["participants"] == total_people
    context.close()
