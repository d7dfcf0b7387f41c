"""The "Check language" page: every text of an engagement, graded, with findings marked."""

from __future__ import annotations

import re

import pytest

from app.engagements.models import Engagement
from app.extensions import db
from app.panels.models import PanelStatement
from app.plainlang.analyzer import Finding, FindingCode
from app.plainlang.collect import texts_of
from app.plainlang.highlight import Segment, segments
from app.plan import services as plan_services
from app.questionnaires.builder import create_survey
from app.questionnaires.models import Question, Questionnaire, QuestionOption
from tests.conftest import department, login, text_of
from tests.plainlang.conftest import item, sample, section

#: Officialese: "koskien" is on the officialese list; the whole notice grades hard.
HARD_FI = sample("fi_library_officialese")
EASY_FI = "Kirjasto on auki joka päivä. Tule lainaamaan kirjoja. Kysy lisää kirjastosta."
EASY_SV = "Biblioteket är öppet varje dag. Kom och låna böcker. Fråga mer på biblioteket."
EASY_EN = "The library is open every day. Come and borrow books. Ask us at the library."


def url(engagement: Engagement, lang: str = "en") -> str:
    return f"/{lang}/staff/engagements/{engagement.public_id}/language"


def make_survey(languages: tuple[str, ...] = ("fi", "sv", "en")) -> Engagement:
    engagement = create_survey(
        department("sivistys"),
        {"fi": "Kirjastokysely", "sv": "Biblioteksenkät", "en": "Library survey"},
        languages,
        [plan_services.focus_area_by_code("HK-01")],
    )
    engagement.summary = {"fi": HARD_FI, "sv": EASY_SV, "en": EASY_EN}
    engagement.privacy_note = {"fi": EASY_FI}
    questionnaire = db.session.query(Questionnaire).filter_by(engagement_id=engagement.id).one()
    questionnaire.intro = {"fi": EASY_FI}
    page = questionnaire.pages[0]
    question = Question(
        questionnaire_id=questionnaire.id,
        page_id=page.id,
        code="visits",
        type="single",
        text={"fi": "Kuinka usein käyt kirjastossa?", "en": "How often do you visit?"},
        help={"en": "Think of <script>alert(1)</script> the last year."},
    )
    question.options = [
        QuestionOption(code="often", label={"fi": "Usein", "en": "Often"}),
        QuestionOption(code="never", label={"fi": "En koskaan", "en": "Never"}, position=1),
    ]
    db.session.add(question)
    db.session.commit()
    return engagement


@pytest.fixture
def survey(plan) -> Engagement:
    return make_survey()


# --- what staff see ------------------------------------------------------------------------------


def test_officialese_finnish_text_is_graded_hard_with_the_word_marked_and_its_hint_listed(
    client, staff, survey
):
    login(client, staff, lang="en")
    response = client.get(url(survey))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    finnish = section(html, "fi")
    summary = item(finnish, "Summary")
    assert "<strong>Hard to read</strong>" in summary
    assert re.search(r'<mark id="f-fi-\d+-1">koskien</mark><sup><a href="#n-fi-\d+-1">', summary)
    assert "“koskien” sounds official. A plainer choice:" in summary
    assert re.search(r'<li id="n-fi-\d+-1"><a href="#f-fi-\d+-1"><q lang="fi">koskien</q>', summary)


def test_easy_texts_are_graded_easy_and_one_word_texts_are_too_short_to_grade(
    client, staff, survey
):
    login(client, staff, lang="en")
    html = client.get(url(survey)).get_data(as_text=True)
    assert "<strong>Easy to read</strong>" in item(section(html, "sv"), "Summary")
    assert "<strong>Easy to read</strong>" in item(section(html, "fi"), "Privacy note")
    options = item(section(html, "en"), "Answer options of question visits")
    assert "<strong>Too short to grade</strong>" in options
    assert "Often\nNever" in options


def test_each_offered_language_gets_its_section_and_a_column_in_the_grade_table(
    client, staff, plan
):
    engagement = make_survey(languages=("fi", "sv"))
    login(client, staff, lang="en")
    html = client.get(url(engagement)).get_data(as_text=True)
    assert re.findall(r'<section lang="(\w+)"', html) == ["fi", "sv"]
    table = re.search(r"<table.*?</table>", html, re.S).group()
    assert "<caption" in table
    assert re.findall(r'<th scope="col">([^<]+)</th>', table) == ["Text", "Finnish", "Swedish"]
    assert '<th scope="row">Summary</th>' in table
    # The English texts are not shown for an engagement offered in Finnish and Swedish.
    assert "How often do you visit?" not in html


def test_a_text_missing_in_one_language_is_said_to_be_missing(client, staff, survey):
    login(client, staff, lang="en")
    html = client.get(url(survey)).get_data(as_text=True)
    assert "Not written in this language." in item(section(html, "sv"), "Privacy note")


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_page_renders_in_every_interface_language(client, staff, survey, lang):
    login(client, staff, lang=lang)
    response = client.get(url(survey, lang))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}"' in html
    assert re.findall(r'<section lang="(\w+)"', html) == ["fi", "sv", "en"]
    assert re.search(r'<h2 id="lang-fi-title" lang="' + lang + '">', html)
    assert '<mark id="f-fi-' in html


def test_text_written_by_staff_is_escaped(client, staff, survey):
    login(client, staff, lang="en")
    html = client.get(url(survey)).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_status_line_says_finnish_was_checked_with_the_heuristics(
    client, staff, survey, heuristics
):
    login(client, staff, lang="en")
    assert "Finnish was checked without Voikko" in text_of(client.get(url(survey)))


def test_the_status_line_says_finnish_was_checked_with_voikko(client, staff, survey, with_voikko):
    login(client, staff, lang="en")
    assert "Finnish was checked with Voikko" in text_of(client.get(url(survey)))


def test_no_status_line_without_finnish(client, staff, plan):
    engagement = make_survey(languages=("sv", "en"))
    login(client, staff, lang="en")
    assert "Voikko" not in text_of(client.get(url(engagement)))


# --- kinds ---------------------------------------------------------------------------------------


def test_eva_texts_are_listed(client, staff):
    from tests.eva.conftest import build_eva

    engagement = build_eva()
    db.session.commit()
    login(client, staff, lang="en")
    response = client.get(url(engagement))
    assert response.status_code == 200
    english = section(response.get_data(as_text=True), "en")
    for label, words in (
        ("What is proposed", "The Syväkangas school library would move"),
        ("Version for children and young people", "Your school library may move."),
        ("Description of alternative VE1", "One library at Kirkkopuisto."),
    ):
        assert words in item(english, label)
    overview = client.get(f"/en/staff/eva/{engagement.public_id}/").get_data(as_text=True)
    assert f'<a href="{url(engagement)}">Check language</a>' in overview


def test_panel_texts_are_listed(client, staff):
    from tests.panels._work import make_panel

    panel = make_panel()
    panel.meeting_plan = {"fi": "Raati kokoontuu neljä kertaa vuodessa.", "en": "Four evenings."}
    db.session.add(
        PanelStatement(
            panel_id=panel.id,
            title={"en": "Longer opening hours"},
            statement={"en": "We ask the library to open on Sundays."},
            response={"en": "The library opens on Sundays from May."},
        )
    )
    db.session.commit()
    login(client, staff, lang="en")
    response = client.get(url(panel.engagement))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Raati neuvoo kirjastoa." in item(section(html, "fi"), "Purpose")
    assert "Four evenings." in item(section(html, "en"), "Meeting plan")
    english = section(html, "en")
    assert "Longer opening hours" in item(english, "Statement 1 of the panel")
    assert "open on Sundays." in item(english, "Text of statement 1")
    assert "opens on Sundays from May." in item(english, "The service's response to statement 1")
    overview = client.get(f"/en/staff/panels/{panel.engagement.public_id}/")
    assert f'<a href="{url(panel.engagement)}">Check language</a>' in overview.get_data(
        as_text=True
    )


def test_the_survey_page_links_to_the_check(client, staff, survey):
    login(client, staff, lang="en")
    page = client.get(f"/en/staff/surveys/{survey.public_id}/").get_data(as_text=True)
    assert f'<a href="{url(survey)}">Check language</a>' in page
    back = client.get(url(survey)).get_data(as_text=True)
    assert f'href="/en/staff/surveys/{survey.public_id}/"' in back


# --- who may see it ------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in(client, survey):
    response = client.get(url(survey, "fi"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/fi/login?next=")


def test_staff_of_another_department_is_refused(client, other_staff, survey):
    login(client, other_staff)
    assert client.get(url(survey, "fi")).status_code == 403
    assert client.get("/fi/staff/engagements/nosuchid/language").status_code == 403


def test_the_coordinator_may_check_any_department(client, coordinator, survey):
    login(client, coordinator)
    assert client.get(url(survey, "fi")).status_code == 200
    assert client.get("/fi/staff/engagements/nosuchid/language").status_code == 404


# --- the pieces ----------------------------------------------------------------------------------


def test_texts_of_a_survey_follow_the_order_residents_meet_them(app, survey):
    keys = [text.field_key for text in texts_of(survey)]
    assert keys == [
        "engagement.title",
        "engagement.summary",
        "questionnaire.intro",
        "question.visits.text",
        "question.visits.help",
        "question.visits.options",
        "engagement.privacy_note",
    ]


def finding(start: int, end: int) -> Finding:
    return Finding(FindingCode.LONG_WORD, start, end, "x")


def test_a_finding_inside_an_earlier_mark_is_marked_inside_it():
    text = "aaa bbb ccc ddd"
    pieces, marked = segments(text, [finding(0, 7), finding(4, 7), finding(12, 15)])
    assert pieces == (
        Segment("aaa bbb", 1, (Segment("aaa "), Segment("bbb", 2))),
        Segment(" ccc "),
        Segment("ddd", 3),
    )
    assert marked == {1, 2, 3}


def test_a_text_without_findings_is_one_plain_segment():
    assert segments("Hei", []) == ((Segment("Hei"),), set())
