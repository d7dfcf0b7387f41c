"""Public forms sent without a CSRF token, with a forged one, one from another visitor or one
that expired: the friendly "The form expired" page in the page's language, status 400, and
nothing stored or half-changed.

Here every fixture's app has CSRF protection on (the ``app`` fixture below replaces the default).
The staff forms and the comment forms without a token are in ``tests/core/test_security.py``,
``tests/discussion/test_comments.py`` and ``tests/discussion/test_moderation.py``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun import freeze_time

from app.core.types import utcnow
from app.discussion.models import Post, PostReport, Thread
from app.extensions import db
from app.panels.models import PanelApplication, Participant
from app.questionnaires.models import ResponseDraft, Submission
from config import Testing
from tests.conftest import running_app, text_of
from tests.discussion.conftest import HEARING_ID
from tests.panels.test_members import sign_in_as
from tests.security.hostile import count, hidden_fields, newest


class CsrfOn(Testing):
    WTF_CSRF_ENABLED = True
    #: Short, so a token expires while the session (two hours) does not.
    WTF_CSRF_TIME_LIMIT = 600


@pytest.fixture
def app():
    yield from running_app(CsrfOn)


EXPIRED = {
    "fi": ("Lomake vanhentui", "Mitään ei tallennettu."),
    "sv": ("Formuläret har gått ut", "Ingenting sparades."),
    "en": ("The form expired", "Nothing was saved."),
}
STORED = (Submission, ResponseDraft, Post, PostReport, PanelApplication, Participant, Thread)


def rows() -> list[int]:
    return [count(model) for model in STORED]


def assert_expired_page(response, lang: str) -> None:
    assert response.status_code == 400
    assert f'<html lang="{lang}">' in response.get_data(as_text=True)
    title, _message = EXPIRED[lang]
    assert title in text_of(response)


def _forms(survey, comment_id: int) -> dict[str, tuple[str, dict]]:
    """Form → (address without the language, what a resident sends)."""
    return {
        "survey answer": (
            f"/e/{survey.public_id}/respond",
            {"page": "p1", "q-note": "Toinen vastaus.", "action": "submit"},
        ),
        "resume code": (f"/e/{survey.public_id}/resume", {"code": "AAAA-BBBB-CCCC"}),
        "comment": (f"/e/{HEARING_ID}/comments", {"body": "A comment.", "nickname": "M"}),
        "comment report": (
            f"/e/{HEARING_ID}/comments/{comment_id}/report",
            {"reason": "spam", "note": "Mainos."},
        ),
        "panel application": (
            "/e/raati/apply",
            {"name": "Maija", "email": "maija@example.org", "consent": "y"},
        ),
        "member sign-in": ("/panel/sign-in", {"email": "member1@example.org"}),
        "forum thread": ("/panel/raati/forum/new", {"title": "Aihe", "body": "Viesti."}),
    }


@pytest.fixture
def everything(answered_survey, hearing, members):
    """A survey, a hearing with one comment, a panel taking applications with a forum and two
    members (the forum's panel is the applications' panel, opened for applying)."""
    from app.discussion import services

    comment = services.post_comment(hearing, "A comment to report.", "", "en")
    panel = members[0].panel
    panel.engagement.closes_at = utcnow() + timedelta(days=30)
    db.session.commit()
    return answered_survey, comment.id


TOKENS = {
    "missing": lambda token: None,
    "garbage": lambda token: "x" * 40,
    "hostile": lambda token: "<script>alert(1)</script>{{ 7*7 }}'; DROP TABLE posts; --",
    "tampered": lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("token_kind", list(TOKENS))
def test_public_form_with_a_bad_token_gets_the_form_expired_page_and_stores_nothing(
    app, everything, members, lang, token_kind
):
    survey, comment_id = everything
    client = app.test_client()
    sign_in_as(client, members[0])
    before = rows()
    for name, (path, data) in _forms(survey, comment_id).items():
        url = f"/{lang}{path}"
        page = client.get(url)
        assert page.status_code == 200, name
        fields = hidden_fields(page)
        token = TOKENS[token_kind](fields.pop("csrf_token"))
        sent = {**fields, **data, **({"csrf_token": token} if token is not None else {})}
        response = client.post(url, data=sent)
        assert_expired_page(response, lang)
    assert rows() == before


def test_a_token_from_another_visitor_is_refused(app, everything):
    survey, _comment = everything
    url = f"/sv/e/{survey.public_id}/respond"
    other_token = hidden_fields(app.test_client().get(url))["csrf_token"]
    client = app.test_client()
    client.get(url)
    before = rows()
    response = client.post(
        url,
        data={"csrf_token": other_token, "page": "p1", "q-note": "Svar.", "action": "submit"},
    )
    assert_expired_page(response, "sv")
    assert rows() == before


def test_an_expired_token_keeps_the_saved_draft_as_it_was(app, everything):
    survey, _comment = everything
    url = f"/fi/e/{survey.public_id}/respond"
    client = app.test_client()
    token = hidden_fields(client.get(url))["csrf_token"]
    saved = client.post(
        url, data={"csrf_token": token, "page": "p1", "q-note": "Ensimmäinen.", "action": "save"}
    )
    assert saved.status_code == 200
    draft = newest(ResponseDraft)
    assert draft.values["q-note"] == ["Ensimmäinen."]
    before = rows()
    with freeze_time(utcnow() + timedelta(minutes=11)):
        response = client.post(
            url,
            data={"csrf_token": token, "page": "p1", "q-note": "Toinen.", "action": "submit"},
        )
    assert_expired_page(response, "fi")
    assert "Mitään ei tallennettu." in text_of(response)
    db.session.refresh(draft)
    assert draft.values["q-note"] == ["Ensimmäinen."]
    assert rows() == before
    # A fresh page gives a new token, and the draft is still there to send.
    fresh = hidden_fields(client.get(url))["csrf_token"]
    sent = client.post(
        url,
        data={"csrf_token": fresh, "page": "p1", "q-note": "Ensimmäinen.", "action": "submit"},
    )
    assert sent.status_code == 302
    assert count(Submission) == before[0] + 1


def test_an_invitation_answer_without_a_token_changes_nothing(app, members):
    from app.panels import magic
    from app.panels.models import ApplicationStatus, LinkPurpose

    member = members[1]
    application = db.session.get(PanelApplication, member.application_id)
    application.status = ApplicationStatus.INVITED
    link = magic.issue(member.participant, LinkPurpose.ACCEPT, member.panel_id)
    db.session.commit()
    response = app.test_client().post(f"/en/panel/invitation/{link}", data={"answer": "decline"})
    assert_expired_page(response, "en")
    db.session.refresh(application)
    assert application.status == ApplicationStatus.INVITED
