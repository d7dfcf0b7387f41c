"""Staff record offline participation (a workshop, a school visit) and the records count it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.core.audit import AuditLog
from app.engagements.models import Engagement, Kind, Status
from app.engagements.services import create_engagement
from app.extensions import db
from app.participation import offline, records
from app.participation.models import OfflineParticipation
from app.participation.offline import OfflineError
from app.plan import services as plan_services
from app.questionnaires.models import Questionnaire, Submission, new_code
from tests.conftest import UserFactory, department, login, text_of


def make_engagement(
    code: str = "sivistys", languages: tuple[str, ...] = ("fi", "sv"), published: bool = True
) -> Engagement:
    engagement = create_engagement(
        Kind.SURVEY,
        department(code),
        {"fi": "Koulukysely", "sv": "Skolenkät", "en": "School survey"},
        languages,
        [plan_services.focus_area_by_code("HK-01")],
    )
    if published:
        engagement.status = Status.PUBLISHED
    db.session.commit()
    return engagement


@pytest.fixture
def survey(plan) -> Engagement:
    return make_engagement()


def url(engagement: Engagement, lang: str = "fi") -> str:
    return f"/{lang}/staff/engagements/{engagement.public_id}/offline"


def remove_url(engagement: Engagement, entry: OfflineParticipation, lang: str = "fi") -> str:
    return f"{url(engagement, lang)}/{entry.id}/remove"


def form(**overrides: object) -> dict[str, object]:
    values = {
        "held_on": offline.today().isoformat(),
        "channel": "event",
        "participants": "40",
        "language": "fi",
        "note": "Työpaja nuorisotalolla",
    }
    values.update(overrides)
    return values


def entries_of(engagement: Engagement) -> list[OfflineParticipation]:
    return list(
        db.session.scalars(
            select(OfflineParticipation).where(OfflineParticipation.engagement_id == engagement.id)
        )
    )


def add(engagement: Engagement, people: int = 40, **overrides: object) -> OfflineParticipation:
    values = {
        "held_on": offline.today(),
        "channel": "event",
        "participants": people,
        "language": "fi",
        "note": "Työpaja",
        "user": None,
    }
    values.update(overrides)
    entry = offline.add(engagement, **values)
    db.session.commit()
    return entry


def audits(action: str) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


# --- staff of the department --------------------------------------------------------------


def test_staff_of_the_department_adds_an_entry_and_sees_it_in_the_list(client, staff, survey):
    login(client, staff, lang="en")
    page = client.get(url(survey, "en"))
    assert page.status_code == 200
    assert "People who took part without the service, e.g. at a workshop or a school visit." in (
        text_of(page)
    )
    assert "Nothing recorded yet." in text_of(page)

    response = client.post(url(survey, "en"), data=form(participants="40"))
    assert response.status_code == 302
    assert response.headers["Location"] == url(survey, "en")

    listed = text_of(client.get(url(survey, "en")))
    assert "Saved. 40 people are added to the participation records." in listed
    assert "At an event" in listed
    assert "Finnish" in listed
    assert "Työpaja nuorisotalolla" in listed
    assert staff.name in listed
    assert "People in all: 40" in listed
    [entry] = entries_of(survey)
    assert (entry.participants, entry.channel, entry.language) == (40, "event", "fi")
    assert entry.held_on == offline.today()
    assert entry.entered_by_id == staff.id
    [audit] = audits("participation.offline.add")
    assert audit.actor_id == staff.id
    assert audit.target == f"engagements:{survey.public_id}"
    assert audit.details["participants"] == 40
    assert "Työpaja" not in str(audit.details)


def test_the_language_can_be_left_unrecorded_and_the_finnish_date_format_is_read(
    client, staff, survey
):
    login(client, staff)
    day = offline.today()
    typed = f"{day.day}.{day.month}.{day.year}"
    response = client.post(
        url(survey), data=form(held_on=typed, language="", channel="phone", participants="1 500")
    )
    assert response.status_code == 302
    [entry] = entries_of(survey)
    assert (entry.held_on, entry.language, entry.channel) == (day, "", "phone")
    assert entry.participants == 1500


def test_entries_are_listed_newest_first(client, staff, survey):
    add(survey, 11, held_on=offline.today() - timedelta(days=30), note="Vanha")
    add(survey, 22, note="Uusi")
    login(client, staff)
    page = text_of(client.get(url(survey)))
    assert page.index("Uusi") < page.index("Vanha")
    assert [entry.record.note for entry in offline.entries(survey)] == ["Uusi", "Vanha"]


def test_staff_removes_an_entry(client, staff, survey):
    entry = add(survey, 25)
    keep = add(survey, 7, note="Toinen")
    login(client, staff, lang="en")
    page = client.get(url(survey, "en")).get_data(as_text=True)
    assert f'action="{remove_url(survey, entry, "en")}"' in page

    response = client.post(remove_url(survey, entry, "en"))
    assert response.status_code == 302
    assert response.headers["Location"] == url(survey, "en")
    assert [item.id for item in entries_of(survey)] == [keep.id]
    assert "It no longer counts in the participation records." in text_of(
        client.get(url(survey, "en"))
    )
    [audit] = audits("participation.offline.remove")
    assert audit.details["participants"] == 25
    assert audit.actor_id == staff.id


def test_an_entry_of_another_engagement_is_not_found(client, staff, survey):
    other = make_engagement()
    entry = add(other)
    login(client, staff)
    assert client.post(remove_url(survey, entry)).status_code == 404
    assert client.post(f"{url(survey)}/999999/remove").status_code == 404
    assert len(entries_of(other)) == 1


def test_the_coordinator_may_record_for_any_department(client, coordinator, survey):
    login(client, coordinator)
    assert client.post(url(survey), data=form()).status_code == 302
    assert len(entries_of(survey)) == 1


# --- who may not ----------------------------------------------------------------------------


def test_staff_of_another_department_is_refused(client, other_staff, survey):
    entry = add(survey)
    login(client, other_staff)
    assert client.get(url(survey)).status_code == 403
    assert client.post(url(survey), data=form(participants="99")).status_code == 403
    assert client.post(remove_url(survey, entry)).status_code == 403
    assert [item.participants for item in entries_of(survey)] == [40]


def test_anonymous_visitor_is_sent_to_sign_in(client, survey):
    entry = add(survey)
    for method, address in (
        ("GET", url(survey)),
        ("POST", url(survey)),
        ("POST", remove_url(survey, entry)),
    ):
        response = client.open(address, method=method, data=form())
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/fi/login?next=")
    assert len(entries_of(survey)) == 1


# --- bad input ------------------------------------------------------------------------------


def summary_links(response) -> list[tuple[str, str]]:
    """(href, words) of the error summary's links."""
    html = response.get_data(as_text=True)
    box = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert box, "no error summary"
    return [
        (href, " ".join(re.sub(r"<[^>]+>", " ", words).split()))
        for href, words in re.findall(r'<a href="([^"]+)">(.*?)</a>', box.group(0), re.S)
    ]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        (
            {"held_on": "FUTURE"},
            "held_on",
            "The day is in the future. Write the day it was held.",
        ),
        (
            {"participants": "0"},
            "participants",
            "Write how many people took part: a whole number from 1 to 100,000.",
        ),
        (
            {"note": "  \x07 "},
            "note",
            "Write what it was, for example: Workshop at the youth centre.",
        ),
        ({"channel": "carrier-pigeon"}, "channel", "Choose how people took part."),
        (
            {"participants": "forty"},
            "participants",
            "Write how many people took part as a whole number, for example 40.",
        ),
        (
            {"held_on": "31.2.2025"},
            "held_on",
            "Write the date as day.month.year, for example 15.3.2025.",
        ),
        (
            {"language": "en"},
            "language",
            "Choose a language the engagement is offered in, or “Language not recorded”.",
        ),
    ],
)
def test_bad_input_is_shown_in_the_error_summary_and_the_typed_values_stay(
    client, staff, survey, changes, field, words
):
    if changes.get("held_on") == "FUTURE":
        changes = {"held_on": (offline.today() + timedelta(days=1)).isoformat()}
    login(client, staff, lang="en")
    typed = form(**{"note": "Koulukäynti", "participants": "25", "language": "sv", **changes})
    response = client.post(url(survey, "en"), data=typed)
    assert response.status_code == 422
    assert [(href, text.split(": ", 1)[1]) for href, text in summary_links(response)] == [
        (f"#{field}", words)
    ]
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert f'aria-describedby="{field}-hint {field}-error"' in html or (
        f'aria-describedby="{field}-error"' in html
    )
    for name in ("held_on", "participants"):
        assert f'value="{typed[name]}"' in html
    if field != "note":
        assert f"{typed['note']}</textarea>" in html
    if field != "channel":
        assert f'<option selected value="{typed["channel"]}">' in html
    assert entries_of(survey) == []


def test_every_problem_shows_at_once(client, staff, survey):
    login(client, staff, lang="en")
    response = client.post(
        url(survey, "en"),
        data=form(held_on="yesterday", participants="0", channel="", note=""),
    )
    assert response.status_code == 422
    assert [href for href, _words in summary_links(response)] == [
        "#held_on",
        "#channel",
        "#participants",
        "#note",
    ]


def test_a_day_long_before_the_engagement_is_refused(client, staff, survey):
    login(client, staff, lang="en")
    response = client.post(url(survey, "en"), data=form(held_on="2001-05-01"))
    assert response.status_code == 422
    [(href, words)] = summary_links(response)
    assert href == "#held_on"
    assert "more than a year before the engagement was made" in words
    earliest = offline.earliest_day(survey)
    assert offline.problems(survey, earliest, "event", 5, "", "x") == []
    assert offline.problems(survey, earliest - timedelta(days=1), "event", 5, "", "x") == [
        ("date_too_early", "held_on")
    ]


def test_a_draft_engagement_gets_no_offline_entries(client, staff, plan):
    draft = make_engagement(published=False)
    login(client, staff, lang="en")
    page = client.get(url(draft, "en"))
    assert page.status_code == 200
    assert "Offline participation is recorded for published engagements only." in text_of(page)
    assert 'name="participants"' not in page.get_data(as_text=True)
    response = client.post(url(draft, "en"), data=form())
    assert response.status_code == 422
    assert entries_of(draft) == []


def test_the_service_cleans_the_note_and_reports_its_rules(app, survey):
    entry = add(survey, 3, note="  Koulu\x00käynti\u202e \r\n8B  ", language="")
    assert entry.note == "Koulukäynti \n8B"
    with pytest.raises(OfflineError) as refused:
        offline.add(survey, offline.today(), "event", 100_001, "fi", "x" * 501, None)
    assert refused.value.reason == "participants"
    assert refused.value.field == "participants"
    assert refused.value.problems == [("participants", "participants"), ("note_too_long", "note")]
    with force_locale("en"):
        assert offline.problems(survey, offline.today(), "web", 5, "fi", "x") == [
            ("channel", "channel")
        ]


# --- the links and the records ------------------------------------------------------------


def test_the_survey_page_links_to_offline_participation(client, plan):
    from app.questionnaires.demo import load_demo_survey

    engagement = load_demo_survey()
    db.session.commit()
    user = UserFactory(email="kirjasto@city.example", department=department("kulttuuri-vapaa-aika"))
    login(client, user, lang="en")
    page = client.get(f"/en/staff/surveys/{engagement.public_id}/").get_data(as_text=True)
    assert f'<a href="{url(engagement, "en")}">Offline participation</a>' in page
    back = client.get(url(engagement, "en")).get_data(as_text=True)
    assert f'href="/en/staff/surveys/{engagement.public_id}/"' in back


def test_the_eva_overview_links_to_offline_participation(client, staff):
    from tests.eva.conftest import build_eva

    engagement = build_eva()
    db.session.commit()
    login(client, staff, lang="en")
    page = client.get(f"/en/staff/eva/{engagement.public_id}/").get_data(as_text=True)
    assert f'<a href="{url(engagement, "en")}">Offline participation</a>' in page


def test_the_records_count_offline_participants_in_the_engagement_and_under_event(
    client, staff, survey
):
    year = offline.today().year
    questionnaire = Questionnaire(engagement_id=survey.id)
    db.session.add(questionnaire)
    db.session.flush()
    for _ in range(3):
        db.session.add(
            Submission(
                questionnaire_id=questionnaire.id,
                engagement_id=survey.id,
                channel="web",
                locale="fi",
                receipt_code=new_code(),
                demographics={},
            )
        )
    # Last year's workshop does not count in this year's records.
    db.session.add(
        OfflineParticipation(
            engagement_id=survey.id,
            held_on=date(year - 1, 6, 1),
            channel="event",
            participants=500,
            note="Viime vuonna",
        )
    )
    db.session.commit()
    login(client, staff)
    client.post(url(survey), data=form(participants="40", language="fi"))
    client.post(url(survey), data=form(participants="25", language="", note="Koulukäynti"))
    client.post(url(survey), data=form(participants="6", channel="phone", note="Puhelut"))
    assert db.session.scalar(select(func.count(OfflineParticipation.id))) == 4

    built = records.build(year, "fi")
    [row] = [row for row in built.engagements if row.public_id == survey.public_id]
    assert row.figures.offline_participants == 71
    assert row.figures.offline_events == 3
    assert row.figures.responses == 3
    assert row.figures.participants == 74
    channels = {item.channel: item for item in built.channels}
    assert channels["event"].offline_participants == 65
    assert channels["event"].participants == 65
    assert channels["phone"].participants == 6
    assert channels["web"].participants == 3
    languages = {item.language: item.participants for item in built.languages}
    assert languages["fi"] == 3 + 40 + 6
    assert languages[""] == 25
    assert built.total.offline_participants == 71
    hk01 = next(area for area in built.focus_areas if area.code == "HK-01")
    assert hk01.figures.offline_participants == 71
