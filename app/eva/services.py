"""EVA rules for staff: screening, the change, alternatives, relevant areas, the matrix, publishing.

Services flush and raise :class:`EvaError` with problems written for the person who asked
(translated at the time of the request); the view or command commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from babel import Locale, UnknownLocaleError
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.auth.models import User
from app.core import audit
from app.core.types import clean_translations, missing_locales
from app.discussion import services as discussion_services
from app.engagements import lifecycle
from app.engagements.models import Engagement, Kind, Status
from app.engagements.services import EngagementError, create_engagement
from app.eva import questionnaire as eva_questionnaire
from app.eva.catalogue import ensure_catalogue, list_areas
from app.eva.models import (
    AFFECTED_GROUPS,
    DIRECTIONS,
    SIGNIFICANCES,
    TIME_SPANS,
    TRIGGERS,
    Alternative,
    AssessedArea,
    Assessment,
    Impact,
    ImpactArea,
    Stage,
)
from app.extensions import db
from app.i18n import LOCALES
from app.plan.models import Department, FocusArea
from app.questionnaires import services as questionnaire_services
from app.questionnaires.models import Answer, Question

#: The current state: always there, first, never deleted.
CURRENT_STATE_CODE = "VE0"
CURRENT_STATE_LABEL = {
    "fi": "Nykytila säilyy",
    "sv": "Nuläget bevaras",
    "en": "Keep the current state",
}
FIRST_ALTERNATIVE_LABEL = {"fi": "Vaihtoehto 1", "sv": "Alternativ 1", "en": "Alternative 1"}


class EvaError(Exception):
    """An EVA rule was broken; ``problems`` says what, in words for the person who asked."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _target(engagement: Engagement) -> str:
    return f"engagements:{engagement.public_id}"


def _merge(old: Mapping[str, str] | None, new: Mapping[str, str] | None) -> dict[str, str]:
    """Texts of the languages given replace the old ones (blank removes); others are kept."""
    merged = dict(old or {})
    for locale, text in (new or {}).items():
        if locale not in LOCALES:
            continue
        text = (text or "").strip()
        if text:
            merged[locale] = text
        else:
            merged.pop(locale, None)
    return merged


# --- looking up ------------------------------------------------------------------------------


def assessment_of(engagement: Engagement) -> Assessment | None:
    return db.session.scalar(select(Assessment).where(Assessment.engagement_id == engagement.id))


def alternative_by_code(assessment: Assessment, code: str) -> Alternative | None:
    return next((alt for alt in assessment.alternatives if alt.code == code), None)


def assessed_area(assessment: Assessment, area_code: str) -> AssessedArea | None:
    return next((item for item in assessment.areas if item.area.code == area_code), None)


def cells(assessment: Assessment, stage: str) -> dict[tuple[int, int], Impact]:
    """The matrix at one stage: (area id, alternative id) → cell."""
    return {
        (impact.area_id, impact.alternative_id): impact
        for impact in assessment.impacts
        if impact.stage == stage
    }


# --- screening -------------------------------------------------------------------------------


def _screening_problems(triggers: Sequence[str], skip_reason: str | None) -> list[str]:
    problems = []
    if any(trigger not in TRIGGERS for trigger in triggers):
        problems.append(_("Choose the triggers from the list."))
    if not triggers and not (skip_reason or "").strip():
        problems.append(
            _(
                "No trigger applies, so no EVA is done: write the reason for not doing one. "
                "It is kept in the register."
            )
        )
    return problems


def _ordered_triggers(triggers: Iterable[str]) -> list[str]:
    given = set(triggers)
    return [trigger for trigger in TRIGGERS if trigger in given]


def _add_default_alternatives(assessment: Assessment) -> None:
    if assessment.alternatives:
        return
    assessment.alternatives.append(
        Alternative(
            code=CURRENT_STATE_CODE,
            label=dict(CURRENT_STATE_LABEL),
            position=0,
            is_current_state=True,
        )
    )
    assessment.alternatives.append(
        Alternative(code="VE1", label=dict(FIRST_ALTERNATIVE_LABEL), position=1)
    )


def create_eva(
    department: Department,
    title: Mapping[str, str],
    languages: Iterable[str],
    focus_areas: Iterable[FocusArea],
    triggers: Iterable[str],
    skip_reason: str | None,
    user: User | None,
) -> Engagement:
    """A draft EVA engagement and its screening.

    With triggers, the alternatives VE0 (keep the current state) and VE1 are created. Without
    any, the reason for not doing an EVA is required; the screening is kept for the register
    and never gets a hearing. Flushes; the caller commits.
    """
    triggers = list(triggers)
    problems = _screening_problems(triggers, skip_reason)
    title = clean_translations(title)
    if not title:
        problems.append(_("Write a title."))
    if problems:
        raise EvaError(problems)
    try:
        engagement = create_engagement(
            Kind.EVA,
            department,
            title,
            languages,
            focus_areas,
            created_by_id=user.id if user else None,
        )
    except EngagementError as error:
        raise EvaError([_("Choose at least one language.")]) from error
    ensure_catalogue()
    assessment = Assessment(
        engagement=engagement,
        triggers=_ordered_triggers(triggers),
        skip_reason=None if triggers else skip_reason.strip(),
        screened_by_id=user.id if user else None,
    )
    db.session.add(assessment)
    if triggers:
        _add_default_alternatives(assessment)
    db.session.flush()
    audit.record(
        "eva.screening",
        _target(engagement),
        triggers=assessment.triggers,
        needed=assessment.is_needed,
    )
    return engagement


def update_screening(
    assessment: Assessment, triggers: Iterable[str], skip_reason: str | None
) -> None:
    """Change the screening. A published hearing keeps at least one trigger. Flushes."""
    triggers = list(triggers)
    problems = _screening_problems(triggers, skip_reason)
    if not triggers and assessment.engagement.status == Status.PUBLISHED:
        problems.append(_("The hearing is published, so the screening must keep a trigger."))
    if problems:
        raise EvaError(problems)
    assessment.triggers = _ordered_triggers(triggers)
    assessment.skip_reason = None if triggers else skip_reason.strip()
    if triggers:
        _add_default_alternatives(assessment)
    db.session.flush()
    audit.record(
        "eva.screening",
        _target(assessment.engagement),
        triggers=assessment.triggers,
        needed=assessment.is_needed,
    )


def _require_needed(assessment: Assessment) -> None:
    if not assessment.is_needed:
        raise EvaError(
            [_("No EVA is done for this change (no screening trigger applies), so it has none.")]
        )


# --- the change ------------------------------------------------------------------------------


@dataclass
class ChangeInput:
    """The change as staff describe it; texts are ``{locale: text}`` of the languages shown."""

    title: dict[str, str]
    summary: dict[str, str]
    proposal: dict[str, str]
    rationale: dict[str, str]
    decision_maker: dict[str, str]
    decision_due: date | None
    use_of_input: dict[str, str]
    easy_read: dict[str, str]
    children_affected: bool
    children_summary: dict[str, str]
    languages: list[str]
    focus_areas: list[FocusArea]
    opens_at: datetime | None
    closes_at: datetime | None
    privacy_note: dict[str, str]
    #: Days after closing when free text and contact e-mails are removed (flask retention run).
    retention_days: int = 365


ENGAGEMENT_TEXTS = ("title", "summary", "privacy_note")
ASSESSMENT_TEXTS = (
    "proposal",
    "rationale",
    "decision_maker",
    "use_of_input",
    "easy_read",
    "children_summary",
)


def update_change(assessment: Assessment, change: ChangeInput) -> None:
    """Save the change, its schedule (the hearing period) and languages. Flushes.

    Texts of languages not in the form are kept (so dropping a language loses nothing).
    """
    _require_needed(assessment)
    engagement = assessment.engagement
    problems = []
    if not change.languages:
        problems.append(_("Choose at least one language."))
    if change.opens_at and change.closes_at and change.closes_at <= change.opens_at:
        problems.append(_("The hearing must close after it opens."))
    if problems:
        raise EvaError(problems)
    changed = []
    for obj, names in ((engagement, ENGAGEMENT_TEXTS), (assessment, ASSESSMENT_TEXTS)):
        for name in names:
            merged = _merge(getattr(obj, name), getattr(change, name))
            if merged != (getattr(obj, name) or {}):
                changed.append(name)
                setattr(obj, name, merged)
    for obj, name, value in (
        (assessment, "decision_due", change.decision_due),
        (assessment, "children_affected", change.children_affected),
        (engagement, "opens_at", change.opens_at),
        (engagement, "closes_at", change.closes_at),
        (engagement, "retention_days", change.retention_days),
    ):
        if getattr(obj, name) != value:
            changed.append(name)
            setattr(obj, name, value)
    languages = [locale for locale in LOCALES if locale in set(change.languages)]
    if languages != list(engagement.languages):
        changed.append("languages")
        engagement.languages = languages
    if {area.id for area in engagement.focus_areas} != {area.id for area in change.focus_areas}:
        changed.append("focus_areas")
        engagement.focus_areas = list(change.focus_areas)
    db.session.flush()
    audit.record(
        "eva.change",
        _target(engagement),
        changed=changed,
        published=engagement.status == Status.PUBLISHED,
    )


# --- alternatives ----------------------------------------------------------------------------


def _next_code(assessment: Assessment) -> str:
    numbers = [
        int(alt.code[2:])
        for alt in assessment.alternatives
        if alt.code.startswith("VE") and alt.code[2:].isdigit()
    ]
    return f"VE{max(numbers, default=0) + 1}"


def _check_label(label: Mapping[str, str]) -> None:
    if not clean_translations(label):
        raise EvaError([_("Write the alternative's name.")])


def add_alternative(
    assessment: Assessment, label: Mapping[str, str], description: Mapping[str, str]
) -> Alternative:
    """A new alternative at the end, with the next free code (VE1, VE2…). Flushes."""
    _require_needed(assessment)
    _check_label(label)
    alternative = Alternative(
        code=_next_code(assessment),
        label=clean_translations(label),
        description=clean_translations(description),
        position=max((alt.position for alt in assessment.alternatives), default=-1) + 1,
    )
    assessment.alternatives.append(alternative)
    db.session.flush()
    audit.record("eva.alternative_add", _target(assessment.engagement), code=alternative.code)
    return alternative


def update_alternative(
    alternative: Alternative, label: Mapping[str, str], description: Mapping[str, str]
) -> None:
    """Rename or describe an alternative (the code stays). Flushes."""
    assessment = alternative.assessment
    label = _merge(alternative.label, label)
    _check_label(label)
    changed = [
        name
        for name, old, new in (
            ("label", alternative.label, label),
            ("description", alternative.description, _merge(alternative.description, description)),
        )
        if old != new
    ]
    alternative.label = label
    alternative.description = _merge(alternative.description, description)
    db.session.flush()
    audit.record(
        "eva.alternative_edit",
        _target(assessment.engagement),
        code=alternative.code,
        changed=changed,
    )


def delete_alternative(alternative: Alternative) -> None:
    """Remove an alternative and its matrix cells. VE0 stays; one option besides it stays;
    nothing is removed once residents have answered. Flushes."""
    assessment = alternative.assessment
    if alternative.is_current_state:
        raise EvaError([_("The current state (VE0) is always assessed and cannot be removed.")])
    if len([alt for alt in assessment.alternatives if not alt.is_current_state]) <= 1:
        raise EvaError([_("An EVA needs at least one alternative besides the current state.")])
    if eva_questionnaire.has_answers(assessment):
        raise EvaError(
            [_("Residents have answered already, so the alternatives cannot be removed.")]
        )
    code = alternative.code
    for impact in [i for i in assessment.impacts if i.alternative_id == alternative.id]:
        assessment.impacts.remove(impact)
    assessment.alternatives.remove(alternative)
    for position, alt in enumerate(assessment.alternatives):
        alt.position = position
    db.session.flush()
    audit.record("eva.alternative_delete", _target(assessment.engagement), code=code)


def move_alternative(alternative: Alternative, direction: str) -> None:
    """Move an alternative up or down among the others; VE0 stays first. Flushes."""
    assessment = alternative.assessment
    ordered = list(assessment.alternatives)
    index = ordered.index(alternative)
    other = index - 1 if direction == "up" else index + 1
    if (
        direction not in ("up", "down")
        or alternative.is_current_state
        or not 0 <= other < len(ordered)
        or ordered[other].is_current_state
    ):
        raise EvaError([_("The alternative cannot move there.")])
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, alt in enumerate(ordered):
        alt.position = position
    db.session.flush()
    db.session.expire(assessment, ["alternatives"])
    audit.record(
        "eva.alternative_move",
        _target(assessment.engagement),
        code=alternative.code,
        direction=direction,
    )


# --- relevant impact areas -------------------------------------------------------------------


def _areas_with_answers(assessment: Assessment, areas: Iterable[ImpactArea]) -> list[ImpactArea]:
    """Areas whose hearing questions residents have answered."""
    questionnaire = eva_questionnaire.existing_questionnaire(assessment)
    if questionnaire is None or not eva_questionnaire.has_answers(assessment):
        return []
    alternative_codes = [alt.code for alt in assessment.alternatives]
    found = []
    for area in areas:
        codes = eva_questionnaire.area_question_codes(area.code, alternative_codes)
        count = db.session.scalar(
            select(func.count(Answer.id))
            .join(Question, Question.id == Answer.question_id)
            .where(Question.questionnaire_id == questionnaire.id, Question.code.in_(codes))
        )
        if count:
            found.append(area)
    return found


def set_areas(assessment: Assessment, area_ids: Iterable[int]) -> None:
    """Choose the impact areas that are relevant. Removing one drops its matrix cells; an area
    residents have answered about cannot be removed. Flushes."""
    _require_needed(assessment)
    wanted = set(area_ids)
    current = {item.area_id: item for item in assessment.areas}
    catalogue = list_areas()
    offered = {area.id for area in catalogue if area.is_active} | set(current)
    if wanted - offered:
        raise EvaError([_("Choose the impact areas from the list.")])
    removed = [item.area for area_id, item in current.items() if area_id not in wanted]
    answered = _areas_with_answers(assessment, removed)
    if answered:
        names = ", ".join(area.code for area in answered)
        raise EvaError(
            [
                _(
                    "Residents have answered questions about these areas, so they cannot be "
                    "removed: %(areas)s",
                    areas=names,
                )
            ]
        )
    for item in [current[area.id] for area in removed]:
        for impact in [i for i in assessment.impacts if i.area_id == item.area_id]:
            assessment.impacts.remove(impact)
        assessment.areas.remove(item)
    for area in catalogue:
        if area.id in wanted and area.id not in current:
            assessment.areas.append(AssessedArea(area=area))
    order = {area.id: position for position, area in enumerate(catalogue)}
    for item in assessment.areas:
        item.position = order.get(item.area_id, len(order))
    db.session.flush()
    db.session.expire(assessment, ["areas"])
    audit.record(
        "eva.areas",
        _target(assessment.engagement),
        added=[a.code for a in catalogue if a.id in wanted and a.id not in current],
        removed=[area.code for area in removed],
    )


# --- the impact matrix -----------------------------------------------------------------------


def _stage_open(assessment: Assessment, stage: str) -> None:
    if stage not in (Stage.PRELIMINARY, Stage.FINAL):
        raise EvaError([_("Unknown stage of the assessment.")])
    if stage == Stage.FINAL and not lifecycle.is_closed(assessment.engagement):
        raise EvaError([_("The final assessment is written after the hearing has closed.")])


def save_impact(
    assessment: Assessment,
    area: ImpactArea,
    alternative: Alternative,
    stage: str,
    direction: str,
    significance: str | None,
    groups: Iterable[str],
    time_span: str | None,
    evidence: Mapping[str, str],
    mitigation: Mapping[str, str],
) -> Impact:
    """Write one cell of the matrix (area × alternative at a stage). Flushes."""
    _require_needed(assessment)
    _stage_open(assessment, stage)
    groups = list(groups)
    problems = []
    if area.id not in {item.area_id for item in assessment.areas}:
        problems.append(_("This impact area is not chosen for the assessment."))
    if alternative.assessment_id != assessment.id:
        problems.append(_("This alternative is not part of the assessment."))
    if direction not in DIRECTIONS:
        problems.append(_("Choose the direction of the impact: +, −, 0 or ?."))
    if significance and significance not in SIGNIFICANCES:
        problems.append(_("Choose the significance from the list."))
    if any(group not in AFFECTED_GROUPS for group in groups):
        problems.append(_("Choose the affected groups from the list."))
    if time_span and time_span not in TIME_SPANS:
        problems.append(_("Choose the time span from the list."))
    if problems:
        raise EvaError(problems)
    impact = cells(assessment, stage).get((area.id, alternative.id))
    if impact is None:
        impact = Impact(area=area, alternative=alternative, stage=stage)
        assessment.impacts.append(impact)
    impact.direction = direction
    impact.significance = significance or None
    impact.groups = [group for group in AFFECTED_GROUPS if group in set(groups)]
    impact.time_span = time_span or None
    impact.evidence = _merge(impact.evidence, evidence)
    impact.mitigation = _merge(impact.mitigation, mitigation)
    db.session.flush()
    audit.record(
        "eva.impact",
        _target(assessment.engagement),
        stage=str(stage),
        area=area.code,
        alternative=alternative.code,
        direction=direction,
    )
    return impact


def start_final(assessment: Assessment) -> int:
    """The first time the final matrix is opened, copy the preliminary cells into it.

    Returns how many cells were copied (0 when the final stage has cells already). Flushes.
    """
    _require_needed(assessment)
    _stage_open(assessment, Stage.FINAL)
    if cells(assessment, Stage.FINAL):
        return 0
    preliminary = list(cells(assessment, Stage.PRELIMINARY).values())
    for cell in preliminary:
        assessment.impacts.append(
            Impact(
                area_id=cell.area_id,
                alternative_id=cell.alternative_id,
                stage=Stage.FINAL,
                direction=cell.direction,
                significance=cell.significance,
                groups=list(cell.groups or []),
                time_span=cell.time_span,
                evidence=dict(cell.evidence or {}),
                mitigation=dict(cell.mitigation or {}),
            )
        )
    db.session.flush()
    if preliminary:
        audit.record("eva.final_start", _target(assessment.engagement), cells=len(preliminary))
    return len(preliminary)


# --- publishing ------------------------------------------------------------------------------

#: Steps of the staff overview; a missing item names the step where it is fixed.
STEPS = ("screening", "change", "alternatives", "areas", "matrix", "questionnaire")


def _language(locale: str) -> str:
    """The language's name in the reader's language, e.g. "Swedish" on an English page."""
    try:
        return Locale.parse(locale).get_display_name(get_locale() or "fi") or locale
    except (ValueError, UnknownLocaleError):
        return locale


def missing_items(engagement: Engagement) -> list[tuple[str, str]]:
    """(step, problem in words) for everything publishing still needs; empty = ready."""
    assessment = assessment_of(engagement)
    if assessment is None:
        return [("screening", _("The screening is missing."))]
    if not assessment.is_needed:
        return [
            (
                "screening",
                _("No screening trigger applies, so no EVA or hearing is done for this change."),
            )
        ]
    languages = tuple(engagement.languages)
    items: list[tuple[str, str]] = []

    def need(step: str, what: str, value: Mapping[str, str] | None) -> None:
        for locale in missing_locales(value, languages):
            items.append(
                (
                    step,
                    _(
                        "%(what)s: write it in %(language)s",
                        what=what,
                        language=_language(locale),
                    ),
                )
            )

    def optional(step: str, what: str, value: Mapping[str, str] | None) -> None:
        if any((value or {}).get(locale) for locale in languages):
            need(step, what, value)

    need("change", _("Title"), engagement.title)
    need("change", _("Summary"), engagement.summary)
    need("change", _("What is proposed"), assessment.proposal)
    need("change", _("Why"), assessment.rationale)
    need("change", _("Who decides"), assessment.decision_maker)
    need("change", _("How the input will be used"), assessment.use_of_input)
    optional("change", _("Easy-read summary"), assessment.easy_read)
    optional("change", _("Privacy note"), engagement.privacy_note)
    if assessment.children_affected:
        need("change", _("Version for children and young people"), assessment.children_summary)
    if not engagement.focus_areas:
        items.append(("change", _("Choose at least one focus area of the welfare plan.")))
    if engagement.closes_at is None:
        items.append(("change", _("Set the hearing period: at least the closing time.")))
    for alternative in assessment.alternatives:
        what = _("Alternative %(code)s: name", code=alternative.code)
        need("alternatives", what, alternative.label)
        what = _("Alternative %(code)s: description", code=alternative.code)
        optional("alternatives", what, alternative.description)
    if len(assessment.alternatives) < 2:
        items.append(("alternatives", _("Add at least one alternative besides the current state.")))
    if not assessment.areas:
        items.append(("areas", _("Choose at least one relevant impact area.")))
    preliminary = cells(assessment, Stage.PRELIMINARY)
    for item in assessment.areas:
        for alternative in assessment.alternatives:
            cell = preliminary.get((item.area_id, alternative.id))
            if cell is None or not cell.direction:
                items.append(
                    (
                        f"matrix:{item.area.code}",
                        _(
                            "Preliminary assessment: %(area)s × %(alternative)s has no "
                            "direction yet.",
                            area=item.area.code,
                            alternative=alternative.code,
                        ),
                    )
                )
                continue
            where = f"{item.area.code} × {alternative.code}"
            optional(
                f"matrix:{item.area.code}", _("Evidence (%(cell)s)", cell=where), cell.evidence
            )
            optional(
                f"matrix:{item.area.code}",
                _("Mitigation (%(cell)s)", cell=where),
                cell.mitigation,
            )
    questionnaire = eva_questionnaire.existing_questionnaire(assessment)
    if questionnaire is None:
        items.append(("questionnaire", _("Make the hearing questionnaire.")))
    else:
        for where, locale in questionnaire_services.missing_for_publishing(engagement):
            if where in ("title", "summary", "privacy_note", "focus_areas"):
                continue  # already listed above, in the words of the change
            text = (
                _(
                    "Questionnaire: %(where)s in %(language)s",
                    where=where,
                    language=_language(locale),
                )
                if locale
                else _("Questionnaire: %(where)s", where=where)
            )
            items.append(("questionnaire", text))
    return items


def missing_for_publishing(engagement: Engagement) -> list[str]:
    """Everything publishing still needs, in words; empty = ready to publish."""
    return [text for _step, text in missing_items(engagement)]


def publish(engagement: Engagement) -> None:
    """Publish the hearing (the engagement and its questionnaire), or raise EvaError listing
    what is missing. A screening without triggers is never published. Flushes."""
    problems = missing_for_publishing(engagement)
    if problems:
        raise EvaError(problems)
    if engagement.status == Status.PUBLISHED:
        raise EvaError([_("The hearing is published already.")])
    try:
        questionnaire_services.publish(engagement)
    except questionnaire_services.QuestionnaireError as error:
        raise EvaError([str(problem) for problem in error.problems]) from error
    # Public comments are on by default (post-moderation); staff can turn them off.
    discussion_services.discussion_for(engagement, create=True)
    audit.record("eva.publish", _target(engagement))
    db.session.flush()


# --- the overview ----------------------------------------------------------------------------


def step_states(
    engagement: Engagement, items: list[tuple[str, str]] | None = None
) -> dict[str, bool]:
    """Step → done, for the overview (done = nothing missing in that step).

    ``items`` is missing_items() of the engagement when the caller has it already.
    """
    if items is None:
        items = missing_items(engagement)
    missing_steps = {step.partition(":")[0] for step, _text in items}
    return {step: step not in missing_steps for step in STEPS}
