"""A demo EVA hearing (merging two school libraries) so `make run` shows the whole EVA flow.

Made with the same staff services as a real one: screening, the change, three alternatives,
three impact areas with a preliminary assessment, the generated questionnaire, publishing; then
a few residents' answers and comments so the summary and moderation pages have something.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.core.types import utcnow
from app.discussion import services as discussion_services
from app.discussion.models import AuthorKind
from app.engagements.models import Engagement
from app.eva import closing, services
from app.eva.catalogue import area_by_code, ensure_catalogue
from app.eva.questionnaire import generate_questionnaire
from app.eva.services import ChangeInput
from app.extensions import db
from app.plan import services as plan_services
from app.questionnaires import services as questionnaire_services

DEMO_EVA_ID = "koulukirjastot"


def t(fi: str, sv: str, en: str) -> dict[str, str]:
    return {"fi": fi, "sv": sv, "en": en}


#: (area code, alternative code) → direction, significance, groups, time span, evidence, mitigation
_CELLS = {
    ("children_youth", "VE0"): (
        "0",
        None,
        [],
        "short",
        t(
            "Oppilaat käyttävät oman koulunsa kirjastoa kuten ennenkin.",
            "Eleverna använder sin egen skolas bibliotek som förut.",
            "Pupils keep using their own school's library.",
        ),
        {},
    ),
    ("children_youth", "VE1"): (
        "-",
        "medium",
        ["age", "area"],
        "long",
        t(
            "Syväkankaan oppilaiden matka kirjastoon pitenee noin 2 km. Lainoja on 3 100 vuodessa.",
            "Syväkangas elevers väg till biblioteket blir cirka 2 km längre. Lånen är 3 100 per "
            "år.",
            "Syväkangas pupils would travel about 2 km further. There are 3,100 loans a year.",
        ),
        t(
            "Kirjastoauto pysähtyy Syväkankaan koululla kerran viikossa.",
            "Biblioteksbussen stannar vid Syväkangas skola en gång i veckan.",
            "The mobile library stops at Syväkangas school once a week.",
        ),
    ),
    ("children_youth", "VE2"): (
        "+",
        "small",
        ["age"],
        "long",
        t(
            "Yhteinen kirjasto on auki pidempään ja siellä on enemmän kirjoja.",
            "Det gemensamma biblioteket har längre öppettider och fler böcker.",
            "The shared library is open longer and has more books.",
        ),
        t(
            "Koulukyydit kulkevat kirjaston kautta kahtena päivänä viikossa.",
            "Skolskjutsen går via biblioteket två dagar i veckan.",
            "School transport goes via the library two days a week.",
        ),
    ),
    ("accessibility", "VE0"): (
        "-",
        "medium",
        ["age"],
        "long",
        t(
            "Syväkankaan kirjastoon on portaat eikä hissiä.",
            "Till Syväkangas bibliotek finns trappor men ingen hiss.",
            "The Syväkangas library has stairs and no lift.",
        ),
        {},
    ),
    ("accessibility", "VE1"): (
        "+",
        "medium",
        ["age"],
        "long",
        t(
            "Kirkkopuiston kirjasto on esteetön.",
            "Kyrkparkens bibliotek är tillgängligt.",
            "The Kirkkopuisto library is step-free.",
        ),
        {},
    ),
    ("accessibility", "VE2"): (
        "+",
        "medium",
        ["age"],
        "long",
        t(
            "Kirkkopuiston kirjasto on esteetön.",
            "Kyrkparkens bibliotek är tillgängligt.",
            "The Kirkkopuisto library is step-free.",
        ),
        {},
    ),
    ("municipal_finances", "VE0"): (
        "-",
        "large",
        [],
        "long",
        t(
            "Syväkankaan tilojen korjaus maksaisi noin 180 000 euroa.",
            "Renoveringen av lokalerna i Syväkangas skulle kosta cirka 180 000 euro.",
            "Repairing the Syväkangas premises would cost about €180,000.",
        ),
        {},
    ),
    ("municipal_finances", "VE1"): (
        "+",
        "medium",
        [],
        "long",
        t(
            "Vuokra- ja korjauskulut pienenevät noin 25 000 euroa vuodessa.",
            "Hyres- och reparationskostnaderna minskar med cirka 25 000 euro per år.",
            "Rent and repair costs fall by about €25,000 a year.",
        ),
        {},
    ),
    ("municipal_finances", "VE2"): (
        "+",
        "small",
        [],
        "long",
        t(
            "Säästö on noin 15 000 euroa vuodessa, kun kuljetukset maksavat.",
            "Besparingen är cirka 15 000 euro per år, eftersom skjutsarna kostar.",
            "The saving is about €15,000 a year, as the transport costs money.",
        ),
        {},
    ),
}

_EFFECTS = ("better", "same", "worse", "cant")


def load_demo_eva() -> Engagement | None:
    """Create and publish the demo EVA hearing unless it exists; returns it when created."""
    if db.session.scalar(select(Engagement.id).where(Engagement.public_id == DEMO_EVA_ID)):
        return None
    department = plan_services.department_by_code("sivistys")
    focus_areas = [plan_services.focus_area_by_code(code) for code in ("HK-01", "SA-06")]
    if department is None or None in focus_areas:
        return None
    ensure_catalogue()
    engagement = services.create_eva(
        department,
        t(
            "Koulukirjastojen yhdistäminen",
            "Sammanslagning av skolbibliotek",
            "Merging two school libraries",
        ),
        ["fi", "sv", "en"],
        focus_areas,
        ["residents", "service_network", "cost"],
        None,
        None,
    )
    engagement.public_id = DEMO_EVA_ID
    assessment = services.assessment_of(engagement)
    now = utcnow()
    services.update_change(
        assessment,
        ChangeInput(
            title=engagement.title,
            summary=t(
                "Syväkankaan ja Kirkkopuiston koulujen kirjastot yhdistettäisiin. Kerro, miten "
                "muutos vaikuttaisi sinuun.",
                "Biblioteken i Syväkangas och Kyrkparkens skolor skulle slås samman. Berätta hur "
                "ändringen skulle påverka dig.",
                "The libraries of Syväkangas and Kirkkopuisto schools would become one. Tell us "
                "how "
                "the change would affect you.",
            ),
            proposal=t(
                "Syväkankaan koulun kirjasto suljetaan ja kirjat siirretään Kirkkopuiston koulun "
                "kirjastoon elokuusta 2027.",
                "Syväkangas skolas bibliotek stängs och böckerna flyttas till Kyrkparkens skolas "
                "bibliotek från augusti 2027.",
                "The Syväkangas school library closes and its books move to the Kirkkopuisto "
                "school "
                "library from August 2027.",
            ),
            rationale=t(
                "Syväkankaan kirjaston tilat ovat huonossa kunnossa, eikä niihin pääse "
                "pyörätuolilla.",
                "Lokalerna i Syväkangas bibliotek är i dåligt skick och går inte att nå med "
                "rullstol.",
                "The Syväkangas library rooms are in poor condition and cannot be reached in a "
                "wheelchair.",
            ),
            decision_maker=t("Sivistyslautakunta", "Bildningsnämnden", "The education committee"),
            decision_due=(now + timedelta(days=60)).date(),
            use_of_input=t(
                "Luemme kaikki vastaukset. Kerromme lautakunnalle, mitä vastasitte, ja tällä "
                "sivulla, "
                "mitä muutimme vastaustenne takia.",
                "Vi läser alla svar. Vi berättar för nämnden vad ni svarade och på den här sidan "
                "vad "
                "vi ändrade på grund av era svar.",
                "We read every answer. We tell the committee what you said, and on this page what "
                "we "
                "changed because of it.",
            ),
            easy_read=t(
                "Kaksi koulun kirjastoa voi muuttua yhdeksi kirjastoksi. Kerro meille, mitä mieltä "
                "olet.",
                "Två skolbibliotek kan bli ett bibliotek. Berätta för oss vad du tycker.",
                "Two school libraries may become one library. Tell us what you think.",
            ),
            children_affected=True,
            children_summary=t(
                "Koulusi kirjasto voi muuttaa toiseen kouluun. Haluamme kuulla, mitä sinä "
                "ajattelet.",
                "Din skolas bibliotek kan flytta till en annan skola. Vi vill höra vad du tycker.",
                "Your school library may move to another school. We want to hear what you think.",
            ),
            languages=["fi", "sv", "en"],
            focus_areas=focus_areas,
            opens_at=now - timedelta(days=3),
            closes_at=now + timedelta(days=30),
            privacy_note={},
        ),
    )
    ve1 = services.alternative_by_code(assessment, "VE1")
    services.update_alternative(
        ve1,
        t("Kirjastot yhdistetään", "Biblioteken slås samman", "Merge the libraries"),
        t(
            "Yksi kirjasto Kirkkopuiston koulussa.",
            "Ett bibliotek i Kyrkparkens skola.",
            "One library at Kirkkopuisto school.",
        ),
    )
    services.add_alternative(
        assessment,
        t(
            "Yhdistetään ja järjestetään kyydit",
            "Slå samman och ordna skjuts",
            "Merge and arrange transport",
        ),
        t(
            "Yksi kirjasto ja koulukyyti sinne kahtena päivänä viikossa.",
            "Ett bibliotek och skolskjuts dit två dagar i veckan.",
            "One library, with school transport there two days a week.",
        ),
    )
    areas = {
        code: area_by_code(code)
        for code in ("children_youth", "accessibility", "municipal_finances")
    }
    services.set_areas(assessment, [area.id for area in areas.values()])
    for alternative in assessment.alternatives:
        for code, area in areas.items():
            direction, significance, groups, span, evidence, mitigation = _CELLS[
                (code, alternative.code)
            ]
            services.save_impact(
                assessment,
                area,
                alternative,
                "preliminary",
                direction,
                significance,
                groups,
                span,
                evidence,
                mitigation,
            )
    generate_questionnaire(assessment)
    services.publish(engagement)
    _demo_answers(engagement, [alt.code.lower() for alt in assessment.alternatives], list(areas))
    _demo_comments(engagement)
    return engagement


def _demo_answers(engagement: Engagement, alternatives: list[str], areas: list[str]) -> None:
    chance = random.Random(7)  # noqa: S311 (demo content, not security)
    comments = [
        "Matka pitenee pienille oppilaille liikaa.",
        "Uusi kirjasto on parempi, kunhan sinne pääsee.",
        "Biblioteksbussen räcker inte för oss.",
        "A shared library with longer hours sounds good.",
    ]
    for index in range(12):
        form = MultiDict()
        for area in areas:
            for alternative in alternatives:
                form[f"q-i_{area}_{alternative}"] = chance.choice(_EFFECTS)
        form[f"q-c_{areas[0]}"] = comments[index % len(comments)]
        form["q-preferred"] = chance.choice(alternatives)
        locale = ("fi", "fi", "sv", "en")[index % 4]
        questionnaire_services.submit(engagement, form, locale=locale)


def _demo_comments(engagement: Engagement) -> None:
    discussion_services.discussion_for(engagement, create=True)
    first = discussion_services.post_comment(
        engagement,
        "Voisiko kirjastoauto pysähtyä koululla useammin kuin kerran viikossa?",
        "Syväkankaan vanhempi",
        "fi",
    )
    discussion_services.post_comment(
        engagement, "Bra att det nya biblioteket är tillgängligt.", "Morfar", "sv"
    )
    db.session.flush()
    discussion_services.add_post(
        first.thread,
        "Selvitämme tätä. Kirjoitamme vastauksen tähän ennen lautakunnan kokousta.",
        author_kind=AuthorKind.STAFF,
        author_name="Seppo Sivistys",
        locale="fi",
        parent_id=first.id,
        user_id=None,
        pending=False,
    )


DEMO_DECIDED_ID = "neuvola-aukiolo"


def load_demo_decided_eva() -> Engagement | None:
    """A second demo EVA, heard and decided: the "you said, we did" page and the EVA report.

    Opening hours of a child health clinic; the hearing took answers, closed, staff answered per
    impact area and recorded the decision. Created unless it exists; returns it when created.
    """
    if db.session.scalar(select(Engagement.id).where(Engagement.public_id == DEMO_DECIDED_ID)):
        return None
    department = plan_services.department_by_code("sivistys")
    focus_area = plan_services.focus_area_by_code("HK-01")
    if department is None or focus_area is None:
        return None
    ensure_catalogue()
    engagement = services.create_eva(
        department,
        t("Neuvolan aukioloajat", "Rådgivningens öppettider", "Child health clinic opening hours"),
        ["fi", "sv", "en"],
        [focus_area],
        ["residents"],
        None,
        None,
    )
    engagement.public_id = DEMO_DECIDED_ID
    assessment = services.assessment_of(engagement)
    now = utcnow()
    services.update_change(
        assessment,
        ChangeInput(
            title=engagement.title,
            summary=t(
                "Neuvola olisi auki yhtenä iltana viikossa.",
                "Rådgivningen skulle vara öppen en kväll i veckan.",
                "The clinic would be open one evening a week.",
            ),
            proposal=t(
                "Neuvola on auki torstaisin kello 19 asti.",
                "Rådgivningen är öppen till klockan 19 på torsdagar.",
                "The clinic is open until 7 pm on Thursdays.",
            ),
            rationale=t(
                "Moni vanhempi ei pääse neuvolaan työpäivän aikana.",
                "Många föräldrar kan inte komma under arbetsdagen.",
                "Many parents cannot come during the working day.",
            ),
            decision_maker=t("Sivistyslautakunta", "Bildningsnämnden", "The education committee"),
            decision_due=(now - timedelta(days=10)).date(),
            use_of_input=t(
                "Kerromme lautakunnalle, mitä vastasitte.",
                "Vi berättar för nämnden vad ni svarade.",
                "We tell the committee what you said.",
            ),
            easy_read={},
            children_affected=False,
            children_summary={},
            languages=["fi", "sv", "en"],
            focus_areas=[focus_area],
            opens_at=now - timedelta(days=60),
            closes_at=now - timedelta(days=30),
            privacy_note={},
        ),
    )
    services.update_alternative(
        services.alternative_by_code(assessment, "VE1"),
        t("Iltavastaanotto torstaisin", "Kvällsmottagning på torsdagar", "Thursday evenings"),
        {},
    )
    area = area_by_code("social_wellbeing")
    services.set_areas(assessment, [area.id])
    for alternative in assessment.alternatives:
        services.save_impact(
            assessment,
            area,
            alternative,
            "preliminary",
            "0" if alternative.is_current_state else "+",
            None if alternative.is_current_state else "medium",
            [] if alternative.is_current_state else ["age", "socioeconomic"],
            "long",
            t("Asiakaskysely 2026", "Kundenkät 2026", "Client survey 2026"),
            {},
        )
    generate_questionnaire(assessment)
    # Published while the hearing was open; it has closed since.
    engagement.closes_at = now + timedelta(days=1)
    services.publish(engagement)
    _demo_answers(engagement, [alt.code.lower() for alt in assessment.alternatives], [area.code])
    engagement.closes_at = now - timedelta(days=30)
    services.start_final(assessment)
    closing.save_response(
        engagement,
        assessment,
        {
            area.code: closing.AreaResponse(
                "partly",
                t(
                    "Vastausten takia neuvola on auki myös kahtena lauantaina kuussa.",
                    "På grund av svaren är rådgivningen också öppen två lördagar i månaden.",
                    "Because of your answers the clinic also opens two Saturdays a month.",
                ),
            )
        },
        t(
            "Neuvola on auki torstaisin kello 19 asti ja kahtena lauantaina kuussa.",
            "Rådgivningen är öppen till klockan 19 på torsdagar och två lördagar i månaden.",
            "The clinic is open until 7 pm on Thursdays and two Saturdays a month.",
        ),
        "VE1",
    )
    closing.record_decision(
        engagement,
        assessment,
        closing.Decision(
            body="Sivistyslautakunta",
            decided_on=(now - timedelta(days=10)).date(),
            section="45",
            url="https://kemi.example/poytakirjat/sivistyslautakunta/45",
            outcome=t(
                "Lautakunta päätti iltavastaanotosta. Lisäsimme lauantait vastaustenne takia.",
                "Nämnden beslutade om kvällsmottagningen. Vi lade till lördagar på grund av "
                "era svar.",
                "The committee decided on the evening hours. We added Saturdays because of "
                "your answers.",
            ),
        ),
    )
    return engagement
