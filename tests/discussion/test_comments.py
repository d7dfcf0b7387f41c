"""Residents read, write, answer and report comments on a hearing."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string
from sqlalchemy import func, select

from app.core.types import utcnow
from app.discussion import services
from app.discussion.models import Post, PostReport, PostState
from app.engagements.models import Engagement, Kind, Status
from app.extensions import db
from app.plan import services as plan_services
from config import Testing
from tests.conftest import KEMI_PLAN, CsrfOn, running_app, text_of
from tests.discussion.conftest import HEARING_ID, build_hearing

URL = f"/en/e/{HEARING_ID}/comments"


def send(client, body="A good plan.", nickname="Maija", url=URL, **extra):
    return client.post(url, data={"body": body, "nickname": nickname, **extra})


def posts() -> list[Post]:
    return list(db.session.scalars(select(Post).order_by(Post.id)))


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_comments_page_opens_in_every_language(client, hearing, lang):
    response = client.get(f"/{lang}/e/{HEARING_ID}/comments")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert 'name="body"' in html
    assert 'name="nickname"' in html


def test_comments_page_shows_the_form_with_labels_and_a_hidden_trap(client, hearing):
    html = client.get(URL).get_data(as_text=True)
    assert '<label for="nickname">Nickname</label>' in html
    assert '<label for="body">Your comment</label>' in html
    trap = re.search(r"<div hidden>(.*?)</div>", html, re.S)
    assert trap is not None
    assert 'name="website"' in trap.group(1)
    assert "No comments yet." in text_of(client.get(URL))


def test_unknown_draft_panel_and_discussionless_engagements_have_no_comments_page(client, hearing):
    assert client.get("/en/e/nothing/comments").status_code == 404
    draft = build_hearing(public_id="luonnos")
    draft.status = Status.DRAFT
    build_hearing(kind=Kind.PANEL, public_id="raati")
    bare = build_hearing(public_id="paljas")
    db.session.delete(services.discussion_for(bare))
    db.session.commit()
    for public_id in ("luonnos", "raati", "paljas"):
        assert client.get(f"/en/e/{public_id}/comments").status_code == 404, public_id
        assert send(client, url=f"/en/e/{public_id}/comments").status_code == 404, public_id
    assert posts() == []


def test_a_survey_with_a_discussion_takes_comments_too(client, plan):
    build_hearing(kind=Kind.SURVEY, public_id="kysely")
    db.session.commit()
    assert send(client, url="/en/e/kysely/comments").status_code == 302
    assert len(posts()) == 1


def test_posting_shows_the_comment_at_once_with_post_moderation(client, hearing):
    response = send(client)
    post = posts()[0]
    assert response.status_code == 302
    assert response.headers["Location"] == f"{URL}#post-{post.id}"
    page = text_of(client.get(URL))
    assert "Thank you. Your comment is published." in page
    assert "Maija" in page
    assert "A good plan." in page
    assert "1 comment" in page
    assert post.locale == "en"


def test_with_pre_moderation_the_comment_waits_and_the_resident_is_told(client, hearing):
    services.update_settings(hearing, True, True)
    db.session.commit()
    response = send(client, body="Please wait for me.")
    assert response.headers["Location"] == f"{URL}#comments"
    page = text_of(client.get(URL))
    assert "Thank you. Your comment is shown after a moderator has read it." in page
    assert "A moderator reads the comments before they are shown." in page
    assert "Please wait for me." not in page
    assert posts()[0].state == PostState.PENDING


def test_comment_text_is_shown_escaped_with_its_line_breaks(client, hearing):
    send(
        client, body='<script>alert("x")</script>\r\nSecond <b>line</b>\x07', nickname="<i>Bob</i>"
    )
    html = client.get(URL).get_data(as_text=True)
    assert "<script>alert" not in html
    assert (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;<br>\nSecond &lt;b&gt;line&lt;/b&gt;"
        in html
    )
    assert "&lt;i&gt;Bob&lt;/i&gt;" in html
    assert posts()[0].body == '<script>alert("x")</script>\nSecond <b>line</b>'


def test_nameless_comment_is_shown_as_resident(client, hearing):
    send(client, nickname="   ")
    assert "Resident –" in text_of(client.get(URL))


def test_comment_in_another_language_is_marked_with_its_language(client, hearing):
    send(client, body="Bra idé.", url=f"/sv/e/{HEARING_ID}/comments")
    html = client.get(URL).get_data(as_text=True)
    assert '<div class="comment-body" lang="sv"><p>Bra idé.</p></div>' in html
    html = client.get(f"/sv/e/{HEARING_ID}/comments").get_data(as_text=True)
    assert '<div class="comment-body"><p>Bra idé.</p></div>' in html


def test_too_long_comment_is_refused_with_a_message_and_the_text_kept(client, hearing):
    text = "word " * 801  # 4004 characters, 4004 - 1 when stripped
    response = send(client, body=text, nickname="Maija")
    assert response.status_code == 422
    page = text_of(response)
    assert "Check these and try again:" in page
    assert "Write from 2 to 4000 characters. Your text has 4004 characters." in page
    html = response.get_data(as_text=True)
    assert text.strip() in html
    assert 'value="Maija"' in html
    assert 'href="#body"' in html
    assert posts() == []


def test_too_short_or_empty_comment_is_refused(client, hearing):
    assert "Write your comment." in text_of(send(client, body="  "))
    assert "Your text has 1 characters." in text_of(send(client, body="x"))
    too_long_name = send(client, nickname="n" * 41)
    assert too_long_name.status_code == 422
    assert "Write at most 40 characters." in text_of(too_long_name)
    assert posts() == []


def test_filled_trap_field_stores_nothing_but_looks_like_success(client, hearing):
    response = send(client, website="http://spam.example")
    assert response.status_code == 302
    assert posts() == []
    assert "Thank you for your comment." in text_of(client.get(URL))


def test_reply_form_answers_a_top_level_comment(client, hearing):
    send(client, body="First comment.", nickname="Maija")
    top = posts()[0]
    page = client.get(f"{URL}?reply_to={top.id}").get_data(as_text=True)
    assert "Reply to a comment" in page
    assert f'name="parent_id" value="{top.id}"' in page
    response = send(client, body="I agree.", nickname="Pekka", parent_id=str(top.id))
    reply = posts()[1]
    assert response.status_code == 302
    assert reply.parent_id == top.id
    html = client.get(URL).get_data(as_text=True)
    replies = re.search(r'<ol class="comments replies">(.*?)</ol>', html, re.S).group(1)
    assert "I agree." in replies
    assert f"reply_to={reply.id}" not in html  # replies are one level deep
    assert f"reply_to={top.id}" in html


def test_reply_to_a_reply_is_refused_and_the_text_kept(client, hearing):
    send(client)
    send(client, body="A reply.", parent_id=str(posts()[0].id))
    response = send(client, body="Deeper reply.", parent_id=str(posts()[1].id))
    assert response.status_code == 422
    assert "The comment you answered is no longer shown." in text_of(response)
    assert "Deeper reply." in response.get_data(as_text=True)
    assert len(posts()) == 2


def test_closed_hearing_shows_comments_but_takes_no_new_ones(client, hearing):
    send(client)
    hearing.closed_at = utcnow()
    db.session.commit()
    page = client.get(URL)
    assert "New comments are not taken now." in text_of(page)
    assert 'name="body"' not in page.get_data(as_text=True)
    assert "reply_to=" not in page.get_data(as_text=True)
    response = send(client, body="Too late.")
    assert response.status_code == 302
    assert "The hearing is closed. Comments are no longer taken." in text_of(client.get(URL))
    assert len(posts()) == 1


def test_comments_turned_off_take_no_new_ones(client, hearing):
    services.update_settings(hearing, False, False)
    db.session.commit()
    assert "Comments are not taken here." in text_of(client.get(URL))
    send(client)
    assert posts() == []


def test_hidden_comment_leaves_a_notice_with_the_reason(client, hearing, staff):
    send(client, body="Call me on 040 1234567.")
    services.hide(posts()[0], "personal_data", staff)
    db.session.commit()
    page = text_of(client.get(URL))
    assert "A moderator hid this comment because it contained personal data." in page
    assert "040 1234567" not in page
    assert "Maija" not in page


@pytest.mark.parametrize(
    ("reason", "notice"),
    [
        ("offensive", "because it was offensive."),
        ("spam", "because it was advertising or spam."),
        ("off_topic", "because it was not about this topic."),
        ("other", "A moderator hid this comment."),
    ],
)
def test_each_hiding_reason_has_its_own_notice(client, hearing, staff, reason, notice):
    send(client)
    services.hide(posts()[0], reason, staff)
    db.session.commit()
    assert notice in text_of(client.get(URL))


def test_staff_reply_is_marked_as_staff(client, hearing, staff):
    send(client)
    services.staff_reply(posts()[0], staff, "Thank you, we will look into it.", "en")
    db.session.commit()
    html = client.get(URL).get_data(as_text=True)
    assert f'<strong>{staff.name}</strong> <span class="badge badge-staff">Staff</span>' in html
    assert "Thank you, we will look into it." in html


def test_comments_are_paged(client, hearing):
    for n in range(52):
        services.post_comment(hearing, f"Comment number {n}", "", "fi")
    db.session.commit()
    first = text_of(client.get(URL))
    assert "Comment number 51" in first
    assert "Comment number 1 " not in first
    assert "Page 1 of 2" in first
    second = text_of(client.get(f"{URL}?page=2"))
    assert "Comment number 1 " in second
    assert "Comment number 51" not in second


# --- reporting -----------------------------------------------------------------------------


def test_report_form_lists_reasons_in_a_fieldset(client, hearing):
    send(client, body="Rude words.")
    response = client.get(f"{URL}/{posts()[0].id}/report")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<legend>Why should a moderator look at this comment?</legend>" in html
    assert html.count('type="radio"') == 5
    assert "Rude words." in html


def test_reporting_a_comment_puts_it_in_the_queue(client, hearing):
    send(client)
    post = posts()[0]
    response = client.post(
        f"{URL}/{post.id}/report", data={"reason": "offensive", "note": "Insults people."}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"{URL}#post-{post.id}"
    assert "Thank you. A moderator will look at the comment." in text_of(client.get(URL))
    entry = db.session.scalar(select(PostReport))
    assert (entry.post_id, entry.reason, entry.note) == (post.id, "offensive", "Insults people.")
    assert [item.post.id for item in services.moderation_queue(hearing).reported] == [post.id]


def test_report_needs_a_reason_and_a_short_note(client, hearing):
    send(client)
    url = f"{URL}/{posts()[0].id}/report"
    response = client.post(url, data={"note": "Hmm"})
    assert response.status_code == 422
    assert "Choose a reason." in text_of(response)
    response = client.post(url, data={"reason": "spam", "note": "n" * 1001})
    assert response.status_code == 422
    assert "Write at most 1000 characters." in text_of(response)
    assert db.session.scalar(select(func.count(PostReport.id))) == 0


def test_hidden_pending_and_other_engagements_comments_cannot_be_reported(client, hearing, staff):
    send(client)
    post = posts()[0]
    other = build_hearing(public_id="toinen")
    db.session.commit()
    assert client.get(f"/en/e/toinen/comments/{post.id}/report").status_code == 404
    services.hide(post, "spam", staff)
    db.session.commit()
    assert client.get(f"{URL}/{post.id}/report").status_code == 404
    assert client.post(f"{URL}/{post.id}/report", data={"reason": "spam"}).status_code == 404
    assert other.id != hearing.id


# --- limits and CSRF -----------------------------------------------------------------------


class RateLimited(Testing):
    RATELIMIT_ENABLED = True


def _app_with_hearing(config):
    for app in running_app(config):
        plan_services.import_plan(KEMI_PLAN.read_text(encoding="utf-8"))
        build_hearing()
        db.session.commit()
        yield app


@pytest.fixture
def limited_app():
    yield from _app_with_hearing(RateLimited)


@pytest.fixture
def csrf_app():
    yield from _app_with_hearing(CsrfOn)


def test_sixth_comment_in_a_minute_is_refused_with_a_translated_page(limited_app):
    client = limited_app.test_client()
    for n in range(5):
        assert send(client, body=f"Comment {n}").status_code == 302
    blocked = send(client, body="One more.")
    assert blocked.status_code == 429
    assert '<html lang="en">' in blocked.get_data(as_text=True)
    assert "Too many tries" in text_of(blocked)
    assert len(posts()) == 5
    assert client.get(URL).status_code == 200  # reading is not limited


def test_comment_and_report_forms_are_protected_against_csrf(csrf_app):
    client = csrf_app.test_client()
    assert 'name="csrf_token"' in client.get(URL).get_data(as_text=True)
    assert send(client).status_code == 400
    assert posts() == []
    engagement = db.session.scalar(select(Engagement).where(Engagement.public_id == HEARING_ID))
    post = services.post_comment(engagement, "A comment.", "", "en")
    db.session.commit()
    url = f"{URL}/{post.id}/report"
    assert 'name="csrf_token"' in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"reason": "spam"}).status_code == 400


PARTIAL = '{% from "discussion/_comments.html" import comments %}{{ comments(view, public_id) }}'


def render_partial(app, view) -> str:
    """The partial as the hearing page (another endpoint) would include it."""
    with app.test_request_context(f"/en/e/{HEARING_ID}"):
        app.preprocess_request()
        return render_template_string(PARTIAL, view=view, public_id=HEARING_ID)


def test_partial_renders_on_another_page_and_posting_returns_there(app, client, hearing):
    view = services.comments_view(hearing, "en")
    html = render_partial(app, view)
    assert '<h2 id="comments-title">Comments</h2>' in html
    assert 'name="return_to" value="engagement"' in html
    assert f'action="{URL}#comment-form"' in html
    response = send(client, return_to="engagement")
    assert response.headers["Location"] == f"/en/e/{HEARING_ID}#post-{posts()[0].id}"


def test_partial_shows_nothing_when_comments_are_off_and_there_are_none(app, hearing):
    services.update_settings(hearing, False, False)
    view = services.comments_view(hearing, "en")
    html = render_partial(app, view)
    assert html.strip() == ""
