"""A demo survey (library opening hours) so `make run` has something to answer."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.core.types import utcnow
from app.engagements.models import Engagement, Kind
from app.engagements.services import create_engagement
from app.plan import services as plan_services
from app.questionnaires import services
from app.questionnaires.services import OptionInput

DEMO_PUBLIC_ID = "kirjasto"


def t(fi: str, sv: str, en: str) -> dict[str, str]:
    return {"fi": fi, "sv": sv, "en": en}


CANT_SAY = OptionInput("cant_say", t("En osaa sanoa", "Vet inte", "Can't say"), is_cant_say=True)


def load_demo_survey() -> Engagement | None:
    """Create and publish the demo survey unless it exists; returns it when created."""
    if services.db.session.scalar(
        select(Engagement.id).where(Engagement.public_id == DEMO_PUBLIC_ID)
    ):
        return None
    department = plan_services.department_by_code("kulttuuri-vapaa-aika")
    areas = [plan_services.focus_area_by_code(code) for code in ("HK-05", "SA-06")]
    if department is None or None in areas:
        return None
    engagement = create_engagement(
        Kind.SURVEY,
        department,
        t("Kirjaston aukioloajat", "Bibliotekets öppettider", "Library opening hours"),
        ["fi", "sv", "en"],
        areas,
    )
    engagement.public_id = DEMO_PUBLIC_ID
    engagement.summary = t(
        "Kerro, milloin haluat käyttää pääkirjastoa. Vastauksesi auttavat meitä päättämään "
        "uusista aukioloajoista.",
        "Berätta när du vill använda huvudbiblioteket. Dina svar hjälper oss att bestämma nya "
        "öppettider.",
        "Tell us when you want to use the main library. Your answers help us decide the new "
        "opening hours.",
    )
    engagement.opens_at = utcnow() - timedelta(days=1)
    engagement.closes_at = utcnow() + timedelta(days=60)
    questionnaire = services.create_questionnaire(engagement)
    questionnaire.closing_text = t(
        "Julkaisemme tulokset tällä sivulla kesäkuussa.",
        "Vi publicerar resultaten på den här sidan i juni.",
        "We will publish the results on this page in June.",
    )
    page1 = services.add_page(questionnaire, "visits", t("Käyntisi", "Dina besök", "Your visits"))
    services.add_question(
        page1,
        "uses",
        "yes_no",
        t(
            "Käytkö pääkirjastossa?",
            "Besöker du huvudbiblioteket?",
            "Do you visit the main library?",
        ),
        required=True,
    )
    services.add_question(
        page1,
        "when",
        "multiple_choice",
        t("Milloin käyt yleensä?", "När brukar du gå dit?", "When do you usually go?"),
        required=True,
        options=[
            OptionInput("morning", t("Aamulla", "På morgonen", "In the morning")),
            OptionInput("day", t("Päivällä", "På dagen", "During the day")),
            OptionInput("evening", t("Illalla", "På kvällen", "In the evening")),
            OptionInput("weekend", t("Viikonloppuna", "På veckoslutet", "At the weekend")),
            OptionInput(
                "other", t("Muulloin", "Någon annan gång", "Some other time"), is_other=True
            ),
        ],
        condition={"rules": [{"question": "uses", "op": "equals", "value": "yes"}]},
    )
    services.add_question(
        page1,
        "visits",
        "number",
        t(
            "Montako kertaa kuussa käyt?",
            "Hur många gånger i månaden går du dit?",
            "How many times a month do you go?",
        ),
        settings={"min": 0, "max": 100},
        condition={"rules": [{"question": "uses", "op": "equals", "value": "yes"}]},
    )
    page2 = services.add_page(
        questionnaire, "hours", t("Aukioloajat", "Öppettider", "Opening hours")
    )
    services.add_question(
        page2,
        "satisfied",
        "scale",
        t(
            "Kuinka tyytyväinen olet nykyisiin aukioloaikoihin?",
            "Hur nöjd är du med de nuvarande öppettiderna?",
            "How happy are you with the current opening hours?",
        ),
        required=True,
        settings={
            "points": 5,
            "low_label": t("Tyytymätön", "Missnöjd", "Unhappy"),
            "high_label": t("Tyytyväinen", "Nöjd", "Happy"),
        },
        options=[CANT_SAY],
    )
    services.add_question(
        page2,
        "priorities",
        "ranking",
        t("Mikä on sinulle tärkeintä?", "Vad är viktigast för dig?", "What matters most to you?"),
        options=[
            OptionInput("late", t("Auki myöhään", "Öppet sent", "Open late")),
            OptionInput("sunday", t("Auki sunnuntaisin", "Öppet på söndagar", "Open on Sundays")),
            OptionInput("staff", t("Henkilökunta paikalla", "Personal på plats", "Staff present")),
        ],
    )
    page3 = services.add_page(questionnaire, "more", t("Lopuksi", "Till sist", "Finally"))
    services.add_question(
        page3,
        "ideas",
        "long_text",
        t(
            "Mitä muuta haluat sanoa kirjastosta?",
            "Vad mer vill du säga om biblioteket?",
            "What else would you like to say about the library?",
        ),
        help=t(
            "Älä kirjoita nimiä tai muita henkilötietoja.",
            "Skriv inte namn eller andra personuppgifter.",
            "Please do not write names or other personal details.",
        ),
    )
    services.publish(engagement)
    return engagement
