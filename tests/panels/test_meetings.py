"""Staff plan a panel's meetings, mark attendance and see the members; members' pages read the
meetings through ``meetings.for_members``."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditLog
from app.core.types import utcnow
from app.extensions import db
from app.i18n import to_local
from app.panels import meetings, statements
from app.panels.models import MeetingAttendance, PanelMeeting, PanelMember
from app.participation import records
from tests.conftest import login, text_of
from tests.panels._work import LANGS, add_meeting, add_member, at, base, make_panel

NEW = base() + "meetings/new"


@pytest.fixture
def panel(app, plan):
    return make_panel()


@pytest.fixture
def signed_in(client, staff, panel):
    login(client, staff)
    return client


def meeting_form(**changes) -> dict:
    form = {
        "starts_at": "2031-03-14T18:00",
        "ends_at": "20:00",
        "place": "Pääkirjasto, Lumo-sali",
        "online_url": "https://meet.example/raati",
        "agenda-fi": "Aukioloajat",
        "agenda-sv": "Öppettider",
        "agenda-en": "Opening hours",
        "materials-en": "",
        "minutes-en": "",
    }
    form.update(changes)
    return form


def attendance_of(meeting: PanelMeeting) -> set[int]:
    return set(
        db.session.scalars(
            select(MeetingAttendance.member_id).where(MeetingAttendance.meeting_id == meeting.id)
        )
    )


def local_input(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


# --- who may use the pages -------------------------------------------------------------------


def test_every_work_page_is_shown_in_three_languages(client, signed_in, panel):
    member = add_member(panel, 1)
    meeting = add_meeting(panel, at(2025, 3, 5, 16))
    db.session.add(MeetingAttendance(meeting_id=meeting.id, member_id=member.id))
    item = statements.create_statement(panel, {"fi": "Suositukset"})
    db.session.commit()
    for lang in LANGS:
        for path in (
            "",
            "members",
            f"members?remove={member.id}",
            "meetings",
            "meetings/new",
            f"meetings/{meeting.id}",
            f"meetings/{meeting.id}?delete=1",
            f"meetings/{meeting.id}/attendance",
            "statements",
            f"statements/{item.id}",
        ):
            url = base(lang) + path
            response = client.get(url)
            assert response.status_code == 200, url
            assert f'<html lang="{lang}"' in response.get_data(as_text=True), url


def test_other_department_is_refused_and_anonymous_is_sent_to_sign_in(
    client, panel, staff, other_staff
):
    member = add_member(panel, 1)
    meeting = add_meeting(panel, at(2025, 3, 5, 16))
    item = statements.create_statement(panel, {"fi": "Suositukset"})
    db.session.commit()
    b = base()
    gets = [b + "members", b + "meetings", NEW, f"{b}meetings/{meeting.id}"]
    gets += [f"{b}meetings/{meeting.id}/attendance", b + "statements", f"{b}statements/{item.id}"]
    posts = [NEW, f"{b}meetings/{meeting.id}", f"{b}meetings/{meeting.id}/attendance"]
    posts += [f"{b}meetings/{meeting.id}/delete", f"{b}members/{member.id}/remove"]
    posts += [b + "statements", f"{b}statements/{item.id}", f"{b}statements/{item.id}/response"]
    posts += [f"{b}statements/{item.id}/unpublish"]
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/en/login"), url
    for url in posts:
        response = client.post(url, data={"members": [str(member.id)]})
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/en/login"), url
    login(client, other_staff)
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert client.post(url, data={"members": [str(member.id)]}).status_code == 403, url
    assert db.session.get(PanelMeeting, meeting.id) is not None
    assert db.session.get(PanelMember, member.id).left_at is None
    assert attendance_of(meeting) == set()


def test_the_overview_links_to_members_meetings_and_statements(signed_in):
    html = signed_in.get(base()).get_data(as_text=True)
    for path in ("members", "meetings", "statements"):
        assert f'href="{base()}{path}"' in html
    assert "Statements and response" in text_of(signed_in.get(base()))


# --- meetings --------------------------------------------------------------------------------


def test_staff_add_a_meeting_in_finnish_time_and_see_it_listed(signed_in, panel):
    assert "No meetings planned." in text_of(signed_in.get(base() + "meetings"))
    response = signed_in.post(NEW, data=meeting_form())
    assert response.status_code == 302, text_of(response)
    meeting = db.session.scalar(select(PanelMeeting))
    assert response.headers["Location"] == f"{base()}meetings/{meeting.id}"
    assert meeting.starts_at.isoformat() == "2031-03-14T16:00:00+00:00"
    assert meeting.ends_at.isoformat() == "2031-03-14T18:00:00+00:00"
    assert meeting.place == "Pääkirjasto, Lumo-sali"
    assert meeting.online_url == "https://meet.example/raati"
    assert meeting.agenda == {"fi": "Aukioloajat", "sv": "Öppettider", "en": "Opening hours"}
    assert meeting.minutes == {}
    page = text_of(signed_in.get(base() + "meetings"))
    assert "Upcoming meetings, soonest first" in page
    assert "Pääkirjasto, Lumo-sali; online" in page
    assert "No meetings held yet." in page
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "panel.meeting.create"))


@pytest.mark.parametrize("typed", ["14.3.2031 18.00", "14.3.2031 18:00", "2031-03-14 18:00"])
def test_a_start_typed_the_finnish_way_is_read_without_a_date_picker(signed_in, panel, typed):
    response = signed_in.post(NEW, data=meeting_form(starts_at=typed, ends_at="20.00"))
    assert response.status_code == 302, text_of(response)
    meeting = db.session.scalar(select(PanelMeeting))
    assert meeting.starts_at.isoformat() == "2031-03-14T16:00:00+00:00"
    assert meeting.ends_at.isoformat() == "2031-03-14T18:00:00+00:00"


def test_the_edit_page_shows_the_saved_time_and_saves_the_minutes(signed_in, panel):
    signed_in.post(NEW, data=meeting_form())
    meeting = db.session.scalar(select(PanelMeeting))
    url = f"{base()}meetings/{meeting.id}"
    html = signed_in.get(url).get_data(as_text=True)
    assert 'value="2031-03-14T18:00"' in html
    assert 'value="20:00"' in html
    assert 'type="datetime-local"' in html
    assert "Opening hours" in html
    response = signed_in.post(url, data=meeting_form(**{"minutes-en": "We agreed on three ideas."}))
    assert response.status_code == 302
    assert response.headers["Location"] == base() + "meetings"
    assert db.session.get(PanelMeeting, meeting.id).minutes == {"en": "We agreed on three ideas."}
    assert "The meeting is saved." in text_of(signed_in.get(response.headers["Location"]))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_at": "17:30"}, "Ends: The meeting must end after it starts."),
        ({"ends_at": "18:00"}, "Ends: The meeting must end after it starts."),
        (
            {"online_url": "javascript:alert(1)"},
            "Link to join online: Write an address that starts with https:// or http://.",
        ),
        (
            {"online_url": "ftp://files.example/raati"},
            "Link to join online: Write an address that starts with https:// or http://.",
        ),
        ({"starts_at": ""}, "Starts: Write the date and time the meeting starts."),
        (
            {"starts_at": "next Friday"},
            "Starts: Write the date and time, for example 14.3.2031 18.00.",
        ),
        ({"ends_at": "late"}, "Ends: Write the time, for example 19:30."),
        ({"place": "x" * 301}, "Place: Write at most 300 characters."),
    ],
)
def test_bad_meeting_input_is_refused_with_a_reason_and_kept(signed_in, changes, message):
    form = meeting_form(**changes)
    response = signed_in.post(NEW, data=form)
    assert response.status_code == 422
    page = text_of(response)
    assert "Check these and try again:" in page
    assert message in page
    html = response.get_data(as_text=True)
    assert 'value="Pääkirjasto, Lumo-sali"' in html or "x" * 301 in html
    assert "Öppettider" in html
    for name in ("starts_at", "ends_at", "online_url"):
        if form[name]:
            assert f'value="{form[name]}"' in html, name
    assert db.session.scalar(select(func.count()).select_from(PanelMeeting)) == 0


def test_a_meeting_with_attendance_cannot_move_to_a_day_still_to_come(signed_in, panel):
    member = add_member(panel, 1)
    meeting = add_meeting(panel, at(2025, 3, 5, 16))
    db.session.add(MeetingAttendance(meeting_id=meeting.id, member_id=member.id))
    db.session.commit()
    later = local_input(utcnow() + timedelta(days=10))
    response = signed_in.post(
        f"{base()}meetings/{meeting.id}", data=meeting_form(starts_at=later, ends_at="")
    )
    assert response.status_code == 422
    assert "cannot move to a day still to come" in text_of(response)
    assert db.session.get(PanelMeeting, meeting.id).starts_at == at(2025, 3, 5, 16)


def test_staff_delete_a_meeting_after_confirming(signed_in, panel):
    member = add_member(panel, 1)
    meeting = add_meeting(panel, at(2025, 3, 5, 16), place="Lumo")
    db.session.add(MeetingAttendance(meeting_id=meeting.id, member_id=member.id))
    db.session.commit()
    url = f"{base()}meetings/{meeting.id}"
    assert "Delete this meeting?" not in text_of(signed_in.get(url))
    html = signed_in.get(url).get_data(as_text=True)
    assert f'href="{url}?delete=1#delete"' in html
    page = text_of(signed_in.get(url + "?delete=1"))
    assert "Delete this meeting?" in page
    assert "1 member is marked present." in page
    response = signed_in.post(url + "/delete")
    assert response.status_code == 302
    assert response.headers["Location"] == base() + "meetings"
    assert db.session.get(PanelMeeting, meeting.id) is None
    assert db.session.scalar(select(func.count()).select_from(MeetingAttendance)) == 0
    assert "is deleted." in text_of(signed_in.get(response.headers["Location"]))


def test_a_meeting_of_another_panel_is_not_found(signed_in, panel):
    meeting = add_meeting(panel, at(2025, 3, 5, 16))
    for path in ("", "/attendance"):
        assert signed_in.get(f"{base()}meetings/{meeting.id + 1}{path}").status_code == 404
    assert signed_in.post(f"{base()}meetings/{meeting.id + 1}/delete").status_code == 404


# --- attendance ------------------------------------------------------------------------------


def test_attendance_is_saved_replaced_and_shown(signed_in, panel):
    anna = add_member(panel, 1, "Anna Aalto")
    bo = add_member(panel, 2, "Bo Berg")
    cai = add_member(panel, 3, "Cai Cederberg")
    meeting = add_meeting(panel, at(2025, 3, 5, 16))
    url = f"{base()}meetings/{meeting.id}/attendance"
    response = signed_in.get(url)
    html = response.get_data(as_text=True)
    assert re.search(r"<fieldset[^>]*>\s*<legend>Members present at the meeting</legend>", html)
    for member, name in ((anna, "Anna Aalto"), (bo, "Bo Berg"), (cai, "Cai Cederberg")):
        assert re.search(
            rf'<input type="checkbox" id="members-\d" name="members" value="{member.id}">\s*'
            rf'<label for="members-\d">{name}</label>',
            html,
        ), name

    response = signed_in.post(url, data={"members": [str(anna.id), str(bo.id)]})
    assert response.status_code == 302
    assert response.headers["Location"] == base() + "meetings"
    assert attendance_of(meeting) == {anna.id, bo.id}
    page = text_of(signed_in.get(response.headers["Location"]))
    assert "Attendance is saved: 2 of 3 present." in page
    html = signed_in.get(url).get_data(as_text=True)
    assert f'value="{anna.id}" checked' in html
    assert f'value="{cai.id}" checked' not in html

    signed_in.post(url, data={"members": [str(cai.id)]})
    assert attendance_of(meeting) == {cai.id}
    signed_in.post(url, data={})
    assert attendance_of(meeting) == set()
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "panel.attendance"))


def test_attendance_lists_members_at_the_meeting_and_refuses_others(signed_in, panel):
    stayed = add_member(panel, 1, "Anna Aalto")
    left_after = add_member(panel, 2, "Bo Berg", left_at=at(2025, 4, 1))
    left_before = add_member(panel, 3, "Cai Cederberg", left_at=at(2025, 2, 15))
    meeting = add_meeting(panel, at(2025, 3, 5, 16))
    url = f"{base()}meetings/{meeting.id}/attendance"
    page = text_of(signed_in.get(url))
    assert "Anna Aalto" in page
    assert "Bo Berg (left the panel)" in page
    assert "Cai Cederberg" not in page
    response = signed_in.post(url, data={"members": [str(stayed.id), str(left_before.id)]})
    assert response.status_code == 422
    assert "Someone on the list is no longer a member. Reload the page." in text_of(response)
    assert attendance_of(meeting) == set()
    signed_in.post(url, data={"members": [str(stayed.id), str(left_after.id)]})
    assert attendance_of(meeting) == {stayed.id, left_after.id}


def test_attendance_waits_for_the_day_of_the_meeting(signed_in, panel):
    member = add_member(panel, 1)
    meeting = add_meeting(panel, utcnow() + timedelta(days=3))
    url = f"{base()}meetings/{meeting.id}/attendance"
    page = text_of(signed_in.get(url))
    assert "The meeting has not been held yet." in page
    assert 'name="members"' not in signed_in.get(url).get_data(as_text=True)
    response = signed_in.post(url, data={"members": [str(member.id)]})
    assert response.status_code == 422
    assert "Attendance can be marked from the day of the meeting on." in text_of(response)
    assert attendance_of(meeting) == set()


def test_marked_attendance_counts_in_the_participation_records(app, signed_in, panel):
    members = [add_member(panel, n) for n in range(1, 4)]
    spring = add_meeting(panel, at(2025, 3, 5, 16))
    autumn = add_meeting(panel, at(2025, 10, 5, 16))
    signed_in.post(
        f"{base()}meetings/{spring.id}/attendance",
        data={"members": [str(m.id) for m in members]},
    )
    signed_in.post(
        f"{base()}meetings/{autumn.id}/attendance", data={"members": [str(members[0].id)]}
    )
    with app.test_request_context("/en/"):
        rec = records.build(2025, "en")
    (row,) = rec.engagements
    assert row.figures.attendance == 4
    assert [q.attendance for q in rec.quarters] == [3, 0, 0, 1]


# --- what members' pages read ----------------------------------------------------------------


def test_for_members_splits_upcoming_and_past_meetings(panel):
    now = at(2025, 6, 1, 12)
    old = add_meeting(panel, at(2025, 3, 5, 16))
    older = add_meeting(panel, at(2025, 2, 5, 16))
    on_now = add_meeting(panel, at(2025, 6, 1, 11))  # no end time: taken to last two hours
    ended = add_meeting(panel, at(2025, 6, 1, 9), ends_at=at(2025, 6, 1, 10))
    soon = add_meeting(panel, at(2025, 6, 10, 15))
    later = add_meeting(panel, at(2025, 9, 10, 15))
    upcoming, past = meetings.for_members(panel, now=now)
    assert upcoming == [on_now, soon, later]
    assert past == [ended, old, older]


# --- members ---------------------------------------------------------------------------------


def test_members_page_lists_members_with_attendance_and_who_left(signed_in, panel):
    anna = add_member(panel, 1, "Anna Aalto", age="18-29")
    add_member(panel, 2, "Bo Berg", age="65-74")
    add_member(panel, 3, "Cai Cederberg", left_at=at(2025, 5, 1))
    meeting = add_meeting(panel, at(2025, 3, 5, 16))
    db.session.add(MeetingAttendance(meeting_id=meeting.id, member_id=anna.id))
    db.session.commit()
    response = signed_in.get(base() + "members")
    page = text_of(response)
    now_part, _sep, left_part = page.partition("Members who left")
    assert "2 members of 6 seats." in now_part
    assert "Anna Aalto member1@example.org 2/1/25 Age: 18–29 1" in now_part
    assert "Bo Berg member2@example.org 2/1/25 Age: 65–74 0" in now_part
    assert "Cai Cederberg" not in now_part
    assert "Cai Cederberg member3@example.org 2/1/25 5/1/25 0" in left_part
    viewed = db.session.scalar(select(AuditLog).where(AuditLog.action == "panel.members.view"))
    assert viewed.details == {"count": 3}


def test_staff_remove_a_member_after_confirming(signed_in, panel):
    anna = add_member(panel, 1, "Anna Aalto")
    page = text_of(signed_in.get(base() + "members"))
    assert "Remove Anna Aalto from the panel?" not in page
    html = signed_in.get(base() + "members").get_data(as_text=True)
    assert f'href="{base()}members?remove={anna.id}#remove"' in html
    page = text_of(signed_in.get(f"{base()}members?remove={anna.id}"))
    assert "Remove Anna Aalto from the panel?" in page
    response = signed_in.post(f"{base()}members/{anna.id}/remove")
    assert response.status_code == 302
    assert response.headers["Location"] == base() + "members"
    assert db.session.get(PanelMember, anna.id).left_at is not None
    page = text_of(signed_in.get(response.headers["Location"]))
    assert "Anna Aalto is no longer a member of the panel." in page
    assert "The panel has no members yet." in page
    assert "Members who left" in page
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "panel.leave"))
    response = signed_in.post(f"{base()}members/{anna.id}/remove", follow_redirects=True)
    assert "This member has left the panel already." in text_of(response)
