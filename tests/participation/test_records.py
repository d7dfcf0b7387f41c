"""The year's records counted from hand-built data with known numbers (tests/participation/_build)."""

from __future__ import annotations

import pandas as pd
import pytest

from app.participation import aggregations, records, teaviisari
from tests.participation._build import year_2025


@pytest.fixture
def data(plan):
    return year_2025()


@pytest.fixture
def rec(app, data):
    with app.test_request_context("/en/"):
        return records.build(2025, "en")


def test_totals_count_each_engagement_held_in_the_year_once(rec):
    total = rec.total
    assert total.engagements == 4  # not the draft, not the 2026 one
    assert total.responses == 18 + 7 + 2
    assert total.comments == 3  # the hidden post and the staff reply do not count
    assert total.commenters == 2  # Anna wrote twice
    assert total.offline_participants == 40
    assert total.participants == 58 + 9 + 2
    assert total.outcomes == 1
    assert total.outcome_share == pytest.approx(0.25)
    assert total.channels == ("web", "paper", "event", "phone")
    assert total.languages == ("fi", "sv")


def test_engagement_rows_carry_every_fact(rec):
    rows = {row.public_id: row for row in rec.engagements}
    assert set(rows) == {"library", "school", "roads", "quiet"}
    library = rows["library"]
    assert library.figures.participants == 58
    assert library.figures.responses == 18
    assert library.figures.offline_participants == 40
    assert library.focus_area_codes == ("HK-05", "SA-06")
    assert library.outcome_published
    assert library.decision_recorded
    assert library.informed_all
    assert (library.subscribers, library.informed) == (2, 2)
    school = rows["school"]
    assert school.kind == "eva"
    assert (school.figures.responses, school.figures.comments, school.figures.participants) == (
        7,
        3,
        9,
    )
    assert not school.outcome_published
    assert not school.informed_all
    assert rows["roads"].figures.responses == 2  # the 4 answers of 2024 are not this year's
    assert rows["quiet"].figures.participants == 0


def test_focus_areas_goals_and_gaps(rec):
    areas = {area.code: area.figures for area in rec.focus_areas}
    assert len(areas) == 24
    assert (areas["HK-05"].engagements, areas["HK-05"].participants) == (1, 58)
    assert (areas["SA-06"].engagements, areas["SA-06"].participants) == (1, 58)
    assert (areas["HK-01"].engagements, areas["HK-01"].participants) == (1, 9)
    assert (areas["EK-02"].engagements, areas["EK-02"].participants) == (1, 0)
    goals = {goal.code: goal.figures for goal in rec.goals}
    assert (goals["HK"].engagements, goals["HK"].participants) == (2, 67)
    assert (goals["SA"].engagements, goals["SA"].participants) == (2, 60)
    assert (goals["EK"].engagements, goals["EK"].participants) == (1, 0)
    gaps = {area.code for area in rec.areas_without_engagement}
    assert len(gaps) == 19
    assert "HK-02" in gaps
    assert "HK-05" not in gaps


def test_departments_and_plan_table(rec):
    deps = {dep.code: dep.figures for dep in rec.departments}
    assert (
        deps["kulttuuri-vapaa-aika"].engagements,
        deps["kulttuuri-vapaa-aika"].participants,
    ) == (
        1,
        58,
    )
    assert (deps["kanslia"].engagements, deps["kanslia"].participants) == (1, 0)
    assert deps["elinvoima-tyollisyys"].engagements == 0
    columns = [dep.code for dep in rec.departments]
    table = {row.code: row for row in rec.plan_table}
    library_cell = table["HK-05"].cells[columns.index("kulttuuri-vapaa-aika")]
    assert (library_cell.engagements, library_cell.participants) == (1, 58)
    assert table["HK-05"].cells[columns.index("sivistys")].engagements == 0
    assert (table["HK-01"].total.engagements, table["HK-01"].total.participants) == (1, 9)


def test_channels_languages_and_quarters(rec):
    channels = {row.channel: row.participants for row in rec.channels}
    assert channels == {"web": 22, "paper": 5, "event": 40, "phone": 2}
    languages = {row.language: row.participants for row in rec.languages}
    assert languages == {"fi": 66, "sv": 3}
    both = {(row.channel, row.language): row.responses for row in rec.channel_language}
    assert both[("web", "sv")] == 3
    assert [row.participants for row in rec.quarters] == [15, 45, 9, 0]


def test_tidy_table_sums_back_to_the_focus_area_figures(rec):
    tidy = rec.tidy
    assert len(tidy) == 11
    assert set(tidy["year"]) == {2025}
    by_area = tidy.groupby("focus_area_code")["participants"].sum()
    for area in rec.focus_areas:
        assert by_area.get(area.code, 0) == area.figures.participants
    quiet = tidy[tidy["public_id"] == "quiet"]
    assert len(quiet) == 1
    assert quiet["participants"].iloc[0] == 0
    assert quiet["goal_code"].iloc[0] == "EK"


def test_teaviisari_evidence_names_the_engagements(rec):
    found = {
        item.code: {row.public_id for row in item.evidence} for item in teaviisari.evidence(rec)
    }
    assert found == {
        "customer_panels": set(),
        "online_influence": {"library", "school"},
        "customer_feedback": {"library"},
        "eva_participation": {"school"},
        "outcome_published": {"library"},
    }
    met = {item.code: item.met for item in teaviisari.evidence(rec)}
    assert met["customer_panels"] is False
    assert met["eva_participation"] is True


def test_a_year_without_anything_has_zeros_for_every_focus_area(app, plan):
    with app.test_request_context("/fi/"):
        empty = records.build(2019, "fi")
    assert empty.total.engagements == 0
    assert empty.total.participants == 0
    assert len(empty.areas_without_engagement) == 24
    assert [row.participants for row in empty.quarters] == [0, 0, 0, 0]
    assert empty.engagements == ()
    assert len(empty.tidy) == 0


def test_roll_up_of_a_hand_built_frame():
    facts = pd.DataFrame(
        {
            "engagement_id": [1, 1, 2],
            "quarter": [1, 2, 2],
            "channel": ["web", "paper", "web"],
            "language": ["fi", "fi", "sv"],
            "responses": [3, 2, 4],
            "commenters": [0, 0, 1],
            "comments": [0, 0, 2],
            "offline_events": [0, 0, 0],
            "offline_participants": [0, 0, 0],
            "attendance": [0, 0, 0],
            "members": [0, 0, 0],
            "participants": [3, 2, 5],
        }
    )
    channel_language = aggregations.by_channel_language(
        facts, pd.DataFrame({"engagement_id": [1, 2]})
    )
    expected = pd.DataFrame(
        {
            "channel": ["web", "web", "paper"],
            "language": ["fi", "sv", "fi"],
            "engagements": [1, 1, 1],
            "responses": [3, 4, 2],
            "commenters": [0, 1, 0],
            "comments": [0, 2, 0],
            "offline_events": [0, 0, 0],
            "offline_participants": [0, 0, 0],
            "attendance": [0, 0, 0],
            "members": [0, 0, 0],
            "participants": [3, 5, 2],
        }
    )
    pd.testing.assert_frame_equal(channel_language, expected, check_dtype=False)
    by_language = aggregations.by_dimension(channel_language, "language")
    assert by_language.set_index("language")["participants"].to_dict() == {"fi": 5, "sv": 5}


def test_panel_meeting_attendance_counts_as_participation(app, plan):
    from app.engagements.models import Kind
    from app.extensions import db
    from app.panels.models import MeetingAttendance, Panel, PanelMeeting, PanelMember, Participant
    from tests.participation._build import at, engagement

    item = engagement(
        "panel",
        "kulttuuri-vapaa-aika",
        ("HK-07",),
        at(2025, 1, 1),
        at(2025, 12, 31),
        kind=Kind.PANEL,
    )
    panel = Panel(engagement_id=item.id, target_size=3)
    db.session.add(panel)
    db.session.flush()
    members = []
    for n in range(3):
        person = Participant(email=f"m{n}@example.org", name=f"M {n}")
        db.session.add(person)
        db.session.flush()
        members.append(
            PanelMember(panel_id=panel.id, participant_id=person.id, joined_at=at(2024, 12, 1))
        )
    db.session.add_all(members)
    spring = PanelMeeting(panel_id=panel.id, starts_at=at(2025, 3, 5))
    autumn = PanelMeeting(panel_id=panel.id, starts_at=at(2025, 10, 5))
    next_year = PanelMeeting(panel_id=panel.id, starts_at=at(2026, 2, 5))
    db.session.add_all([spring, autumn, next_year])
    db.session.flush()
    for meeting, present in ((spring, members), (autumn, members[:2]), (next_year, members)):
        db.session.add_all(
            MeetingAttendance(meeting_id=meeting.id, member_id=m.id) for m in present
        )
    db.session.commit()
    with app.test_request_context("/en/"):
        rec = records.build(2025, "en")
    (row,) = rec.engagements
    assert row.kind == "panel"
    assert row.figures.attendance == 5
    assert row.figures.members == 3
    assert row.figures.participants == 3
    assert [q.attendance for q in rec.quarters] == [3, 0, 0, 2]
    assert {i.code: i.met for i in teaviisari.evidence(rec)}["customer_panels"] is True
