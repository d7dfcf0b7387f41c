"""Display conditions on questions and pages: stored as data, evaluated on the server.

A condition is JSON::

    {"match": "all" | "any",
     "rules": [{"question": "Q1", "op": "answered" | "not_answered" | "equals" | "one_of"
                                       | "greater_than" | "less_than",
                "value": ...}]}

Nothing a respondent types is ever evaluated as an expression or a template: values are compared
as data. A question hidden by its condition counts as not answered for the conditions after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from app.questionnaires.spec import PageSpec, QuestionSpec
from app.questionnaires.types import question_type

OPERATORS = ("answered", "not_answered", "equals", "one_of", "greater_than", "less_than")


def check_condition(
    condition: Mapping[str, Any] | None, earlier: Mapping[str, QuestionSpec]
) -> list[str]:
    """Problems with a condition, given the questions that come before it (codes → specs).

    A condition may only look back, so answering order and evaluation order agree.
    """
    if condition is None:
        return []
    problems = []
    if condition.get("match", "all") not in ("all", "any"):
        problems.append("match must be 'all' or 'any'")
    rules = condition.get("rules")
    if not isinstance(rules, list) or not rules:
        return [*problems, "a condition needs at least one rule"]
    for index, rule in enumerate(rules):
        where = f"rule {index + 1}"
        if not isinstance(rule, Mapping):
            problems.append(f"{where}: not a rule")
            continue
        target = earlier.get(rule.get("question", ""))
        op = rule.get("op")
        if target is None:
            problems.append(f"{where}: refers to a question that does not come before it")
            continue
        if op not in OPERATORS:
            problems.append(f"{where}: unknown operator {op!r}")
        elif op in ("greater_than", "less_than"):
            if not question_type(target.type).numeric:
                problems.append(f"{where}: {target.code} is not a number question")
            elif _number(rule.get("value")) is None:
                problems.append(f"{where}: the value must be a number")
        elif op == "equals" and not isinstance(rule.get("value"), str):
            problems.append(f"{where}: the value must be an option code or text")
        elif op == "one_of" and not (
            isinstance(rule.get("value"), list)
            and rule["value"]
            and all(isinstance(item, str) for item in rule["value"])
        ):
            problems.append(f"{where}: the value must be a list of option codes")
    return problems


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _as_strings(value: Any) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, list | tuple | set):
        return {str(item) for item in value}
    if isinstance(value, dict):
        return {str(item) for item in value.values()}
    if isinstance(value, Decimal):
        return {format(value.normalize(), "f")}
    return {str(value)}


def _rule_holds(rule: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    value = answers.get(rule["question"])
    answered = value not in (None, "", [], {})
    op = rule["op"]
    if op == "answered":
        return answered
    if op == "not_answered":
        return not answered
    if not answered:
        return False
    if op == "equals":
        return str(rule["value"]) in _as_strings(value)
    if op == "one_of":
        return bool(_as_strings(value) & {str(item) for item in rule["value"]})
    number, limit = _number(value), _number(rule.get("value"))
    if number is None or limit is None:
        return False
    return number > limit if op == "greater_than" else number < limit


def holds(condition: Mapping[str, Any] | None, answers: Mapping[str, Any]) -> bool:
    """True when the condition is met (or there is none)."""
    if not condition:
        return True
    results = (_rule_holds(rule, answers) for rule in condition["rules"])
    return any(results) if condition.get("match") == "any" else all(results)


def visible(pages: Iterable[PageSpec], answers: Mapping[str, Any]) -> dict[str, bool]:
    """Question code → shown, in questionnaire order; hidden questions count as unanswered."""
    seen: dict[str, Any] = {}
    shown: dict[str, bool] = {}
    for page in pages:
        page_shown = holds(page.condition, seen)
        for question in page.questions:
            is_shown = page_shown and holds(question.condition, seen)
            shown[question.code] = is_shown
            seen[question.code] = answers.get(question.code) if is_shown else None
    return shown
