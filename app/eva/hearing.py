"""What residents read of an EVA: the change, the alternatives and the impact matrix in words.

A read model: :func:`hearing_view` loads an assessment with everything its pages show in a few
statements and turns the matrix into typed, template-ready views whose sentences are built from
translated pieces (never only symbols). The EVA report reuses :func:`matrix` for both stages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.engagements.models import Engagement
from app.eva.models import (
    AFFECTED_GROUPS,
    Alternative,
    AssessedArea,
    Assessment,
    Impact,
    Stage,
)
from app.extensions import db
from app.i18n import tr, tr_lang

#: Direction of an impact in words, and the symbol shown in the compact table.
DIRECTION_WORDS = {
    "+": _l("positive"),
    "-": _l("negative"),
    "0": _l("no impact"),
    "?": _l("impact not known"),
}
DIRECTION_SYMBOLS = {"+": "+", "-": "\u2212", "0": "0", "?": "?"}
SIGNIFICANCE_WORDS = {
    "small": _l("small impact"),
    "medium": _l("medium impact"),
    "large": _l("large impact"),
}
#: Short forms for the compact table.
SIGNIFICANCE_SHORT = {"small": _l("small"), "medium": _l("medium"), "large": _l("large")}
TIME_WORDS = {"short": _l("in the short term"), "long": _l("in the long term")}
TIME_SHORT = {"short": _l("short term"), "long": _l("long term")}
GROUP_WORDS = {
    "age": _l("age groups"),
    "gender": _l("genders"),
    "language": _l("language groups"),
    "socioeconomic": _l("socio-economic groups"),
    "area": _l("residents of an area"),
}
ADOPTION_WORDS = {
    "adopted": _l("Adopted"),
    "partly": _l("Partly adopted"),
    "not": _l("Not adopted"),
}
TRIGGER_WORDS = {
    "residents": _l("Significant effect on residents or on a specific group or area"),
    "staff": _l("Effect on the city's staff"),
    "cost": _l("Investment or long-term cost, as a rule €100,000 or more"),
    "business": _l("Effect on businesses"),
    "employment": _l("Effect on employment"),
    "service_network": _l("Effect on the service network"),
    "strategy": _l("Effect on the city's strategy"),
}
GROUP_NAMES = {
    "people": _l("People"),
    "environment": _l("Environment and climate"),
    "economy": _l("Economy"),
    "employment": _l("Employment"),
    "organisation": _l("Organisation and staff"),
}


def translated(value: Mapping[str, str] | None, locale: str) -> tuple[str, str | None]:
    """The text in ``locale`` (or its fallback), and its language when it is not ``locale``."""
    picked = tr_lang(value, locale)
    return tr(value, locale), (picked if picked and picked != locale else None)


@dataclass(frozen=True)
class AlternativeView:
    id: int
    code: str
    label: str
    label_lang: str | None
    description: str
    description_lang: str | None
    is_current_state: bool
    is_proposed: bool

    @property
    def name(self) -> str:
        """``VE1 Merge the libraries``: the code, then the label (unless it starts with it)."""
        if not self.label:
            return self.code
        if self.label.upper().startswith(self.code.upper()):
            return self.label
        return f"{self.code} {self.label}"


@dataclass(frozen=True)
class CellView:
    """One alternative's impact on one area, in words."""

    alternative: AlternativeView
    #: False when staff have not filled this cell (nothing else is set then).
    filled: bool
    direction: str = "?"
    symbol: str = "?"
    direction_word: str = ""
    significance: str | None = None
    significance_word: str = ""
    significance_short: str = ""
    time_span: str | None = None
    time_word: str = ""
    time_short: str = ""
    groups: tuple[str, ...] = ()
    group_words: tuple[str, ...] = ()
    evidence: str = ""
    evidence_lang: str | None = None
    mitigation: str = ""
    mitigation_lang: str | None = None
    #: The assessment as a sentence, e.g. "VE1 Merge the libraries: negative, large impact, in
    #: the long term."
    summary: str = ""
    #: "Falls mostly on: age groups, residents of an area." or empty.
    falls_on: str = ""


@dataclass(frozen=True)
class AreaView:
    id: int
    code: str
    group: str
    group_name: str
    label: str
    label_lang: str | None
    #: One cell per alternative, in the alternatives' order.
    cells: tuple[CellView, ...]
    #: After the hearing: adopted | partly | not, and why.
    adoption: str | None = None
    adoption_word: str = ""
    reason: str = ""
    reason_lang: str | None = None


@dataclass
class HearingView:
    engagement: Engagement
    assessment: Assessment
    alternatives: list[AlternativeView]
    #: The preliminary assessment residents are heard on.
    areas: list[AreaView]
    proposed: AlternativeView | None
    texts: dict[str, tuple[str, str | None]] = field(default_factory=dict)

    def text(self, name: str) -> str:
        return self.texts.get(name, ("", None))[0]

    def lang(self, name: str) -> str | None:
        return self.texts.get(name, ("", None))[1]

    @property
    def has_easy_read(self) -> bool:
        return bool(self.text("easy_read"))

    @property
    def has_young(self) -> bool:
        return bool(self.text("children_summary"))


#: The assessment's texts a page may show, by attribute name.
TEXT_FIELDS = (
    "proposal",
    "rationale",
    "decision_maker",
    "use_of_input",
    "easy_read",
    "children_summary",
    "final_proposal",
)


def load_assessment(engagement: Engagement) -> Assessment | None:
    """The engagement's assessment with alternatives, areas and cells (four statements)."""
    return db.session.scalar(
        select(Assessment)
        .where(Assessment.engagement_id == engagement.id)
        .options(
            selectinload(Assessment.alternatives),
            selectinload(Assessment.areas).selectinload(AssessedArea.area),
            selectinload(Assessment.impacts),
        )
    )


def alternative_view(alternative: Alternative, locale: str) -> AlternativeView:
    label, label_lang = translated(alternative.label, locale)
    description, description_lang = translated(alternative.description, locale)
    return AlternativeView(
        id=alternative.id,
        code=alternative.code,
        label=label,
        label_lang=label_lang,
        description=description,
        description_lang=description_lang,
        is_current_state=alternative.is_current_state,
        is_proposed=alternative.is_proposed,
    )


def cell_view(impact: Impact | None, alternative: AlternativeView, locale: str) -> CellView:
    """An impact cell in words; the words come in the current (request or forced) locale."""
    if impact is None:
        return CellView(
            alternative=alternative,
            filled=False,
            summary=_("%(alternative)s: not assessed.", alternative=alternative.name),
        )
    direction = impact.direction if impact.direction in DIRECTION_WORDS else "?"
    significance = impact.significance if impact.significance in SIGNIFICANCE_WORDS else None
    time_span = impact.time_span if impact.time_span in TIME_WORDS else None
    groups = tuple(code for code in AFFECTED_GROUPS if code in set(impact.groups or ()))
    pieces = [str(DIRECTION_WORDS[direction])]
    if significance:
        pieces.append(str(SIGNIFICANCE_WORDS[significance]))
    if time_span:
        pieces.append(str(TIME_WORDS[time_span]))
    group_words = tuple(str(GROUP_WORDS[code]) for code in groups)
    evidence, evidence_lang = translated(impact.evidence, locale)
    mitigation, mitigation_lang = translated(impact.mitigation, locale)
    return CellView(
        alternative=alternative,
        filled=True,
        direction=direction,
        symbol=DIRECTION_SYMBOLS[direction],
        direction_word=str(DIRECTION_WORDS[direction]),
        significance=significance,
        significance_word=str(SIGNIFICANCE_WORDS[significance]) if significance else "",
        significance_short=str(SIGNIFICANCE_SHORT[significance]) if significance else "",
        time_span=time_span,
        time_word=str(TIME_WORDS[time_span]) if time_span else "",
        time_short=str(TIME_SHORT[time_span]) if time_span else "",
        groups=groups,
        group_words=group_words,
        evidence=evidence,
        evidence_lang=evidence_lang,
        mitigation=mitigation,
        mitigation_lang=mitigation_lang,
        # i18n: An impact in words: "VE1 Merge the libraries: negative, large impact, in the
        # long term." The assessment is a list of words separated by commas.
        summary=_(
            "%(alternative)s: %(assessment)s.",
            alternative=alternative.name,
            assessment=", ".join(pieces),
        ),
        falls_on=_("Falls mostly on: %(groups)s.", groups=", ".join(group_words))
        if group_words
        else "",
    )


def matrix(
    assessment: Assessment,
    stage: Stage | str,
    locale: str,
    alternatives: list[AlternativeView] | None = None,
) -> list[AreaView]:
    """The relevant impact areas with one cell per alternative at ``stage``, in words."""
    alternatives = alternatives or [alternative_view(a, locale) for a in assessment.alternatives]
    cells = {
        (impact.area_id, impact.alternative_id): impact
        for impact in assessment.impacts
        if impact.stage == stage
    }
    areas = []
    for assessed in assessment.areas:
        area = assessed.area
        label, label_lang = translated(area.label, locale)
        reason, reason_lang = translated(assessed.adoption_reason, locale)
        adoption = assessed.adoption if assessed.adoption in ADOPTION_WORDS else None
        areas.append(
            AreaView(
                id=area.id,
                code=area.code,
                group=str(area.group),
                group_name=str(GROUP_NAMES.get(str(area.group), area.group)),
                label=label,
                label_lang=label_lang,
                cells=tuple(
                    cell_view(cells.get((area.id, alt.id)), alt, locale) for alt in alternatives
                ),
                adoption=adoption,
                adoption_word=str(ADOPTION_WORDS[adoption]) if adoption else "",
                reason=reason,
                reason_lang=reason_lang,
            )
        )
    return areas


def hearing_view(
    engagement: Engagement, locale: str, assessment: Assessment | None = None
) -> HearingView | None:
    """Everything the hearing page shows of the assessment; None when there is none."""
    assessment = assessment or load_assessment(engagement)
    if assessment is None:
        return None
    alternatives = [alternative_view(a, locale) for a in assessment.alternatives]
    return HearingView(
        engagement=engagement,
        assessment=assessment,
        alternatives=alternatives,
        areas=matrix(assessment, Stage.PRELIMINARY, locale, alternatives),
        proposed=next((a for a in alternatives if a.is_proposed), None),
        texts={name: translated(getattr(assessment, name), locale) for name in TEXT_FIELDS},
    )


def split_paragraphs(text: str) -> list[list[str]]:
    """Paragraphs (separated by an empty line), each a list of lines, for templates."""
    paragraphs = (text or "").replace("\r\n", "\n").split("\n\n")
    return [paragraph.strip().split("\n") for paragraph in paragraphs if paragraph.strip()]
