"""EVAs built directly with the models, for the hearing, closing and report tests.

The questionnaire follows the generated-questionnaire convention: a page ``a_<area>`` per
relevant area with a single choice ``i_<area>_<alternative>`` (better / same / worse / cant) per
alternative and a long text ``c_<area>``, then a page ``preference`` with ``preferred`` (the
alternatives' codes in lower case) and ``preferred_why``.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.core.types import utcnow
from app.engagements.models import Engagement, Kind, OutcomeSubscription, Status
from app.engagements.services import create_engagement
from app.eva.models import Alternative, AssessedArea, Assessment, Impact, ImpactArea, Stage
from app.extensions import db
from app.plan import services as plan_services
from app.questionnaires import services as q
from app.questionnaires.services import OptionInput
from tests.conftest import department

ALL = ("fi", "sv", "en")


def t(fi: str, sv: str | None = None, en: str | None = None) -> dict[str, str]:
    return {"fi": fi, "sv": sv or f"{fi} (sv)", "en": en or f"{fi} (en)"}


AREAS = {
    "children_youth": (
        "people",
        t("Lapset ja nuoret", "Barn och unga", "Children and young people"),
    ),
    "health": ("people", t("Terveys", "Hälsa", "Health")),
}
ANSWERS = (
    ("better", t("Paremmin", "Bättre", "Better")),
    ("same", t("Ei muutosta", "Ingen förändring", "No change")),
    ("worse", t("Huonommin", "Sämre", "Worse")),
    ("cant", t("En osaa sanoa", "Kan inte säga", "Can't say")),
)


def impact_area(code: str) -> ImpactArea:
    area = db.session.scalar(select(ImpactArea).where(ImpactArea.code == code))
    if area is None:
        group, label = AREAS[code]
        area = ImpactArea(code=code, group=group, label=label, position=len(AREAS))
        db.session.add(area)
        db.session.flush()
    return area


def make_eva(
    department_code: str = "sivistys",
    languages: tuple[str, ...] = ALL,
    title: dict[str, str] | None = None,
    publish: bool = True,
    easy_read: dict[str, str] | None = None,
    children_summary: dict[str, str] | None = None,
    questionnaire: bool = True,
    triggers: tuple[str, ...] = ("residents", "service_network"),
    skip_reason: str | None = None,
    screened_at=None,  # noqa: ANN001
) -> Engagement:
    """A hearing on merging two school libraries: VE0 and VE1, two areas, preliminary cells."""
    only = lambda value: {k: v for k, v in value.items() if k in languages}  # noqa: E731
    engagement = create_engagement(
        Kind.EVA,
        department(department_code),
        only(
            title
            or t(
                "Koulukirjastojen yhdistäminen",
                "Sammanslagning av skolbibliotek",
                "Merging the school libraries",
            )
        ),
        languages,
        focus_areas=[plan_services.focus_area_by_code("HK-01")],
    )
    engagement.summary = only(
        t("Kaksi kirjastoa yhdeksi.", "Två bibliotek till ett.", "Two libraries into one.")
    )
    assessment = Assessment(
        engagement=engagement,
        triggers=list(triggers),
        skip_reason=skip_reason,
        proposal=only(
            t(
                "Yhdistetään kirjastot.",
                "Biblioteken slås ihop.",
                "The two school libraries are merged into one.",
            )
        ),
        rationale=only(t("Säästö.", "Besparing.", "The buildings need repairs.")),
        decision_maker=only(t("Sivistyslautakunta", "Bildningsnämnden", "Education committee")),
        decision_due=date(2027, 3, 12),
        use_of_input=only(
            t(
                "Käytämme vastauksia.",
                "Vi använder svaren.",
                "The committee reads a summary of the answers.",
            )
        ),
        easy_read=only(easy_read or {}),
        children_summary=only(children_summary or {}),
        children_affected=bool(children_summary),
    )
    if screened_at is not None:
        assessment.screened_at = screened_at
    db.session.add(assessment)
    db.session.flush()
    ve0 = Alternative(
        assessment=assessment,
        code="VE0",
        position=0,
        is_current_state=True,
        label=only(t("Nykytila", "Nuläge", "Keep both libraries")),
        description=only(t("Kaksi kirjastoa.", "Två bibliotek.", "Both libraries stay open.")),
    )
    ve1 = Alternative(
        assessment=assessment,
        code="VE1",
        position=1,
        label=only(t("Yhdistetään", "Slås ihop", "Merge the libraries")),
        description=only(t("Yksi kirjasto.", "Ett bibliotek.", "One library in the new school.")),
    )
    db.session.add_all([ve0, ve1])
    children, health = impact_area("children_youth"), impact_area("health")
    for position, area in enumerate((children, health)):
        db.session.add(AssessedArea(assessment=assessment, area_id=area.id, position=position))
    db.session.flush()
    cells = [
        (children, ve0, "0", None, None, [], {}, {}),
        (
            children,
            ve1,
            "-",
            "large",
            "long",
            ["age", "area"],
            t("Koulumatka pitenee.", "Skolvägen blir längre.", "Longer way to the library."),
            t("Kirjastobussi.", "Biblioteksbuss.", "A library bus visits the school."),
        ),
        (health, ve0, "?", None, None, [], {}, {}),
        (health, ve1, "+", "small", "short", [], {}, {}),
    ]
    for area, alternative, direction, significance, span, groups, evidence, mitigation in cells:
        db.session.add(
            Impact(
                assessment=assessment,
                area_id=area.id,
                alternative=alternative,
                stage=Stage.PRELIMINARY,
                direction=direction,
                significance=significance,
                time_span=span,
                groups=groups,
                evidence=only(evidence),
                mitigation=only(mitigation),
            )
        )
    db.session.flush()
    if questionnaire:
        build_questionnaire(engagement, [children, health], [ve0, ve1])
    engagement.opens_at = utcnow() - timedelta(days=1)
    engagement.closes_at = utcnow() + timedelta(days=14)
    if publish:
        q.publish(engagement)
        engagement.status = Status.PUBLISHED
    db.session.commit()
    return engagement


def build_questionnaire(engagement, areas, alternatives) -> None:  # noqa: ANN001
    languages = engagement.languages
    only = lambda value: {k: v for k, v in value.items() if k in languages}  # noqa: E731
    questionnaire = q.create_questionnaire(engagement)
    options = [
        OptionInput(code, only(label), is_cant_say=code == "cant") for code, label in ANSWERS
    ]
    for area in areas:
        page = q.add_page(questionnaire, f"a_{area.code}", only(area.label))
        for alternative in alternatives:
            q.add_question(
                page,
                f"i_{area.code}_{alternative.code.lower()}",
                "single_choice",
                only(
                    t("Miten vaikuttaisi?", "Hur skulle det påverka?", "How would it affect you?")
                ),
                options=options,
            )
        q.add_question(
            page, f"c_{area.code}", "long_text", only(t("Kommentti", "Kommentar", "Comment"))
        )
    page = q.add_page(questionnaire, "preference", only(t("Vaihtoehto", "Alternativ", "Choice")))
    q.add_question(
        page,
        "preferred",
        "single_choice",
        only(t("Mikä vaihtoehto?", "Vilket alternativ?", "Which alternative?")),
        options=[OptionInput(a.code.lower(), only(a.label)) for a in alternatives],
    )
    q.add_question(page, "preferred_why", "long_text", only(t("Miksi?", "Varför?", "Why?")))


def answer(engagement: Engagement, locale: str = "fi", **values: str):
    """Store one web response: ``i_health_ve1="worse", c_health="..."``."""
    form = MultiDict({f"q-{code}": value for code, value in values.items()})
    submission = q.submit(engagement, form, locale)
    db.session.commit()
    return submission


def close(engagement: Engagement) -> None:
    engagement.closed_at = utcnow() - timedelta(minutes=1)
    db.session.commit()


def subscribe(engagement: Engagement, email: str, locale: str) -> None:
    db.session.add(OutcomeSubscription(engagement_id=engagement.id, email=email, locale=locale))
    db.session.commit()
