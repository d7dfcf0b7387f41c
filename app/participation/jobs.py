"""Participation exports as background jobs, with a status page instead of a request timing out.

:func:`start` adds the job (the view commits), :func:`launch` runs it after the commit: in a
daemon thread with its own app context and session, or inside the request when the config says
``EXPORT_JOBS_INLINE`` (tests). :func:`run` records each step's progress and keeps the finished
file in the job row for a day. A job that has been queued or running for more than ten minutes
shows as failed (its process was stopped, say, by a restart).
"""

from __future__ import annotations

import io
import logging
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from app.core.auth import Role
from app.core.types import utcnow
from app.extensions import db
from app.participation import export
from app.participation.models import ExportJob
from app.participation.records import parse_year

log = logging.getLogger(__name__)

#: A job queued or running longer than this is taken to have died.
STALE_AFTER = timedelta(minutes=10)
#: Jobs (and their files) older than this are deleted when a new job starts.
KEEP_FOR = timedelta(days=1)


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


#: Step code → what the status page says. The percentages come from the writer.
STEP_LABELS = {
    "queued": _l("Waiting to start"),
    "records": _l("Counting participation"),
    "reach": _l("Comparing participants with the population"),
    "writing": _l("Writing the file"),
    "done": _l("The file is ready"),
    "failed": _l("The export failed"),
}
ERROR_LABELS = {
    "export_failed": _l("Something went wrong while making the file. Try again."),
    "timed_out": _l("The export stopped before it was finished. Try again."),
}


class ExportJobError(Exception):
    """The job cannot be started as asked; ``reason`` is a code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class JobState:
    """What the status page shows of a job."""

    status: JobStatus
    progress: int
    step: str
    step_label: str
    error: str
    error_label: str

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


def state(job: ExportJob, now: datetime | None = None) -> JobState:
    """The job's status as shown: queued or running for too long counts as failed."""
    now = now or utcnow()
    status = JobStatus(job.status)
    step, error = job.step, job.error
    if status not in (JobStatus.DONE, JobStatus.FAILED) and job.created_at < now - STALE_AFTER:
        status, step, error = JobStatus.FAILED, "failed", "timed_out"
    if status == JobStatus.FAILED:
        step, error = "failed", error or "export_failed"
    return JobState(
        status=status,
        progress=100 if status == JobStatus.DONE else job.progress,
        step=step,
        step_label=str(STEP_LABELS.get(step, step)),
        error=error,
        error_label=str(ERROR_LABELS.get(error, ERROR_LABELS["export_failed"])) if error else "",
    )


def start(year: int, fmt: str, language: str, user: Any) -> ExportJob:
    """Add a queued export job of ``user`` and its audit row; flush, the caller commits.

    Jobs older than a day are deleted first, their files with them.
    """
    if parse_year(str(year)) is None:
        raise ExportJobError("bad_year")
    try:
        export.check(fmt, language)
    except export.ExportError as error:
        raise ExportJobError(error.reason) from error
    db.session.execute(delete(ExportJob).where(ExportJob.created_at < utcnow() - KEEP_FOR))
    job = ExportJob(
        token=secrets.token_urlsafe(24),
        year=year,
        format=fmt,
        language=language,
        status=JobStatus.QUEUED,
        progress=0,
        step="queued",
        requested_by_id=getattr(user, "id", None),
    )
    db.session.add(job)
    export.audit_export(year, fmt, language, getattr(user, "id", None))
    db.session.flush()
    return job


def find(token: str, user: Any) -> ExportJob | None:
    """The job behind ``token`` if ``user`` may see it: its requester or any coordinator."""
    job = db.session.scalar(select(ExportJob).where(ExportJob.token == token))
    if job is None or user is None:
        return None
    if job.requested_by_id == user.id or user.role == Role.COORDINATOR:
        return job
    return None


def content(job: ExportJob) -> bytes | None:
    """The finished file (loaded only now: the status page never reads it)."""
    if job.status != JobStatus.DONE:
        return None
    return job.content


def launch(job_id: int) -> None:
    """Run a committed job: inline when ``EXPORT_JOBS_INLINE``, else in a daemon thread."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("EXPORT_JOBS_INLINE"):
        run(job_id, app)
        return
    threading.Thread(
        target=run, args=(job_id, app), name=f"export-job-{job_id}", daemon=True
    ).start()


def run(job_id: int, app: Flask | None = None) -> None:
    """Make the job's file in an app context and session of its own, noting each step."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    with app.app_context():
        try:
            _run(job_id)
        finally:
            db.session.remove()


def _run(job_id: int) -> None:
    job = db.session.get(ExportJob, job_id)
    if job is None or job.status != JobStatus.QUEUED:
        return
    job.status = JobStatus.RUNNING
    job.step, job.progress = "records", 5
    db.session.commit()

    def progress(step: str, percent: int) -> None:
        job.step, job.progress = step, percent
        db.session.commit()

    buffer = io.BytesIO()
    try:
        export.write(job.year, job.format, job.language, buffer, progress)
    except Exception:
        log.exception("participation export job %s failed", job_id)
        db.session.rollback()
        job = db.session.get(ExportJob, job_id)
        if job is None:
            return
        job.status, job.step, job.error = JobStatus.FAILED, "failed", "export_failed"
        job.finished_at = utcnow()
        db.session.commit()
        return
    job.content = buffer.getvalue()
    job.filename = export.filename(job.year, job.format)
    job.status, job.step, job.progress = JobStatus.DONE, "done", 100
    job.finished_at = utcnow()
    db.session.commit()
