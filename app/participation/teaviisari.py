"""TEAviisari participation evidence: for the indicators municipalities are scored on, a yes or
no and the engagements that prove it.

THL's TEAviisari asks the municipality's leadership (kuntajohto) yes/no questions about residents'
participation (``../shared/research/finnish_domain.md`` §3.2). The ones the records can prove are
here; the others (a youth council exists, experience experts are used…) the coordinator answers
from what they know.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.participation.records import EngagementRow, Records


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    #: What counts as evidence, in a sentence.
    rule: str
    met: bool
    evidence: tuple[EngagementRow, ...]


def _panel(row: EngagementRow) -> bool:
    return row.kind == "panel"


def _online_influence(row: EngagementRow) -> bool:
    """Residents took part online in preparing something that was (or is being) decided."""
    return "web" in row.figures.channels and (row.kind == "eva" or row.decision_recorded)


def _feedback_used(row: EngagementRow) -> bool:
    return row.kind == "survey" and row.outcome_published and row.figures.participants > 0


def _eva_heard(row: EngagementRow) -> bool:
    return row.kind == "eva" and row.figures.participants > 0


def _told_back(row: EngagementRow) -> bool:
    return row.outcome_published and row.figures.participants > 0


#: (code, label, rule, test); codes are stable: exports and the API use them.
INDICATORS: tuple[tuple[str, object, object, Callable[[EngagementRow], bool]], ...] = (
    (
        "customer_panels",
        _l("Customer panels are used in planning services"),
        _l("A customer panel was running during the year."),
        _panel,
    ),
    (
        "online_influence",
        _l("Residents can influence the preparation of decisions online"),
        _l("Residents took part online in an EVA hearing or in an engagement with a decision."),
        _online_influence,
    ),
    (
        "customer_feedback",
        _l("Customer feedback is used directly in developing services"),
        _l("A feedback survey got answers and its outcome (what was done) was published."),
        _feedback_used,
    ),
    (
        "eva_participation",
        _l("Residents are heard in ex-ante impact assessments (EVA)"),
        _l("An EVA hearing got answers or comments from residents."),
        _eva_heard,
    ),
    (
        "outcome_published",
        _l("Residents are told how their views were used"),
        _l("An engagement with participants published its outcome."),
        _told_back,
    ),
)


def evidence(records: Records) -> tuple[Indicator, ...]:
    """Each indicator with the year's engagements that prove it (met when there is one)."""
    indicators = []
    for code, label, rule, test in INDICATORS:
        rows = tuple(row for row in records.engagements if test(row))
        indicators.append(
            Indicator(code=code, label=str(label), rule=str(rule), met=bool(rows), evidence=rows)
        )
    return tuple(indicators)
