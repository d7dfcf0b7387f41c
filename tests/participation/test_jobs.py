"""Export jobs: the coordinator asks for a file, follows its progress on a status page that works
without JavaScript, and downloads it; others cannot see the job or its file."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from app.core.audit import AuditLog
from app.core.auth import Role
from app.core.types import utcnow
from app.extensions import db
from app.participation import export, jobs
from app.participation.models import ExportJob
from tests.conftest import UserFactory, login, text_of
from tests.participation._build import year_2025

FORM = "/en/staff/participation/export"


@pytest.fixture
def data(plan):
    return year_2025()


@pytest.fixture
def desk(app, coordinator):
    browser = app.test_client()
    login(browser, coordinator, lang="en")
    return browser


def ask(browser, fmt: str = "xlsx", year: int = 2025, language: str = "en"):
    return browser.post(FORM, data={"year": str(year), "format": fmt, "language": language})


def test_the_form_offers_years_formats_and_languages(desk, plan):
    response = desk.get(FORM + "?year=2024")
    assert response.status_code == 200
    page = text_of(response)
    assert "Excel workbook (XLSX)" in page
    assert "CSV: one table" in page
    assert "JSON" in page
    html = response.get_data(as_text=True)
    assert '<option selected value="2024">' in html or '<option value="2024" selected>' in html
    assert '<label for="language">Language of the headings</label>' in html


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_a_job_makes_the_file_and_the_status_page_links_it(desk, coordinator, data, fmt):
    response = ask(desk, fmt)
    assert response.status_code == 302
    job = db.session.scalars(select(ExportJob)).one()
    assert response.headers["Location"] == f"/en/staff/participation/export/jobs/{job.token}"
    assert len(job.token) >= 32

    status = desk.get(response.headers["Location"])
    assert status.status_code == 200
    assert "Refresh" not in status.headers  # done: no more reloading
    page = text_of(status)
    assert "The file is ready" in page
    assert f"Download osallistu-participation-2025.{fmt}" in page
    assert 'role="status"' in status.get_data(as_text=True)

    download = desk.get(f"/en/staff/participation/export/jobs/{job.token}/download")
    assert download.status_code == 200
    assert download.mimetype == export.MIMETYPES[fmt].split(";")[0]
    assert f"filename=osallistu-participation-2025.{fmt}" in download.headers["Content-Disposition"]
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(download.data))
        assert tuple(book.sheetnames) == export.SHEETS
    elif fmt == "json":
        assert json.loads(download.data)["totals"]["participants"] == 69
    else:
        assert download.data.startswith(b'\xef\xbb\xbf"year"')

    entry = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "participation.export")
    ).one()
    assert entry.target == "participation:2025"
    assert entry.details == {"format": fmt, "language": "en"}
    assert entry.actor_id == coordinator.id


def test_a_running_job_reloads_itself_and_shows_its_progress(desk, coordinator, plan):
    job = ExportJob(
        token="running-token-0123456789abcdef",
        year=2025,
        format="xlsx",
        language="en",
        status="running",
        progress=40,
        step="reach",
        requested_by_id=coordinator.id,
    )
    db.session.add(job)
    db.session.commit()
    response = desk.get(f"/en/staff/participation/export/jobs/{job.token}")
    assert response.status_code == 200
    assert response.headers["Refresh"] == "2"
    html = response.get_data(as_text=True)
    assert 'role="status"' in html
    assert '<progress id="job-progress" max="100" value="40"' in html
    assert '<label for="job-progress"' in html
    assert "Comparing participants with the population – 40% done" in text_of(response)
    assert "/download" not in html
    assert desk.get(f"/en/staff/participation/export/jobs/{job.token}/download").status_code == 404
    # The reloading can be stopped.
    stopped = desk.get(f"/en/staff/participation/export/jobs/{job.token}?auto=0")
    assert "Refresh" not in stopped.headers
    assert "Check again" in text_of(stopped)


def test_a_job_stuck_for_more_than_ten_minutes_shows_as_failed(desk, coordinator, plan):
    job = ExportJob(
        token="stuck-token-0123456789abcdef",
        year=2025,
        format="csv",
        language="en",
        status="running",
        progress=10,
        step="records",
        requested_by_id=coordinator.id,
        created_at=utcnow() - timedelta(minutes=11),
    )
    db.session.add(job)
    db.session.commit()
    response = desk.get(f"/en/staff/participation/export/jobs/{job.token}")
    assert "Refresh" not in response.headers
    page = text_of(response)
    assert "The export failed" in page
    assert "The export stopped before it was finished. Try again." in page
    assert "Make the file again" in page


def test_a_failing_export_marks_the_job_failed(desk, data, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export, "write", broken)
    response = ask(desk, "csv")
    job = db.session.scalars(select(ExportJob)).one()
    db.session.refresh(job)
    assert job.status == "failed"
    assert job.error == "export_failed"
    page = text_of(desk.get(response.headers["Location"]))
    assert "Something went wrong while making the file. Try again." in page
    assert "disk full" not in page
    assert desk.get(f"/en/staff/participation/export/jobs/{job.token}/download").status_code == 404


def test_staff_are_refused(app, staff, plan):
    browser = app.test_client()
    login(browser, staff, lang="en")
    assert browser.get(FORM).status_code == 403
    assert ask(browser).status_code == 403
    assert db.session.scalar(select(func.count(ExportJob.id))) == 0


def test_other_users_tokens_are_not_found(app, desk, coordinator, staff, other_staff, data):
    token = ask(desk, "csv").headers["Location"].rsplit("/", 1)[1]
    assert desk.get(f"/en/staff/participation/export/jobs/{token}x").status_code == 404
    assert desk.get(f"/en/staff/participation/export/jobs/{token}x/download").status_code == 404
    # Staff never reach a job (403 from the staff pages); their own jobs only through the service.
    browser = app.test_client()
    login(browser, staff, lang="en")
    assert browser.get(f"/en/staff/participation/export/jobs/{token}").status_code == 403
    staff_job = jobs.start(2025, "json", "fi", staff)
    db.session.commit()
    assert jobs.find(staff_job.token, staff) is staff_job
    assert jobs.find(staff_job.token, other_staff) is None
    assert jobs.find(token, staff) is None
    # Any coordinator may see another coordinator's job.
    second = UserFactory(email="second@city.example", role=Role.COORDINATOR)
    other_desk = app.test_client()
    login(other_desk, second, lang="en")
    assert other_desk.get(f"/en/staff/participation/export/jobs/{token}").status_code == 200


def test_jobs_older_than_a_day_are_deleted_when_a_new_one_starts(desk, coordinator, data):
    old = ExportJob(
        token="old-token-0123456789abcdef",
        year=2024,
        format="csv",
        language="fi",
        status="done",
        progress=100,
        step="done",
        content=b"old",
        requested_by_id=coordinator.id,
        created_at=utcnow() - timedelta(days=1, minutes=1),
    )
    recent = ExportJob(
        token="recent-token-0123456789abcdef",
        year=2024,
        format="csv",
        language="fi",
        status="done",
        progress=100,
        step="done",
        content=b"recent",
        requested_by_id=coordinator.id,
        created_at=utcnow() - timedelta(hours=23),
    )
    db.session.add_all([old, recent])
    db.session.commit()
    ask(desk, "json")
    tokens = set(db.session.scalars(select(ExportJob.token)))
    assert "old-token-0123456789abcdef" not in tokens
    assert "recent-token-0123456789abcdef" in tokens
    assert len(tokens) == 2


def test_an_invalid_choice_shows_the_form_again(desk, plan):
    response = desk.post(FORM, data={"year": "1990", "format": "pdf", "language": "en"})
    assert response.status_code == 400
    assert "Check these and try again" in text_of(response)
    assert db.session.scalar(select(func.count(ExportJob.id))) == 0
