"""Hand-built participation data with known numbers, for the records tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.discussion.models import AuthorKind, Discussion, Post, PostState, Thread
from app.engagements.models import Engagement, Kind, OutcomeSubscription, Status
from app.extensions import db
from app.participation.models import OfflineParticipation
from app.plan import services as plan_services
from app.questionnaires.models import Questionnaire, Submission, new_code


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def engagement(
    public_id: str,
    department: str,
    areas: tuple[str, ...],
    opens: datetime,
    closes: datetime,
    kind: Kind = Kind.SURVEY,
    status: Status = Status.PUBLISHED,
    audience: str = "public",
    **fields: object,
) -> Engagement:
    item = Engagement(
        public_id=public_id,
        kind=kind,
        department=plan_services.department_by_code(department),
        title={"fi": f"{public_id} fi", "sv": f"{public_id} sv", "en": f"{public_id} en"},
        languages=["fi", "sv", "en"],
        status=status,
        audience=audience,
        opens_at=opens,
        closes_at=closes,
        focus_areas=[plan_services.focus_area_by_code(code) for code in areas],
        **fields,
    )
    db.session.add(item)
    db.session.flush()
    db.session.add(Questionnaire(engagement_id=item.id))
    db.session.flush()
    return item


def responses(
    item: Engagement,
    count: int,
    when: datetime,
    channel: str = "web",
    locale: str = "fi",
    demographics: dict[str, str] | None = None,
) -> None:
    questionnaire = db.session.query(Questionnaire).filter_by(engagement_id=item.id).one()
    for _ in range(count):
        db.session.add(
            Submission(
                questionnaire_id=questionnaire.id,
                engagement_id=item.id,
                channel=channel,
                locale=locale,
                receipt_code=new_code(),
                demographics=demographics or {},
                submitted_at=when,
            )
        )
    db.session.flush()


def comments(
    item: Engagement,
    authors: list[str],
    when: datetime,
    locale: str = "fi",
    state: PostState = PostState.VISIBLE,
    kind: AuthorKind = AuthorKind.RESIDENT,
) -> None:
    discussion = db.session.query(Discussion).filter_by(engagement_id=item.id).one_or_none()
    if discussion is None:
        discussion = Discussion(engagement_id=item.id)
        db.session.add(discussion)
        db.session.flush()
        db.session.add(Thread(discussion_id=discussion.id))
        db.session.flush()
    thread = discussion.threads[0]
    for author in authors:
        db.session.add(
            Post(
                thread_id=thread.id,
                author_kind=kind,
                author_name=author,
                body="Hello",
                locale=locale,
                state=state,
                created_at=when,
            )
        )
    db.session.flush()


def offline(
    item: Engagement, people: int, held_on: date, channel: str = "event", language: str = "fi"
) -> None:
    db.session.add(
        OfflineParticipation(
            engagement_id=item.id,
            held_on=held_on,
            channel=channel,
            participants=people,
            language=language,
            note="Workshop",
        )
    )
    db.session.flush()


def subscribers(item: Engagement, count: int, notified: int) -> None:
    for i in range(count):
        db.session.add(
            OutcomeSubscription(
                engagement_id=item.id,
                email=f"person{i}@example.org",
                locale="fi",
                notified_at=at(2025, 12, 1) if i < notified else None,
            )
        )
    db.session.flush()


def year_2025() -> dict[str, Engagement]:
    """A small year with known numbers (see tests/participation/test_records.py)."""
    library = engagement(
        "library",
        "kulttuuri-vapaa-aika",
        ("HK-05", "SA-06"),
        at(2025, 3, 1),
        at(2025, 4, 30),
        outcome={"fi": "Tehtiin"},
        outcome_published_at=at(2025, 6, 1),
        decision_ref="KH 1 §",
    )
    responses(library, 10, at(2025, 3, 10), "web", "fi")
    responses(library, 3, at(2025, 3, 11), "web", "sv")
    responses(library, 5, at(2025, 4, 2), "paper", "fi")
    offline(library, 40, date(2025, 4, 5))
    subscribers(library, 2, 2)
    school = engagement(
        "school", "sivistys", ("HK-01",), at(2025, 9, 1), at(2025, 10, 15), kind=Kind.EVA
    )
    responses(school, 7, at(2025, 9, 20), "web", "fi")
    comments(school, ["Anna", "Anna", "Ben"], at(2025, 9, 21))
    comments(school, ["Spam"], at(2025, 9, 21), state=PostState.HIDDEN)
    comments(school, ["Staff"], at(2025, 9, 22), kind=AuthorKind.STAFF)
    subscribers(school, 1, 0)
    # Opened in 2024, answered in both years: only the 2025 answers count for 2025.
    roads = engagement("roads", "tekniset-palvelut", ("SA-03",), at(2024, 11, 1), at(2025, 1, 31))
    responses(roads, 4, at(2024, 12, 1))
    responses(roads, 2, at(2025, 1, 10), "phone", "fi")
    # Not counted: a draft, and an engagement of 2026 only.
    engagement("draft", "sivistys", ("HK-01",), at(2025, 2, 1), at(2025, 3, 1), status=Status.DRAFT)
    later = engagement("later", "sivistys", ("HK-01",), at(2026, 2, 1), at(2026, 3, 1))
    responses(later, 6, at(2026, 2, 2))
    # Held in 2025 with nobody taking part yet.
    quiet = engagement("quiet", "kanslia", ("EK-02",), at(2025, 12, 1), at(2026, 1, 31))
    db.session.commit()
    return {"library": library, "school": school, "roads": roads, "later": later, "quiet": quiet}
