"""The catalogue of impact areas: seeded with the standard areas, edited by the coordinator.

The seed follows Kuntaliitto's 2011 recommendation and the IVA/LAVA areas (see
``research/finnish_domain.md`` §1.4): impacts on people, the environment and climate, the
economy, employment, and the organisation and its staff. Codes are stable: exports and the
generated hearing questions (``i_<code>_<alternative>``) use them, so a code never changes
after creation; an area that is no longer wanted is retired, not deleted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from app.core import audit
from app.core.types import clean_translations, missing_locales
from app.eva.models import ImpactArea, ImpactGroup
from app.extensions import db
from app.i18n import LOCALES

#: Area codes: short enough that ``i_<code>_<alternative>`` fits the 40-character question codes.
AREA_CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,29}$")

#: The order groups are shown in.
GROUP_ORDER: tuple[str, ...] = tuple(group.value for group in ImpactGroup)


@dataclass(frozen=True)
class SeedArea:
    code: str
    group: ImpactGroup
    label: dict[str, str]
    guidance: dict[str, str]


# Content in three languages, not user-interface strings: kept here, not in gettext catalogs.
SEED: tuple[SeedArea, ...] = (
    SeedArea(
        "children_youth",
        ImpactGroup.PEOPLE,
        {
            "fi": "Lapset ja nuoret",
            "sv": "Barn och unga",
            "en": "Children and young people",
        },
        {
            "fi": "Miten muutos vaikuttaa alle 18-vuotiaiden arkeen, palveluihin ja "
            "turvallisuuteen sekä heidän perheisiinsä (lapsivaikutusten arviointi, LAVA)?",
            "sv": "Hur påverkar ändringen vardagen, tjänsterna och tryggheten för barn och "
            "unga under 18 år och deras familjer (barnkonsekvensanalys)?",
            "en": "How does the change affect the daily life, services and safety of under-18s "
            "and their families (child impact assessment)?",
        },
    ),
    SeedArea(
        "health",
        ImpactGroup.PEOPLE,
        {"fi": "Terveys", "sv": "Hälsa", "en": "Health"},
        {
            "fi": "Miten muutos vaikuttaa ihmisten fyysiseen ja psyykkiseen terveyteen ja "
            "terveyserojen kaventumiseen?",
            "sv": "Hur påverkar ändringen människornas fysiska och psykiska hälsa och "
            "skillnaderna i hälsa?",
            "en": "How does the change affect people's physical and mental health and the "
            "differences in health between groups?",
        },
    ),
    SeedArea(
        "social_wellbeing",
        ImpactGroup.PEOPLE,
        {"fi": "Sosiaalinen hyvinvointi", "sv": "Social välfärd", "en": "Social wellbeing"},
        {
            "fi": "Miten muutos vaikuttaa ihmisten toimeentuloon, ihmissuhteisiin, "
            "yksinäisyyteen ja mahdollisuuksiin saada apua?",
            "sv": "Hur påverkar ändringen människornas försörjning, relationer, ensamhet och "
            "möjligheter att få hjälp?",
            "en": "How does the change affect people's livelihood, relationships, loneliness "
            "and chances to get help?",
        },
    ),
    SeedArea(
        "equality",
        ImpactGroup.PEOPLE,
        {
            "fi": "Yhdenvertaisuus ja syrjimättömyys",
            "sv": "Likabehandling och icke-diskriminering",
            "en": "Equality and non-discrimination",
        },
        {
            "fi": "Kohteleeko muutos eri väestöryhmiä yhdenvertaisesti, ja heikentääkö se "
            "jonkin ryhmän asemaa?",
            "sv": "Behandlar ändringen olika befolkningsgrupper lika, och försvagar den någon "
            "grupps ställning?",
            "en": "Does the change treat different population groups equally, and does it "
            "weaken the position of any group?",
        },
    ),
    SeedArea(
        "gender_equality",
        ImpactGroup.PEOPLE,
        {
            "fi": "Sukupuolten tasa-arvo",
            "sv": "Jämställdhet mellan könen",
            "en": "Gender equality",
        },
        {
            "fi": "Ovatko eri sukupuolten tilanteet erilaiset, ja vaikuttaako muutos heihin "
            "eri tavoin (sukupuolivaikutusten arviointi)?",
            "sv": "Är situationen olika för personer av olika kön, och påverkar ändringen dem "
            "på olika sätt (könskonsekvensbedömning)?",
            "en": "Do people of different genders live in different situations, and does the "
            "change affect them differently (gender impact assessment)?",
        },
    ),
    SeedArea(
        "language_rights",
        ImpactGroup.PEOPLE,
        {
            "fi": "Kielelliset oikeudet",
            "sv": "Språkliga rättigheter",
            "en": "Language rights",
        },
        {
            "fi": "Saavatko suomen- ja ruotsinkieliset sekä muunkieliset palvelut omalla "
            "kielellään yhtä hyvin muutoksen jälkeen?",
            "sv": "Får finsk- och svenskspråkiga och personer med andra språk service på sitt "
            "språk lika bra efter ändringen (språkliga konsekvenser)?",
            "en": "Do Finnish and Swedish speakers, and speakers of other languages, get "
            "services in their language as well after the change?",
        },
    ),
    SeedArea(
        "accessibility",
        ImpactGroup.PEOPLE,
        {
            "fi": "Saavutettavuus ja esteettömyys",
            "sv": "Tillgänglighet",
            "en": "Accessibility",
        },
        {
            "fi": "Pääseekö palveluun ja tietoon yhtä hyvin, myös liikkumis- tai "
            "toimintarajoitteinen, kaukana asuva tai ilman autoa liikkuva?",
            "sv": "Når alla tjänsten och informationen lika bra, även personer med "
            "funktionsnedsättning, långt bort boende och de som saknar bil?",
            "en": "Can everyone reach the service and the information as well, including "
            "people with disabilities, people living far away and people without a car?",
        },
    ),
    SeedArea(
        "safety",
        ImpactGroup.PEOPLE,
        {"fi": "Turvallisuus", "sv": "Trygghet och säkerhet", "en": "Safety"},
        {
            "fi": "Miten muutos vaikuttaa turvallisuuteen ja turvallisuuden tunteeseen, "
            "esimerkiksi koulumatkoilla ja asuinalueilla?",
            "sv": "Hur påverkar ändringen säkerheten och tryggheten, till exempel på "
            "skolvägar och i bostadsområden?",
            "en": "How does the change affect safety and the feeling of safety, for example "
            "on the way to school and in neighbourhoods?",
        },
    ),
    SeedArea(
        "participation",
        ImpactGroup.PEOPLE,
        {"fi": "Osallisuus", "sv": "Delaktighet", "en": "Participation"},
        {
            "fi": "Miten muutos vaikuttaa asukkaiden mahdollisuuksiin osallistua, vaikuttaa "
            "ja kuulua yhteisöön?",
            "sv": "Hur påverkar ändringen invånarnas möjligheter att delta, påverka och höra "
            "till en gemenskap?",
            "en": "How does the change affect residents' chances to take part, have a say "
            "and belong to a community?",
        },
    ),
    SeedArea(
        "environment_climate",
        ImpactGroup.ENVIRONMENT,
        {
            "fi": "Ympäristö ja ilmasto",
            "sv": "Miljö och klimat",
            "en": "Environment and climate",
        },
        {
            "fi": "Miten muutos vaikuttaa päästöihin, liikkumiseen, luontoon, maisemaan ja "
            "elinympäristön viihtyisyyteen?",
            "sv": "Hur påverkar ändringen utsläppen, resorna, naturen, landskapet och "
            "livsmiljöns trivsel?",
            "en": "How does the change affect emissions, travel, nature, the landscape and "
            "how pleasant the living environment is?",
        },
    ),
    SeedArea(
        "municipal_finances",
        ImpactGroup.ECONOMY,
        {
            "fi": "Kunnan talous",
            "sv": "Kommunens ekonomi",
            "en": "Municipal finances",
        },
        {
            "fi": "Mitkä ovat muutoksen kustannukset ja säästöt lyhyellä ja pitkällä "
            "aikavälillä, investoinnit mukaan lukien?",
            "sv": "Vilka är ändringens kostnader och besparingar på kort och lång sikt, "
            "investeringar inräknade?",
            "en": "What are the costs and savings of the change in the short and long term, "
            "investments included?",
        },
    ),
    SeedArea(
        "households",
        ImpactGroup.ECONOMY,
        {
            "fi": "Kotitalouksien talous",
            "sv": "Hushållens ekonomi",
            "en": "Household finances",
        },
        {
            "fi": "Muuttuvatko asiakasmaksut, matkakulut tai muut kotitalouksien menot?",
            "sv": "Ändras klientavgifterna, resekostnaderna eller hushållens andra utgifter?",
            "en": "Do client fees, travel costs or other household expenses change?",
        },
    ),
    SeedArea(
        "businesses",
        ImpactGroup.ECONOMY,
        {"fi": "Yritykset", "sv": "Företag", "en": "Businesses"},
        {
            "fi": "Miten muutos vaikuttaa paikallisten yritysten toimintaedellytyksiin ja "
            "hankintoihin?",
            "sv": "Hur påverkar ändringen de lokala företagens verksamhetsförutsättningar "
            "och upphandlingar?",
            "en": "How does the change affect conditions for local businesses and public "
            "procurement?",
        },
    ),
    SeedArea(
        "employment",
        ImpactGroup.EMPLOYMENT,
        {"fi": "Työllisyys", "sv": "Sysselsättning", "en": "Employment"},
        {
            "fi": "Syntyykö tai katoaako työpaikkoja, ja miten muutos vaikuttaa työllistymisen "
            "mahdollisuuksiin?",
            "sv": "Uppstår eller försvinner arbetsplatser, och hur påverkar ändringen "
            "möjligheterna att få arbete?",
            "en": "Are jobs created or lost, and how does the change affect people's chances "
            "to find work?",
        },
    ),
    SeedArea(
        "organisation_staff",
        ImpactGroup.ORGANISATION,
        {
            "fi": "Organisaatio ja henkilöstö",
            "sv": "Organisation och personal",
            "en": "Organisation and staff",
        },
        {
            "fi": "Miten muutos vaikuttaa palvelujen tuottamistapaan, henkilöstön määrään, "
            "työhyvinvointiin ja osaamistarpeisiin?",
            "sv": "Hur påverkar ändringen sättet att producera tjänster, personalens antal, "
            "välbefinnande i arbetet och kompetensbehov?",
            "en": "How does the change affect how services are produced, staff numbers, "
            "wellbeing at work and the skills needed?",
        },
    ),
)


class CatalogueError(Exception):
    """A catalogue rule was broken; ``problems`` lists codes the view turns into words."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def ensure_catalogue() -> int:
    """Add the seed areas that are missing (by code); nothing that exists is changed.

    Returns how many were added. Flushes; the caller commits.
    """
    existing = set(db.session.scalars(select(ImpactArea.code)))
    added = 0
    for position, seed in enumerate(SEED):
        if seed.code in existing:
            continue
        db.session.add(
            ImpactArea(
                code=seed.code,
                group=seed.group,
                label=dict(seed.label),
                guidance=dict(seed.guidance),
                position=(position + 1) * 10,
                is_active=True,
            )
        )
        added += 1
    if added:
        db.session.flush()
    return added


def _sort_key(area: ImpactArea) -> tuple[int, int, str]:
    group = GROUP_ORDER.index(area.group) if area.group in GROUP_ORDER else len(GROUP_ORDER)
    return group, area.position, area.code


def list_areas(active_only: bool = False) -> list[ImpactArea]:
    """Catalogue areas in display order: by group, then position."""
    query = select(ImpactArea)
    if active_only:
        query = query.where(ImpactArea.is_active.is_(True))
    return sorted(db.session.scalars(query), key=_sort_key)


def by_group(areas: list[ImpactArea]) -> list[tuple[str, list[ImpactArea]]]:
    """(group code, areas) in display order, groups without areas left out."""
    return [
        (group, [area for area in areas if area.group == group])
        for group in GROUP_ORDER
        if any(area.group == group for area in areas)
    ]


def area_by_code(code: str) -> ImpactArea | None:
    return db.session.scalar(select(ImpactArea).where(ImpactArea.code == code))


def _check(group: str, label: Mapping[str, str], guidance: Mapping[str, str]) -> list[str]:
    problems = []
    if group not in GROUP_ORDER:
        problems.append("group")
    if missing_locales(clean_translations(label), LOCALES):
        problems.append("label_languages")
    if missing_locales(clean_translations(guidance), LOCALES):
        problems.append("guidance_languages")
    return problems


def create_area(
    code: str,
    group: str,
    label: Mapping[str, str],
    guidance: Mapping[str, str],
    position: int = 0,
    is_active: bool = True,
) -> ImpactArea:
    """A new catalogue area; its code can never change afterwards. Flushes."""
    code = (code or "").strip()
    problems = [] if AREA_CODE_PATTERN.match(code) else ["code_format"]
    if not problems and area_by_code(code) is not None:
        problems.append("code_used")
    problems += _check(group, label, guidance)
    if problems:
        raise CatalogueError(problems)
    area = ImpactArea(
        code=code,
        group=group,
        label=clean_translations(label),
        guidance=clean_translations(guidance),
        position=position,
        is_active=is_active,
    )
    db.session.add(area)
    db.session.flush()
    audit.record("eva.area_create", f"eva_impact_areas:{code}", group=group)
    return area


def update_area(
    area: ImpactArea,
    group: str,
    label: Mapping[str, str],
    guidance: Mapping[str, str],
    position: int,
    is_active: bool,
) -> None:
    """Change an area's texts, group, order or whether it is offered (the code stays). Flushes."""
    problems = _check(group, label, guidance)
    if problems:
        raise CatalogueError(problems)
    changed = [
        name
        for name, old, new in (
            ("group", area.group, group),
            ("label", area.label, clean_translations(label)),
            ("guidance", area.guidance, clean_translations(guidance)),
            ("position", area.position, position),
            ("is_active", area.is_active, is_active),
        )
        if old != new
    ]
    area.group = group
    area.label = clean_translations(label)
    area.guidance = clean_translations(guidance)
    area.position = position
    area.is_active = is_active
    db.session.flush()
    audit.record("eva.area_edit", f"eva_impact_areas:{area.code}", changed=changed)
