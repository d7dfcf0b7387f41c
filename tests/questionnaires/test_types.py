"""Question types accept what residents really type and refuse the rest with a reason."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict

from app.questionnaires.spec import OptionSpec, QuestionSpec
from app.questionnaires.types import REGISTRY, AnswerRow, parse_number, question_type

OPTIONS = (
    OptionSpec("bus"),
    OptionSpec("bike"),
    OptionSpec("car"),
    OptionSpec("other", is_other=True),
    OptionSpec("none", is_exclusive=True),
    OptionSpec("cant", is_cant_say=True),
)


def parse(qtype: str, data: dict | list, **kwargs):
    question = QuestionSpec(code="Q1", type=qtype, options=kwargs.pop("options", OPTIONS), **kwargs)
    return question_type(qtype).parse(question, MultiDict(data))


def problems(parsed) -> list[str]:
    return [problem.code for problem in parsed.problems]


def test_every_type_the_issue_names_is_registered():
    assert set(REGISTRY) == {
        "info",
        "short_text",
        "long_text",
        "single_choice",
        "multiple_choice",
        "scale",
        "rating",
        "matrix",
        "ranking",
        "number",
        "date",
        "yes_no",
        "area",
        "consent",
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("3,5", "3.5"),
        ("1 200", "1200"),
        ("1\u00a0200,25", "1200.25"),
        ("-2", "-2"),
        ("\u22124", "-4"),
        ("3.5", "3.5"),
        (" 7 ", "7"),
    ],
)
def test_numbers_as_finns_write_them(typed, expected):
    assert parse_number(typed) == Decimal(expected)


@pytest.mark.parametrize("typed", ["", "abc", "1,2,3", "1.2.3", "NaN", "Infinity", "1e5", "=1+1"])
def test_things_that_are_not_numbers(typed):
    assert parse_number(typed) is None


def test_number_limits_and_whole_numbers():
    settings = {"min": 0, "max": 120, "integer": True}
    assert parse("number", {"q-Q1": "42"}, settings=settings).rows == [
        AnswerRow("Q1", number=Decimal(42))
    ]
    assert problems(parse("number", {"q-Q1": "121"}, settings=settings)) == ["too_large"]
    assert problems(parse("number", {"q-Q1": "-1"}, settings=settings)) == ["too_small"]
    assert problems(parse("number", {"q-Q1": "2,5"}, settings=settings)) == ["not_a_whole_number"]
    assert problems(parse("number", {"q-Q1": "many"})) == ["not_a_number"]


def test_required_and_optional_empty_answers():
    assert problems(parse("short_text", {"q-Q1": "   "}, required=True)) == ["required"]
    optional = parse("short_text", {"q-Q1": ""})
    assert problems(optional) == []
    assert optional.rows == []
    assert not optional.answered


def test_text_is_kept_exactly_but_without_control_characters():
    typed = "{{ 7*7 }} <script>alert(1)</script> =SUM(A1) é\u0301 \U0001f600\x00\x1b"
    parsed = parse("short_text", {"q-Q1": typed})
    expected = unicodedata.normalize("NFC", typed.replace("\x00", "").replace("\x1b", "")).strip()
    assert parsed.rows[0].text == expected
    assert expected.startswith("{{ 7*7 }} <script>alert(1)</script> =SUM(A1)")
    long = parse("long_text", {"q-Q1": "line one\r\nline two"})
    assert long.rows[0].text == "line one\nline two"


def test_text_longer_than_allowed_is_refused():
    assert problems(parse("short_text", {"q-Q1": "x" * 501})) == ["too_long"]
    assert problems(parse("long_text", {"q-Q1": "x" * 20}, settings={"max_length": 10})) == [
        "too_long"
    ]


def test_single_choice_stores_the_code_and_other_text():
    assert parse("single_choice", {"q-Q1": "bike"}).rows == [AnswerRow("Q1", option="bike")]
    other = parse("single_choice", {"q-Q1": "other", "q-Q1-other": " skis "})
    assert other.rows == [AnswerRow("Q1", option="other", text="skis")]
    assert problems(parse("single_choice", {"q-Q1": "other"})) == ["other_text_missing"]
    assert problems(parse("single_choice", {"q-Q1": "plane"})) == ["invalid_option"]


def test_multiple_choice_rules():
    picked = parse("multiple_choice", [("q-Q1", "bus"), ("q-Q1", "car"), ("q-Q1", "bus")])
    assert [row.option for row in picked.rows] == ["bus", "car"]
    assert picked.value == ["bus", "car"]
    conflict = parse("multiple_choice", [("q-Q1", "bus"), ("q-Q1", "none")])
    assert problems(conflict) == ["exclusive_conflict"]
    assert problems(parse("multiple_choice", [("q-Q1", "none")], settings={"min_choices": 2})) == []
    limits = {"min_choices": 2, "max_choices": 2}
    assert problems(parse("multiple_choice", [("q-Q1", "bus")], settings=limits)) == [
        "too_few_choices"
    ]
    three = [("q-Q1", "bus"), ("q-Q1", "bike"), ("q-Q1", "car")]
    assert problems(parse("multiple_choice", three, settings=limits)) == ["too_many_choices"]


def test_scales_ratings_and_cant_say():
    assert parse("scale", {"q-Q1": "5"}, settings={"points": 5}).value == Decimal(5)
    assert problems(parse("scale", {"q-Q1": "6"}, settings={"points": 5})) == ["invalid_option"]
    assert parse("scale", {"q-Q1": "7"}, settings={"points": 7}).value == Decimal(7)
    assert parse("rating", {"q-Q1": "0"}).rows == [AnswerRow("Q1", number=Decimal(0))]
    assert problems(parse("rating", {"q-Q1": "11"})) == ["invalid_option"]
    assert parse("scale", {"q-Q1": "cant"}).rows == [AnswerRow("Q1", option="cant")]


def test_matrix_rows_and_missing_rows():
    rows = (OptionSpec("clean"), OptionSpec("safe"))
    parsed = parse("matrix", {"q-Q1-clean": "4", "q-Q1-safe": "cant"}, rows=rows)
    assert parsed.rows == [
        AnswerRow("Q1", number=Decimal(4), row="clean"),
        AnswerRow("Q1", option="cant", row="safe"),
    ]
    assert problems(parse("matrix", {"q-Q1-clean": "4"}, rows=rows, required=True)) == [
        "rows_missing"
    ]
    assert problems(parse("matrix", {}, rows=rows, required=True)) == ["required"]


def test_ranking_without_drag_and_drop():
    options = (OptionSpec("a"), OptionSpec("b"), OptionSpec("c"))
    parsed = parse("ranking", {"q-Q1-c": "1", "q-Q1-a": "2"}, options=options)
    assert parsed.value == ["c", "a"]
    assert parsed.rows == [AnswerRow("Q1", option="c", rank=1), AnswerRow("Q1", option="a", rank=2)]
    assert problems(parse("ranking", {"q-Q1-a": "1", "q-Q1-b": "1"}, options=options)) == [
        "rank_duplicate"
    ]
    assert problems(parse("ranking", {"q-Q1-a": "1", "q-Q1-b": "3"}, options=options)) == [
        "rank_gap"
    ]
    assert problems(parse("ranking", {"q-Q1-a": "4"}, options=options)) == ["rank_out_of_range"]
    assert problems(
        parse("ranking", {"q-Q1-a": "1"}, options=options, settings={"rank_all": True})
    ) == ["rank_all"]


def test_dates_from_a_date_input_or_in_finnish_form():
    assert parse("date", {"q-Q1": "2026-05-31"}).value == date(2026, 5, 31)
    assert parse("date", {"q-Q1": "31.5.2026"}).value == date(2026, 5, 31)
    assert problems(parse("date", {"q-Q1": "31.2.2026"})) == ["not_a_date"]


def test_yes_no_area_and_consent():
    assert parse("yes_no", {"q-Q1": "no"}).rows == [AnswerRow("Q1", option="no")]
    assert problems(parse("yes_no", {"q-Q1": "maybe"})) == ["invalid_option"]
    areas = (OptionSpec("94100"), OptionSpec("94200"))
    assert parse("area", {"q-Q1": "94200"}, options=areas).value == "94200"
    assert problems(parse("consent", {}, required=True)) == ["consent_required"]
    assert parse("consent", {"q-Q1": "y"}).rows == [AnswerRow("Q1", option="yes")]


def test_info_text_collects_nothing():
    assert parse("info", {"q-Q1": "anything"}).rows == []
    assert not question_type("info").collects
