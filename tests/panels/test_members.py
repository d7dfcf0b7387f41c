"""Panel members sign in with a magic link and take part in the members-only forum."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.mail import OutboxMessage
from app.core.types import utcnow
from app.discussion.models import Post, PostReport, PostState, Thread
from app.discussion.services import discussion_for
from app.engagements.models import Status
from app.extensions import db
from app.panels import forum, membership, services
from app.panels.models import (
    ApplicationStatus,
    MagicLink,
    PanelApplication,
    PanelMember,
    Participant,
)
from app.plan import services as plan_services
from config import Testing
from tests.conftest import KEMI_PLAN, login, running_app, text_of

PUBLIC_ID = "raati"


def t(fi: str, sv: str, en: str) -> dict[str, str]:
    return {"fi": fi, "sv": sv, "en": en}


class RateLimited(Testing):
    RATELIMIT_ENABLED = True


@pytest.fixture
def panel(app, plan):
    """A published library panel in its term."""
    return build_panel()


def build_panel():
    made = services.create_panel(
        plan_services.department_by_code("sivistys"),
        t("Kirjaston asiakasraati", "Bibliotekets kundråd", "Library customer panel"),
        ["fi", "sv", "en"],
        [plan_services.focus_area_by_code("HK-07")],
        target_size=8,
    )
    made.purpose = t("Raati kertoo toiveista.", "Rådet berättar.", "The panel tells us.")
    made.term_start = utcnow().date() - timedelta(days=30)
    made.term_end = utcnow().date() + timedelta(days=300)
    engagement = made.engagement
    engagement.public_id = PUBLIC_ID
    engagement.status = Status.PUBLISHED
    engagement.opens_at = utcnow() - timedelta(days=60)
    engagement.closes_at = utcnow() - timedelta(days=31)
    db.session.commit()
    return made


def add_member(panel, n: int, name: str | None = None, locale: str = "fi") -> PanelMember:
    person = Participant(email=f"member{n}@example.org", name=name or f"Member {n}", locale=locale)
    db.session.add(person)
    db.session.flush()
    application = PanelApplication(
        panel_id=panel.id,
        participant_id=person.id,
        bands={"age": "18-29"},
        status=ApplicationStatus.ACCEPTED,
    )
    db.session.add(application)
    db.session.flush()
    member = PanelMember(panel_id=panel.id, participant_id=person.id, application_id=application.id)
    db.session.add(member)
    db.session.commit()
    return member


def sign_in_as(client, member: PanelMember) -> None:
    with client.session_transaction() as session:
        session[membership.SESSION_KEY] = {"id": member.participant_id, "at": time.time()}


def link_from_last_email(to: str) -> str:
    message = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == to)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None
    match = re.search(r"https?://[^/\s]+(/\S+/panel/sign-in/\S+)", message.body_text)
    assert match, message.body_text
    return match.group(1)


def emails_to(address: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address))
    )


# --- signing in ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_sign_in_page_renders_in_every_language(client, panel, lang):
    response = client.get(f"/{lang}/panel/sign-in")
    assert response.status_code == 200
    assert f'lang="{lang}"' in response.get_data(as_text=True)
    assert 'type="email"' in response.get_data(as_text=True)


def test_member_signs_in_with_the_emailed_link_once(client, panel):
    member = add_member(panel, 1, locale="en")
    response = client.post("/en/panel/sign-in", data={"email": " Member1@Example.org "})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/panel/sign-in/sent")
    link = link_from_last_email("member1@example.org")
    assert db.session.scalar(select(MagicLink.token_hash)) not in link  # only the hash is stored

    # Opening the link does not use it up (mail scanners open links); the button does.
    assert client.get(link).status_code == 200
    response = client.post(link, data={})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/panel/")
    page = client.get("/en/panel/")
    assert "Library customer panel" in text_of(page)
    assert client.get(f"/en/panel/{PUBLIC_ID}/").status_code == 200

    # The same link does not work twice.
    client.post("/en/panel/sign-out", data={})
    again = client.post(link, data={})
    assert again.status_code == 410
    assert "Ask for a new sign-in link" in text_of(again)
    assert member.left_at is None


def test_unknown_address_gets_the_same_answer_and_no_email(client, panel):
    response = client.post("/en/panel/sign-in", data={"email": "stranger@example.org"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/panel/sign-in/sent")
    assert emails_to("stranger@example.org") == []


def test_applicant_who_is_not_a_member_gets_no_link(client, panel):
    member = add_member(panel, 2)
    member.left_at = utcnow()
    db.session.commit()
    client.post("/en/panel/sign-in", data={"email": "member2@example.org"})
    assert emails_to("member2@example.org") == []


def test_bad_address_is_refused_with_a_message_and_kept(client, panel):
    response = client.post("/en/panel/sign-in", data={"email": "not an address"})
    assert response.status_code == 422
    text = text_of(response)
    assert "Check these and try again" in text
    assert 'value="not an address"' in response.get_data(as_text=True)


def test_expired_link_does_not_sign_in(client, panel):
    add_member(panel, 3, locale="en")
    client.post("/en/panel/sign-in", data={"email": "member3@example.org"})
    link = link_from_last_email("member3@example.org")
    db.session.execute(db.update(MagicLink).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    response = client.post(link, data={})
    assert response.status_code == 410
    assert "expired" in text_of(response)
    assert client.get("/en/panel/").status_code == 302


def test_signed_out_visitor_is_sent_to_sign_in(client, panel):
    response = client.get(f"/en/panel/{PUBLIC_ID}/")
    assert response.status_code == 302
    assert "/en/panel/sign-in" in response.headers["Location"]


def test_old_sign_in_expires(client, panel):
    member = add_member(panel, 4)
    with client.session_transaction() as session:
        session[membership.SESSION_KEY] = {
            "id": member.participant_id,
            "at": time.time() - membership.SIGN_IN_LIFETIME.total_seconds() - 60,
        }
    assert client.get(f"/en/panel/{PUBLIC_ID}/").status_code == 302


def test_member_of_another_panel_is_refused(client, panel, plan):
    other = services.create_panel(
        plan_services.department_by_code("kulttuuri-vapaa-aika"),
        t("Nuorisoraati", "Ungdomsråd", "Youth panel"),
        ["fi", "sv", "en"],
        [],
    )
    other.engagement.status = Status.PUBLISHED
    db.session.commit()
    outsider = add_member(other, 5)
    sign_in_as(client, outsider)
    assert client.get(f"/en/panel/{PUBLIC_ID}/").status_code == 403
    assert client.get(f"/en/panel/{PUBLIC_ID}/forum/new").status_code == 403


def test_staff_sign_in_is_not_a_member_sign_in(client, panel, staff):
    login(client, staff)
    response = client.get(f"/en/panel/{PUBLIC_ID}/")
    assert response.status_code == 302


def test_accepting_an_invitation_signs_the_new_member_in(client, panel):
    person = Participant(email="chosen@example.org", name="Chosen", locale="en")
    db.session.add(person)
    db.session.flush()
    application = PanelApplication(
        panel_id=panel.id, participant_id=person.id, bands={}, status=ApplicationStatus.APPLIED
    )
    db.session.add(application)
    db.session.flush()
    services._invite(application)  # noqa: SLF001
    db.session.commit()
    message = emails_to("chosen@example.org")[-1]
    link = re.search(r"https?://[^/\s]+(/\S+/panel/invitation/\S+)", message.body_text).group(1)
    response = client.post(link, data={"answer": "accept"})
    assert response.status_code == 302
    answered = client.get(response.headers["Location"])
    assert "Welcome to the customer panel" in text_of(answered)
    assert client.get(f"/en/panel/{PUBLIC_ID}/").status_code == 200
    # Reloading the answer page does not answer again, and the link is used up.
    assert client.get(response.headers["Location"]).status_code == 200
    assert client.post(link, data={"answer": "decline"}).status_code == 410


# --- the panel's page and settings ----------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "title", "forum_word"),
    [
        ("fi", "Kirjaston asiakasraati", "Forum"),
        ("sv", "Bibliotekets kundråd", "Forum"),
        ("en", "Library customer panel", "Forum"),
    ],
)
def test_member_page_renders_in_every_language(client, panel, lang, title, forum_word):
    sign_in_as(client, add_member(panel, 6))
    response = client.get(f"/{lang}/panel/{PUBLIC_ID}/")
    assert response.status_code == 200
    assert title in text_of(response)
    assert response.headers["Cache-Control"] == "private, no-store"


def test_member_turns_thread_emails_off_and_names_public_on(client, panel):
    member = add_member(panel, 7)
    sign_in_as(client, member)
    response = client.post(f"/en/panel/{PUBLIC_ID}/settings", data={"name_public": "y"})
    assert response.status_code == 302
    db.session.refresh(member)
    assert member.notify_threads is False
    assert member.name_public is True


def test_member_leaves_after_confirming(client, panel):
    member = add_member(panel, 8)
    sign_in_as(client, member)
    page = client.get(f"/en/panel/{PUBLIC_ID}/leave")
    assert "Yes, I leave the panel" in text_of(page)
    response = client.post(f"/en/panel/{PUBLIC_ID}/leave", data={})
    assert response.status_code == 302
    db.session.refresh(member)
    assert member.left_at is not None
    assert client.get(f"/en/panel/{PUBLIC_ID}/").status_code == 403


# --- the forum -----------------------------------------------------------------------------


def test_member_starts_a_thread_and_others_get_an_email(client, panel):
    author = add_member(panel, 10, name="Aino")
    reader = add_member(panel, 11, locale="sv")
    quiet = add_member(panel, 12)
    quiet.notify_threads = False
    db.session.commit()
    sign_in_as(client, author)
    response = client.post(
        f"/fi/panel/{PUBLIC_ID}/forum/new",
        data={"title": "Aukioloajat", "body": "Kirjasto voisi olla auki sunnuntaisin."},
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "Kirjasto voisi olla auki sunnuntaisin." in text_of(page)
    assert "Aino" in text_of(page)
    assert len(emails_to(reader.participant.email)) == 1
    assert "Aukioloajat" in emails_to(reader.participant.email)[0].body_text
    assert emails_to(quiet.participant.email) == []
    assert emails_to(author.participant.email) == []
    thread = db.session.scalar(select(Thread).where(Thread.title == "Aukioloajat"))
    assert thread.member_id == author.id


def test_thread_form_rejects_empty_title_and_keeps_the_text(client, panel):
    sign_in_as(client, add_member(panel, 13))
    response = client.post(
        f"/en/panel/{PUBLIC_ID}/forum/new", data={"title": "  ", "body": "My text stays."}
    )
    assert response.status_code == 422
    assert "Write a title." in text_of(response)
    assert "My text stays." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Thread.id))) == 0


def test_member_replies_and_text_is_escaped(client, panel, staff):
    member = add_member(panel, 14)
    thread, first = forum.start_thread(panel, "Tervetuloa", "Esittäytykää!", "fi", user=staff)
    db.session.commit()
    sign_in_as(client, member)
    url = f"/en/panel/{PUBLIC_ID}/forum/{thread.id}"
    response = client.post(
        url, data={"body": "<script>alert(1)</script> Hei!", "parent_id": first.id}
    )
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Hei!" in page
    reply = db.session.scalar(select(Post).where(Post.member_id == member.id))
    assert reply.parent_id == first.id
    assert "Staff" in page  # the staff member's post is marked


def test_member_edits_own_post_within_the_window_only(client, panel):
    member = add_member(panel, 15)
    other = add_member(panel, 16)
    thread, post = forum.start_thread(panel, "Aihe", "Ensimmäinen versio", "fi", member=member)
    db.session.commit()
    sign_in_as(client, other)
    assert client.get(f"/en/panel/{PUBLIC_ID}/forum/posts/{post.id}/edit").status_code == 404
    sign_in_as(client, member)
    edit = f"/en/panel/{PUBLIC_ID}/forum/posts/{post.id}/edit"
    assert "Ensimmäinen versio" in client.get(edit).get_data(as_text=True)
    assert client.post(edit, data={"body": "Korjattu versio"}).status_code == 302
    db.session.refresh(post)
    assert post.body == "Korjattu versio"
    assert post.edited_at is not None
    post.created_at = utcnow() - forum.EDIT_WINDOW - timedelta(minutes=1)
    db.session.commit()
    response = client.post(edit, data={"body": "Liian myöhään"})
    assert response.status_code == 302
    db.session.refresh(post)
    assert post.body == "Korjattu versio"


def test_member_reports_a_post_to_the_moderation_queue(client, panel, staff):
    member = add_member(panel, 17)
    writer = add_member(panel, 18)
    thread, post = forum.start_thread(panel, "Aihe", "Asiaton viesti", "fi", member=writer)
    db.session.commit()
    sign_in_as(client, member)
    response = client.post(
        f"/en/panel/{PUBLIC_ID}/forum/posts/{post.id}/report", data={"reason": "offensive"}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(PostReport.id))) == 1
    login(client, staff, lang="en")
    queue = client.get(f"/en/staff/engagements/{PUBLIC_ID}/discussion")
    assert queue.status_code == 200
    assert "Asiaton viesti" in text_of(queue)


def test_premoderated_forum_holds_member_posts_and_emails_after_approval(client, panel, staff):
    discussion = forum.forum(panel)
    discussion.premoderated = True
    writer = add_member(panel, 19)
    reader = add_member(panel, 20)
    db.session.commit()
    sign_in_as(client, writer)
    client.post(f"/en/panel/{PUBLIC_ID}/forum/new", data={"title": "Odottaa", "body": "Teksti"})
    post = db.session.scalar(select(Post).where(Post.member_id == writer.id))
    assert post.state == PostState.PENDING
    assert emails_to(reader.participant.email) == []
    sign_in_as(client, reader)
    thread_page = client.get(f"/en/panel/{PUBLIC_ID}/forum/{post.thread_id}")
    assert "Teksti" not in text_of(thread_page)
    login(client, staff, lang="en")
    response = client.post(
        f"/en/staff/engagements/{PUBLIC_ID}/discussion/posts/{post.id}/approve", data={}
    )
    assert response.status_code == 302
    db.session.refresh(post)
    assert post.state == PostState.VISIBLE
    assert len(emails_to(reader.participant.email)) == 1


def test_forum_closes_when_the_term_has_ended(client, panel):
    member = add_member(panel, 21)
    panel.term_end = utcnow().date() - timedelta(days=1)
    db.session.commit()
    sign_in_as(client, member)
    response = client.post(
        f"/en/panel/{PUBLIC_ID}/forum/new", data={"title": "Myöhään", "body": "Teksti"}
    )
    assert response.status_code == 422
    assert "does not take new messages" in text_of(response)
    assert db.session.scalar(select(func.count(Thread.id))) == 0


def test_posting_is_rate_limited():
    for _app in running_app(RateLimited):
        plan_services.import_plan(KEMI_PLAN.read_text(encoding="utf-8"))
        panel = build_panel()
        member = add_member(panel, 22)
        thread, _post = forum.start_thread(panel, "Aihe", "Alku", "fi", member=member)
        db.session.commit()
        client = _app.test_client()
        sign_in_as(client, member)
        statuses = [
            client.post(
                f"/en/panel/{PUBLIC_ID}/forum/{thread.id}", data={"body": f"Viesti {n}"}
            ).status_code
            for n in range(8)
        ]
        assert statuses[:5] == [302] * 5
        assert statuses[5] == 429
        assert db.session.scalar(select(func.count(Post.id))) == 6


def test_opt_out_link_stops_thread_emails_without_signing_in(client, panel, staff):
    member = add_member(panel, 23, locale="en")
    forum.start_thread(panel, "Aihe", "Teksti", "fi", user=staff)
    db.session.commit()
    body = emails_to(member.participant.email)[0].body_text
    link = re.search(r"https?://[^/\s]+(/\S+/notifications/\S+)", body).group(1)
    assert "Stop the e-mails" in text_of(client.get(link))
    client.post(link, data={})
    db.session.refresh(member)
    assert member.notify_threads is False
    tampered = link[:-3] + "xyz"
    assert client.get(tampered).status_code == 404


# --- staff in the forum --------------------------------------------------------------------


def test_staff_start_a_thread_and_reply_marked_as_staff(client, panel, staff):
    member = add_member(panel, 24)
    login(client, staff, lang="en")
    base = f"/en/staff/panels/{PUBLIC_ID}/forum"
    assert client.get(base).status_code == 200
    response = client.post(base, data={"title": "Kokouksen aineisto", "body": "Lukekaa liite."})
    assert response.status_code == 302
    thread = db.session.scalar(select(Thread).where(Thread.title == "Kokouksen aineisto"))
    assert thread.user_id == staff.id
    response = client.post(response.headers["Location"], data={"body": "Lisäys."})
    assert response.status_code == 302
    assert len(emails_to(member.participant.email)) == 1
    assert discussion_for(panel.engagement) is not None


def test_staff_of_another_department_and_members_cannot_use_staff_forum(client, panel, other_staff):
    base = f"/en/staff/panels/{PUBLIC_ID}/forum"
    member = add_member(panel, 25)
    sign_in_as(client, member)
    assert client.get(base).status_code in (302, 401, 403)
    login(client, other_staff, lang="en")
    assert client.get(base).status_code == 403
    assert client.post(base, data={"title": "X", "body": "Y"}).status_code == 403
