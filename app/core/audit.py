"""The audit log: who changed what, and when. Every staff change writes a row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.types import UTCDateTime, utcnow
from app.extensions import db


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The staff user who acted; empty for command-line and system actions.
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Dotted verb, e.g. ``user.invite`` or ``plan.edit``.
    action: Mapped[str] = mapped_column(String(80), index=True)
    #: What was acted on: ``<table>:<id or code>``.
    target: Mapped[str] = mapped_column(String(120), default="")
    #: Changed fields and other context; never passwords or tokens.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def record(action: str, target: str = "", actor_id: int | None = None, **details: Any) -> AuditLog:
    """Add an audit row to the session; the caller's commit makes it permanent."""
    if actor_id is None and has_request_context() and current_user.is_authenticated:
        actor_id = current_user.id
    entry = AuditLog(action=action, target=target, actor_id=actor_id, details=details)
    db.session.add(entry)
    return entry
