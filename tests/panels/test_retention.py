"""Panel members' personal data is removed after the panel's retention period, and only then:
names, e-mail addresses, motivations and sign-in links go; memberships and bands stay."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditLog
from app.core.mail import OutboxMessage
from app.core.types import utcnow
from app.extensions import db
from app.panels import magic, retention, services
from app.panels.models import (
    LinkPurpose,
    MagicLink,
    Panel,
    PanelApplication,
    PanelMember,
    Participant,
)
from app.panels.services import ApplicationInput
from tests.panels.test_polls import make_panel

TERM_END = date(2024, 6, 30)
#: The panel's default retention is 365 days: its data is kept through this day.
LAST_KEPT_DAY = TERM_END + timedelta(days=365)


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def apply(app, panel: Panel, n: int, motivation: str = "I want to help.") -> Participant:
    with app.test_request_context("/fi/"):
        application = services.apply(
            panel,
            ApplicationInput(
                email=f"person{n}@example.org",
                name=f"Person {n}",
                locale="fi",
                bands={"age": "18-29"},
                motivation=motivation,
                consent=True,
            ),
        )
        db.session.commit()
        return application.participant


@pytest.fixture
def panels(app, plan) -> dict[str, Panel]:
    """An old panel whose term ended in 2024 and a current one."""
    old = make_panel(app, "sivistys", {"fi": "Vanha raati", "sv": "Gammal", "en": "Old panel"})
    current = make_panel(app, "sivistys", {"fi": "Uusi raati", "sv": "Ny", "en": "New panel"})
    old.quotas = current.quotas = {"age": {"18-29": 2}}
    db.session.commit()
    return {"old": old, "current": current}


@pytest.fixture
def people(app, panels) -> dict[str, Participant]:
    """``only_old`` was in the old panel only; ``both`` is in the current panel too."""
    only_old = apply(app, panels["old"], 1)
    both = apply(app, panels["old"], 2)
    apply(app, panels["current"], 2, motivation="Still here.")
    magic.issue(only_old, LinkPurpose.SIGN_IN)
    magic.issue(only_old, LinkPurpose.ACCEPT, panels["old"].id)
    magic.issue(both, LinkPurpose.SIGN_IN)
    magic.issue(both, LinkPurpose.ACCEPT, panels["old"].id)
    magic.issue(both, LinkPurpose.ACCEPT, panels["current"].id)
    old_member = db.session.scalar(
        select(PanelMember).where(
            PanelMember.panel_id == panels["old"].id, PanelMember.participant_id == only_old.id
        )
    )
    services.leave(old_member)
    old = panels["old"]
    old.term_start = date(2023, 1, 1)
    old.term_end = TERM_END
    old.engagement.closes_at = datetime(2022, 12, 1, tzinfo=UTC)
    current = panels["current"]
    current.term_end = utcnow().date() + timedelta(days=365)
    db.session.commit()
    return {"only_old": only_old, "both": both}


def links_of(participant: Participant) -> list[tuple[str, int | None]]:
    return sorted(
        (link.purpose, link.panel_id)
        for link in db.session.scalars(
            select(MagicLink).where(MagicLink.participant_id == participant.id)
        )
    )


def motivations(panel: Panel) -> list[str]:
    return list(
        db.session.scalars(
            select(PanelApplication.motivation)
            .where(PanelApplication.panel_id == panel.id)
            .order_by(PanelApplication.id)
        )
    )


def snapshot() -> tuple:
    """Everything the purge may change."""
    db.session.expire_all()
    return (
        sorted(db.session.execute(select(Participant.id, Participant.name, Participant.email))),
        sorted(db.session.execute(select(PanelApplication.id, PanelApplication.motivation))),
        db.session.scalar(select(func.count(MagicLink.id))),
        db.session.scalar(select(func.count(OutboxMessage.id))),
        db.session.scalar(select(func.count(AuditLog.id))),
    )


def test_nothing_is_removed_during_the_retention_period(panels, people):
    before = snapshot()
    report = retention.purge_due(noon(LAST_KEPT_DAY))
    db.session.commit()
    assert report.panels == []
    assert not report.changed
    assert snapshot() == before
    assert retention.retention_ends(panels["old"]) == LAST_KEPT_DAY


def test_after_the_period_personal_data_goes_and_the_facts_stay(panels, people):
    only_old, both = people["only_old"], people["both"]
    members_before = sorted(
        db.session.execute(select(PanelMember.id, PanelMember.joined_at, PanelMember.left_at)).all()
    )
    report = retention.purge_due(noon(LAST_KEPT_DAY + timedelta(days=1)))
    db.session.commit()
    db.session.expire_all()

    assert report.panels == [panels["old"].id]
    assert report.motivations == 2
    assert report.participants == 1
    # only_old: both links; both: the old panel's link only.
    assert report.links == 3
    assert report.emails == 1  # the confirmation of only_old's application

    assert only_old.name == ""
    assert only_old.email == f"purged-{only_old.id}@invalid"
    assert links_of(only_old) == []
    assert not db.session.scalar(
        select(func.count()).where(OutboxMessage.to_address == "person1@example.org")
    )
    # Someone still in a panel within its retention keeps their name, address and other links.
    assert both.name == "Person 2"
    assert both.email == "person2@example.org"
    assert links_of(both) == sorted(
        [(LinkPurpose.SIGN_IN, None), (LinkPurpose.ACCEPT, panels["current"].id)]
    )
    assert motivations(panels["old"]) == ["", ""]
    assert motivations(panels["current"]) == ["Still here."]
    # Memberships, their dates and the bands stay for the records and the composition.
    members_after = sorted(
        db.session.execute(select(PanelMember.id, PanelMember.joined_at, PanelMember.left_at)).all()
    )
    assert members_after == members_before
    assert {app.bands["age"] for app in panels["old"].applications} == {"18-29"}

    (entry,) = db.session.scalars(select(AuditLog).where(AuditLog.action == "panel.purge"))
    assert entry.details == {
        "panels": [panels["old"].id],
        "motivations": 2,
        "links": 3,
        "participants": 1,
        "emails": 1,
    }


def test_purging_again_changes_nothing(panels, people):
    later = noon(LAST_KEPT_DAY + timedelta(days=30))
    retention.purge_due(later)
    db.session.commit()
    before = snapshot()
    again = retention.purge_due(later)
    db.session.commit()
    assert again.panels == [panels["old"].id]
    assert not again.changed
    assert (again.motivations, again.links, again.participants, again.emails) == (0, 0, 0, 0)
    assert snapshot() == before


def test_when_the_current_panel_ends_too_the_last_person_is_purged(panels, people):
    current = panels["current"]
    current.term_end = TERM_END + timedelta(days=10)
    db.session.commit()
    report = retention.purge_due(noon(LAST_KEPT_DAY + timedelta(days=11)))
    db.session.commit()
    db.session.expire_all()
    assert sorted(report.panels) == sorted([panels["old"].id, current.id])
    assert report.participants == 2
    assert people["both"].email == f"purged-{people['both'].id}@invalid"
    assert db.session.scalar(select(func.count(MagicLink.id))) == 0


def test_without_a_term_end_the_closing_of_applications_counts(panels, people):
    old = panels["old"]
    old.term_end = None
    db.session.commit()
    assert retention.retention_ends(old) == date(2022, 12, 1) + timedelta(days=365)
    old.engagement.closes_at = None
    db.session.commit()
    assert retention.retention_ends(old) is None
    assert old.id not in retention.purge_due(noon(date(2030, 1, 1))).panels


def test_a_longer_retention_keeps_the_data_longer(panels, people):
    panels["old"].engagement.retention_days = 800
    db.session.commit()
    assert retention.purge_due(noon(LAST_KEPT_DAY + timedelta(days=1))).panels == []


def test_the_command_prints_counts_and_dry_run_changes_nothing(runner, panels, people):
    before = snapshot()
    dry = runner.invoke(args=["panels", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Panels past their retention period: 1." in dry.output
    assert "People whose name and e-mail address were removed: 1." in dry.output
    assert "Dry run: nothing was changed." in dry.output
    assert snapshot() == before

    done = runner.invoke(args=["panels", "purge"])
    assert done.exit_code == 0, done.output
    assert "Motivations removed: 2." in done.output
    assert "Sign-in links removed: 3." in done.output
    assert "Dry run" not in done.output
    assert "person1@example.org" not in done.output
    db.session.expire_all()
    assert people["only_old"].email.endswith("@invalid")

    again = runner.invoke(args=["panels", "purge"])
    assert "People whose name and e-mail address were removed: 0." in again.output
    assert "--dry-run" in runner.invoke(args=["panels", "purge", "--help"]).output
