"""XLSForm import: a real three-language form, the import report, hostile files, CLI and page."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.core.audit import AuditLog
from app.engagements.models import Engagement, Status
from app.extensions import db
from app.plan import services as plan_services
from app.questionnaires import services, xlsform
from app.questionnaires.models import Answer, Question
from app.questionnaires.xlsform import XlsFormError, condition_from_relevant, import_xlsform
from tests.conftest import login, text_of
from tests.questionnaires.data.xlsforms import LIIKUNTA, build_liikunta, small_form, workbook


@pytest.fixture
def department(plan):
    return plan_services.department_by_code("sivistys")


@pytest.fixture
def areas(plan):
    return [plan_services.focus_area_by_code("HK-05")]


def run_import(data: bytes, department, areas, **kwargs):
    with force_locale("en"):
        result = import_xlsform(data, department, areas, **kwargs)
    db.session.commit()
    return result


def engagements() -> int:
    return db.session.scalar(select(func.count(Engagement.id)))


def codes(notes) -> list[str]:
    return [note.code for note in notes]


def note(result, code: str):
    return next(item for item in result.notes if item.code == code)


# --- the real form --------------------------------------------------------------------------


def test_committed_fixture_is_the_form_the_builder_writes(app):
    # The .xlsx is committed so the tests read a file as staff upload one; it must stay in step
    # with its builder (compared as data: zip timestamps differ between builds).
    def sheets(data: bytes) -> dict:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True)
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}

    assert sheets(LIIKUNTA.read_bytes()) == sheets(build_liikunta())


def test_real_form_becomes_pages_questions_and_options_in_three_languages(department, areas):
    result = run_import(LIIKUNTA.read_bytes(), department, areas)
    engagement = result.engagement
    assert engagement.status == Status.DRAFT
    assert engagement.kind == "survey"
    assert engagement.languages == ["fi", "sv", "en"]
    assert engagement.title == {
        "fi": "Liikuntapaikat Kemissä",
        "sv": "Idrottsplatser i Kemi",
        "en": "Sports facilities in Kemi",
    }
    assert engagement.summary["sv"] == "Berätta hur du använder stadens idrottsplatser."
    assert [area.code for area in engagement.focus_areas] == ["HK-05"]
    pages = result.questionnaire.pages
    # The note outside any group gets a page of its own; each group is a page.
    assert [page.code for page in pages] == ["page_1", "visits", "rating", "background"]
    assert pages[1].title == {"fi": "Käynnit", "sv": "Besök", "en": "Visits"}
    questions = {q.code: q for page in pages for q in page.questions}
    assert [(q.code, q.type) for page in pages for q in page.questions] == [
        ("intro", "info"),
        ("uses", "single_choice"),
        ("places", "multiple_choice"),
        ("times", "number"),
        ("last_visit", "date"),
        ("grade", "single_choice"),
        ("reason", "single_choice"),
        ("improve", "long_text"),
        ("age", "number"),
        ("postcode", "short_text"),
        ("consent", "consent"),
    ]
    assert (result.pages, result.questions) == (4, 11)
    required = {code for code, q in questions.items() if q.is_required}
    assert required == {"uses", "places", "grade", "consent"}
    places = questions["places"]
    assert places.text["en"] == "Which sports facilities do you use?"
    assert places.help == {
        "fi": "Valitse kaikki sopivat.",
        "sv": "Välj alla som passar.",
        "en": "Choose all that apply.",
    }
    assert [(o.code, o.label["sv"]) for o in places.options] == [
        ("uimahalli", "Simhall"),
        ("kuntosali", "Gym"),
        ("jaahalli", "Ishall"),
        ("ladut", "Skidspår"),
    ]
    assert questions["times"].settings == {"integer": True, "min": 0, "max": 60}
    assert questions["age"].settings == {"integer": True, "min": 15, "max": 120}
    assert questions["postcode"].settings == {"max_length": 5}
    assert questions["grade"].settings["display"] == "dropdown"
    # Choice names 1–5 are not codes (they must start with a letter); the report says so.
    assert [o.code for o in questions["grade"].options] == ["c1", "c2", "c3", "c4", "c5"]
    reason = questions["reason"].options
    assert reason[-1].code == "other"
    assert reason[-1].is_other
    assert reason[-1].label["fi"] == "Muu, mikä?"


def test_relevant_columns_become_display_conditions(department, areas):
    result = run_import(LIIKUNTA.read_bytes(), department, areas)
    condition = {q.code: q.condition for page in result.questionnaire.pages for q in page.questions}
    assert condition["places"] == {
        "match": "all",
        "rules": [{"question": "uses", "op": "equals", "value": "kylla"}],
    }
    assert condition["times"] == {
        "match": "any",
        "rules": [
            {"question": "places", "op": "equals", "value": "uimahalli"},
            {"question": "places", "op": "equals", "value": "kuntosali"},
        ],
    }
    assert condition["last_visit"] == {
        "match": "all",
        "rules": [{"question": "uses", "op": "answered"}],
    }
    assert condition["improve"] == {
        "match": "all",
        "rules": [{"question": "times", "op": "greater_than", "value": 4}],
    }
    assert condition["uses"] is None


def test_real_form_report_lists_what_changed(department, areas):
    result = run_import(LIIKUNTA.read_bytes(), department, areas)
    assert codes(result.skipped) == ["ignored_settings"]
    assert note(result, "ignored_settings").params == {"columns": "version"}
    assert codes(result.simplified) == ["choices_renamed", "own_messages", "or_other"]
    renamed = note(result, "choices_renamed")
    assert renamed.sheet == "choices"
    assert "1 → c1" in renamed.message
    assert (note(result, "or_other").sheet, note(result, "or_other").row) == ("survey", 11)


def test_imported_survey_publishes_and_can_be_answered(department, areas):
    result = run_import(LIIKUNTA.read_bytes(), department, areas)
    engagement = result.engagement
    services.publish(engagement)
    db.session.commit()
    form = MultiDict(
        [
            ("q-uses", "kylla"),
            ("q-places", "uimahalli"),
            ("q-places", "ladut"),
            ("q-times", "6"),
            ("q-last_visit", "3.5.2026"),
            ("q-grade", "c4"),
            ("q-reason", "other"),
            ("q-reason-other", "Koiran kanssa"),
            ("q-improve", "Lisää valoja ladulle"),
            ("q-age", "41"),
            ("q-postcode", "94100"),
            ("q-consent", "yes"),
        ]
    )
    submission = services.submit(engagement, form, locale="sv")
    db.session.commit()
    stored = db.session.execute(
        select(Question.code, Answer.option_code, Answer.text, Answer.number, Answer.date)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.submission_id == submission.id)
        .order_by(Answer.id)
    ).all()
    assert [(c, o, t, n and Decimal(n), d) for c, o, t, n, d in stored] == [
        ("uses", "kylla", None, None, None),
        ("places", "uimahalli", None, None, None),
        ("places", "ladut", None, None, None),
        ("times", None, None, Decimal(6), None),
        ("last_visit", None, None, None, date(2026, 5, 3)),
        ("grade", "c4", None, None, None),
        ("reason", "other", "Koiran kanssa", None, None),
        ("improve", None, "Lisää valoja ladulle", None, None),
        ("age", None, None, Decimal(41), None),
        ("postcode", None, "94100", None, None),
        ("consent", "yes", None, None, None),
    ]


def test_imported_checks_and_conditions_apply_when_answering(department, areas):
    result = run_import(LIIKUNTA.read_bytes(), department, areas)
    services.publish(result.engagement)
    db.session.commit()
    with pytest.raises(services.AnswerProblems) as caught:
        services.submit(
            result.engagement,
            MultiDict(
                [
                    ("q-uses", "kylla"),
                    ("q-places", "kuntosali"),
                    ("q-times", "61"),
                    ("q-grade", "c3"),
                    ("q-age", "12"),
                    ("q-postcode", "941001"),
                ]
            ),
            locale="fi",
        )
    problems = {code: [p.code for p in found] for code, found in caught.value.problems.items()}
    assert problems == {
        "times": ["too_large"],
        "age": ["too_small"],
        "postcode": ["too_long"],
        "consent": ["consent_required"],
    }
    db.session.rollback()
    # "times" shows only for the swimming hall or the gym; hidden, it asks nothing.
    services.submit(
        result.engagement,
        MultiDict(
            [
                ("q-uses", "kylla"),
                ("q-places", "jaahalli"),
                ("q-times", "999"),
                ("q-grade", "c3"),
                ("q-consent", "yes"),
            ]
        ),
        locale="fi",
    )
    db.session.commit()


def test_import_is_audited_with_its_report(department, areas):
    result = run_import(LIIKUNTA.read_bytes(), department, areas)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "survey.import"))
    assert entry.target == f"engagements:{result.public_id}"
    assert entry.details["questions"] == 11
    report = xlsform.import_report(result.engagement)
    assert (report.pages, report.questions, report.languages) == (4, 11, ["fi", "sv", "en"])
    assert codes(report.notes) == codes(result.notes)


# --- what is not imported as it was ---------------------------------------------------------


UNSUPPORTED_CHOICES = [
    ["yn", "yes", "Kyllä"],
    ["yn", "no", "Ei"],
    ["city", "kemi", "Kemi"],
]


def test_report_lists_unsupported_features_with_their_rows(department, areas):
    data = small_form(
        [
            ["start", "started"],
            ["select_one yn", "pets", "Onko lemmikkejä?", "yes"],
            ["geopoint", "where", "Missä olet?"],
            ["calculate", "double", "", "", "", "", ""],
            ["begin repeat", "pet", "Lemmikki"],
            ["text", "pet_name", "Lemmikin nimi"],
            ["end repeat"],
            ["text", "why", "Miksi?", "", "${pets} = 'yes' and (${pets} != 'no' or ${x} = '1')"],
            ["text", "other", "Muuta?", "", "not(selected(${pets}, 'yes'))"],
            ["integer", "kids", "Lapsia?", "${pets} = 'yes'", "", "regex(., '[0-9]+')"],
            ["select_one_from_file cities.csv", "town", "Kaupunki"],
            ["text", "later", "Myöhemmin", "", "${kids2} > 1"],
        ],
        UNSUPPORTED_CHOICES,
        form_title="Lemmikit",
    )
    result = run_import(data, department, areas)
    found = [(item.code, item.row) for item in result.notes]
    assert ("metadata", 2) in found
    assert ("unsupported_type", 4) in found
    assert ("calculate", 5) in found
    assert ("repeat", 6) in found
    assert ("relevant_complex", 9) in found
    assert ("relevant_complex", 10) in found
    assert ("required_expression", 11) in found
    assert ("constraint_dropped", 11) in found
    assert ("from_file", 12) in found
    assert ("relevant_unknown_question", 13) in found
    assert {"metadata", "unsupported_type", "calculate", "from_file"} <= set(codes(result.skipped))
    assert "relevant_complex" in codes(result.simplified)
    with force_locale("en"):
        geopoint = next(item for item in result.notes if item.code == "unsupported_type")
        assert geopoint.where == "survey, row 4"
        assert "“where” (geopoint) was not imported" in geopoint.message
    imported = [q.code for page in result.questionnaire.pages for q in page.questions]
    # The repeat's question is asked once; questions with dropped conditions are always shown.
    assert imported == ["pets", "pet_name", "why", "other", "kids", "later"]
    assert all(q.condition is None for page in result.questionnaire.pages for q in page.questions)


def test_choice_filter_default_media_and_unknown_language_columns_are_reported(department, areas):
    data = workbook(
        {
            "survey": [
                [
                    "type",
                    "name",
                    "label::fi",
                    "label::Deutsch (de)",
                    "image",
                    "choice_filter",
                    "default",
                    "esri::fieldType",
                ],
                [
                    "select_one city",
                    "town",
                    "Kaupunki",
                    "Stadt",
                    "kartta.png",
                    "region = 'x'",
                    "kemi",
                    "esriFieldTypeString",
                ],
            ],
            "choices": [
                ["list_name", "name", "label::fi", "region"],
                ["city", "kemi", "Kemi", "x"],
            ],
            "notes": [["free text"]],
        }
    )
    result = run_import(data, department, areas)
    found = {
        (item.code, item.params.get("column") or item.params.get("sheet")) for item in result.notes
    }
    assert ("unknown_language", "label::Deutsch (de)") in found
    assert ("media", "image") in found
    assert ("ignored_column", "esri::fieldType") in found
    assert ("ignored_column", "region") in found
    assert ("ignored_sheet", "notes") in found
    assert {"choice_filter", "default"} <= set(codes(result.notes))
    assert result.engagement.languages == ["fi"]


def test_table_list_group_on_a_one_to_five_list_becomes_a_matrix(department, areas):
    data = small_form(
        [
            ["begin group", "views", "Mitä mieltä olet?", "", "", "", "table-list"],
            ["select_one agree", "clean", "Puistot ovat siistejä", "yes"],
            ["select_one agree", "safe", "Puistot ovat turvallisia", "yes"],
            ["end group"],
        ],
        [
            ["agree", 1, "Täysin eri mieltä"],
            ["agree", 2, "Eri mieltä"],
            ["agree", 3, "Ei samaa eikä eri"],
            ["agree", 4, "Samaa mieltä"],
            ["agree", 5, "Täysin samaa mieltä"],
            ["agree", "eos", "En osaa sanoa"],
        ],
    )
    result = run_import(data, department, areas)
    (page,) = result.questionnaire.pages
    (matrix,) = page.questions
    assert (matrix.code, matrix.type, matrix.is_required) == ("views", "matrix", True)
    assert matrix.settings["points"] == 5
    assert matrix.settings["low_label"] == {"fi": "Täysin eri mieltä"}
    rows = [(o.code, o.label["fi"]) for o in matrix.options if o.role == "row"]
    assert rows == [("clean", "Puistot ovat siistejä"), ("safe", "Puistot ovat turvallisia")]
    cant_say = [o for o in matrix.options if o.role == "option"]
    assert [(o.code, o.is_cant_say) for o in cant_say] == [("eos", True)]
    assert "matrix" in codes(result.notes)


def test_group_conditions_apply_to_their_page_or_questions(department, areas):
    data = small_form(
        [
            ["select_one yn", "kids", "Onko lapsia?", "yes"],
            ["begin group", "family", "Perhe", "", "${kids} = 'yes'"],
            ["integer", "count", "Montako?"],
            ["begin group", "school", "Koulu", "", "${count} > 0"],
            ["text", "which", "Mikä koulu?", "", "${count} < 5"],
            ["text", "why", "Miksi?", "", "${kids} = 'no' or ${count} > 3"],
            ["end group"],
            ["end group"],
        ],
        [["yn", "yes", "Kyllä"], ["yn", "no", "Ei"]],
    )
    result = run_import(data, department, areas)
    first, family = result.questionnaire.pages
    assert family.code == "family"
    assert family.condition == {
        "match": "all",
        "rules": [{"question": "kids", "op": "equals", "value": "yes"}],
    }
    questions = {q.code: q for q in family.questions}
    assert questions["which"].condition == {
        "match": "all",
        "rules": [
            {"question": "count", "op": "greater_than", "value": 0},
            {"question": "count", "op": "less_than", "value": 5},
        ],
    }
    # "any" inside an "all" group cannot be one list: the group's condition is kept.
    assert questions["why"].condition == {
        "match": "all",
        "rules": [{"question": "count", "op": "greater_than", "value": 0}],
    }
    assert {"nested_group", "relevant_group"} <= set(codes(result.simplified))


@pytest.mark.parametrize(
    ("parameters", "expected_type", "expected_settings"),
    [
        ("start=1 end=5 step=1", "scale", {"points": 5}),
        ("start=1;end=7", "scale", {"points": 7}),
        ("start=0 end=10 step=1", "rating", {}),
        ("start=0 end=100 step=5", "number", {"min": 0, "max": 100, "integer": True}),
    ],
)
def test_range_becomes_scale_rating_or_number(
    department, areas, parameters, expected_type, expected_settings
):
    data = workbook(
        {
            "survey": [
                ["type", "name", "label", "parameters"],
                ["range", "score", "Pisteet", parameters],
            ]
        }
    )
    result = run_import(data, department, areas)
    (question,) = result.questionnaire.pages[0].questions
    assert (question.type, question.settings) == (expected_type, expected_settings)


def test_names_become_codes_that_fit_the_rules(department, areas):
    data = small_form(
        [
            ["text", "Ikä-ryhmä.1", "Ikäryhmä"],
            ["text", "1st_visit", "Ensimmäinen käynti"],
            ["text", "ika_ryhma_1", "Toinen"],
        ]
    )
    result = run_import(data, department, areas)
    assert [q.code for q in result.questionnaire.pages[0].questions] == [
        "ika_ryhma_1",
        "q1st_visit",
        "ika_ryhma_1_2",
    ]
    assert [item.params["code"] for item in result.notes if item.code == "renamed"] == [
        "ika_ryhma_1",
        "q1st_visit",
        "ika_ryhma_1_2",
    ]


def test_plain_label_column_is_in_the_default_language(department, areas):
    data = workbook(
        {
            "survey": [
                ["type", "name", "label", "label::Svenska (sv)"],
                ["text", "name_q", "What is your name?", "Vad heter du?"],
            ],
            "settings": [["form_title", "default_language"], ["Names", "English (en)"]],
        }
    )
    result = run_import(data, department, areas)
    assert result.engagement.languages == ["sv", "en"]
    assert result.engagement.title == {"en": "Names"}
    (question,) = result.questionnaire.pages[0].questions
    assert question.text == {"en": "What is your name?", "sv": "Vad heter du?"}


def test_form_without_title_takes_form_id_and_says_so(department, areas):
    data = workbook(
        {
            "survey": [["type", "name", "label"], ["text", "q", "Kysymys"]],
            "settings": [["form_id"], ["puistokysely"]],
        }
    )
    result = run_import(data, department, areas)
    assert result.engagement.title == {"fi": "puistokysely"}
    assert "no_title" in codes(result.notes)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Finnish (fi)", "fi"),
        ("Suomi (fi)", "fi"),
        ("suomi", "fi"),
        ("fi", "fi"),
        ("Swedish (sv)", "sv"),
        ("Svenska", "sv"),
        ("sv-FI", "sv"),
        ("English (en)", "en"),
        ("English (en-GB)", "en"),
        ("en", "en"),
        ("Somali (so)", None),
        ("default", None),
    ],
)
def test_language_names_of_xlsform_columns(raw, code):
    assert xlsform.language_code(raw) == code


# --- expressions ----------------------------------------------------------------------------


def known(**types):
    options = {"a": "a", "b": "b", "1": "c1"}
    return {
        name: xlsform._Known(
            code=name,
            type=qtype,
            option_codes=options if qtype in ("single_choice", "multiple_choice") else None,
            numeric=qtype in ("number", "scale"),
            whole=qtype == "scale",
            page=1,
        )
        for name, qtype in types.items()
    }


@pytest.mark.parametrize(
    ("expression", "rules", "match"),
    [
        ("${s} = 'a'", [{"question": "s", "op": "equals", "value": "a"}], "all"),
        ("'a' = ${s}", [{"question": "s", "op": "equals", "value": "a"}], "all"),
        ("${s} = '1'", [{"question": "s", "op": "equals", "value": "c1"}], "all"),
        ("${t} != ''", [{"question": "t", "op": "answered"}], "all"),
        ('${t} = ""', [{"question": "t", "op": "not_answered"}], "all"),
        ("selected(${m}, 'b')", [{"question": "m", "op": "equals", "value": "b"}], "all"),
        ("${n} > 3", [{"question": "n", "op": "greater_than", "value": 3}], "all"),
        ("${n} < 2.5", [{"question": "n", "op": "less_than", "value": 2.5}], "all"),
        ("${k} >= 3", [{"question": "k", "op": "greater_than", "value": 2}], "all"),
        ("${k} <= 3", [{"question": "k", "op": "less_than", "value": 4}], "all"),
        ("3 < ${n}", [{"question": "n", "op": "greater_than", "value": 3}], "all"),
        ("${n} = 4", [{"question": "n", "op": "equals", "value": "4"}], "all"),
        (
            "${s} = 'a' and ${n} > 1",
            [
                {"question": "s", "op": "equals", "value": "a"},
                {"question": "n", "op": "greater_than", "value": 1},
            ],
            "all",
        ),
        (
            "(selected(${m}, 'a')) or (selected(${m}, 'b') or ${t} != '')",
            [
                {"question": "m", "op": "equals", "value": "a"},
                {"question": "m", "op": "equals", "value": "b"},
                {"question": "t", "op": "answered"},
            ],
            "any",
        ),
    ],
)
def test_simple_relevant_shapes_become_conditions(expression, rules, match):
    types = known(s="single_choice", m="multiple_choice", t="short_text", n="number", k="scale")
    assert condition_from_relevant(expression, types) == {"match": match, "rules": rules}


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("${s} = 'a' and ${n} > 1 or ${t} != ''", "complex"),
        ("${s} != 'a'", "complex"),
        ("not(selected(${m}, 'a'))", "complex"),
        ("${n} >= 3", "complex"),  # a decimal: "at least 3" cannot be said with greater_than
        ("${t} > 3", "complex"),
        ("count-selected(${m}) > 1", "complex"),
        ("${n} + 1 > 3", "complex"),
        ("${s} = 'zzz'", "unknown_choice"),
        ("${nope} = 'a'", "unknown_question"),
        ("__import__('os').system('x')", "complex"),
        ("${s} = 'a' ; drop", "complex"),
        ("", "complex"),
        ("(" * 400 + "${s} = 'a'" + ")" * 400, "complex"),
    ],
)
def test_other_relevant_shapes_are_refused_not_guessed(expression, reason):
    types = known(s="single_choice", m="multiple_choice", t="short_text", n="number")
    with pytest.raises(xlsform._Unsupported) as refused:
        condition_from_relevant(expression, types)
    assert refused.value.reason == reason


@pytest.mark.parametrize(
    ("qtype", "integer", "constraint", "settings", "approximate"),
    [
        ("number", True, ". >= 0 and . <= 120", {"min": 0, "max": 120}, False),
        ("number", True, ". > 0 and . < 10", {"min": 1, "max": 9}, False),
        ("number", False, ". > 0", {"min": 0}, True),
        ("number", False, "0.5 <= .", {"min": 0.5}, False),
        ("short_text", False, "string-length(.) <= 200", {"max_length": 200}, False),
        ("multiple_choice", False, "count-selected(.) <= 3", {"max_choices": 3}, False),
        (
            "multiple_choice",
            False,
            "count-selected(.) = 2",
            {"min_choices": 2, "max_choices": 2},
            False,
        ),
    ],
)
def test_simple_constraints_become_settings(qtype, integer, constraint, settings, approximate):
    question = xlsform._Question(
        row=2,
        name="q",
        code="q",
        type=qtype,
        text={},
        help={},
        required=False,
        settings={"integer": True} if integer else {},
        options=[],
        option_codes=None,
        relevant="",
    )
    updates, inexact = xlsform._constraint_settings(constraint, question)
    assert (updates, inexact) == (settings, approximate)


@pytest.mark.parametrize(
    ("qtype", "constraint"),
    [
        ("number", ". >= 0 or . <= 5"),
        ("number", ". != 3"),
        ("short_text", "regex(., '^[0-9]{5}$')"),
        ("short_text", "string-length(.) >= 5"),
        ("date", ". <= today()"),
        ("number", ". >= ${other}"),
    ],
)
def test_other_constraints_are_refused(qtype, constraint):
    question = xlsform._Question(
        row=2,
        name="q",
        code="q",
        type=qtype,
        text={},
        help={},
        required=False,
        settings={},
        options=[],
        option_codes=None,
        relevant="",
    )
    with pytest.raises(xlsform._Unsupported):
        xlsform._constraint_settings(constraint, question)


# --- hostile and broken files: a clear error, nothing created ------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _with_doctype() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(small_form([["text", "q", "Kysymys"]])))
    members = {info.filename: source.read(info) for info in source.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    if sheet.startswith(b"<?xml"):
        declaration, sheet = sheet.split(b"?>", 1)
        declaration += b"?>"
    else:
        declaration = b""
    entities = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    members["xl/worksheets/sheet1.xml"] = declaration + entities + sheet
    return _zip(members)


def _zip_bomb() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"\0" * (xlsform.MAX_UNPACKED_BYTES + 1),
        }
    )


BROKEN = {
    "not_a_zip": (lambda: b"type,name,label\ntext,q,Kysymys\n", "not_xlsx"),
    "old_xls": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, "old_xls"),
    "zip_not_xlsx": (lambda: _zip({"survey.csv": b"type,name\n"}), "not_xlsx"),
    "truncated_xlsx": (lambda: small_form([["text", "q", "Q"]])[:-200], "not_xlsx"),
    "damaged_xlsx": (
        lambda: _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<nope"}),
        "broken",
    ),
    "zip_bomb": (_zip_bomb, "unpacked_too_large"),
    "doctype": (_with_doctype, "doctype"),
    "oversized": (lambda: b"PK\x03\x04" + b"\0" * xlsform.MAX_FILE_BYTES, "too_large"),
    "empty": (lambda: b"", "empty_file"),
    "no_survey_sheet": (
        lambda: workbook({"kysely": [["type", "name", "label"]]}),
        "no_survey_sheet",
    ),
    "no_name_column": (
        lambda: workbook({"survey": [["type", "label"], ["text", "Kysymys"]]}),
        "missing_column",
    ),
    "duplicate_names": (
        lambda: small_form([["text", "q", "Yksi"], ["integer", "q", "Kaksi"]]),
        "duplicate_name",
    ),
    "unknown_list": (
        lambda: small_form([["select_one colours", "q", "Väri"]], [["sizes", "s", "Pieni"]]),
        "unknown_list",
    ),
    "select_without_list": (lambda: small_form([["select_one", "q", "Väri"]]), "missing_list"),
    "formula": (
        lambda: small_form([["text", "q", '=HYPERLINK("http://x.example","Klikkaa")']]),
        "formula",
    ),
    "group_not_closed": (
        lambda: small_form([["begin group", "g", "Ryhmä"], ["text", "q", "Q"]]),
        "group_not_closed",
    ),
    "end_without_begin": (
        lambda: small_form([["text", "q", "Q"], ["end group"]]),
        "end_without_begin",
    ),
    "no_questions": (lambda: small_form([["calculate", "c", ""]]), "no_questions"),
    "only_other_languages": (
        lambda: workbook(
            {"survey": [["type", "name", "label::Deutsch (de)"], ["text", "q", "Frage"]]}
        ),
        "no_language",
    ),
}


@pytest.mark.parametrize("case", BROKEN)
def test_broken_or_hostile_file_gives_a_clear_error_and_creates_nothing(department, areas, case):
    make, expected = BROKEN[case]
    before = engagements()
    with force_locale("en"), pytest.raises(XlsFormError) as refused:
        import_xlsform(make(), department, areas)
    db.session.rollback()
    assert expected in codes(refused.value.problems)
    with force_locale("en"):
        messages = refused.value.messages
    assert all(message and "%(" not in message for message in messages)
    assert engagements() == before
    assert (
        db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "survey.import"))
        == 0
    )


def test_error_names_the_sheet_and_row(department, areas):
    data = small_form([["text", "q", "Yksi"], ["integer", "q", "Kaksi"]])
    with force_locale("en"), pytest.raises(XlsFormError) as refused:
        import_xlsform(data, department, areas)
    with force_locale("en"):
        assert refused.value.messages == [
            "survey, row 3: The name “q” is used twice (also on row 2)."
        ]


def test_formula_is_reported_with_its_cell_and_never_run(department, areas):
    data = small_form([["text", "q", "Kysymys"], ["integer", "n", "=1+1"]])
    with force_locale("en"), pytest.raises(XlsFormError) as refused:
        import_xlsform(data, department, areas)
    with force_locale("en"):
        assert "Cell C3 contains a formula" in refused.value.messages[0]


def test_too_many_rows_are_refused(department, areas, monkeypatch):
    monkeypatch.setattr(xlsform, "MAX_ROWS", 3)
    data = small_form([["text", f"q{n}", "Kysymys"] for n in range(5)])
    with pytest.raises(XlsFormError) as refused:
        import_xlsform(data, department, areas)
    assert codes(refused.value.problems) == ["too_many_rows"]


def test_rows_after_twenty_blank_rows_are_not_read_and_the_report_says_so(department, areas):
    rows = [["text", "q1", "Yksi"], *([[None]] * 25), ["text", "q2", "Kaksi"]]
    data = workbook({"survey": [["type", "name", "label"], *rows]})
    result = run_import(data, department, areas)
    assert [q.code for q in result.questionnaire.pages[0].questions] == ["q1"]
    assert "rows_after_blank" in codes(result.skipped)


def test_failure_while_creating_leaves_nothing_half_created(department, areas, monkeypatch):
    calls = []
    real_add_question = services.add_question

    def failing_add_question(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise services.QuestionnaireError(["disk full"])
        return real_add_question(*args, **kwargs)

    monkeypatch.setattr(services, "add_question", failing_add_question)
    before = engagements()
    with pytest.raises(XlsFormError) as refused:
        import_xlsform(LIIKUNTA.read_bytes(), department, areas)
    db.session.commit()
    assert codes(refused.value.problems) == ["not_created"]
    assert engagements() == before
    assert db.session.scalar(select(func.count(Question.id))) == 0
    assert (
        db.session.scalar(
            select(func.count(AuditLog.id)).where(
                AuditLog.action.in_(["engagement.create", "survey.import"])
            )
        )
        == 0
    )


# --- command line --------------------------------------------------------------------------


def test_cli_import_prints_the_report_and_the_public_id_last(runner, plan, tmp_path):
    result = runner.invoke(
        args=[
            "surveys",
            "import-xlsform",
            str(LIIKUNTA),
            "--department",
            "sivistys",
            "--focus-area",
            "HK-05",
            "--focus-area",
            "SA-06",
        ]
    )
    assert result.exit_code == 0, result.output
    public_id = result.stdout.strip().splitlines()[-1]
    engagement = db.session.scalar(select(Engagement).where(Engagement.public_id == public_id))
    assert engagement.status == Status.DRAFT
    assert sorted(area.code for area in engagement.focus_areas) == ["HK-05", "SA-06"]
    assert "4 pages, 11 questions, languages fi, sv, en" in result.stdout
    assert "survey, row 11: “reason”: “or_other” became an option" in result.stdout


def test_cli_import_with_publish_publishes(runner, plan):
    result = runner.invoke(
        args=[
            "surveys",
            "import-xlsform",
            str(LIIKUNTA),
            "--department",
            "sivistys",
            "--focus-area",
            "HK-05",
            "--publish",
        ]
    )
    assert result.exit_code == 0, result.output
    public_id = result.stdout.strip().splitlines()[-1]
    engagement = db.session.scalar(select(Engagement).where(Engagement.public_id == public_id))
    assert engagement.status == Status.PUBLISHED
    actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions[-2:] == ["survey.import", "engagement.publish"]


def test_cli_publish_refused_lists_what_is_missing_and_keeps_the_draft(runner, plan, tmp_path):
    path = tmp_path / "kysely.xlsx"
    path.write_bytes(
        workbook(
            {
                "survey": [
                    ["type", "name", "label::fi", "label::sv"],
                    ["text", "q", "Kysymys", ""],
                    ["text", "r", "Toinen", "Annan"],
                ],
                "settings": [["form_title::fi"], ["Kysely"]],
            }
        )
    )
    imported = runner.invoke(
        args=[
            "surveys",
            "import-xlsform",
            str(path),
            "--department",
            "sivistys",
            "--focus-area",
            "HK-05",
            "--publish",
        ]
    )
    assert imported.exit_code == 1
    public_id = imported.stdout.strip().splitlines()[-1]
    assert "was not published" in imported.stderr
    assert "- title sv" in imported.stderr
    assert "- q.text sv" in imported.stderr
    engagement = db.session.scalar(select(Engagement).where(Engagement.public_id == public_id))
    assert engagement.status == Status.DRAFT

    refused = runner.invoke(args=["surveys", "publish", public_id])
    assert refused.exit_code == 1
    assert "- summary fi" in refused.stderr
    assert "- summary sv" in refused.stderr

    engagement.title = {"fi": "Kysely", "sv": "Enkät"}
    engagement.summary = {"fi": "Kerro.", "sv": "Berätta."}
    question = db.session.scalar(select(Question).where(Question.code == "q"))
    question.text = {"fi": "Kysymys", "sv": "Fråga"}
    db.session.commit()
    published = runner.invoke(args=["surveys", "publish", public_id])
    assert published.exit_code == 0, published.output
    db.session.refresh(engagement)
    assert engagement.status == Status.PUBLISHED
    assert runner.invoke(args=["surveys", "publish", public_id]).exit_code == 0


def test_cli_import_of_a_broken_file_fails_with_the_problem(runner, plan, tmp_path):
    path = tmp_path / "rikki.xlsx"
    path.write_bytes(small_form([["text", "q", "Yksi"], ["text", "q", "Kaksi"]]))
    result = runner.invoke(
        args=[
            "surveys",
            "import-xlsform",
            str(path),
            "--department",
            "sivistys",
            "--focus-area",
            "HK-05",
        ]
    )
    assert result.exit_code == 1
    assert "survey, row 3: The name “q” is used twice" in result.stderr
    assert engagements() == 0


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--department", "nope", "Unknown department"),
        ("--focus-area", "XX-99", "Unknown focus area"),
    ],
)
def test_cli_import_refuses_unknown_department_or_focus_area(runner, plan, option, value, message):
    args = {"--department": "sivistys", "--focus-area": "HK-05", option: value}
    result = runner.invoke(
        args=[
            "surveys",
            "import-xlsform",
            str(LIIKUNTA),
            *[x for pair in args.items() for x in pair],
        ]
    )
    assert result.exit_code != 0
    assert message in result.output
    assert engagements() == 0


# --- the staff page ------------------------------------------------------------------------

URL = "/fi/staff/departments/sivistys/surveys/import"


def upload(client, data: bytes, areas=("HK-05",), name="kysely.xlsx", lang="fi"):
    return client.post(
        f"/{lang}/staff/departments/sivistys/surveys/import",
        data={"file": (io.BytesIO(data), name), "focus_areas": list(areas)},
        content_type="multipart/form-data",
    )


def test_staff_import_a_form_and_see_the_report(client, staff):
    login(client, staff, lang="en")
    page = client.get("/en/staff/departments/sivistys/surveys/import")
    assert page.status_code == 200
    assert "Import a survey from XLSForm" in text_of(page)
    assert 'enctype="multipart/form-data"' in page.get_data(as_text=True)
    data = small_form(
        [["text", "q", "Kysymys", "yes"], ["geopoint", "where", "Missä?"]],
        form_title="Puistot",
    )
    response = upload(client, data, lang="en")
    assert response.status_code == 302
    engagement = db.session.scalar(select(Engagement))
    assert response.headers["Location"] == f"/en/staff/surveys/{engagement.public_id}/import-report"
    assert engagement.created_by_id == staff.id
    assert engagement.department.code == "sivistys"
    report = client.get(response.headers["Location"])
    shown = text_of(report)
    assert report.status_code == 200
    assert "The survey was imported as a draft" in shown
    assert "Puistot" in shown
    assert "survey, row 3" in shown
    assert "“where” (geopoint) was not imported" in shown
    assert "<caption" in report.get_data(as_text=True)


def test_staff_upload_of_a_broken_file_shows_the_errors_and_creates_nothing(client, staff):
    login(client, staff, lang="en")
    response = upload(client, small_form([["select_one x", "q", "Kysymys"]]), lang="en")
    assert response.status_code == 200
    shown = text_of(response)
    assert "Check these and try again" in shown
    assert "“q” uses the choice list “x”, which is not on the choices sheet" in shown
    assert engagements() == 0


def test_staff_upload_needs_a_file_and_a_focus_area(client, staff):
    login(client, staff, lang="en")
    response = client.post(URL.replace("/fi/", "/en/"), data={}, content_type="multipart/form-data")
    shown = text_of(response)
    assert response.status_code == 200
    assert "Choose the file to import." in shown
    assert "Choose at least one focus area." in shown
    wrong = upload(client, b"x", name="kysely.csv", lang="en")
    assert "Choose an Excel workbook (.xlsx)." in text_of(wrong)
    assert engagements() == 0


def test_import_page_refuses_other_departments_and_anonymous_visitors(client, other_staff):
    assert client.get(URL).headers["Location"].startswith("/fi/login?next=")
    assert upload(client, LIIKUNTA.read_bytes()).status_code == 302
    login(client, other_staff)
    assert client.get(URL).status_code == 403
    assert upload(client, LIIKUNTA.read_bytes()).status_code == 403
    assert engagements() == 0


def test_import_report_belongs_to_the_survey_department(
    client, staff, other_staff, department, areas
):
    result = run_import(LIIKUNTA.read_bytes(), department, areas)
    url = f"/fi/staff/surveys/{result.public_id}/import-report"
    login(client, other_staff)
    assert client.get(url).status_code == 403
    client.post("/fi/logout")
    login(client, staff)
    assert client.get(url).status_code == 200
