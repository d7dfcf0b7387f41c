"""Plan data files: import, validation, export, CLI, and the Kemi plan itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from app.core.audit import AuditLog
from app.extensions import db
from app.plan import services
from app.plan.models import Department, FocusArea, Plan, StrategicGoal
from tests.conftest import KEMI_PLAN, ROOT

SEED = ROOT.parent / "shared" / "seed" / "000_ba3639160da2ce8d.txt"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_kemi_plan_has_three_goals_with_aims_and_focus_areas(plan):
    titles = [goal.title["fi"] for goal in plan.goals]
    assert titles == ["Hyvinvoivat kuntalaiset", "Sujuva arki", "Elinvoimainen kaupunki"]
    assert all(goal.aims and goal.focus_areas for goal in plan.goals)
    for goal in plan.goals:
        for text in [goal.title, *goal.aims] + [a.title for a in goal.focus_areas]:
            assert set(text) == {"fi", "sv", "en"}
    eva = next(a for a in plan.goals[2].focus_areas if "EVA" in a.title["fi"])
    assert eva.title["fi"].startswith("Vaikutusten ennakkoarvioinnin (EVA) käyttö vakiinnutetaan")


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed text is not beside the repository")
def test_kemi_finnish_texts_are_word_for_word_from_the_plan_document():
    seed = SEED.read_text(encoding="utf-8")
    flat = " ".join(re.sub(r"-\s*\n\s*", "-", seed).split())
    flat_joined = " ".join(seed.replace("-\n", "").split())
    data = yaml.safe_load(KEMI_PLAN.read_text(encoding="utf-8"))
    texts = []
    for goal in data["plan"]["goals"]:
        texts.append(goal["title"]["fi"].upper())
        texts += [aim["fi"] for aim in goal["aims"]]
        texts += [area["title"]["fi"] for area in goal["focus_areas"]]
    missing = [t for t in texts if t not in flat and t not in flat_joined and t not in flat.upper()]
    assert missing == []


def test_import_twice_changes_nothing(plan):
    before = (count(Plan), count(StrategicGoal), count(FocusArea), count(Department))
    ids = sorted(db.session.scalars(select(FocusArea.id)))
    result = services.import_plan(KEMI_PLAN.read_text(encoding="utf-8"))
    db.session.commit()
    assert not result.created
    assert result.departments_added == []
    assert (count(Plan), count(StrategicGoal), count(FocusArea), count(Department)) == before
    assert sorted(db.session.scalars(select(FocusArea.id))) == ids
    assert before == (1, 3, 24, 5)


def test_import_is_audited(plan):
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "plan.import"))


BROKEN = """format: osallistu-plan/1
plan:
  code: test-plan
  title: {fi: Testi, sv: Test, en: Test}
  period_start: 2024
  period_end: 2027
  goals:
    - code: A
      title: {fi: Päämäärä, sv: Mål}
      focus_areas:
        - code: A-1
          title: {fi: Yksi, sv: Ett, en: One}
        - code: A-1
          title: {fi: Kaksi, sv: Två, en: Two}
          colour: red
"""


def test_invalid_file_lists_every_problem_with_line_and_key_and_writes_nothing(app):
    with pytest.raises(services.PlanFileError) as caught:
        services.import_plan(BROKEN)
    errors = caught.value.errors
    assert "line 9: plan.goals[0].title.en: missing" in errors
    assert "line 13: plan.goals[0].focus_areas[1].code: code 'A-1' used twice" in errors
    assert "line 15: plan.goals[0].focus_areas[1].colour: unknown key" in errors
    db.session.rollback()
    assert count(Plan) == 0
    assert count(FocusArea) == 0


def test_file_that_is_not_yaml_is_refused_with_its_line(app):
    with pytest.raises(services.PlanFileError) as caught:
        services.import_plan("plan:\n  code: [unclosed\n  title: x\n")
    assert caught.value.errors[0].startswith("line ")


def test_export_then_import_into_an_empty_database_gives_the_same_file(plan, app):
    exported = services.export_plan()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    services.import_plan(exported)
    db.session.commit()
    assert services.export_plan() == exported


def test_reimport_updates_texts_by_code(plan):
    data = yaml.safe_load(services.export_plan())
    data["plan"]["goals"][0]["focus_areas"][0]["title"]["en"] = "Preventing problems early"
    services.import_plan(yaml.safe_dump(data, allow_unicode=True))
    db.session.commit()
    assert services.focus_area_by_code("HK-01").title["en"] == "Preventing problems early"


def test_cli_import_show_export(runner, tmp_path: Path):
    result = runner.invoke(args=["plan", "import", str(KEMI_PLAN)])
    assert result.exit_code == 0, result.output
    assert "3 strategic goals, 24 focus areas" in result.output
    shown = runner.invoke(args=["plan", "show"]).output
    assert "HK-01" in shown
    assert "EK-02" in shown
    assert "sivistys" in shown
    assert "Elinvoimainen kaupunki" in shown
    assert "A thriving city" in runner.invoke(args=["plan", "show", "--lang", "en"]).output
    target = tmp_path / "out.yaml"
    assert runner.invoke(args=["plan", "export", str(target)]).exit_code == 0
    assert yaml.safe_load(target.read_text(encoding="utf-8"))["plan"]["code"] == "kemi-2022-25"


def test_cli_import_of_broken_file_fails_and_names_the_problem(runner, tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN, encoding="utf-8")
    result = runner.invoke(args=["plan", "import", str(bad)])
    assert result.exit_code == 1
    assert "plan.goals[0].title.en: missing" in result.output
    assert count(Plan) == 0


def test_demo_load_is_idempotent_and_keeps_edits(runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "koordinaattori@demo.osallistu.fi" in first.output
    area = services.focus_area_by_code("SA-02")
    area.title = {**area.title, "en": "Stopping bullying"}
    db.session.commit()
    before = (count(Plan), count(FocusArea), count(Department))
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert "Demo users added: 0" in second.output
    assert (count(Plan), count(FocusArea), count(Department)) == before
    assert services.focus_area_by_code("SA-02").title["en"] == "Stopping bullying"
