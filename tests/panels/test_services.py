"""Customer panels: applications, the lottery's draw and invitations, accepting and declining by
magic link, reserves stepping in, open panels."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.mail import OutboxMessage
from app.core.types import utcnow
from app.engagements.models import Status
from app.extensions import db
from app.panels import magic, services
from app.panels.models import ApplicationStatus, LinkPurpose, MagicLink, PanelMember
from app.panels.services import ApplicationInput, PanelError
from app.plan import services as plan_services
from tests.conftest import text_of


@pytest.fixture
def panel(app, plan):
    with app.test_request_context("/fi/"):
        made = services.create_panel(
            plan_services.department_by_code("kulttuuri-vapaa-aika"),
            {"fi": "Kirjaston asiakasraati", "sv": "Bibliotekets kundpanel", "en": "Library panel"},
            ["fi", "sv", "en"],
            [plan_services.focus_area_by_code("HK-07")],
            target_size=4,
        )
        made.quotas = {"age": {"18-29": 2, "65-74": 2}}
        engagement = made.engagement
        engagement.status = Status.PUBLISHED
        engagement.opens_at = utcnow() - timedelta(days=1)
        engagement.closes_at = utcnow() + timedelta(days=30)
        db.session.commit()
        return made


def person(n: int, age: str, **overrides: object) -> ApplicationInput:
    values = {
        "email": f"Person{n}@Example.org",
        "name": f"Person {n}",
        "locale": "fi",
        "bands": {"age": age},
        "motivation": "I use the library every week.",
        "consent": True,
    }
    values.update(overrides)
    return ApplicationInput(**values)


def apply_all(app, panel, people) -> list:
    with app.test_request_context("/fi/"):
        made = [services.apply(panel, data) for data in people]
        db.session.commit()
        return made


def outbox(to: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == to)))


def link_in(message: OutboxMessage) -> str:
    return re.search(r"/panel/invitation/(\S+)", message.body_text).group(1)


def test_application_is_stored_with_bands_and_confirmed_by_email(app, panel):
    (application,) = apply_all(app, panel, [person(1, "18-29")])
    assert application.status == ApplicationStatus.APPLIED
    assert application.bands == {"age": "18-29"}
    assert application.participant.email == "person1@example.org"
    (message,) = outbox("person1@example.org")
    assert "Kirjaston asiakasraati" in message.subject


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"name": " "}, "name_missing"),
        ({"email": "not an address"}, "email_invalid"),
        ({"bands": {"age": "200-300"}}, "band_invalid"),
        ({"consent": False}, "consent_missing"),
        ({"motivation": "x" * 2001}, "motivation_too_long"),
    ],
)
def test_bad_applications_are_refused_with_a_reason(app, panel, overrides, reason):
    with app.test_request_context("/fi/"), pytest.raises(PanelError) as refused:
        services.apply(panel, person(1, "18-29", **overrides))
    assert refused.value.reason == reason


def test_applying_twice_is_refused(app, panel):
    apply_all(app, panel, [person(1, "18-29")])
    with app.test_request_context("/fi/"), pytest.raises(PanelError) as refused:
        services.apply(panel, person(1, "65-74"))
    assert refused.value.reason == "already_applied"


def test_a_closed_panel_takes_no_applications(app, panel):
    panel.engagement.closed_at = utcnow()
    db.session.commit()
    with app.test_request_context("/fi/"), pytest.raises(PanelError) as refused:
        services.apply(panel, person(1, "18-29"))
    assert refused.value.reason == "closed"


def test_draw_meets_the_quotas_and_can_be_repeated_from_what_it_stored(app, panel):
    young = [person(n, "18-29") for n in range(6)]
    old = [person(n, "65-74") for n in range(6, 9)]
    apply_all(app, panel, young + old)
    run = services.draw(panel, None, seed=42)
    db.session.commit()
    chosen = [db.session.get(services.PanelApplication, i) for i in run.result["selected"]]
    assert len(chosen) == 4
    assert sorted(app.bands["age"] for app in chosen) == ["18-29", "18-29", "65-74", "65-74"]
    assert len(run.result["reserves"]) == 5
    again = services.repeat(run)
    assert list(again.selected) == run.result["selected"]
    assert list(again.reserves) == run.result["reserves"]


def test_invitations_go_out_only_when_the_draw_is_applied(app, panel):
    panel.target_size = 2
    apply_all(app, panel, [person(n, "18-29") for n in range(3)])
    run = services.draw(panel, None, seed=1)
    db.session.commit()
    invitations = (
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.subject.contains("valittiin"))
    )
    assert db.session.scalar(invitations) == 0
    with app.test_request_context("/fi/"):
        services.apply_draw(run, None)
        db.session.commit()
    statuses = sorted(str(app.status) for app in panel.applications)
    assert statuses == ["invited", "invited", "reserve"]
    with pytest.raises(PanelError):
        services.draw(panel, None)


def test_accepting_by_link_makes_a_member_and_the_link_works_once(app, client, panel):
    apply_all(app, panel, [person(1, "18-29"), person(2, "65-74")])
    run = services.draw(panel, None, seed=3)
    with app.test_request_context("/fi/"):
        services.apply_draw(run, None)
    db.session.commit()
    token = link_in(outbox("person1@example.org")[-1])
    page = client.get(f"/fi/panel/invitation/{token}")
    assert page.status_code == 200
    assert "Kirjaston asiakasraati" in text_of(page)
    answered = client.post(f"/fi/panel/invitation/{token}", data={"answer": "accept"})
    assert answered.status_code == 302
    assert answered.headers["Location"] == "/fi/panel/invitation/answered"
    assert client.get(answered.headers["Location"]).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(PanelMember)) == 1
    assert client.get(f"/fi/panel/invitation/{token}").status_code == 410


def test_declining_invites_the_reserve_who_keeps_the_quotas(app, client, panel):
    panel.target_size = 2
    panel.quotas = {"age": {"18-29": 1, "65-74": 1}}
    db.session.commit()
    apply_all(
        app,
        panel,
        [person(1, "18-29"), person(2, "65-74"), person(3, "18-29"), person(4, "65-74")],
    )
    run = services.draw(panel, None, seed=5)
    with app.test_request_context("/fi/"):
        services.apply_draw(run, None)
    db.session.commit()
    old_invited = next(
        app
        for app in panel.applications
        if app.status == ApplicationStatus.INVITED and app.bands["age"] == "65-74"
    )
    token = link_in(outbox(old_invited.participant.email)[-1])
    client.post(f"/fi/panel/invitation/{token}", data={"answer": "decline"})
    db.session.expire_all()
    assert old_invited.status == ApplicationStatus.DECLINED
    invited = [app for app in panel.applications if app.status == ApplicationStatus.INVITED]
    assert sorted(app.bands["age"] for app in invited) == ["18-29", "65-74"]
    promoted = next(app for app in invited if app.bands["age"] == "65-74")
    assert outbox(promoted.participant.email)[-1].subject.startswith("Sinut valittiin")


def test_expired_and_unknown_links_do_not_work(app, client, panel):
    apply_all(app, panel, [person(1, "18-29")])
    participant = panel.applications[0].participant
    token = magic.issue(participant, LinkPurpose.ACCEPT, panel.id)
    link = db.session.scalar(select(MagicLink))
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(magic.LinkError) as refused:
        magic.use(token, LinkPurpose.ACCEPT)
    assert refused.value.reason == "expired"
    assert client.get("/fi/panel/invitation/nonsense").status_code == 410


def test_only_the_hash_of_a_link_is_stored(app, panel):
    apply_all(app, panel, [person(1, "18-29")])
    token = magic.issue(panel.applications[0].participant, LinkPurpose.SIGN_IN, panel.id)
    stored = db.session.scalar(select(MagicLink.token_hash))
    assert token not in stored
    assert len(stored) == 64


def test_in_an_open_panel_applicants_join_at_once(app, panel):
    panel.is_open = True
    db.session.commit()
    apply_all(app, panel, [person(1, "18-29")])
    assert panel.applications[0].status == ApplicationStatus.ACCEPTED
    assert db.session.scalar(select(func.count()).select_from(PanelMember)) == 1
    with pytest.raises(PanelError) as refused:
        services.draw(panel, None)
    assert refused.value.reason == "open_panel"
