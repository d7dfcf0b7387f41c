"""Hostile text in every public form: never a 500; refused with a message and what was typed
kept, or stored as the app documents and shown back escaped in pages, e-mails and exports.

The forms: a survey's answers (text, other-text, number, date, choice), resuming with a code,
an invitation code, the thank-you page's background and e-mail forms; a hearing's comments and
comment reports; a panel application, an invitation answer, the member sign-in, and the member
forum (new thread, reply, edit, report); the staff sign-in and password-reset forms (they need
no sign-in either). Models of the cleaning each applies are in ``tests/security/hostile.py``.
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from urllib.parse import quote

import openpyxl
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select

from app.core.mail import OutboxMessage, _as_email
from app.core.security import parse_id
from app.discussion.models import Post, PostReport, PostState, Thread
from app.extensions import db
from app.panels import forum, magic
from app.panels import services as panel_services
from app.panels.models import (
    ApplicationStatus,
    LinkPurpose,
    PanelApplication,
    Participant,
)
from app.questionnaires.models import Answer, Question, ResponseDraft, Submission
from app.questionnaires.types import NUMBER_LIMIT, parse_date, parse_number
from tests.conftest import PASSWORD, text_of
from tests.discussion.conftest import HEARING_ID
from tests.panels.test_members import emails_to, sign_in_as
from tests.questionnaires.test_export import export_bytes, read_csv
from tests.security.hostile import (
    PAYLOADS,
    assert_not_500,
    assert_shown_safely,
    count,
    escaped,
    hidden_fields,
    hostile_text,
    line_as_stored,
    newest,
    panel_text_as_stored,
    post_as_stored,
    send_form,
    survey_text_as_stored,
)


def assert_refused(response, *messages: str) -> str:
    """Re-shown (422) with the error summary and each message; returns the page's HTML."""
    assert response.status_code == 422, response.status_code
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    shown = text_of(response)
    for message in messages:
        assert message in shown
    return html


def formula_safe(text: str) -> str:
    """What the CSV export writes for a text: a leading quote before = + - @ tab and CR."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and text else text


_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def excel_text(value: str) -> str:
    """A cell's text as Excel shows it (openpyxl leaves the ``_xHHHH_`` escapes in)."""
    return _EXCEL_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), value)


# --- a survey's answers ----------------------------------------------------------------------

numbers = st.one_of(
    hostile_text,
    st.sampled_from(
        ["2,5", "-3", "1 200", "\u22122", "1e5", "NaN", "Infinity", "9" * 40, "0,1234567891"]
    ),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.integers().map(str),
)
dates = st.one_of(
    hostile_text,
    st.sampled_from(["31.5.2026", "2026-02-30", "0001-01-01", "9999-12-31", "29.2.2024"]),
    st.dates().map(lambda day: day.isoformat()),
)


def _survey_problems(mode: str, other: str, note: str, minutes: str, last: str) -> dict:
    """Question label → the message the page must show, from the models of the question types."""
    problems = {}
    code = mode.strip()
    if code and code not in ("walk", "bus", "other"):
        problems["How do you travel?"] = "Choose one of the options."
    elif code == "other" and not survey_text_as_stored(other, multiline=False):
        problems["How do you travel?"] = "Write your other answer in the box."
    if len(survey_text_as_stored(note, multiline=True)) > 10_000:
        problems["Tell us"] = "Write at most 10000 characters."
    if minutes.strip():
        number = parse_number(minutes)
        if number is None:
            problems["Minutes"] = "Write a number, for example 12 or 3,5."
        elif number > NUMBER_LIMIT:
            problems["Minutes"] = f"The largest answer you can give is {NUMBER_LIMIT}."
        elif number < -NUMBER_LIMIT:
            problems["Minutes"] = f"The smallest answer you can give is {-NUMBER_LIMIT}."
    if last.strip() and parse_date(last) is None:
        problems["Last time?"] = "Write a date, for example 31.5.2026."
    return problems


def _answers(submission: Submission) -> dict[str, Answer]:
    rows = db.session.execute(
        select(Question.code, Answer)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.submission_id == submission.id)
    ).all()
    return {code: answer for code, answer in rows if code != "when"}


def _export_row(rows: list[dict], submission: Submission) -> dict:
    return next(row for row in rows if str(row["response_id"]) == str(submission.id))


@given(
    mode=st.one_of(st.sampled_from(["other", "walk", ""]), hostile_text),
    other=hostile_text,
    note=hostile_text,
    minutes=numbers,
    last=dates,
)
@example(mode="other", other="=1+1", note='=HYPERLINK("http://x")', minutes="", last="")
@example(mode="other", other="a\uffffb", note="_x0041_ \ufffe", minutes="", last="")
@example(mode="other", other="e\x1b\u0301", note="e\x00\u0301 {{ 7*7 }}", minutes="", last="")
@example(mode="", other="", note="", minutes="9" * 40, last="")
@example(mode="walk", other="", note="", minutes="9" * 400, last="")
@example(mode="", other="", note="", minutes="-999999999999,9999999", last="")
def test_survey_answers_are_refused_or_stored_shown_and_exported_exactly(
    app, answered_survey, staff_client, mode, other, note, minutes, last
):
    url = f"/en/e/{answered_survey.public_id}/respond"
    data = {
        "page": "p1",
        "q-mode": mode,
        "q-mode-other": other,
        "q-note": note,
        "q-minutes": minutes,
        "q-last": last,
        "action": "submit",
    }
    submissions = count(Submission)
    response = app.test_client().post(url, data=data)
    assert_not_500(response)
    problems = _survey_problems(mode, other, note, minutes, last)

    if problems:
        html = assert_refused(response, *(f"{q}: {m}" for q, m in problems.items()))
        for name in ("q-mode-other", "q-note", "q-minutes", "q-last"):
            if data[name] and (name != "q-mode-other" or mode.strip() == "other"):
                assert_shown_safely(html, data[name])  # kept as typed
        assert count(Submission) == submissions
        return

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/thanks")
    submission = newest(Submission)
    answers = _answers(submission)
    note_stored = survey_text_as_stored(note, multiline=True)
    other_stored = survey_text_as_stored(other, multiline=False)[:500]
    assert (answers["note"].text if "note" in answers else "") == note_stored
    if mode.strip():
        assert answers["mode"].option_code == mode.strip()
        assert answers["mode"].text == (other_stored if mode.strip() == "other" else None)
    if minutes.strip():
        number = parse_number(minutes)
        stored = answers["minutes"].number
        # Only what the column (Numeric(18, 6)) holds is taken: PostgreSQL would refuse more, and
        # SQLite keeps it as a float (a long row of nines became infinity, and the export failed).
        assert abs(number) < 10**12
        assert stored.is_finite()
        # SQLite keeps numbers as floats (about 15 digits); the column keeps 6 decimals.
        assert abs(stored - number) <= max(Decimal("0.0000005"), abs(number) * Decimal("1e-15"))
    if last.strip():
        assert answers["last"].date == parse_date(last)

    # Staff see the written answers escaped.
    for code in ("note", "mode"):
        if code in answers and answers[code].text:
            page = staff_client.get(
                f"/en/staff/surveys/{answered_survey.public_id}/results/answers/edit"
                f"?answer={answers[code].id}"
            )
            assert page.status_code == 200
            assert_shown_safely(page.get_data(as_text=True), answers[code].text)

    # CSV: the text with formula starts made harmless; XLSX: the text exactly, never a formula.
    for separator in (",", ";"):
        row = _export_row(
            read_csv(export_bytes(answered_survey, separator=separator), separator), submission
        )
        assert row["note"] == formula_safe(note_stored)
        if mode.strip() == "other":
            assert row["mode_other_text"] == formula_safe(other_stored)
    data = export_bytes(answered_survey, format="xlsx")
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    assert "<f " not in sheet_xml
    sheet = openpyxl.load_workbook(io.BytesIO(data))["data"]
    headers = [cell.value for cell in sheet[1]]
    row = next(
        dict(zip(headers, cells, strict=True))
        for cells in sheet.iter_rows(min_row=2)
        if cells[headers.index("response_id")].value == submission.id
    )
    for column, text in (("note", note_stored), ("mode_other_text", other_stored)):
        if column == "mode_other_text" and mode.strip() != "other":
            continue
        cell = row[column]
        assert (excel_text(cell.value) if cell.value is not None else "") == text
        assert cell.data_type in ("s", "n")


@given(code=hostile_text)
def test_resume_code_is_refused_with_a_message_and_kept(app, answered_survey, code):
    client = app.test_client()
    response = client.post(f"/en/e/{answered_survey.public_id}/resume", data={"code": code})
    assert_not_500(response)
    html = assert_refused(
        response, "We did not find answers with this code. Check the code and try again."
    )
    assert_shown_safely(html, code)


@given(code=hostile_text)
def test_invitation_code_is_refused_with_a_message(app, answered_survey, code):
    answered_survey.audience = "invited"
    db.session.commit()
    client = app.test_client()
    response = client.post(f"/en/e/{answered_survey.public_id}/code", data={"code": code})
    assert_not_500(response)
    html = assert_refused(
        response,
        "We did not find this code. Check the code in your invitation and try again."
        if code.strip()
        else "Write the code from your invitation.",
    )
    assert_shown_safely(html, code)
    with client.session_transaction() as session:
        assert not any(key.startswith("invite:") for key in session)


@given(which=st.sampled_from(["background", "subscribe", *PAYLOADS[:3]]), value=hostile_text)
def test_thank_you_page_forms_never_fail(app, answered_survey, which, value):
    client = app.test_client()
    url = f"/en/e/{answered_survey.public_id}"
    sent = client.post(f"{url}/respond", data={"page": "p1", "q-note": "Hyvä.", "action": "submit"})
    assert sent.status_code == 302
    data = {"form": which, "email": value, "age": value, "area": value, "gender": value}
    response = send_form(client, f"{url}/thanks", data)
    assert_not_500(response)
    if response.status_code == 422:
        html = response.get_data(as_text=True)
        assert 'class="error-summary"' in html
        if which == "subscribe":
            assert_shown_safely(html, value)
    else:
        assert response.status_code == 302


# --- a hearing's comments ----------------------------------------------------------------------

COMMENTS = f"/en/e/{HEARING_ID}/comments"


@given(body=hostile_text, nickname=hostile_text)
@example(body="e\x00\u0301 {{ 7*7 }}", nickname="<script>alert(1)</script>")
@example(body="\u202eRTL<img src=x onerror=alert(1)>", nickname="x" * 41)
def test_comment_is_refused_or_stored_and_shown_escaped(app, hearing, body, nickname):
    client = app.test_client()
    posts = count(Post)
    response = send_form(client, COMMENTS, {"body": body, "nickname": nickname})
    assert_not_500(response)
    body_stored, name_stored = post_as_stored(body), line_as_stored(nickname)
    problems = []
    if not body_stored:
        problems.append("Write your comment.")
    elif not 2 <= len(body_stored) <= 4000:
        problems.append(f"Your text has {len(body_stored)} characters.")
    if len(name_stored) > 40:
        problems.append("Write at most 40 characters.")
    if problems:
        html = assert_refused(response, *problems)
        assert_shown_safely(html, body_stored)  # kept, as cleaned
        assert_shown_safely(html, name_stored)
        assert count(Post) == posts
        return
    assert response.status_code == 302
    post = newest(Post)
    assert post.body == body_stored
    assert post.author_name == name_stored
    page = client.get(COMMENTS).get_data(as_text=True)
    assert_shown_safely(page, body_stored, escaped(body_stored).replace("\n", "<br>\n"))
    if name_stored:
        assert_shown_safely(page, name_stored)


@given(body=hostile_text)
@example(body="<script>alert(1)</script> {{ 7*7 }}")
def test_comment_sent_from_an_eva_hearing_page_is_shown_there_escaped(app, eva_hearing, body):
    client = app.test_client()
    hearing_page = f"/en/e/{eva_hearing.public_id}"
    fields = hidden_fields(client.get(hearing_page))
    assert fields["return_to"] == "engagement"
    response = client.post(f"{hearing_page}/comments", data={**fields, "body": body})
    assert_not_500(response)
    stored = post_as_stored(body)
    if not 2 <= len(stored) <= 4000:
        assert_shown_safely(assert_refused(response), stored)
        return
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"{hearing_page}#post-")
    page = client.get(hearing_page).get_data(as_text=True)
    assert_shown_safely(page, stored, escaped(stored).replace("\n", "<br>\n"))


@given(
    reason=st.one_of(st.sampled_from(["spam", "offensive", "other"]), hostile_text),
    note=hostile_text,
)
def test_comment_report_is_refused_or_stored_and_shown_to_moderators(
    app, hearing, desk, reason, note
):
    from app.discussion import services

    post = services.post_comment(hearing, "A comment to report.", "", "en")
    db.session.commit()
    url = f"{COMMENTS}/{post.id}/report"
    reports = count(PostReport)
    response = send_form(app.test_client(), url, {"reason": reason, "note": note})
    assert_not_500(response)
    note_stored = post_as_stored(note)
    bad_reason = reason not in ("offensive", "personal_data", "spam", "off_topic", "other")
    too_long = len(note_stored) > 1000
    if bad_reason or too_long:
        html = assert_refused(response, *(["Write at most 1000 characters."] if too_long else []))
        assert_shown_safely(html, note_stored)
        assert count(PostReport) == reports
        return
    assert response.status_code == 302
    report = newest(PostReport)
    assert report.note == (note_stored or None)
    assert report.reason == reason
    if note_stored:
        page = desk.get(f"/en/staff/engagements/{HEARING_ID}/discussion").get_data(as_text=True)
        assert_shown_safely(page, note_stored, escaped(note_stored).replace("\n", "<br>\n"))


@given(reply_to=st.one_of(hostile_text, st.integers().map(str)), page=hostile_text)
def test_comment_page_addresses_with_hostile_numbers_never_fail(app, hearing, reply_to, page):
    client = app.test_client()
    response = client.get(f"{COMMENTS}?reply_to={quote(reply_to)}&page={quote(page)}")
    assert response.status_code == 200
    sent = send_form(client, COMMENTS, {"body": "A reply.", "parent_id": reply_to})
    assert sent.status_code in (302, 422)


# --- a customer panel ------------------------------------------------------------------------

APPLY = "/en/e/raati/apply"

emails = st.one_of(
    hostile_text,
    st.builds(lambda local: f"{local}@example.org", hostile_text),
    st.sampled_from(
        [
            "maija@example.org",
            " Maija@Example.org ",
            "{{7*7}}@example.org",
            "=cmd@example.org",
            "<script>alert(1)</script>@example.org",
            "a\u2028b@example.org",
            "a,b@example.org",
            "a\x00@example.org",
            "x" * 400 + "@example.org",
        ]
    ),
)


def _valid_email(address: str) -> bool:
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return len(address.lower()) <= 320


@given(name=hostile_text, email=emails, motivation=hostile_text, band=hostile_text)
@example(name="  Åsa\x00 Öberg\u202e ", email="asa@example.org", motivation="=1+1", band="")
@example(name="x" * 121, email="a\u2028b@example.org", motivation="x" * 2001, band="18-29")
def test_panel_application_is_refused_or_stored_and_shown_escaped(
    app, applying_panel, coordinator_client, name, email, motivation, band
):
    client = app.test_client()
    data = {
        "name": name,
        "email": email,
        "motivation": motivation,
        "band_age": band,
        "consent": "y",
    }
    address = email.strip().lower().replace("\x00", "")  # PostgreSQL cannot even compare NUL
    already = db.session.scalar(
        select(PanelApplication.id)
        .join(Participant, Participant.id == PanelApplication.participant_id)
        .where(Participant.email == address)
    )
    applications = count(PanelApplication)
    response = send_form(client, APPLY, data)
    assert_not_500(response)

    name_stored = panel_text_as_stored(name.strip())
    problems = []
    if not name_stored:
        problems.append("Write your name.")
    elif len(name_stored) > 120:
        problems.append("Your name is too long.")
    if not _valid_email(email.strip()):
        problems.append("Write your e-mail address, for example name@example.com.")
    ages = {code for code, _label in panel_services.dimension_options(applying_panel, "age")}
    if band and band not in ages:
        problems.append("Choose one of the options.")
    if len(motivation) > 2000:
        problems.append(f"Write at most 2000 characters. Your text has {len(motivation)}")
    if not problems and already:
        problems.append("You have already applied to this panel with this e-mail address.")
    if problems:
        html = assert_refused(response, *problems)
        for typed in (name.strip(), email.strip(), motivation):
            assert_shown_safely(html, typed)
        assert count(PanelApplication) == applications
        return

    assert response.status_code == 302
    application = newest(PanelApplication)
    assert application.participant.name == name_stored
    assert application.participant.email == address
    assert application.motivation == panel_text_as_stored(motivation)
    message = newest(OutboxMessage)
    assert message.to_address == address
    assert "Library customer panel" in message.body_text
    # The outbox can turn it into an e-mail (a line separator in the address made it raise and
    # stop every e-mail after it).
    email = _as_email(message)
    assert str(email["To"]) == address
    assert bytes(email)

    page = coordinator_client.get("/en/staff/panels/raati/applicants").get_data(as_text=True)
    for text in (name_stored, address, application.motivation):
        if text:
            assert_shown_safely(page, text)


@given(answer=hostile_text, token=hostile_text)
def test_invitation_answer_other_than_yes_or_no_changes_nothing(app, forum_panel, answer, token):
    person = Participant(email=f"invited{count(Participant)}@example.org", name="Invited")
    db.session.add(person)
    db.session.flush()
    application = PanelApplication(
        panel_id=forum_panel.id, participant_id=person.id, status=ApplicationStatus.INVITED
    )
    db.session.add(application)
    db.session.flush()
    link = magic.issue(person, LinkPurpose.ACCEPT, forum_panel.id)
    db.session.commit()
    client = app.test_client()
    response = client.post(f"/en/panel/invitation/{link}", data={"answer": answer})
    assert_not_500(response)
    if answer not in ("accept", "decline"):
        assert response.status_code == 200
        db.session.refresh(application)
        assert application.status == ApplicationStatus.INVITED
    forged = client.post(f"/en/panel/invitation/{quote(token, safe='')}", data={"answer": "accept"})
    # An unknown link (410), no such page, or (a token with "/" or "." parts) the router's
    # redirect to the tidied address; never accepted.
    assert forged.status_code == 308 or 400 <= forged.status_code < 500
    db.session.refresh(application)
    assert application.status == ApplicationStatus.INVITED or answer in ("accept", "decline")


@given(title=hostile_text, body=hostile_text)
@example(title="{{ 7*7 }} <script>alert(1)</script>", body="e\x00\u0301\r\nrow two")
def test_forum_thread_is_refused_or_stored_shown_and_emailed_exactly(app, members, title, body):
    writer, reader = members
    client = app.test_client()
    sign_in_as(client, writer)
    threads, mails = count(Thread), len(emails_to(reader.participant.email))
    response = send_form(client, "/en/panel/raati/forum/new", {"title": title, "body": body})
    assert_not_500(response)
    title_stored, body_stored = line_as_stored(title), post_as_stored(body)
    problems = []
    if not title_stored:
        problems.append("Write a title.")
    elif len(title_stored) > 200:
        problems.append("Write at most 200 characters.")
    if not body_stored:
        problems.append("Write your message.")
    elif not 2 <= len(body_stored) <= 4000:
        problems.append(f"Your text has {len(body_stored)} characters.")
    if problems:
        html = assert_refused(response, *problems)
        assert_shown_safely(html, title_stored)
        assert_shown_safely(html, body_stored)
        assert count(Thread) == threads
        return
    assert response.status_code == 302
    thread = newest(Thread)
    assert thread.title == title_stored
    assert thread.posts[0].body == body_stored
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert_shown_safely(page, title_stored)
    assert_shown_safely(page, body_stored, escaped(body_stored).replace("\n", "<br>\n"))
    assert escaped("Aino <b>Author</b>") in page
    # The other member's e-mail names the thread exactly (a text e-mail: nothing escaped).
    messages = emails_to(reader.participant.email)
    assert len(messages) == mails + 1
    assert f"“{title_stored}”" in messages[-1].body_text


@given(body=hostile_text, parent=st.one_of(hostile_text, st.integers().map(str)), note=hostile_text)
def test_forum_reply_edit_and_report_never_fail(
    app, forum_panel, members, staff, body, parent, note
):
    member = members[0]
    thread = db.session.scalar(select(Thread).where(Thread.title == "Tervetuloa"))
    if thread is None:
        thread, _first = forum.start_thread(
            forum_panel, "Tervetuloa", "Hei kaikki!", "fi", user=staff
        )
        db.session.commit()
    client = app.test_client()
    sign_in_as(client, member)
    url = f"/en/panel/raati/forum/{thread.id}"
    assert client.get(f"{url}?reply_to={quote(parent)}").status_code == 200
    # A reply goes under a visible top-level post of the thread (a reply's own parent).
    target = db.session.get(Post, parse_id(parent)) if parse_id(parent) else None
    if target is not None and target.parent_id:
        target = db.session.get(Post, target.parent_id)
    bad_parent = parse_id(parent) is not None and (
        target is None or target.thread_id != thread.id or target.state != PostState.VISIBLE
    )
    response = send_form(client, url, {"body": body, "parent_id": parent})
    assert_not_500(response)
    body_stored = post_as_stored(body)
    if not 2 <= len(body_stored) <= 4000 or bad_parent:
        html = assert_refused(response)
        assert_shown_safely(html, body_stored)
        if bad_parent and 2 <= len(body_stored) <= 4000:
            assert "The message you answered is no longer shown." in text_of(response)
        return
    assert response.status_code == 302
    post = newest(Post)
    assert post.body == body_stored
    edited = send_form(client, f"/en/panel/raati/forum/posts/{post.id}/edit", {"body": note})
    assert_not_500(edited)
    assert edited.status_code in (302, 422)
    reported = send_form(
        client, f"/en/panel/raati/forum/posts/{post.id}/report", {"reason": "spam", "note": note}
    )
    assert_not_500(reported)
    assert reported.status_code in (302, 422)
    db.session.refresh(post)
    if edited.status_code == 302:
        assert post.body == post_as_stored(note)
    page = client.get(url).get_data(as_text=True)
    assert_shown_safely(page, post.body, escaped(post.body).replace("\n", "<br>\n"))


# --- forms anyone can send without signing in --------------------------------------------------


@given(email=emails)
def test_member_sign_in_never_tells_or_fails(app, forum_panel, email):
    response = send_form(app.test_client(), "/en/panel/sign-in", {"email": email})
    assert_not_500(response)
    if response.status_code == 422:
        assert_shown_safely(response.get_data(as_text=True), email.strip())
    else:
        assert response.headers["Location"] == "/en/panel/sign-in/sent"


@given(email=emails, password=hostile_text, next_page=hostile_text)
@example(email="x@example.org", password="x", next_page="/\t/evil.example")
@example(email="x@example.org", password="x", next_page="/\n/evil.example")
def test_staff_sign_in_and_reset_forms_never_fail(app, staff, email, password, next_page):
    client = app.test_client()
    response = client.post(
        f"/en/login?next={quote(next_page)}", data={"email": email, "password": password}
    )
    assert_not_500(response)
    assert response.status_code == 422
    # The address is shown back without control characters (app.auth.forms._no_control).
    typed = "".join(ch for ch in email if ch.isprintable()).strip()
    assert_shown_safely(response.get_data(as_text=True), typed)
    reset = client.post("/en/password/reset", data={"email": email})
    assert_not_500(reset)


@given(next_page=hostile_text)
@example(next_page="/\t/evil.example")
@example(next_page="/\r\n/evil.example")
@example(next_page="/\\evil.example")
def test_after_signing_in_only_a_path_on_this_site_is_followed(app, staff, next_page):
    response = app.test_client().post(
        f"/en/login?next={quote(next_page)}", data={"email": staff.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/")
    assert not location.startswith("//")
    assert not re.match(r"/[\\\s\x00-\x1f]", location)


def test_a_refused_answer_keeps_what_was_typed_in_the_draft(app, answered_survey):
    client = app.test_client()
    url = f"/en/e/{answered_survey.public_id}/respond"
    client.post(url, data={"page": "p1", "q-note": "Kept.", "action": "save"})
    draft = newest(ResponseDraft)
    refused = client.post(url, data={"page": "p1", "q-note": "x" * 10_001, "action": "submit"})
    assert refused.status_code == 422
    db.session.refresh(draft)
    assert draft.values["q-note"] == ["x" * 10_001]
    assert count(Submission) == 4
