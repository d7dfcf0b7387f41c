"""Grades on the publish sections, and the confirmation the coordinator can ask for.

The coordinator's setting ``plainlang.confirm_below`` says when publishing needs a confirmation:
never (``off``, the default), when any text is hard to read (``hard``), or when any text is not
easy to read (``fairly_easy``). The survey builder, the EVA pages and the panel pages show
:func:`publish_gate` in their publish section and ask :func:`may_publish` before they commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from app.core import audit
from app.core.settings import get_setting
from app.engagements.models import Engagement
from app.plainlang.analyzer import LOCALES, Grade, analyze
from app.plainlang.collect import texts_of
from app.plainlang.messages import grade_label

#: Key of the coordinator's setting in ``site_settings``.
SETTING = "plainlang.confirm_below"

#: The field of the publish forms that carries the confirmation.
CONFIRM_FIELD = "confirm_language"

#: The "Check language" page; publish sections link to it when it exists.
LANGUAGE_ENDPOINT = "plainlang.language"


class ConfirmBelow(StrEnum):
    """When publishing needs a confirmation."""

    OFF = "off"
    HARD = "hard"
    FAIRLY_EASY = "fairly_easy"


DEFAULT = ConfirmBelow.OFF

LANGUAGE_LABELS: Mapping[str, LazyString] = {
    "fi": _l("Finnish"),
    "sv": _l("Swedish"),
    "en": _l("English"),
}

#: The label of the confirmation tick box, also quoted in the refusal.
CONFIRM_LABEL = _l("I have read the language check and want to publish anyway")


def confirm_below() -> ConfirmBelow:
    """The saved setting; a value this version does not know counts as the default."""
    value = get_setting(SETTING, DEFAULT.value)
    try:
        return ConfirmBelow(value)
    except ValueError:
        return DEFAULT


@dataclass(frozen=True, slots=True)
class BelowEasy:
    """A text in one language that is not easy to read."""

    label: str | LazyString
    locale: str
    grade: Grade

    @property
    def language(self) -> str:
        return str(LANGUAGE_LABELS[self.locale])

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade)


@dataclass(slots=True)
class LanguageGrades:
    """How many texts of one offered language have each grade."""

    locale: str
    easy: int = 0
    fairly_easy: int = 0
    hard: int = 0
    #: Written texts too short to grade (a title, answer options of one word).
    ungraded: int = 0
    below_easy: list[BelowEasy] = field(default_factory=list)

    @property
    def language(self) -> str:
        return str(LANGUAGE_LABELS[self.locale])

    def add(self, label: str | LazyString, grade: Grade | None) -> None:
        if grade is None:
            self.ungraded += 1
            return
        setattr(self, grade.value, getattr(self, grade.value) + 1)
        if grade != Grade.EASY:
            self.below_easy.append(BelowEasy(label, self.locale, grade))


def grade_summary(engagement: Engagement) -> dict[str, LanguageGrades]:
    """Offered language → its grade counts, in the engagement's order; each text analysed once.
    Texts not written in a language are left out (publishing's own checks ask for them)."""
    summary = {loc: LanguageGrades(loc) for loc in engagement.languages or () if loc in LOCALES}
    for item in texts_of(engagement):
        for loc, grades in summary.items():
            text = item.value_by_locale.get(loc)
            if text:
                grades.add(item.label, analyze(text, loc).grade)
    return summary


def _needs(summary: Mapping[str, LanguageGrades], level: ConfirmBelow) -> bool:
    if level == ConfirmBelow.HARD:
        return any(grades.hard for grades in summary.values())
    if level == ConfirmBelow.FAIRLY_EASY:
        return any(grades.hard or grades.fairly_easy for grades in summary.values())
    return False


def needs_confirmation(
    engagement: Engagement, summary: Mapping[str, LanguageGrades] | None = None
) -> bool:
    """Whether the setting asks staff to confirm before publishing this engagement's texts.
    Pass ``summary`` when you have it, so the texts are not analysed again."""
    level = confirm_below()
    if level == ConfirmBelow.OFF:
        return False
    return _needs(summary if summary is not None else grade_summary(engagement), level)


@dataclass(frozen=True, slots=True)
class PublishGate:
    """What a publish section shows about the language check."""

    languages: list[LanguageGrades]
    level: ConfirmBelow
    needs_confirmation: bool
    #: The "Check language" page; None when this installation has no such page.
    check_url: str | None
    confirm_field: str = CONFIRM_FIELD
    confirm_label: str | LazyString = CONFIRM_LABEL

    @property
    def below_easy(self) -> list[BelowEasy]:
        return [item for grades in self.languages for item in grades.below_easy]


def _check_url(engagement: Engagement) -> str | None:
    if LANGUAGE_ENDPOINT not in current_app.view_functions:
        return None
    return url_for(LANGUAGE_ENDPOINT, public_id=engagement.public_id)


def publish_gate(engagement: Engagement) -> PublishGate:
    """The grades per offered language and whether publishing needs the confirmation."""
    summary = grade_summary(engagement)
    level = confirm_below()
    return PublishGate(
        languages=list(summary.values()),
        level=level,
        needs_confirmation=_needs(summary, level),
        check_url=_check_url(engagement),
    )


def may_publish(engagement: Engagement, form: Mapping[str, str]) -> bool:
    """True when publishing may go ahead: no confirmation is needed, or ``form`` (the publish
    POST) carries it. A given confirmation is audited with the grades; the caller commits."""
    summary = grade_summary(engagement)
    level = confirm_below()
    if not _needs(summary, level):
        return True
    if not form.get(CONFIRM_FIELD):
        return False
    audit.record(
        "plainlang.publish_confirmed",
        f"engagements:{engagement.public_id}",
        setting=level.value,
        grades={
            loc: {"easy": g.easy, "fairly_easy": g.fairly_easy, "hard": g.hard}
            for loc, g in summary.items()
        },
    )
    return True


def refusal() -> str:
    """The flash message when the confirmation is missing."""
    return _(
        # i18n: %(confirmation)s is the label of the tick box: "I have read the language check
        # and want to publish anyway".
        "Nothing was published. Some texts are harder to read than your city allows without a "
        "confirmation. Read the language check, then tick “%(confirmation)s” and publish again.",
        confirmation=str(CONFIRM_LABEL),
    )
