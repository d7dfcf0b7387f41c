"""Public forms tell robots from people without a CAPTCHA: a hidden trap field and a minimum
time between showing the form and sending it (here the comment form; the panel application
and the data request form use the same GuardedForm)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from app.core.types import utcnow
from app.discussion.models import Post
from app.extensions import db
from tests.conftest import text_of
from tests.discussion.conftest import HEARING_ID

URL = f"/en/e/{HEARING_ID}/comments"


@pytest.fixture
def slow_app(app):
    app.config["SPAM_MIN_FILL_SECONDS"] = 3
    return app


def stamp_of(html: str) -> str:
    found = re.search(r'name="started" type="hidden" value="([^"]+)"', html)
    if found is None:
        found = re.search(r'type="hidden" name="started" value="([^"]+)"', html)
    assert found, "the form carries no start time"
    return found.group(1)


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Post))


def test_a_form_sent_at_once_is_refused_with_the_text_kept_and_passes_when_sent_again(
    slow_app, client, hearing
):
    started = stamp_of(client.get(URL).text)
    data = {"body": "Sent by a fast <b>typist</b>.", "nickname": "Nopea", "started": started}
    refused = client.post(URL, data=data)
    assert refused.status_code == 422
    assert "You sent the form very quickly." in text_of(refused)
    assert "Sent by a fast &lt;b&gt;typist&lt;/b&gt;." in refused.text
    assert stamp_of(refused.text) == started  # the time is kept, so the next try passes
    assert stored() == 0
    with freeze_time(utcnow() + timedelta(seconds=5)):
        accepted = client.post(URL, data=data)
    assert accepted.status_code == 302
    assert stored() == 1


def test_a_missing_or_forged_start_time_asks_to_send_again(slow_app, client, hearing):
    for started in ("", "forged.value.here"):
        response = client.post(URL, data={"body": "Hello there.", "started": started})
        assert response.status_code == 422
        assert stamp_of(response.text) != started
    assert stored() == 0


def test_a_day_old_form_gets_a_fresh_time(slow_app, client, hearing):
    started = stamp_of(client.get(URL).text)
    with freeze_time(utcnow() + timedelta(days=2)):
        response = client.post(URL, data={"body": "Hello there.", "started": started})
    assert response.status_code == 422
    assert "The form was open for a long time." in text_of(response)
    assert stamp_of(response.text) != started
    assert stored() == 0


def test_the_trap_field_is_hidden_from_people_and_stores_nothing(slow_app, client, hearing):
    page = client.get(URL).text
    assert re.search(
        r"<div hidden>\s*<label[^>]*>[^<]*</label>\s*<input[^>]*name=\"website\"", page
    )
    started = stamp_of(page)
    with freeze_time(utcnow() + timedelta(seconds=5)):
        response = client.post(
            URL, data={"body": "Buy now", "website": "http://spam.example", "started": started}
        )
    assert response.status_code == 302
    assert stored() == 0
