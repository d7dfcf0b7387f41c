"""Every feature's models, imported in one place for metadata and migrations."""

from app.auth.models import User
from app.core.audit import AuditLog
from app.core.mail import OutboxMessage
from app.core.settings import SiteSetting
from app.discussion.models import Discussion, Post, PostReport, Thread
from app.engagements.models import Engagement, Invitation, OutcomeSubscription
from app.eva.models import Alternative, AssessedArea, Assessment, Impact, ImpactArea
from app.panels.models import (
    MagicLink,
    MeetingAttendance,
    Panel,
    PanelApplication,
    PanelMeeting,
    PanelMember,
    PanelStatement,
    Participant,
    SelectionRun,
)
from app.participation.models import ExportJob, OfflineParticipation, PopulationGroup
from app.plan.models import Department, FocusArea, Plan, StrategicGoal
from app.privacy.models import DataRequest
from app.questionnaires.models import (
    Answer,
    Question,
    Questionnaire,
    QuestionnairePage,
    QuestionOption,
    ResponseDraft,
    ResultTally,
    Submission,
)

__all__ = [
    "SelectionRun",
    "Participant",
    "PanelStatement",
    "PanelMember",
    "PanelMeeting",
    "PanelApplication",
    "Panel",
    "MeetingAttendance",
    "MagicLink",
    "Alternative",
    "Answer",
    "AssessedArea",
    "Assessment",
    "AuditLog",
    "DataRequest",
    "Department",
    "Discussion",
    "Engagement",
    "ExportJob",
    "FocusArea",
    "Impact",
    "ImpactArea",
    "OfflineParticipation",
    "OutboxMessage",
    "Invitation",
    "OutcomeSubscription",
    "Plan",
    "PopulationGroup",
    "Post",
    "PostReport",
    "Question",
    "QuestionOption",
    "Questionnaire",
    "QuestionnairePage",
    "ResponseDraft",
    "ResultTally",
    "SiteSetting",
    "StrategicGoal",
    "Submission",
    "Thread",
    "User",
]
