"""EVA staff rules: screening, the change, alternatives, areas, the matrix and publishing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.core.audit import AuditLog
from app.core.types import utcnow
from app.engagements.models import Kind, Status
from app.eva import services
from app.eva.catalogue import area_by_code
from app.eva.models import Assessment, Impact, Stage
from app.eva.questionnaire import generate_questionnaire
from app.eva.services import EvaError
from app.extensions import db
from app.plan import services as plan_services
from tests.conftest import department
from tests.eva.conftest import build_eva, change_input


@pytest.fixture(autouse=True)
def _english(app):
    """The services word their refusals in the reader's language; these tests read English."""
    with app.test_request_context("/en/"), force_locale("en"):
        yield


def new_eva(triggers=("residents",), skip_reason=None, languages=("fi", "sv", "en")):
    return services.create_eva(
        department("sivistys"),
        {"fi": "Terveysaseman aukioloajat"},
        languages,
        [plan_services.focus_area_by_code("HK-01")],
        list(triggers),
        skip_reason,
        None,
    )


def test_screening_without_trigger_or_reason_is_refused_with_a_message(plan):
    with pytest.raises(EvaError) as caught:
        new_eva(triggers=(), skip_reason="  ")
    assert "write the reason for not doing one" in caught.value.problems[0]
    assert db.session.scalar(select(func.count(Assessment.id))) == 0


def test_screening_without_trigger_is_kept_with_its_reason_and_no_alternatives(plan):
    engagement = new_eva(triggers=(), skip_reason="Koskee yhtä henkilöä.")
    db.session.commit()
    assessment = services.assessment_of(engagement)
    assert engagement.kind == Kind.EVA
    assert assessment.is_needed is False
    assert assessment.skip_reason == "Koskee yhtä henkilöä."
    assert assessment.alternatives == []


def test_screening_without_trigger_cannot_be_published(plan):
    engagement = new_eva(triggers=(), skip_reason="Koskee yhtä henkilöä.")
    with pytest.raises(EvaError) as caught:
        services.publish(engagement)
    assert "no EVA or hearing" in caught.value.problems[0]
    assert engagement.status == Status.DRAFT


def test_unknown_trigger_is_refused(plan):
    with pytest.raises(EvaError):
        new_eva(triggers=("weather",))


def test_creating_with_triggers_makes_current_state_and_first_alternative(plan):
    engagement = new_eva(triggers=("staff", "residents"))
    assessment = services.assessment_of(engagement)
    assert assessment.triggers == ["residents", "staff"]
    assert assessment.skip_reason is None
    codes = [(alt.code, alt.is_current_state) for alt in assessment.alternatives]
    assert codes == [("VE0", True), ("VE1", False)]
    assert assessment.alternatives[0].label["fi"] == "Nykytila säilyy"
    assert assessment.alternatives[0].label["sv"] == "Nuläget bevaras"
    assert area_by_code("children_youth") is not None  # the catalogue is seeded on creation
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "eva.screening"))


def test_adding_a_trigger_later_creates_the_alternatives(plan):
    engagement = new_eva(triggers=(), skip_reason="Ei vaikutuksia.")
    assessment = services.assessment_of(engagement)
    services.update_screening(assessment, ["strategy"], "")
    assert assessment.skip_reason is None
    assert [alt.code for alt in assessment.alternatives] == ["VE0", "VE1"]


def test_change_texts_are_saved_per_language_and_other_languages_kept(plan):
    engagement = new_eva()
    assessment = services.assessment_of(engagement)
    services.update_change(assessment, change_input())
    assert assessment.proposal["sv"].startswith("Syväkangas skolas bibliotek")
    assert assessment.decision_maker == {
        "fi": "Sivistyslautakunta",
        "sv": "Bildningsnämnden",
        "en": "Education committee",
    }
    assert engagement.title["en"] == "Merging the school libraries"
    # A form that shows only Finnish leaves the Swedish and English texts alone.
    services.update_change(
        assessment,
        change_input(
            languages=("fi",),
            proposal={"fi": "Uusi ehdotus"},
        ),
    )
    assert assessment.proposal["fi"] == "Uusi ehdotus"
    assert assessment.proposal["sv"].startswith("Syväkangas")
    assert engagement.languages == ["fi"]


def test_hearing_must_close_after_it_opens(plan):
    assessment = services.assessment_of(new_eva())
    now = utcnow()
    with pytest.raises(EvaError):
        services.update_change(assessment, change_input(opens_at=now, closes_at=now))


def test_alternatives_get_stable_codes_and_current_state_cannot_be_removed(plan):
    assessment = services.assessment_of(new_eva())
    ve2 = services.add_alternative(assessment, {"fi": "Lauantait auki"}, {})
    ve3 = services.add_alternative(assessment, {"fi": "Ilta-aukiolo"}, {})
    assert (ve2.code, ve3.code) == ("VE2", "VE3")
    services.update_alternative(ve2, {"fi": "Lauantaisin auki", "sv": "Öppet på lördagar"}, {})
    assert ve2.code == "VE2"
    assert ve2.label == {"fi": "Lauantaisin auki", "sv": "Öppet på lördagar"}
    with pytest.raises(EvaError) as caught:
        services.delete_alternative(assessment.alternatives[0])
    assert "VE0" in caught.value.problems[0]
    services.delete_alternative(ve2)
    assert [alt.code for alt in assessment.alternatives] == ["VE0", "VE1", "VE3"]
    services.move_alternative(ve3, "up")
    assert [alt.code for alt in assessment.alternatives] == ["VE0", "VE3", "VE1"]
    with pytest.raises(EvaError):
        services.move_alternative(ve3, "up")  # VE0 stays first


def test_the_last_alternative_besides_the_current_state_stays(plan):
    assessment = services.assessment_of(new_eva())
    with pytest.raises(EvaError):
        services.delete_alternative(services.alternative_by_code(assessment, "VE1"))


def test_an_alternative_needs_a_name(plan):
    assessment = services.assessment_of(new_eva())
    with pytest.raises(EvaError):
        services.add_alternative(assessment, {"fi": " "}, {})


def test_matrix_cell_is_saved_and_updated_in_place(plan):
    assessment = services.assessment_of(new_eva())
    health = area_by_code("health")
    services.set_areas(assessment, [health.id])
    ve1 = services.alternative_by_code(assessment, "VE1")
    args = (assessment, health, ve1, "preliminary")
    services.save_impact(*args, "-", "large", ["age", "area"], "long", {"fi": "Tilasto"}, {})
    services.save_impact(*args, "+", "small", ["gender"], "short", {"fi": "Uusi"}, {"fi": "Ei"})
    impacts = db.session.scalars(select(Impact)).all()
    assert len(impacts) == 1
    cell = impacts[0]
    assert (cell.direction, cell.significance, cell.groups, cell.time_span) == (
        "+",
        "small",
        ["gender"],
        "short",
    )
    assert cell.evidence == {"fi": "Uusi"}
    assert cell.mitigation == {"fi": "Ei"}


@pytest.mark.parametrize(
    ("direction", "significance", "groups", "time_span"),
    [
        ("++", None, [], None),
        ("+", "huge", [], None),
        ("+", None, ["pets"], None),
        ("+", None, [], "forever"),
    ],
)
def test_matrix_cell_with_unknown_values_is_refused(
    plan, direction, significance, groups, time_span
):
    assessment = services.assessment_of(new_eva())
    health = area_by_code("health")
    services.set_areas(assessment, [health.id])
    ve1 = services.alternative_by_code(assessment, "VE1")
    with pytest.raises(EvaError):
        services.save_impact(
            assessment,
            health,
            ve1,
            "preliminary",
            direction,
            significance,
            groups,
            time_span,
            {},
            {},
        )
    assert db.session.scalar(select(func.count(Impact.id))) == 0


def test_matrix_cell_of_an_area_not_chosen_is_refused(plan):
    assessment = services.assessment_of(new_eva())
    ve1 = services.alternative_by_code(assessment, "VE1")
    with pytest.raises(EvaError):
        services.save_impact(
            assessment, area_by_code("safety"), ve1, "preliminary", "+", None, [], None, {}, {}
        )


def test_removing_an_area_drops_its_cells(plan):
    assessment = services.assessment_of(new_eva())
    health, safety = area_by_code("health"), area_by_code("safety")
    services.set_areas(assessment, [health.id, safety.id])
    ve1 = services.alternative_by_code(assessment, "VE1")
    services.save_impact(assessment, safety, ve1, "preliminary", "+", None, [], None, {}, {})
    services.set_areas(assessment, [health.id])
    assert [item.area.code for item in assessment.areas] == ["health"]
    assert db.session.scalar(select(func.count(Impact.id))) == 0


def test_publish_is_refused_with_the_missing_list_until_complete(plan):
    engagement = new_eva()
    assessment = services.assessment_of(engagement)
    with pytest.raises(EvaError) as caught:
        services.publish(engagement)
    problems = caught.value.problems
    assert any("What is proposed" in p and "Swedish" in p for p in problems)
    assert any("relevant impact area" in p for p in problems)
    assert any("hearing period" in p for p in problems)
    assert any("questionnaire" in p for p in problems)
    assert engagement.status == Status.DRAFT
    services.update_change(assessment, change_input())
    health = area_by_code("health")
    services.set_areas(assessment, [health.id])
    generate_questionnaire(assessment)
    problems = services.missing_for_publishing(engagement)
    assert any("health × VE0 has no direction" in p for p in problems)
    for alternative in assessment.alternatives:
        services.save_impact(
            assessment, health, alternative, "preliminary", "?", None, [], None, {}, {}
        )
    assert services.missing_for_publishing(engagement) == []
    services.publish(engagement)
    assert engagement.status == Status.PUBLISHED


def test_evidence_written_in_one_language_is_needed_in_all(plan):
    engagement = build_eva(publish=False)
    assessment = services.assessment_of(engagement)
    item = assessment.areas[0]
    ve1 = services.alternative_by_code(assessment, "VE1")
    services.save_impact(
        assessment, item.area, ve1, "preliminary", "-", None, [], None, {"sv": ""}, {}
    )
    services.save_impact(
        assessment,
        item.area,
        ve1,
        "preliminary",
        "-",
        None,
        [],
        None,
        {},
        {"fi": "Kirjastoauto", "sv": "", "en": ""},
    )
    problems = services.missing_for_publishing(engagement)
    assert any("Mitigation (children_youth × VE1)" in p and "Swedish" in p for p in problems)


def test_children_affected_needs_the_version_for_children(plan):
    engagement = build_eva(publish=False)
    assessment = services.assessment_of(engagement)
    services.update_change(
        assessment, change_input(children_summary={"fi": "", "sv": "", "en": ""})
    )
    problems = services.missing_for_publishing(engagement)
    assert any("Version for children and young people" in p for p in problems)


def test_complete_eva_publishes_engagement_and_questionnaire(plan):
    engagement = build_eva()
    db.session.commit()
    assert engagement.status == Status.PUBLISHED
    assert engagement.is_open()
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"eva.publish", "engagement.publish", "eva.questionnaire_generate"} <= actions


def test_final_matrix_starts_as_a_copy_of_the_preliminary_once_the_hearing_closed(plan):
    engagement = build_eva()
    assessment = services.assessment_of(engagement)
    with pytest.raises(EvaError):
        services.start_final(assessment)
    engagement.closes_at = utcnow() - timedelta(minutes=1)
    copied = services.start_final(assessment)
    assert copied == 6
    final = services.cells(assessment, Stage.FINAL)
    preliminary = services.cells(assessment, Stage.PRELIMINARY)
    assert final.keys() == preliminary.keys()
    key = next(iter(final))
    assert final[key].direction == preliminary[key].direction
    assert services.start_final(assessment) == 0  # only the first time
