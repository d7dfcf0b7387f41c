"""Demo participation for the records: offline entries and responses on the demo survey.

`flask demo load` calls :func:`load_demo_participation` after the other demos, so the
coordinator's dashboard, the plan table and the reach page have numbers to show.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from app.engagements import background
from app.engagements.models import Engagement, Status
from app.extensions import db
from app.participation import offline
from app.participation.models import OfflineParticipation
from app.questionnaires import synthetic
from app.questionnaires.demo import DEMO_PUBLIC_ID
from app.questionnaires.models import Submission

#: Made-up responses added when the demo survey has fewer than :data:`FEW_RESPONSES`.
DEMO_RESPONSES = 30
FEW_RESPONSES = 10
DEMO_SEED = 2025
#: Channels of the made-up responses: the offline entries stand for the events.
RESPONSE_CHANNELS = ("web", "paper")

#: Age bands and postal areas of the made-up responses, and how many have each.
DEMO_AGES: tuple[tuple[str, int], ...] = (
    ("30-44", 8),
    ("45-64", 7),
    ("18-29", 5),
    ("65-74", 5),
    ("under-18", 1),
    ("75-plus", 1),
)
DEMO_AREAS: tuple[tuple[str, int], ...] = (
    ("94100", 9),
    ("94200", 7),
    ("94300", 5),
    ("94400", 3),
    ("94500", 2),
    ("94830", 1),
)

#: (days before today, channel, people, language, note) of the demo's offline entries.
DEMO_ENTRIES: tuple[tuple[int, str, int, str, str], ...] = (
    (20, "event", 40, "fi", "Työpaja pääkirjastossa: aukioloajat ja omatoimikirjasto"),
    (6, "event", 25, "", "Koulukäynti: Kirkkopuiston koulun 8. luokat"),
)


def _day(days_ago: int) -> date:
    """``days_ago`` days before today, but in this year and not before it."""
    today = offline.today()
    return max(today - timedelta(days=days_ago), date(today.year, 1, 1))


def _bands() -> list[dict[str, str]]:
    """Background bands for the made-up responses, in a shuffled but fixed order.

    Planned rather than drawn, so that some age bands and postal areas reach the minimum group
    size of the reach page and others stay below it (suppressed), and a few responses have none.
    """
    known_areas = {code for code, _name in background.postal_areas()}
    ages = [code for code, times in DEMO_AGES for _ in range(times)]
    areas = [code for code, times in DEMO_AREAS for _ in range(times)]
    genders = [code for code, _label in background.GENDERS]
    bands = []
    for number, (age, area) in enumerate(zip(ages, areas, strict=True)):
        band = {"age": age, "gender": genders[number % len(genders)]}
        if area in known_areas:
            band["area"] = area
        bands.append(band)
    bands += [{}] * (DEMO_RESPONSES - len(bands))
    random.Random(DEMO_SEED).shuffle(bands)  # noqa: S311 (made-up data, not secrets)
    return bands


def _responses(engagement: Engagement) -> int:
    """Made-up web and paper responses with background bands when the survey has few; returns
    how many were added."""
    count = db.session.scalar(
        select(func.count(Submission.id)).where(Submission.engagement_id == engagement.id)
    )
    if count >= FEW_RESPONSES:
        return 0
    first = db.session.scalar(select(func.max(Submission.id))) or 0
    synthetic.generate_responses(engagement, DEMO_RESPONSES, seed=DEMO_SEED, days=30)
    added = db.session.scalars(
        select(Submission)
        .where(Submission.engagement_id == engagement.id, Submission.id > first)
        .order_by(Submission.id)
    ).all()
    for number, (submission, bands) in enumerate(zip(added, _bands(), strict=True)):
        # The generator spreads responses over every channel; here the offline entries are the
        # events, so the responses came online or on paper.
        if submission.channel not in RESPONSE_CHANNELS:
            submission.channel = RESPONSE_CHANNELS[number % len(RESPONSE_CHANNELS)]
        submission.demographics = bands
    db.session.flush()
    return len(added)


def load_demo_participation() -> bool:
    """Offline entries (a workshop with 40 people, a school visit with 25) and, when the demo
    survey has fewer than ten responses, thirty made-up ones with background bands.

    Does nothing, and returns False, when the demo survey is missing or unpublished or already
    has an offline entry. Flushes; the caller commits.
    """
    engagement = db.session.scalar(select(Engagement).where(Engagement.public_id == DEMO_PUBLIC_ID))
    if engagement is None or engagement.status != Status.PUBLISHED:
        return False
    if db.session.scalar(
        select(OfflineParticipation.id).where(OfflineParticipation.engagement_id == engagement.id)
    ):
        return False
    for days_ago, channel, people, language, note in DEMO_ENTRIES:
        offline.add(
            engagement,
            _day(days_ago),
            channel,
            people,
            language if language in engagement.languages else "",
            note,
            None,
        )
    _responses(engagement)
    return True
