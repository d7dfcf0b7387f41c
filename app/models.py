"""Every feature's models, imported in one place for metadata and migrations."""

from app.auth.models import User
from app.core.audit import AuditLog
from app.core.mail import OutboxMessage
from app.engagements.models import Engagement, Invitation, OutcomeSubscription
from app.plan.models import Department, FocusArea, Plan, StrategicGoal
from app.questionnaires.models import (
    Answer,
    Question,
    Questionnaire,
    QuestionnairePage,
    QuestionOption,
    ResponseDraft,
    Submission,
)

__all__ = [
    "Answer",
    "AuditLog",
    "Department",
    "Engagement",
    "FocusArea",
    "OutboxMessage",
    "Invitation",
    "OutcomeSubscription",
    "Plan",
    "Question",
    "QuestionOption",
    "Questionnaire",
    "QuestionnairePage",
    "ResponseDraft",
    "StrategicGoal",
    "Submission",
    "User",
]
