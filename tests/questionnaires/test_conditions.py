"""Display conditions: stored as data, checked when saved, evaluated on the server in order."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.questionnaires.conditions import check_condition, holds, visible
from app.questionnaires.spec import OptionSpec, PageSpec, QuestionSpec

USES_BUS = QuestionSpec("bus", "yes_no")
AGE = QuestionSpec("age", "number")
MODES = QuestionSpec("modes", "multiple_choice", options=(OptionSpec("bus"), OptionSpec("bike")))
NAME = QuestionSpec("name", "short_text")
EARLIER = {q.code: q for q in (USES_BUS, AGE, MODES, NAME)}


def rule(question: str, op: str, value=None) -> dict:
    return {"question": question, "op": op, "value": value}


@pytest.mark.parametrize(
    ("condition", "answers", "expected"),
    [
        ({"rules": [rule("bus", "answered")]}, {"bus": "yes"}, True),
        ({"rules": [rule("bus", "answered")]}, {}, False),
        ({"rules": [rule("bus", "not_answered")]}, {"bus": None}, True),
        ({"rules": [rule("bus", "equals", "yes")]}, {"bus": "yes"}, True),
        ({"rules": [rule("bus", "equals", "yes")]}, {"bus": "no"}, False),
        ({"rules": [rule("modes", "equals", "bike")]}, {"modes": ["bus", "bike"]}, True),
        ({"rules": [rule("modes", "one_of", ["car", "bike"])]}, {"modes": ["bike"]}, True),
        ({"rules": [rule("modes", "one_of", ["car"])]}, {"modes": ["bike"]}, False),
        ({"rules": [rule("age", "greater_than", 64)]}, {"age": Decimal("64.5")}, True),
        ({"rules": [rule("age", "less_than", "18")]}, {"age": Decimal(18)}, False),
        ({"rules": [rule("age", "greater_than", 64)]}, {}, False),
        (
            {"match": "any", "rules": [rule("bus", "equals", "yes"), rule("age", "less_than", 18)]},
            {"bus": "no", "age": Decimal(12)},
            True,
        ),
        (
            {"match": "all", "rules": [rule("bus", "equals", "yes"), rule("age", "less_than", 18)]},
            {"bus": "no", "age": Decimal(12)},
            False,
        ),
        (None, {}, True),
    ],
)
def test_rules(condition, answers, expected):
    assert holds(condition, answers) is expected


def test_respondent_text_is_compared_never_evaluated():
    condition = {"rules": [rule("name", "equals", "{{ 7*7 }}")]}
    assert holds(condition, {"name": "{{ 7*7 }}"})
    assert not holds(condition, {"name": "49"})
    assert not holds({"rules": [rule("name", "greater_than", 1)]}, {"name": "__import__('os')"})


def test_a_question_hidden_by_its_condition_counts_as_unanswered_later():
    pages = (
        PageSpec(
            "p1",
            (
                USES_BUS,
                QuestionSpec(
                    "line", "short_text", condition={"rules": [rule("bus", "equals", "yes")]}
                ),
            ),
        ),
        PageSpec(
            "p2",
            (QuestionSpec("why", "long_text", condition={"rules": [rule("line", "answered")]}),),
            condition={"rules": [rule("bus", "answered")]},
        ),
    )
    # The resident said yes, typed a line, then went back and said no: the stale line is ignored.
    shown = visible(pages, {"bus": "no", "line": "5"})
    assert shown == {"bus": True, "line": False, "why": False}
    assert visible(pages, {"bus": "yes", "line": "5"}) == {"bus": True, "line": True, "why": True}
    assert visible(pages, {}) == {"bus": True, "line": False, "why": False}


def test_conditions_are_checked_when_saved():
    assert check_condition({"rules": [rule("age", "greater_than", 64)]}, EARLIER) == []
    assert check_condition(None, EARLIER) == []
    assert check_condition({"rules": []}, EARLIER) == ["a condition needs at least one rule"]
    assert check_condition({"rules": [rule("later", "answered")]}, EARLIER) == [
        "rule 1: refers to a question that does not come before it"
    ]
    assert check_condition({"rules": [rule("name", "greater_than", 3)]}, EARLIER) == [
        "rule 1: name is not a number question"
    ]
    assert check_condition({"rules": [rule("age", "less_than", "lots")]}, EARLIER) == [
        "rule 1: the value must be a number"
    ]
    assert check_condition({"rules": [rule("modes", "one_of", [])]}, EARLIER) == [
        "rule 1: the value must be a list of option codes"
    ]
    assert check_condition(
        {"match": "some", "rules": [rule("bus", "sounds_like", "x")]}, EARLIER
    ) == [
        "match must be 'all' or 'any'",
        "rule 1: unknown operator 'sounds_like'",
    ]
