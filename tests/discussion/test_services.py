"""Discussion services: cleaning, posting rules, moderation and the read models."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from app.core.audit import AuditLog
from app.core.types import utcnow
from app.discussion import services
from app.discussion.models import AuthorKind, Post, PostReport, PostState
from app.discussion.services import DiscussionError
from app.engagements.models import Status
from app.extensions import db


def comment(hearing, body="Hyvä ajatus.", nickname="Maija", **kwargs) -> Post:
    post = services.post_comment(hearing, body, nickname, "fi", **kwargs)
    db.session.commit()
    return post


def test_clean_body_removes_control_characters_and_normalises_lines():
    raw = "  Hei\x00 maailma\x07\r\nrivi\ttab\rtoinen\u202e\n\n\n\n\n\nloppu   \n  "
    assert services.clean_body(raw) == "Hei maailma\nrivi\ttab\ntoinen\n\n\nloppu"


def test_clean_line_keeps_one_line():
    assert services.clean_line(" Maija\n\t Meikäläinen\x1b ") == "Maija Meikäläinen"


def test_post_is_visible_at_once_with_post_moderation(hearing):
    post = comment(hearing)
    assert post.state == PostState.VISIBLE
    assert post.author_kind == AuthorKind.RESIDENT
    assert post.author_name == "Maija"
    assert post.locale == "fi"
    assert post.thread.title == ""


def test_post_waits_with_pre_moderation(hearing):
    services.update_settings(hearing, True, True)
    assert comment(hearing).state == PostState.PENDING


def test_all_comments_go_to_one_thread(hearing):
    first, second = comment(hearing), comment(hearing, "Toinen kommentti.")
    assert first.thread_id == second.thread_id
    assert services.comment_thread(hearing).id == first.thread_id


@pytest.mark.parametrize(
    ("body", "reason"), [("x", "too_short"), ("  \x00 ", "too_short"), ("y" * 4001, "too_long")]
)
def test_length_is_checked_after_cleaning(hearing, body, reason):
    with pytest.raises(DiscussionError) as error:
        services.post_comment(hearing, body, "", "fi")
    assert error.value.reason == reason


def test_long_text_with_windows_line_breaks_fits_when_cleaned(hearing):
    body = "ab\r\n" * 1000  # 4000 characters as sent, 2999 + trailing when cleaned
    assert len(services.post_comment(hearing, body, "", "fi").body) == 2999


def test_nickname_is_cleaned_and_limited(hearing):
    assert services.post_comment(hearing, "Teksti", "  \x00", "fi").author_name == ""
    with pytest.raises(DiscussionError, match="nickname_too_long"):
        services.post_comment(hearing, "Teksti", "n" * 41, "fi")


def test_comments_are_refused_on_draft_closed_and_disabled_engagements(hearing):
    hearing.closed_at = utcnow()
    with pytest.raises(DiscussionError, match="closed"):
        services.post_comment(hearing, "Teksti", "", "fi")
    hearing.closed_at = None
    hearing.opens_at = utcnow() + timedelta(days=1)
    with pytest.raises(DiscussionError, match="closed"):
        services.post_comment(hearing, "Teksti", "", "fi")
    hearing.opens_at = None
    services.update_settings(hearing, False, False)
    with pytest.raises(DiscussionError, match="disabled"):
        services.post_comment(hearing, "Teksti", "", "fi")
    hearing.status = Status.DRAFT
    with pytest.raises(DiscussionError, match="not_published"):
        services.post_comment(hearing, "Teksti", "", "fi")
    assert db.session.scalar(select(Post.id)) is None


def test_replies_are_one_level_deep_and_only_to_visible_posts(hearing, staff):
    top = comment(hearing)
    reply = comment(hearing, "Vastaus", parent_id=top.id)
    assert reply.parent_id == top.id
    with pytest.raises(DiscussionError, match="bad_parent"):
        services.post_comment(hearing, "Vastaus vastaukseen", "", "fi", parent_id=reply.id)
    services.hide(top, "spam", staff)
    with pytest.raises(DiscussionError, match="bad_parent"):
        services.post_comment(hearing, "Vastaus", "", "fi", parent_id=top.id)
    with pytest.raises(DiscussionError, match="bad_parent"):
        services.post_comment(hearing, "Vastaus", "", "fi", parent_id=99999)


def test_staff_reply_is_visible_marked_and_under_the_top_post(hearing, staff):
    services.update_settings(hearing, True, True)  # pre-moderation does not hold staff back
    top = comment(hearing)
    services.approve(top, staff)
    resident_reply = comment(hearing, "Vastaus", parent_id=top.id)
    services.approve(resident_reply, staff)
    post = services.staff_reply(resident_reply, staff, "Kiitos palautteesta.", "fi")
    assert post.state == PostState.VISIBLE
    assert post.author_kind == AuthorKind.STAFF
    assert post.author_name == staff.name
    assert post.user_id == staff.id
    assert post.parent_id == top.id
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "discussion.post.reply"))


def test_moderation_changes_state_and_is_audited_without_personal_data(hearing, staff):
    post = comment(hearing, "Soita minulle 040 1234567", "Maija")
    services.report(post, "personal_data", "Puhelinnumero")
    services.hide(post, "personal_data", staff)
    assert post.state == PostState.HIDDEN
    assert post.hidden_reason == "personal_data"
    assert post.moderated_by_id == staff.id
    assert all(report.resolved_at for report in post.reports)
    services.show(post, staff)
    assert (post.state, post.hidden_reason) == (PostState.VISIBLE, None)
    with pytest.raises(DiscussionError, match="not_hidden"):
        services.show(post, staff)
    with pytest.raises(DiscussionError, match="not_pending"):
        services.approve(post, staff)
    with pytest.raises(DiscussionError, match="bad_reason"):
        services.hide(post, "ugly", staff)
    rows = db.session.scalars(select(AuditLog).where(AuditLog.action.like("discussion.%"))).all()
    assert [row.action for row in rows] == ["discussion.post.hide", "discussion.post.show"]
    for row in rows:
        assert row.target == f"posts:{post.id}"
        assert "040" not in str(row.details)
        assert "Maija" not in str(row.details)


def test_reports_only_on_visible_posts_with_a_known_reason_and_short_note(hearing, staff):
    post = comment(hearing)
    with pytest.raises(DiscussionError, match="bad_reason"):
        services.report(post, "boring")
    with pytest.raises(DiscussionError, match="note_too_long"):
        services.report(post, "spam", "n" * 1001)
    services.report(post, "spam", "n" * 1000)
    services.hide(post, "spam", staff)
    with pytest.raises(DiscussionError, match="not_visible"):
        services.report(post, "spam")


def test_resolving_reports_keeps_the_post(hearing, staff):
    post = comment(hearing)
    services.report(post, "offensive")
    services.report(post, "offensive", "Rumaa kieltä")
    services.report(post, "spam")
    queue = services.moderation_queue(hearing)
    assert [item.post.id for item in queue.reported] == [post.id]
    assert queue.reported[0].open_reports == 3
    assert queue.reported[0].reasons == [("offensive", 2), ("spam", 1)]
    assert queue.reported[0].notes == ["Rumaa kieltä"]
    assert services.resolve_reports(post, staff) == 3
    assert post.state == PostState.VISIBLE
    assert services.moderation_queue(hearing).reported == []
    with pytest.raises(DiscussionError, match="no_reports"):
        services.resolve_reports(post, staff)


def test_moderation_queue_lists_pending_and_every_post(hearing):
    visible = comment(hearing)
    services.update_settings(hearing, True, True)
    pending = comment(hearing, "Odottaa")
    queue = services.moderation_queue(hearing)
    assert [item.post.id for item in queue.pending] == [pending.id]
    assert [item.post.id for item in queue.posts] == [pending.id, visible.id]
    assert queue.counts == {"visible": 1, "pending": 1, "hidden": 0}


def test_comments_view_orders_posts_and_keeps_hidden_ones_as_a_notice(hearing, staff):
    first = comment(hearing, "Ensimmäinen")
    second = comment(hearing, "Toinen")
    reply_a = comment(hearing, "Vastaus A", parent_id=first.id)
    reply_b = comment(hearing, "Vastaus B", parent_id=first.id)
    services.hide(second, "off_topic", staff)
    services.update_settings(hearing, True, True)
    comment(hearing, "Odottava")  # pending: not shown
    db.session.commit()
    view = services.comments_view(hearing, "fi")
    assert [post.id for post in view.posts] == [second.id, first.id]
    assert view.posts[0].is_hidden
    assert view.posts[0].body == ""
    assert view.posts[0].hidden_reason == "off_topic"
    assert [reply.id for reply in view.posts[1].replies] == [reply_a.id, reply_b.id]
    assert view.visible_count == 3
    assert view.top_level_count == 2
    assert view.can_post
    assert view.premoderated


def test_comments_view_pages_top_level_posts(hearing):
    posts = [comment(hearing, f"Kommentti {n}") for n in range(5)]
    comment(hearing, "Vastaus", parent_id=posts[0].id)
    view = services.comments_view(hearing, "fi", page=3, per_page=2)
    assert (view.page, view.pages) == (3, 3)
    assert [post.id for post in view.posts] == [posts[0].id]
    assert len(view.posts[0].replies) == 1
    assert services.comments_view(hearing, "fi", page=99, per_page=2).page == 3


def test_comments_view_runs_two_statements_however_many_posts(app, hearing):
    for n in range(20):
        top = comment(hearing, f"Kommentti {n}")
        comment(hearing, "Vastaus", parent_id=top.id)
    db.session.expire_all()
    assert hearing.is_open()  # loads the engagement again, as a view has it loaded
    statements = []

    def count(*args, **kwargs):  # noqa: ANN002, ANN003
        statements.append(args[2])

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        view = services.comments_view(hearing, "fi")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(view.posts) == 20
    assert len(statements) <= 2


def test_engagement_without_discussion_has_no_comments(plan):
    from tests.discussion.conftest import build_hearing

    engagement = build_hearing(public_id="eikeskustelua")
    db.session.delete(services.discussion_for(engagement))
    db.session.commit()
    view = services.comments_view(engagement, "fi")
    assert not view.exists
    assert not view.can_post
    with pytest.raises(DiscussionError, match="disabled"):
        services.post_comment(engagement, "Teksti", "", "fi")


def test_settings_are_audited_when_changed(hearing):
    services.update_settings(hearing, True, False)  # unchanged
    services.update_settings(hearing, True, True)
    rows = db.session.scalars(select(AuditLog).where(AuditLog.action == "discussion.settings"))
    assert [row.details for row in rows] == [{"is_enabled": True, "premoderated": True}]


def test_post_of_ignores_other_engagements_posts(hearing):
    from tests.discussion.conftest import build_hearing

    other = build_hearing(public_id="toinen")
    post = comment(hearing)
    assert services.post_of(hearing, post.id) is post
    assert services.post_of(other, post.id) is None
    assert db.session.scalar(select(PostReport.id)) is None
