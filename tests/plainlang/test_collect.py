"""Which staff-written texts the "Check language" page lists, and under which labels."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from markupsafe import escape
from sqlalchemy import JSON, String, Text

from app.core.types import TranslatedText
from app.discussion import services as discussion
from app.discussion.models import AuthorKind, PostState
from app.engagements.models import Engagement
from app.eva.catalogue import area_by_code
from app.eva.models import Assessment, Impact, Stage
from app.extensions import db
from app.panels import forum
from app.panels.models import Panel, PanelMeeting
from app.plainlang.collect import COLLECTED, NOT_CHECKED, texts_of
from app.plan import services as plan_services
from app.questionnaires.builder import create_survey
from app.questionnaires.models import Question, Questionnaire, QuestionOption
from tests.conftest import department, login
from tests.plainlang.conftest import item, item_starting, labels, page_url, section, written


def t(fi: str, sv: str, en: str) -> dict[str, str]:
    return {"fi": fi, "sv": sv, "en": en}


def page(client, user, engagement: Engagement, lang: str = "en") -> str:  # noqa: ANN001
    login(client, user, lang=lang)
    response = client.get(page_url(engagement, lang))
    assert response.status_code == 200
    return response.get_data(as_text=True)


# --- every text column is accounted for ---------------------------------------------------------


def test_every_text_column_is_either_checked_or_skipped_with_a_reason(app):
    text_columns = {
        f"{table.name}.{column.name}"
        for table in db.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, TranslatedText | Text)
    }
    unaccounted = text_columns - COLLECTED - set(NOT_CHECKED)
    assert not unaccounted, (
        f"collect these in app/plainlang/collect.py or say why not: {unaccounted}"
    )
    assert not COLLECTED & set(NOT_CHECKED)
    assert all(reason.strip() for reason in NOT_CHECKED.values())


def test_the_lists_of_columns_name_only_columns_that_exist(app):
    columns = {
        f"{table.name}.{column.name}": column
        for table in db.metadata.tables.values()
        for column in table.columns
    }
    for name in COLLECTED | set(NOT_CHECKED):
        assert name in columns, f"{name} is not a column (renamed or removed?)"
        assert isinstance(columns[name].type, TranslatedText | Text | String | JSON), name


# --- surveys -------------------------------------------------------------------------------------


@pytest.fixture
def survey(plan) -> Engagement:
    """A library survey with a 1–5 scale and a matrix, both with end labels, in fi/sv/en."""
    engagement = create_survey(
        department("sivistys"),
        t("Kirjastokysely", "Biblioteksenkät", "Library survey"),
        ["fi", "sv", "en"],
        [plan_services.focus_area_by_code("HK-01")],
    )
    questionnaire = db.session.query(Questionnaire).filter_by(engagement_id=engagement.id).one()
    page_id = questionnaire.pages[0].id
    scale = Question(
        questionnaire_id=questionnaire.id,
        page_id=page_id,
        code="hours",
        type="scale",
        text=t(
            "Kuinka tyytyväinen olet kirjaston aukioloaikoihin?",
            "Hur nöjd är du med bibliotekets öppettider?",
            "How happy are you with the library's opening hours?",
        ),
        help=t(
            "Ajattele viimeistä vuotta.",
            "Tänk på det senaste året.",
            "Think of the last year.",
        ),
        settings={
            "points": 5,
            "low_label": t("Erittäin tyytymätön", "Mycket missnöjd", "Very unhappy"),
            "high_label": t("Erittäin tyytyväinen", "Mycket nöjd", "Very happy"),
        },
    )
    scale.options = [
        QuestionOption(
            code="cant_say", label=t("En osaa sanoa", "Vet inte", "Can't say"), is_cant_say=True
        )
    ]
    matrix = Question(
        questionnaire_id=questionnaire.id,
        page_id=page_id,
        code="service",
        type="matrix",
        position=1,
        text=t("Mitä mieltä olet palvelusta?", "Vad tycker du om servicen?", "What do you think?"),
        # Only Finnish and English: the Swedish end label is missing.
        settings={
            "points": 5,
            "low_label": {"fi": "Täysin eri mieltä", "en": "Strongly disagree"},
            "high_label": {"fi": "Täysin samaa mieltä", "en": "Strongly agree"},
        },
    )
    matrix.options = [
        QuestionOption(
            role="row",
            code="staff",
            label=t(
                "Henkilökunta auttaa minua.",
                "Personalen hjälper mig.",
                "The staff help me.",
            ),
        ),
        QuestionOption(
            role="row",
            code="space",
            position=1,
            label=t(
                "Kirjastossa on rauhallista lukea.",
                "Det är lugnt att läsa i biblioteket.",
                "The library is a quiet place to read.",
            ),
        ),
        QuestionOption(
            code="cant_say",
            position=2,
            label=t("En osaa sanoa", "Vet inte", "Can't say"),
            is_cant_say=True,
        ),
    ]
    db.session.add_all([scale, matrix])
    db.session.commit()
    return engagement


def test_scale_end_labels_are_listed_under_their_question(client, staff, survey):
    html = page(client, staff, survey)
    finnish, swedish = section(html, "fi"), section(html, "sv")
    assert "Erittäin tyytymätön" in written(
        item(finnish, "Question hours: label of the lowest value")
    )
    assert "Mycket nöjd" in written(item(swedish, "Question hours: label of the highest value"))
    assert "Täysin eri mieltä" in written(
        item(finnish, "Question service: label of the lowest value")
    )
    missing = item(swedish, "Question service: label of the lowest value")
    assert "Not written in this language." in missing
    assert "Think of the last year." in written(
        item(section(html, "en"), "Help text of question hours")
    )


def test_matrix_statements_are_listed_apart_from_the_answer_options(client, staff, survey):
    english = section(page(client, staff, survey), "en")
    rows = item(english, "Statements (rows) of question service")
    assert "The staff help me.\nThe library is a quiet place to read." in written(rows)
    assert "Can't say" not in written(rows)
    assert "Can't say" in written(item(english, "Answer options of question service"))


def test_texts_of_a_question_come_in_the_order_of_the_question_editor(app, survey):
    keys = [text.field_key for text in texts_of(survey) if text.field_key.startswith("question.")]
    assert keys == [
        "question.hours.text",
        "question.hours.help",
        "question.hours.low_label",
        "question.hours.high_label",
        "question.hours.options",
        "question.service.text",
        "question.service.low_label",
        "question.service.high_label",
        "question.service.rows",
        "question.service.options",
    ]


# --- EVA -----------------------------------------------------------------------------------------


@pytest.fixture
def eva(plan) -> Engagement:
    """The school library EVA of ``tests/eva``, with a final assessment and a staff reply."""
    from tests.eva.conftest import build_eva

    engagement = build_eva()
    assessment = db.session.query(Assessment).filter_by(engagement_id=engagement.id).one()
    children = area_by_code("children_youth")
    ve1 = next(a for a in assessment.alternatives if a.code == "VE1")
    db.session.add(
        Impact(
            assessment_id=assessment.id,
            area_id=children.id,
            alternative_id=ve1.id,
            stage=Stage.FINAL,
            direction="-",
            evidence=t(
                "Kyselyyn vastasi 312 asukasta. Moni pelkäsi, että koulumatka pitenee.",
                "312 invånare svarade på enkäten. Många var rädda att skolvägen blir längre.",
                "312 residents answered the survey. Many feared a longer way to school.",
            ),
            mitigation=t(
                "Kirjastoauto pysähtyy Syväkankaan koululla joka tiistai.",
                "Biblioteksbussen stannar vid Syväkangas skola varje tisdag.",
                "The mobile library stops at Syväkangas school every Tuesday.",
            ),
        )
    )
    assessed = next(a for a in assessment.areas if a.area_id == children.id)
    assessed.adoption = "partly"
    assessed.adoption_reason = t(
        "Lisäsimme kirjastoauton pysäkin vastausten perusteella.",
        "Vi lade till en hållplats för biblioteksbussen efter svaren.",
        "We added a mobile library stop because of your answers.",
    )
    db.session.commit()
    return engagement


def test_eva_impacts_list_evidence_and_mitigation_of_each_cell_and_stage(client, staff, eva):
    english = section(page(client, staff, eva), "en")
    cell = "Children and young people × VE1"
    assert "Loan statistics" in written(item(english, f"Preliminary assessment, {cell}: evidence"))
    assert "A mobile library" in written(
        item(english, f"Preliminary assessment, {cell}: mitigation")
    )
    assert written(item(english, f"Final assessment, {cell}: evidence")) == (
        "312 residents answered the survey. Many feared a longer way to school."
    )
    assert written(item(english, f"Final assessment, {cell}: mitigation")) == (
        "The mobile library stops at Syväkangas school every Tuesday."
    )
    # VE0 (the current state) has no mitigation: nothing to check, nothing listed.
    assert "Preliminary assessment, Children and young people × VE0: mitigation" not in labels(
        english
    )


def test_eva_lists_who_decides_and_how_the_input_changed_the_assessment(client, staff, eva):
    html = page(client, staff, eva, lang="fi")
    finnish, swedish = section(html, "fi"), section(html, "sv")
    assert "Sivistyslautakunta" in written(item(finnish, "Kuka päättää"))
    changed = item_starting(swedish, "Miten palaute muutti arviota: Lapset ja nuoret")
    assert "Vi lade till en hållplats för biblioteksbussen efter svaren." in written(changed)


def test_eva_texts_follow_the_hearing_page_then_the_outcome(app, eva):
    keys = [text.field_key for text in texts_of(eva)]
    order = [
        "eva.decision_maker",
        "eva.proposal",
        "eva.alternative.VE1.description",
        "eva.impact.preliminary.children_youth.VE1.evidence",
        "eva.adoption.children_youth",
        "eva.impact.final.children_youth.VE1.mitigation",
    ]
    positions = [keys.index(key) for key in order]
    assert positions == sorted(positions)


def test_staff_replies_in_hearing_comments_are_listed_but_residents_comments_are_not(
    client, staff, eva
):
    thread = discussion.comment_thread(eva)
    comment = discussion.add_post(
        thread,
        "Miksi kirjasto siirretään? Lapseni koulumatka pitenee.",
        author_kind=AuthorKind.RESIDENT,
        author_name="Huolestunut vanhempi",
        locale="fi",
    )
    discussion.staff_reply(
        comment,
        staff,
        "Kiitos kysymyksestä. Koulukirjastoon pääsee jatkossakin välitunnilla, ja "
        "kirjastoauto pysähtyy koululla joka tiistai.",
        "fi",
    )
    db.session.commit()
    finnish = section(page(client, staff, eva), "fi")
    reply = item_starting(finnish, "Staff message in the comments, ")
    assert "Kiitos kysymyksestä." in written(reply)
    assert "Lapseni koulumatka pitenee." not in finnish


# --- customer panels -----------------------------------------------------------------------------


def at(month: int, day: int, hour: int = 17) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=UTC)


@pytest.fixture
def panel(staff) -> Panel:
    """The library's customer panel with a background question, two meetings and a forum."""
    from tests.panels._work import add_member, make_panel

    panel = make_panel()
    panel.custom_dimensions = [
        {
            "code": "school",
            "label": t(
                "Missä koulussa lapsesi käy?",
                "I vilken skola går ditt barn?",
                "Which school does your child go to?",
            ),
            "options": [
                {"code": "syv", "label": t("Syväkankaan koulu", "Syväkangas skola", "Syväkangas")},
                {"code": "kirk", "label": t("Kirkkopuiston koulu", "Kyrkparkens skola", "Park")},
            ],
        }
    ]
    db.session.add_all(
        [
            PanelMeeting(
                panel_id=panel.id,
                starts_at=at(4, 8),
                agenda=t(
                    "1. Kokouksen avaus\n2. Kesän aukioloajat\n3. Seuraava kokous",
                    "1. Mötet öppnas\n2. Öppettider på sommaren\n3. Nästa möte",
                    "1. Opening\n2. Summer opening hours\n3. Next meeting",
                ),
                minutes=t(
                    "Raati ehdotti, että kirjasto on kesällä auki myös lauantaisin.",
                    "Panelen föreslog att biblioteket håller öppet på lördagar på sommaren.",
                    "The panel proposed that the library opens on Saturdays in summer.",
                ),
            ),
            PanelMeeting(
                panel_id=panel.id,
                starts_at=at(3, 11),
                agenda=t("Tutustuminen", "Vi bekantar oss", "Getting to know each other"),
                materials={"fi": "Kirjaston kävijätilasto 2024 (PDF)"},
            ),
        ]
    )
    member = add_member(panel, 1, name="Aino Laine")
    thread, _post = forum.start_thread(
        panel,
        "Kesän aukioloajat & <b>lauantait</b>",
        "Hei kaikki! Kirjasto kokeilee kesällä lauantaiaukioloa. Mitä mieltä olette?",
        "fi",
        user=staff,
    )
    forum.reply(panel, thread, "Lauantai sopisi minulle hyvin.", "fi", member=member)
    sv_reply = forum.reply(
        panel, thread, "Tack för era svar. Vi tar med dem till nästa möte.", "sv", user=staff
    )
    hidden = forum.reply(panel, thread, "Väärä ketju, poistan tämän.", "fi", user=staff)
    hidden.state = PostState.HIDDEN
    sv_reply.created_at = at(4, 9, 10)
    db.session.commit()
    return panel


def test_panel_meetings_list_agenda_materials_and_minutes_by_date(client, staff, panel):
    html = page(client, staff, panel.engagement)
    english, finnish = section(html, "en"), section(html, "fi")
    assert "2. Summer opening hours" in written(item(english, "Agenda of the meeting on 4/8/25"))
    assert "opens on Saturdays in summer." in written(
        item(english, "Minutes of the meeting on 4/8/25")
    )
    assert "Kävijätilasto" not in english
    assert "kävijätilasto 2024" in written(item(finnish, "Materials of the meeting on 3/11/25"))
    # The earlier meeting comes first.
    headings = labels(english)
    assert headings.index("Agenda of the meeting on 3/11/25") < headings.index(
        "Agenda of the meeting on 4/8/25"
    )


def test_panel_background_questions_of_the_application_form_are_listed(client, staff, panel):
    swedish = section(page(client, staff, panel.engagement), "sv")
    question = item(swedish, "Background question school of the application form")
    assert "I vilken skola går ditt barn?" in written(question)
    options = item(swedish, "Answer options of background question school")
    assert "Syväkangas skola\nKyrkparkens skola" in written(options)


def test_staff_forum_thread_and_posts_are_listed_with_the_thread_title_escaped(
    client, staff, panel
):
    html = page(client, staff, panel.engagement)
    finnish = section(html, "fi")
    assert "<b>lauantait" not in html
    title = item_starting(finnish, "Title of the discussion staff started on ")
    assert " &amp; &lt;b&gt;lauantait&lt;/b&gt;</div>" in title
    assert written(title) == "Kesän aukioloajat & <b>lauantait</b>"
    first = item_starting(
        finnish, "Staff message in the discussion “Kesän aukioloajat & <b>lauantait</b>”"
    )
    assert "Kirjasto kokeilee kesällä lauantaiaukioloa." in written(first)
    # A member's post is theirs; a hidden staff post is not seen by the members.
    assert "Lauantai sopisi minulle hyvin." not in html
    assert "Väärä ketju" not in html


def test_a_staff_post_is_checked_only_in_the_language_it_was_written_in(client, staff, panel):
    html = page(client, staff, panel.engagement)
    label = "Staff message in the discussion “Kesän aukioloajat & <b>lauantait</b>”, 4/9/25"
    assert "Vi tar med dem till nästa möte." in written(item_starting(section(html, "sv"), label))
    shown = str(escape(label))
    for lang in ("fi", "en"):
        assert shown not in section(html, lang)
    table = re.search(r"<table.*?</table>", html, re.S).group()
    row = re.search(rf"<tr>\s*<th scope=\"row\">{re.escape(shown)}.*?</tr>", table, re.S).group()
    assert row.count("Written in one language only") == 2
    assert "Not written" not in row


def test_panel_texts_come_in_the_order_members_meet_them(app, panel):
    keys = [text.field_key for text in texts_of(panel.engagement)]
    firsts = [
        "panel.purpose",
        "panel.dimension.school.label",
        next(key for key in keys if key.startswith("panel.meeting.")),
        next(key for key in keys if key.startswith("discussion.thread.")),
        next(key for key in keys if key.startswith("discussion.post.")),
    ]
    positions = [keys.index(key) for key in firsts]
    assert positions == sorted(positions)
    assert sum(key.startswith("discussion.post.") for key in keys) == 2
