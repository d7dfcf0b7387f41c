"""Staff moderate a hearing's comments: settings, queue, hide, show, approve, reply, resolve."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.audit import AuditLog
from app.discussion import services
from app.discussion.models import AuthorKind, Discussion, Post, PostState
from app.engagements.models import Engagement, Kind
from app.extensions import db
from app.plan import services as plan_services
from tests.conftest import (
    KEMI_PLAN,
    PASSWORD,
    CsrfOn,
    UserFactory,
    department,
    login,
    running_app,
    text_of,
)
from tests.discussion.conftest import HEARING_ID, build_hearing

PAGE = f"/en/staff/engagements/{HEARING_ID}/discussion"
PUBLIC = f"/en/e/{HEARING_ID}/comments"


def resident_post(hearing, body="A comment from a resident.", **kwargs) -> Post:
    post = services.post_comment(hearing, body, "Maija", "en", **kwargs)
    db.session.commit()
    return post


def actions(post: Post) -> str:
    return f"{PAGE}/posts/{post.id}"


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_moderation_page_opens_in_every_language(app, staff, hearing, lang):
    client = app.test_client()
    login(client, staff, lang=lang)
    response = client.get(f"/{lang}/staff/engagements/{HEARING_ID}/discussion")
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.get_data(as_text=True)


def test_moderation_page_shows_the_queue_and_every_post(desk, hearing, staff):
    services.update_settings(hearing, True, True)
    waiting = resident_post(hearing, "Waiting for a moderator.")
    services.approve(shown := resident_post(hearing, "Reported comment."), staff)
    services.report(shown, "offensive", "Calls names.")
    services.report(shown, "offensive")
    db.session.commit()
    page = text_of(desk.get(PAGE))
    assert "1 comment waits for approval" in page
    assert "1 reported comment" in page
    assert "2 open reports: Offensive or hateful (2)" in page
    assert "Calls names." in page
    assert "Shown: 1. Waiting for approval: 1. Hidden: 0." in page
    html = desk.get(PAGE).get_data(as_text=True)
    assert f'id="p-post-{waiting.id}"' in html
    assert f'id="r-post-{shown.id}"' in html
    assert f'id="post-{shown.id}"' in html


def test_settings_turn_comments_and_pre_moderation_on_and_off(desk, hearing):
    response = desk.post(f"{PAGE}/settings", data={"is_enabled": "y", "premoderated": "y"})
    assert response.status_code == 302
    assert response.headers["Location"] == PAGE
    discussion = services.discussion_for(hearing)
    assert (discussion.is_enabled, discussion.premoderated) == (True, True)
    desk.post(f"{PAGE}/settings", data={})
    db.session.refresh(discussion)
    assert (discussion.is_enabled, discussion.premoderated) == (False, False)
    assert "The comment settings are saved." in text_of(desk.get(PAGE))
    actions_logged = db.session.scalars(
        select(AuditLog.action).where(AuditLog.action == "discussion.settings")
    ).all()
    assert len(actions_logged) == 2


def test_settings_create_the_discussion_of_an_engagement_without_one(desk, plan):
    engagement = build_hearing(kind=Kind.SURVEY, public_id="kysely")
    db.session.delete(services.discussion_for(engagement))
    db.session.commit()
    url = "/en/staff/engagements/kysely/discussion"
    assert 'id="is_enabled" name="is_enabled" type="checkbox"' in desk.get(url).get_data(
        as_text=True
    )  # shown off: no discussion yet
    desk.post(f"{url}/settings", data={"is_enabled": "y"})
    assert services.discussion_for(engagement).is_enabled
    assert desk.get("/en/e/kysely/comments").status_code == 200


def test_hiding_a_comment_shows_the_notice_to_residents(desk, client, hearing):
    post = resident_post(hearing, "My neighbour Pekka Virtanen is wrong.")
    response = desk.post(f"{actions(post)}/hide", data={"reason": "personal_data"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{PAGE}#post-{post.id}"
    db.session.refresh(post)
    assert (post.state, post.hidden_reason) == (PostState.HIDDEN, "personal_data")
    page = text_of(client.get(PUBLIC))
    assert "A moderator hid this comment because it contained personal data." in page
    assert "Pekka Virtanen" not in page
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "discussion.post.hide"))
    assert audit.details["reason"] == "personal_data"
    assert "Pekka" not in str(audit.details)


def test_hiding_needs_a_known_reason(desk, hearing):
    post = resident_post(hearing)
    desk.post(f"{actions(post)}/hide", data={"reason": "boring"})
    db.session.refresh(post)
    assert post.state == PostState.VISIBLE
    assert "Choose a reason." in text_of(desk.get(PAGE))


def test_show_brings_a_hidden_comment_back(desk, client, hearing, staff):
    post = resident_post(hearing, "Back again.")
    services.hide(post, "spam", staff)
    db.session.commit()
    assert desk.post(f"{actions(post)}/show").status_code == 302
    db.session.refresh(post)
    assert post.state == PostState.VISIBLE
    assert "Back again." in text_of(client.get(PUBLIC))
    desk.post(f"{actions(post)}/show")
    assert "The comment is not hidden." in text_of(desk.get(PAGE))


def test_approving_publishes_a_waiting_comment(desk, client, hearing):
    services.update_settings(hearing, True, True)
    post = resident_post(hearing, "Please publish me.")
    assert "Please publish me." not in text_of(client.get(PUBLIC))
    assert desk.post(f"{actions(post)}/approve").status_code == 302
    db.session.refresh(post)
    assert post.state == PostState.VISIBLE
    assert "Please publish me." in text_of(client.get(PUBLIC))
    assert "The comment is published." in text_of(desk.get(PAGE))


def test_rejecting_a_waiting_comment_hides_it(desk, hearing):
    services.update_settings(hearing, True, True)
    post = resident_post(hearing)
    desk.post(f"{actions(post)}/hide", data={"reason": "spam"})
    db.session.refresh(post)
    assert post.state == PostState.HIDDEN


def test_resolving_reports_keeps_the_comment_and_empties_the_queue(desk, hearing):
    post = resident_post(hearing)
    services.report(post, "spam")
    db.session.commit()
    assert desk.post(f"{actions(post)}/resolve").status_code == 302
    db.session.refresh(post)
    assert post.state == PostState.VISIBLE
    assert all(report.resolved_at for report in post.reports)
    page = text_of(desk.get(PAGE))
    assert "The reports are marked as handled." in page
    assert "Nothing waits for a moderator." in page


def test_staff_reply_is_published_at_once_and_marked_as_staff(desk, client, hearing, staff):
    services.update_settings(hearing, True, True)
    post = resident_post(hearing)
    services.approve(post, staff)
    db.session.commit()
    response = desk.post(f"{actions(post)}/reply", data={"body": "We will check this."})
    assert response.status_code == 302
    reply = db.session.scalar(select(Post).where(Post.parent_id == post.id))
    assert (reply.author_kind, reply.state, reply.user_id) == (
        AuthorKind.STAFF,
        PostState.VISIBLE,
        staff.id,
    )
    html = client.get(PUBLIC).get_data(as_text=True)
    assert f'<strong>{staff.name}</strong> <span class="badge badge-staff">Staff</span>' in html
    assert "We will check this." in html


def test_too_long_staff_reply_is_refused_with_the_text_kept(desk, hearing):
    post = resident_post(hearing)
    text = "x" * 4001
    response = desk.post(f"{actions(post)}/reply", data={"body": text})
    assert response.status_code == 422
    page = text_of(response)
    assert "Check these and try again:" in page
    assert "Your text has 4001 characters." in page
    assert text in response.get_data(as_text=True)
    assert db.session.scalar(select(Post).where(Post.parent_id == post.id)) is None


def test_staff_cannot_reply_to_a_waiting_comment(desk, hearing):
    services.update_settings(hearing, True, True)
    post = resident_post(hearing)
    response = desk.post(f"{actions(post)}/reply", data={"body": "Too early."})
    assert response.status_code == 422
    assert "Publish the comment before you reply to it." in text_of(response)


def test_post_of_another_engagement_is_not_found(desk, hearing, plan):
    other = build_hearing(public_id="toinen")
    db.session.commit()
    post = resident_post(other)
    for action in ("hide", "show", "approve", "resolve", "reply"):
        response = desk.post(f"{PAGE}/posts/{post.id}/{action}", data={"reason": "spam"})
        assert response.status_code == 404, action
    db.session.refresh(post)
    assert post.state == PostState.VISIBLE


def test_panel_forum_is_moderated_here_with_a_way_back_to_the_forum(desk, plan):
    build_hearing(kind=Kind.PANEL, public_id="raati")
    db.session.commit()
    response = desk.get("/en/staff/engagements/raati/discussion")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'href="/en/staff/panels/raati/forum"' in html
    # The forum is members-only: no link to a public comments page, which panels don't have.
    assert "/e/raati/comments" not in html
    assert "See the comments as residents see them" not in html
    assert "Public comments" not in html


def test_a_hearing_links_to_its_public_comments(desk, hearing):
    html = desk.get(PAGE).get_data(as_text=True)
    assert f'href="/en/e/{hearing.public_id}/comments"' in html
    assert "Public comments" in html


def test_other_department_staff_are_refused(app, other_staff, hearing):
    post = resident_post(hearing)
    client = app.test_client()
    login(client, other_staff)
    assert client.get(PAGE).status_code == 403
    for action in ("hide", "show", "approve", "resolve", "reply"):
        response = client.post(f"{actions(post)}/{action}", data={"reason": "spam", "body": "x"})
        assert response.status_code == 403, action
    assert client.post(f"{PAGE}/settings", data={}).status_code == 403
    db.session.refresh(post)
    assert post.state == PostState.VISIBLE
    assert db.session.scalar(select(Discussion.is_enabled))


def test_residents_are_sent_to_sign_in(client, hearing):
    post = resident_post(hearing)
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/en/login?next=")
    response = client.post(f"{actions(post)}/hide", data={"reason": "spam"})
    assert response.status_code == 302
    db.session.refresh(post)
    assert post.state == PostState.VISIBLE


def test_coordinator_moderates_every_department(app, coordinator, hearing):
    client = app.test_client()
    login(client, coordinator)
    assert client.get(PAGE).status_code == 200


@pytest.fixture
def csrf_app():
    for app in running_app(CsrfOn):
        plan_services.import_plan(KEMI_PLAN.read_text(encoding="utf-8"))
        build_hearing()
        db.session.commit()
        yield app


def test_staff_actions_need_the_csrf_token(csrf_app):
    user = UserFactory(email="mod@city.example", department=department("sivistys"))
    client = csrf_app.test_client()
    page = client.get("/en/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    signed_in = client.post(
        "/en/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 302
    moderation_page = client.get(PAGE)
    assert moderation_page.status_code == 200
    assert 'name="csrf_token"' in moderation_page.get_data(as_text=True)
    hearing = db.session.scalar(select(Engagement).where(Engagement.public_id == HEARING_ID))
    post = services.post_comment(hearing, "A comment.", "", "en")
    db.session.commit()
    for action in ("hide", "show", "approve", "resolve", "reply"):
        response = client.post(f"{actions(post)}/{action}", data={"reason": "spam", "body": "Hi"})
        assert response.status_code == 400, action
    assert client.post(f"{PAGE}/settings", data={}).status_code == 400
    db.session.refresh(post)
    assert post.state == PostState.VISIBLE
    assert services.discussion_for(hearing).is_enabled
