"""EVA fixtures: ``build_eva()`` makes a complete hearing through the staff services.

``eva`` is a fully filled, published EVA of the department sivistys in fi/sv/en with two
alternatives (VE0 and VE1) and three impact areas (children_youth, health, accessibility).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from app.core.types import utcnow
from app.engagements.models import Engagement
from app.eva import services
from app.eva.catalogue import area_by_code, ensure_catalogue
from app.eva.questionnaire import generate_questionnaire
from app.eva.services import ChangeInput
from app.extensions import db
from app.plan import services as plan_services
from tests.conftest import department

LANGS = ("fi", "sv", "en")


def texts(fi: str, sv: str, en: str, languages: Sequence[str] = LANGS) -> dict[str, str]:
    return {loc: text for loc, text in {"fi": fi, "sv": sv, "en": en}.items() if loc in languages}


def change_input(languages: Sequence[str] = LANGS, **overrides: object) -> ChangeInput:
    """A complete description of the change (merging two school libraries)."""
    values = {
        "title": texts(
            "Koulukirjastojen yhdistäminen",
            "Sammanslagning av skolbiblioteken",
            "Merging the school libraries",
            languages,
        ),
        "summary": texts(
            "Kaksi koulukirjastoa yhdistettäisiin yhdeksi.",
            "Två skolbibliotek skulle slås samman till ett.",
            "Two school libraries would become one.",
            languages,
        ),
        "proposal": texts(
            "Syväkankaan koulun kirjasto siirtyisi Kirkkopuiston kouluun.",
            "Syväkangas skolas bibliotek skulle flyttas till Kyrkparkens skola.",
            "The Syväkangas school library would move to Kirkkopuisto school.",
            languages,
        ),
        "rationale": texts(
            "Tilat ovat huonokuntoiset.",
            "Lokalerna är i dåligt skick.",
            "The premises are in poor condition.",
            languages,
        ),
        "decision_maker": texts(
            "Sivistyslautakunta", "Bildningsnämnden", "Education committee", languages
        ),
        "decision_due": (utcnow() + timedelta(days=60)).date(),
        "use_of_input": texts(
            "Vastaukset liitetään päätösesitykseen.",
            "Svaren bifogas beslutsförslaget.",
            "The answers are attached to the proposal.",
            languages,
        ),
        "easy_read": {},
        "children_affected": True,
        "children_summary": texts(
            "Koulusi kirjasto voi muuttaa.",
            "Din skolas bibliotek kan flytta.",
            "Your school library may move.",
            languages,
        ),
        "languages": list(languages),
        "focus_areas": [plan_services.focus_area_by_code("HK-01")],
        "opens_at": None,
        "closes_at": utcnow() + timedelta(days=14),
        "privacy_note": {},
    }
    values.update(overrides)
    return ChangeInput(**values)  # type: ignore[arg-type]


def build_eva(
    department_code: str = "sivistys",
    languages: Sequence[str] = LANGS,
    area_codes: Sequence[str] = ("children_youth", "health", "accessibility"),
    publish: bool = True,
    user: object = None,
) -> Engagement:
    """A complete EVA made with the staff services; published unless ``publish=False``.

    Needs the ``plan`` fixture. Flushes; the caller commits.
    """
    engagement = services.create_eva(
        department(department_code),
        texts("Koulukirjastot", "Skolbibliotek", "School libraries", languages),
        languages,
        [plan_services.focus_area_by_code("HK-01")],
        ["residents", "service_network"],
        None,
        user,
    )
    assessment = services.assessment_of(engagement)
    services.update_change(assessment, change_input(languages))
    ve1 = services.alternative_by_code(assessment, "VE1")
    services.update_alternative(
        ve1,
        texts(
            "Kirjastot yhdistetään",
            "Biblioteken slås samman",
            "Merge the libraries",
            languages,
        ),
        texts(
            "Yksi kirjasto Kirkkopuistossa.",
            "Ett bibliotek i Kyrkparken.",
            "One library at Kirkkopuisto.",
            languages,
        ),
    )
    ensure_catalogue()
    services.set_areas(assessment, [area_by_code(code).id for code in area_codes])
    for item in assessment.areas:
        for alternative in assessment.alternatives:
            services.save_impact(
                assessment,
                item.area,
                alternative,
                "preliminary",
                "0" if alternative.is_current_state else "-",
                None if alternative.is_current_state else "medium",
                [] if alternative.is_current_state else ["age", "area"],
                "long",
                texts("Lainaustilastot", "Lånestatistik", "Loan statistics", languages),
                {}
                if alternative.is_current_state
                else texts("Kirjastoauto", "Biblioteksbuss", "A mobile library", languages),
            )
    generate_questionnaire(assessment)
    if publish:
        services.publish(engagement)
    db.session.flush()
    return engagement


@pytest.fixture
def eva(plan) -> Engagement:
    engagement = build_eva()
    db.session.commit()
    return engagement
