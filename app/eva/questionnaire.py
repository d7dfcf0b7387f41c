"""The hearing questionnaire: generated from the impact matrix, then edited in the survey builder.

Code convention (the closing summary reads it, so it is fixed):

- one page per relevant impact area, code ``a_<area code>``, titled with the area's label;
- on it, per alternative, a single choice ``i_<area code>_<alternative code in lower case>``
  (e.g. ``i_children_youth_ve1``) with the options ``better``, ``same``, ``worse`` and ``cant``
  (can't say), and a long text ``c_<area code>`` for comments;
- a last page ``preference`` with the single choice ``preferred`` (one option per alternative,
  code = the alternative's code in lower case) and the long text ``preferred_why``.

Question codes are at most 40 characters. Area codes are at most 30 (the catalogue refuses
longer ones) and alternative codes are short (``ve12``), so this only matters for codes made
by hand: when ``i_<area>_<alternative>`` would be longer than 40, the area part is cut from the
end to what fits (the same input always gives the same code). :func:`impact_code` and
:func:`comment_code` are the one place that does it, for the reader too.

Every text is written in each language the alternative's label exists in: the question
sentences are content the residents read, so they live here as dicts, not in gettext.
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.core import audit
from app.eva.models import Alternative, AssessedArea, Assessment
from app.extensions import db
from app.i18n import LOCALES
from app.questionnaires import services as questionnaire_services
from app.questionnaires.models import Questionnaire, Submission
from app.questionnaires.services import OptionInput

MAX_CODE = 40
PREFERENCE_PAGE = "preference"
PREFERRED = "preferred"
PREFERRED_WHY = "preferred_why"

#: How an alternative would affect the respondent: the answer codes, in order.
EFFECT_CODES: tuple[str, ...] = ("better", "same", "worse", "cant")

QUESTION_TEMPLATES: dict[str, str] = {
    "fi": "Miten vaihtoehto ”%(alt)s” vaikuttaisi sinuun tai läheisiisi?",
    "sv": "Hur skulle alternativet ”%(alt)s” påverka dig eller dina närstående?",
    "en": "How would “%(alt)s” affect you or people close to you?",
}

EFFECT_LABELS: dict[str, dict[str, str]] = {
    "better": {"fi": "Parempaan suuntaan", "sv": "Till det bättre", "en": "For the better"},
    "same": {"fi": "Ei muutosta", "sv": "Ingen förändring", "en": "No change"},
    "worse": {"fi": "Huonompaan suuntaan", "sv": "Till det sämre", "en": "For the worse"},
    "cant": {"fi": "En osaa sanoa", "sv": "Kan inte säga", "en": "Can't say"},
}

# The answering page marks optional questions "(optional)" itself, so the text leaves it out.
COMMENT_TEXT: dict[str, str] = {
    "fi": "Kerro lisää",
    "sv": "Berätta mer",
    "en": "Tell us more",
}

#: The questionnaire's introduction, set when it has none (staff may rewrite it).
INTRO: dict[str, str] = {
    "fi": "Kysymykset perustuvat muutoksen vaikutusten ennakkoarviointiin (EVA). Kerro, miten "
    "vaihtoehdot vaikuttaisivat sinuun tai läheisiisi. Kaikki kysymykset ovat vapaaehtoisia.",
    "sv": "Frågorna bygger på en förhandsbedömning av konsekvenser (EVA) av ändringen. Berätta "
    "hur alternativen skulle påverka dig eller dina närstående. Alla frågor är frivilliga.",
    "en": "The questions follow the impact assessment (EVA) of the change. Tell us how the "
    "alternatives would affect you or people close to you. Every question is optional.",
}

PREFERENCE_TITLE: dict[str, str] = {
    "fi": "Mikä vaihtoehto olisi paras?",
    "sv": "Vilket alternativ vore bäst?",
    "en": "Which alternative would be best?",
}

PREFERRED_TEXT: dict[str, str] = {
    "fi": "Minkä vaihtoehdon sinä valitsisit?",
    "sv": "Vilket alternativ skulle du välja?",
    "en": "Which alternative would you choose?",
}

PREFERRED_WHY_TEXT: dict[str, str] = {
    "fi": "Miksi valitsisit sen?",
    "sv": "Varför skulle du välja det?",
    "en": "Why would you choose it?",
}


class QuestionnaireExistsError(Exception):
    """People have answered already: regenerating would lose their answers."""


def page_code(area_code: str) -> str:
    return f"a_{area_code}"[:MAX_CODE]


def _fit(prefix: str, area_code: str, suffix: str = "") -> str:
    room = MAX_CODE - len(prefix) - len(suffix)
    return f"{prefix}{area_code[:room]}{suffix}"


def impact_code(area_code: str, alternative_code: str) -> str:
    """``i_<area>_<alternative>``, the area part cut to fit 40 characters."""
    return _fit("i_", area_code, f"_{alternative_code.lower()}")


def comment_code(area_code: str) -> str:
    return _fit("c_", area_code)


def area_question_codes(area_code: str, alternative_codes: list[str]) -> list[str]:
    """The generated question codes that belong to one impact area."""
    return [impact_code(area_code, alt) for alt in alternative_codes] + [comment_code(area_code)]


def _question_text(alternative: Alternative) -> dict[str, str]:
    return {
        locale: QUESTION_TEMPLATES[locale] % {"alt": alternative.label[locale]}
        for locale in LOCALES
        if (alternative.label or {}).get(locale)
    }


def _effect_options() -> list[OptionInput]:
    return [
        OptionInput(code=code, label=dict(EFFECT_LABELS[code]), is_cant_say=code == "cant")
        for code in EFFECT_CODES
    ]


def has_answers(assessment: Assessment) -> bool:
    return bool(
        db.session.scalar(
            select(func.count(Submission.id)).where(
                Submission.engagement_id == assessment.engagement_id
            )
        )
    )


def existing_questionnaire(assessment: Assessment) -> Questionnaire | None:
    return db.session.scalar(
        select(Questionnaire).where(Questionnaire.engagement_id == assessment.engagement_id)
    )


def generate_questionnaire(assessment: Assessment) -> Questionnaire:
    """Build the hearing questionnaire from the relevant areas and the alternatives.

    A questionnaire that exists is rebuilt (its intro and closing texts kept) while nobody has
    answered; once answers exist, QuestionnaireExistsError. Flushes; the caller commits.
    """
    engagement = assessment.engagement
    questionnaire = existing_questionnaire(assessment)
    rebuilt = questionnaire is not None
    if questionnaire is not None:
        if has_answers(assessment):
            raise QuestionnaireExistsError()
        questionnaire.pages.clear()
        # Delete the old pages before adding new ones with the same codes.
        db.session.flush()
    else:
        questionnaire = questionnaire_services.create_questionnaire(engagement)
    if not questionnaire.intro:
        questionnaire.intro = dict(INTRO)
    alternatives = list(assessment.alternatives)
    assessed: list[AssessedArea] = list(assessment.areas)
    for item in assessed:
        area = item.area
        page = questionnaire_services.add_page(
            questionnaire, page_code(area.code), dict(area.label)
        )
        for alternative in alternatives:
            questionnaire_services.add_question(
                page,
                impact_code(area.code, alternative.code),
                "single_choice",
                _question_text(alternative),
                options=_effect_options(),
            )
        questionnaire_services.add_question(
            page, comment_code(area.code), "long_text", dict(COMMENT_TEXT)
        )
    page = questionnaire_services.add_page(questionnaire, PREFERENCE_PAGE, dict(PREFERENCE_TITLE))
    questionnaire_services.add_question(
        page,
        PREFERRED,
        "single_choice",
        dict(PREFERRED_TEXT),
        options=[
            OptionInput(code=alternative.code.lower(), label=dict(alternative.label))
            for alternative in alternatives
        ],
    )
    questionnaire_services.add_question(page, PREFERRED_WHY, "long_text", dict(PREFERRED_WHY_TEXT))
    questionnaire.touch()
    audit.record(
        "eva.questionnaire_regenerate" if rebuilt else "eva.questionnaire_generate",
        f"engagements:{engagement.public_id}",
        areas=[item.area.code for item in assessed],
        alternatives=[alternative.code for alternative in alternatives],
    )
    db.session.flush()
    return questionnaire
