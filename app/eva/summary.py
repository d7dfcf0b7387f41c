"""The hearing's input per impact area and alternative, read off the survey results.

The questionnaire follows the generated convention (``i_<area>_<alternative>`` with the options
better / same / worse / cant, ``c_<area>`` comments, ``preferred`` and ``preferred_why``); staff may
have edited it, so a question that is missing is reported as "not asked". The counting itself is
the survey engine's (:func:`app.questionnaires.results.survey_results`): shares are of the people
who gave an answer, "can't say" left out, as on the results page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l

from app.engagements import lifecycle
from app.engagements.models import Engagement
from app.eva import hearing
from app.eva.hearing import AlternativeView
from app.eva.models import Assessment
from app.questionnaires.results import QuestionResult, survey_results
from app.questionnaires.services import QuestionnaireError

#: The answer options of a generated impact question, in the order shown.
ANSWER_CODES: tuple[str, ...] = ("better", "same", "worse", "cant")
ANSWER_WORDS = {
    "better": _l("Better"),
    "same": _l("No change"),
    "worse": _l("Worse"),
    "cant": _l("Can't say"),
}


def impact_code(area_code: str, alternative_code: str) -> str:
    """The generated question asking how an alternative would affect the respondent's area."""
    return f"i_{area_code}_{alternative_code.lower()}"


def comment_code(area_code: str) -> str:
    return f"c_{area_code}"


PREFERRED = "preferred"
PREFERRED_WHY = "preferred_why"


@dataclass(frozen=True)
class Count:
    code: str
    count: int
    #: Of the answers other than "can't say"; None for "can't say" and when nobody answered.
    share: float | None


@dataclass(frozen=True)
class CellSummary:
    alternative: AlternativeView
    question_code: str
    #: False when the questionnaire has no such question (staff removed it).
    asked: bool
    answered: int = 0
    #: What the shares are of: the answers minus "can't say".
    base: int = 0
    counts: tuple[Count, ...] = ()

    def count(self, code: str) -> Count | None:
        return next((c for c in self.counts if c.code == code), None)


@dataclass(frozen=True)
class AreaSummary:
    code: str
    label: str
    label_lang: str | None
    cells: tuple[CellSummary, ...]
    #: The comments question, when asked, and how many wrote something.
    comment_code: str | None = None
    comment_count: int = 0


@dataclass(frozen=True)
class PreferenceRow:
    code: str
    name: str
    lang: str | None
    count: int
    share: float | None


@dataclass(frozen=True)
class PreferenceSummary:
    asked: bool
    answered: int = 0
    rows: tuple[PreferenceRow, ...] = ()
    why_code: str | None = None
    why_count: int = 0


@dataclass
class HearingSummary:
    #: Responses so far.
    total: int
    #: The hearing still takes answers: the figures will change.
    interim: bool
    closed_since: datetime | None
    #: False when the engagement has no questionnaire (nothing was asked).
    has_questionnaire: bool
    areas: list[AreaSummary] = field(default_factory=list)
    preference: PreferenceSummary = field(default_factory=lambda: PreferenceSummary(asked=False))


def _cell(alternative: AlternativeView, code: str, result: QuestionResult | None) -> CellSummary:
    if result is None or result.kind != "choice":
        return CellSummary(alternative=alternative, question_code=code, asked=False)
    bars = {bar.code: bar for bar in result.bars}
    counts = tuple(
        Count(
            answer,
            int(bars[answer].count or 0) if answer in bars else 0,
            bars[answer].share if answer in bars else None,
        )
        for answer in ANSWER_CODES
    )
    return CellSummary(
        alternative=alternative,
        question_code=code,
        asked=True,
        answered=result.answered,
        base=result.base,
        counts=counts,
    )


def _text_count(result: QuestionResult | None) -> tuple[str | None, int]:
    if result is None or result.kind != "text":
        return None, 0
    return result.code, result.text_count


def hearing_summary(
    engagement: Engagement, locale: str, assessment: Assessment | None = None
) -> HearingSummary | None:
    """The input per relevant impact area × alternative and the preferred alternative.

    None when the engagement has no assessment. Staff figures: nothing is suppressed.
    """
    assessment = assessment or hearing.load_assessment(engagement)
    if assessment is None:
        return None
    closed_since = lifecycle.closed_since(engagement)
    interim = closed_since is None
    try:
        results = survey_results(engagement, locale=locale)
    except QuestionnaireError:  # nothing was asked
        return HearingSummary(0, interim, closed_since, has_questionnaire=False)
    by_code = {result.code: result for result in results.questions}
    alternatives = [hearing.alternative_view(a, locale) for a in assessment.alternatives]
    summary = HearingSummary(results.total, interim, closed_since, has_questionnaire=True)
    for assessed in assessment.areas:
        area = assessed.area
        label, label_lang = hearing.translated(area.label, locale)
        codes = [(alt, impact_code(area.code, alt.code)) for alt in alternatives]
        cells = tuple(_cell(alt, code, by_code.get(code)) for alt, code in codes)
        comments, comment_count = _text_count(by_code.get(comment_code(area.code)))
        summary.areas.append(
            AreaSummary(area.code, label, label_lang, cells, comments, comment_count)
        )
    summary.preference = _preference(by_code, alternatives)
    return summary


def _preference(
    by_code: dict[str, QuestionResult], alternatives: list[AlternativeView]
) -> PreferenceSummary:
    why_code, why_count = _text_count(by_code.get(PREFERRED_WHY))
    result = by_code.get(PREFERRED)
    if result is None or result.kind != "choice":
        return PreferenceSummary(asked=False, why_code=why_code, why_count=why_count)
    named = {alt.code.lower(): alt for alt in alternatives}
    rows = []
    for bar in result.bars:
        alternative = named.get(bar.code)
        rows.append(
            PreferenceRow(
                code=bar.code,
                name=alternative.name if alternative else bar.label,
                lang=alternative.label_lang if alternative else bar.lang,
                count=int(bar.count or 0),
                share=bar.share,
            )
        )
    return PreferenceSummary(
        asked=True,
        answered=result.answered,
        rows=tuple(rows),
        why_code=why_code,
        why_count=why_count,
    )
