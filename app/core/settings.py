"""Site settings the coordinator controls: one row per key, its value as JSON.

Features define their keys and defaults (``plainlang.confirm_below``) and read them with
:func:`get_setting`; a key without a row has the feature's default, so a new setting needs no
migration. :func:`set_setting` writes the audit row with the change.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core import audit
from app.core.types import UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.auth.models import User


class SiteSetting(db.Model):
    __tablename__ = "site_settings"

    #: Dotted name owned by a feature, e.g. ``plainlang.confirm_below``.
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    #: Any JSON value; the owning feature checks it when reading.
    value: Mapped[Any] = mapped_column(JSON, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: Who saved the value last; empty for command-line changes or a deleted user.
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )


def get_setting(key: str, default: Any = None) -> Any:
    """The saved value of ``key``, or ``default`` when nobody has saved one."""
    setting = db.session.get(SiteSetting, key)
    return default if setting is None else setting.value


def set_setting(key: str, value: Any, user: User | None) -> SiteSetting:
    """Save ``value`` under ``key`` and audit the change. Flushes; the caller commits."""
    setting = db.session.get(SiteSetting, key)
    old = None if setting is None else setting.value
    if setting is None:
        setting = SiteSetting(key=key)
        db.session.add(setting)
    setting.value = value
    setting.updated_by_id = user.id if user is not None else None
    setting.updated_at = utcnow()
    audit.record(
        "setting.change",
        f"site_settings:{key}",
        actor_id=setting.updated_by_id,
        old=old,
        new=value,
    )
    db.session.flush()
    return setting
