"""Fixtures for discussions: a published, open EVA hearing with comments on."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.types import utcnow
from app.discussion import services
from app.engagements.models import Engagement, Kind, Status
from app.engagements.services import create_engagement
from app.extensions import db
from app.plan import services as plan_services
from tests.conftest import login

HEARING_ID = "kuuleminen"


def t(fi: str, sv: str, en: str) -> dict[str, str]:
    return {"fi": fi, "sv": sv, "en": en}


def build_hearing(
    kind: Kind = Kind.EVA, public_id: str = HEARING_ID, department: str = "sivistys"
) -> Engagement:
    """A published, open fi/sv/en engagement with its discussion (comments on, post-moderated)."""
    engagement = create_engagement(
        kind,
        plan_services.department_by_code(department),
        t("Koulukirjastojen yhdistäminen", "Sammanslagning av skolbibliotek", "Merging libraries"),
        ["fi", "sv", "en"],
        [plan_services.focus_area_by_code("HK-05")],
    )
    engagement.public_id = public_id
    engagement.summary = t("Kerro mielipiteesi.", "Berätta vad du tycker.", "Tell us.")
    engagement.status = Status.PUBLISHED
    engagement.opens_at = utcnow() - timedelta(days=1)
    engagement.closes_at = utcnow() + timedelta(days=30)
    services.discussion_for(engagement, create=True)
    db.session.flush()
    return engagement


@pytest.fixture
def hearing(plan) -> Engagement:
    engagement = build_hearing()
    db.session.commit()
    return engagement


@pytest.fixture
def desk(app, staff):
    """A client signed in as staff of the hearing's department (sivistys)."""
    client = app.test_client()
    login(client, staff, lang="en")
    return client
