"""Every feature's models, imported in one place for metadata and migrations."""

from app.auth.models import User
from app.core.audit import AuditLog
from app.core.mail import OutboxMessage
from app.plan.models import Department, FocusArea, Plan, StrategicGoal

__all__ = ["AuditLog", "Department", "FocusArea", "OutboxMessage", "Plan", "StrategicGoal", "User"]
