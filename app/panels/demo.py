"""A demo customer panel for `flask demo load`: the library's panel, taking applications."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.auth.models import User
from app.core.types import utcnow
from app.discussion.models import AuthorKind, Post, Thread
from app.engagements.models import Engagement, Status
from app.eva.report import local
from app.extensions import db
from app.panels import forum, services
from app.panels.models import (
    ApplicationStatus,
    MeetingAttendance,
    PanelApplication,
    PanelMeeting,
    PanelMember,
    PanelStatement,
)
from app.plan import services as plan_services

DEMO_PANEL_ID = "kirjastoraati"

_AGES = ("18-29", "30-44", "45-64", "65-74", "75-plus", "30-44", "45-64", "18-29")
_LANGUAGES = ("fi", "fi", "sv", "fi", "fi", "other", "fi", "fi")


def _t(fi: str, sv: str, en: str) -> dict[str, str]:
    return {"fi": fi, "sv": sv, "en": en}


def load_demo_panel() -> Engagement | None:
    """Create the demo panel with sixteen made-up applicants unless it exists (no e-mails)."""
    if db.session.scalar(select(Engagement.id).where(Engagement.public_id == DEMO_PANEL_ID)):
        return None
    department = plan_services.department_by_code("kulttuuri-vapaa-aika")
    area = plan_services.focus_area_by_code("HK-07")
    if department is None or area is None:
        return None
    panel = services.create_panel(
        department,
        _t("Kirjaston asiakasraati", "Bibliotekets kundpanel", "The library's customer panel"),
        ["fi", "sv", "en"],
        [area],
        target_size=8,
    )
    engagement = panel.engagement
    engagement.public_id = DEMO_PANEL_ID
    engagement.summary = _t(
        "Suunnittele kanssamme, millainen kirjasto palvelee kaikkia kemiläisiä.",
        "Planera med oss ett bibliotek som betjänar alla i Kemi.",
        "Plan with us a library that serves everyone in Kemi.",
    )
    panel.purpose = _t(
        "Asiakasraati kertoo, mitä kirjaston pitäisi muuttaa: aukioloajat, tilat ja tapahtumat. "
        "Raati tapaa neljä kertaa vuodessa ja keskustelee verkossa välillä.",
        "Kundpanelen berättar vad biblioteket borde ändra: öppettider, lokaler och evenemang. "
        "Panelen träffas fyra gånger om året och diskuterar på nätet däremellan.",
        "The panel tells the library what to change: opening hours, rooms and events. It meets "
        "four times a year and talks online in between.",
    )
    panel.meeting_plan = _t(
        "Tapaamiset pääkirjastossa tiistaisin klo 17–19.",
        "Mötena är på huvudbiblioteket på tisdagar kl. 17–19.",
        "Meetings at the main library on Tuesdays from 5 to 7 pm.",
    )
    panel.compensation = _t(
        "Saat jokaisesta tapaamisesta 30 euron lahjakortin.",
        "Du får ett presentkort på 30 euro för varje möte.",
        "You get a 30 euro gift card for each meeting.",
    )
    today = local(utcnow()).date()
    panel.term_start = today + timedelta(days=45)
    panel.term_end = panel.term_start + timedelta(days=365)
    panel.quotas = {
        "age": {"18-29": 2, "30-44": 2, "45-64": 2, "65-74": 1, "75-plus": 1},
        "language": {"fi": 6, "sv": 1, "other": 1},
    }
    now = utcnow()
    engagement.opens_at = now - timedelta(days=3)
    engagement.closes_at = now + timedelta(days=30)
    engagement.status = Status.PUBLISHED
    for n in range(16):
        participant = services.participant_for(
            f"hakija{n + 1}@demo.osallistu.fi", f"Demo Hakija {n + 1}", "fi"
        )
        db.session.add(
            PanelApplication(
                panel_id=panel.id,
                participant_id=participant.id,
                bands={"age": _AGES[n % len(_AGES)], "language": _LANGUAGES[n % len(_LANGUAGES)]},
                motivation="Käyn kirjastossa joka viikko.",
                status=ApplicationStatus.APPLIED,
            )
        )
    db.session.flush()
    return engagement


DEMO_RUNNING_PANEL_ID = "nuorisoraati"
#: The demo members' addresses: jasen1@demo.osallistu.fi … (sign in at /fi/panel/sign-in;
#: the link is in the outbox, written as a file by `flask outbox send`).
DEMO_MEMBER_EMAIL = "jasen{n}@demo.osallistu.fi"
_MEMBERS = (
    ("Aino", "18-29", "fi"),
    ("Elias", "18-29", "fi"),
    ("Linnea", "18-29", "sv"),
    ("Onni", "30-44", "fi"),
    ("Sara", "30-44", "other"),
    ("Veikko", "45-64", "fi"),
)


def load_demo_running_panel() -> Engagement | None:
    """A youth services panel in its term: six members, a past meeting with attendance and
    minutes, a coming meeting, a forum discussion, and a published statement with the service's
    response. Nothing is e-mailed. Returns None when it exists or the plan is missing."""
    if db.session.scalar(
        select(Engagement.id).where(Engagement.public_id == DEMO_RUNNING_PANEL_ID)
    ):
        return None
    department = plan_services.department_by_code("sivistys")
    area = plan_services.focus_area_by_code("HK-07")
    if department is None or area is None:
        return None
    panel = services.create_panel(
        department,
        _t(
            "Nuorisopalvelujen asiakasraati", "Ungdomstjänsternas kundpanel", "Youth services panel"
        ),
        ["fi", "sv", "en"],
        [area],
        target_size=6,
    )
    engagement = panel.engagement
    engagement.public_id = DEMO_RUNNING_PANEL_ID
    engagement.summary = _t(
        "Nuoret ja vanhemmat suunnittelevat nuorisotilojen toimintaa.",
        "Unga och föräldrar planerar verksamheten i ungdomslokalerna.",
        "Young people and parents plan what happens in the youth centres.",
    )
    panel.purpose = _t(
        "Raati kertoo, mitä nuorisotiloissa pitäisi olla ja milloin niiden pitäisi olla auki.",
        "Rådet berättar vad som borde finnas i ungdomslokalerna och när de borde vara öppna.",
        "The panel tells us what the youth centres should offer and when they should be open.",
    )
    panel.meeting_plan = _t(
        "Tapaamiset nuorisotalolla kerran kuussa.",
        "Möten på ungdomsgården en gång i månaden.",
        "Meetings at the youth centre once a month.",
    )
    panel.compensation = _t(
        "Pizzaa ja elokuvalippu.", "Pizza och en biobiljett.", "Pizza and a cinema ticket."
    )
    panel.quotas = {"age": {"18-29": 3, "30-44": 2, "45-64": 1}}
    now = utcnow()
    today = local(now).date()
    panel.term_start = today - timedelta(days=60)
    panel.term_end = today + timedelta(days=300)
    engagement.opens_at = now - timedelta(days=100)
    engagement.closes_at = now - timedelta(days=70)
    engagement.status = Status.PUBLISHED
    members = []
    for n, (name, age, language) in enumerate(_MEMBERS, start=1):
        locale = "sv" if language == "sv" else "fi"
        participant = services.participant_for(DEMO_MEMBER_EMAIL.format(n=n), name, locale)
        application = PanelApplication(
            panel_id=panel.id,
            participant_id=participant.id,
            bands={"age": age, "language": language},
            motivation="Käyn nuorisotalolla.",
            status=ApplicationStatus.ACCEPTED,
            decided_at=now - timedelta(days=65),
        )
        db.session.add(application)
        db.session.flush()
        member = PanelMember(
            panel_id=panel.id,
            participant_id=participant.id,
            application_id=application.id,
            joined_at=now - timedelta(days=65),
            name_public=n <= 2,
        )
        db.session.add(member)
        members.append(member)
    db.session.flush()
    past = PanelMeeting(
        panel_id=panel.id,
        starts_at=now - timedelta(days=20),
        ends_at=now - timedelta(days=20) + timedelta(hours=2),
        place="Nuorisotalo, Kauppakatu 5",
        agenda=_t(
            "Tutustuminen ja aukioloajat.",
            "Vi bekantar oss, öppettider.",
            "Getting to know each other; opening hours.",
        ),
        minutes=_t(
            "Raati toivoi iltoja perjantaihin ja lauantaihin.",
            "Rådet önskade kvällar på fredagar och lördagar.",
            "The panel asked for evenings on Fridays and Saturdays.",
        ),
    )
    coming = PanelMeeting(
        panel_id=panel.id,
        starts_at=now + timedelta(days=10),
        ends_at=now + timedelta(days=10, hours=2),
        place="Nuorisotalo, Kauppakatu 5",
        online_url="https://meet.example.fi/nuorisoraati",
        agenda=_t("Kesän toiminta.", "Sommarens verksamhet.", "Activities in the summer."),
    )
    db.session.add_all([past, coming])
    db.session.flush()
    for member in members[:5]:
        db.session.add(MeetingAttendance(meeting_id=past.id, member_id=member.id))
    staff = db.session.scalar(select(User).where(User.email == "sivistys@demo.osallistu.fi"))
    thread = Thread(
        discussion=forum.forum(panel),
        title="Mitä kesällä?",
        locale="fi",
        author_kind=AuthorKind.STAFF,
        user_id=staff.id if staff else None,
    )
    db.session.add(thread)
    db.session.flush()
    first = Post(
        thread=thread,
        author_kind=AuthorKind.STAFF,
        author_name=staff.name if staff else "Nuorisopalvelut",
        user_id=staff.id if staff else None,
        body="Mitä nuorisotalolla pitäisi olla kesällä? Kirjoittakaa ideoita ennen tapaamista.",
        locale="fi",
        created_at=now - timedelta(days=5),
    )
    db.session.add(first)
    db.session.flush()
    db.session.add(
        Post(
            thread=thread,
            parent_id=first.id,
            author_kind=AuthorKind.MEMBER,
            author_name=members[0].participant.name,
            member_id=members[0].id,
            body="Ulkoilmaelokuvia ja skeittikoulu!",
            locale="fi",
            created_at=now - timedelta(days=4),
        )
    )
    db.session.add(
        PanelStatement(
            panel_id=panel.id,
            title=_t("Aukioloajat", "Öppettider", "Opening hours"),
            statement=_t(
                "Raati suosittelee, että nuorisotalo on auki "
                "perjantaisin ja lauantaisin klo 22 asti.",
                "Rådet rekommenderar att ungdomsgården är öppen "
                "på fredagar och lördagar till kl. 22.",
                "The panel recommends that the youth centre is "
                "open until 10 pm on Fridays and Saturdays.",
            ),
            statement_published_at=now - timedelta(days=15),
            response=_t(
                "Nuorisotalo on auki perjantaisin klo 22 "
                "asti 1.3. alkaen. Lauantait kokeillaan kesällä.",
                "Ungdomsgården är öppen på fredagar till kl. "
                "22 från 1.3. Lördagar prövas på sommaren.",
                "From 1 March the youth centre is open until "
                "10 pm on Fridays. Saturdays are tried in the summer.",
            ),
            decision_ref="Sivistyslautakunta 12.2., § 14",
            response_published_at=now - timedelta(days=8),
        )
    )
    db.session.flush()
    return engagement
