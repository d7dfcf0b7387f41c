"""A published customer panel of sivistys in fi/sv/en with members, for the staff pages where
the panel works (meetings, attendance, statements, members)."""

from __future__ import annotations

from datetime import UTC, datetime

from app.engagements.models import Status
from app.extensions import db
from app.panels import services
from app.panels.models import (
    ApplicationStatus,
    Panel,
    PanelApplication,
    PanelMeeting,
    PanelMember,
    Participant,
)
from app.plan import services as plan_services

PUBLIC_ID = "raati"
LANGS = ("fi", "sv", "en")


def base(lang: str = "en") -> str:
    return f"/{lang}/staff/panels/{PUBLIC_ID}/"


def t(fi: str, sv: str, en: str) -> dict[str, str]:
    return {"fi": fi, "sv": sv, "en": en}


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def make_panel() -> Panel:
    """Published (public audience), offered in fi, sv and en, with an age target."""
    panel = services.create_panel(
        plan_services.department_by_code("sivistys"),
        t("Kirjaston asiakasraati", "Bibliotekets kundpanel", "Library customer panel"),
        ["fi", "sv", "en"],
        [plan_services.focus_area_by_code("HK-07")],
        target_size=6,
    )
    panel.purpose = t("Raati neuvoo kirjastoa.", "Panelen ger råd.", "The panel advises.")
    panel.quotas = {"age": {"18-29": 3, "65-74": 3}}
    engagement = panel.engagement
    engagement.public_id = PUBLIC_ID
    engagement.status = Status.PUBLISHED
    engagement.opens_at = at(2025, 1, 1)
    engagement.closes_at = at(2025, 12, 31)
    db.session.commit()
    return panel


def add_member(
    panel: Panel,
    n: int,
    name: str | None = None,
    age: str = "18-29",
    joined_at: datetime | None = None,
    left_at: datetime | None = None,
) -> PanelMember:
    person = Participant(email=f"member{n}@example.org", name=name or f"Member {n}")
    db.session.add(person)
    db.session.flush()
    application = PanelApplication(
        panel_id=panel.id,
        participant_id=person.id,
        bands={"age": age},
        status=ApplicationStatus.ACCEPTED,
    )
    db.session.add(application)
    db.session.flush()
    member = PanelMember(
        panel_id=panel.id,
        participant_id=person.id,
        application_id=application.id,
        joined_at=joined_at or at(2025, 2, 1),
        left_at=left_at,
    )
    db.session.add(member)
    db.session.commit()
    return member


def add_meeting(panel: Panel, starts_at: datetime, **fields: object) -> PanelMeeting:
    meeting = PanelMeeting(panel_id=panel.id, starts_at=starts_at, **fields)
    db.session.add(meeting)
    db.session.commit()
    return meeting
