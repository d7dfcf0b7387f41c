"""Plan rules: import and export of plan data files, editing texts, departments."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from app.core import audit
from app.core.types import clean_translations
from app.extensions import db
from app.i18n import LOCALES, tr
from app.plan.models import Department, FocusArea, Plan, StrategicGoal

FORMAT = "osallistu-plan/1"
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,29}$")


class PlanError(Exception):
    """A plan rule was broken; the message is for the person who asked."""


class PlanFileError(PlanError):
    """A plan data file is invalid. ``errors`` lists every problem with its line and key."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    plan_code: str
    created: bool
    goals: int = 0
    focus_areas: int = 0
    departments_added: list[str] = field(default_factory=list)


# --- reading a plan file -------------------------------------------------------------------


class _Reader:
    """Walks the YAML node tree so every error can name its line and key."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, node: yaml.Node | None, path: str, message: str) -> None:
        line = f"line {node.start_mark.line + 1}: " if node is not None else ""
        self.errors.append(f"{line}{path}: {message}")

    def mapping(
        self, node: yaml.Node, path: str, required: set[str], optional: set[str] = frozenset()
    ) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, path, "expected a mapping (key: value)")
            return None
        items: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in items:
                self.error(key_node, f"{path}.{key}", "key given twice")
            elif key not in required | optional:
                self.error(key_node, f"{path}.{key}", "unknown key")
            else:
                items[key] = value_node
        for key in sorted(required - items.keys()):
            self.error(node, f"{path}.{key}", "missing")
        return items

    def sequence(self, node: yaml.Node, path: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, path, "expected a list")
            return []
        return list(node.value)

    def text(self, node: yaml.Node, path: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str":
            if isinstance(node, yaml.ScalarNode) and node.tag in (
                "tag:yaml.org,2002:int",
                "tag:yaml.org,2002:float",
                "tag:yaml.org,2002:bool",
            ):
                return node.value.strip()
            self.error(node, path, "expected text")
            return ""
        return " ".join(node.value.split())

    def integer(self, node: yaml.Node, path: str) -> int:
        if isinstance(node, yaml.ScalarNode) and re.fullmatch(r"\d{4}", node.value):
            return int(node.value)
        self.error(node, path, "expected a year such as 2022")
        return 0

    def code(self, node: yaml.Node, path: str, seen: set[str]) -> str:
        value = self.text(node, path)
        if value and not CODE_RE.match(value):
            self.error(node, path, "a code is 1-30 letters, digits, - or _")
        elif value in seen:
            self.error(node, path, f"code {value!r} used twice")
        seen.add(value)
        return value

    def translated(self, node: yaml.Node, path: str, optional: bool = False) -> dict[str, str]:
        items = self.mapping(node, path, set() if optional else set(LOCALES), set(LOCALES))
        if items is None:
            return {}
        value: dict[str, str] = {}
        for locale, text_node in items.items():
            text = self.text(text_node, f"{path}.{locale}")
            if not text:
                self.error(text_node, f"{path}.{locale}", "text is empty")
            value[locale] = text
        return value


def read_plan_file(text: str) -> dict[str, Any]:
    """Validate a plan data file and return its content; PlanFileError lists every problem."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise PlanFileError(
            [f"{where}not valid YAML ({getattr(error, 'problem', error)})"]
        ) from None
    if root is None:
        raise PlanFileError(["the file is empty"])
    reader = _Reader()
    top = reader.mapping(root, "$", {"format", "plan"}, {"departments"}) or {}
    if "format" in top and reader.text(top["format"], "format") != FORMAT:
        reader.error(top["format"], "format", f"expected {FORMAT!r}")
    data: dict[str, Any] = {"plan": None, "departments": []}
    if "plan" in top:
        data["plan"] = _read_plan(reader, top["plan"])
    codes: set[str] = set()
    for index, dep_node in enumerate(
        reader.sequence(top["departments"], "departments") if "departments" in top else []
    ):
        path = f"departments[{index}]"
        items = reader.mapping(dep_node, path, {"code", "name"})
        if items and "code" in items and "name" in items:
            data["departments"].append(
                {
                    "code": reader.code(items["code"], f"{path}.code", codes),
                    "name": reader.translated(items["name"], f"{path}.name"),
                }
            )
    if reader.errors:
        raise PlanFileError(reader.errors)
    return data


def _read_plan(reader: _Reader, node: yaml.Node) -> dict[str, Any]:
    items = (
        reader.mapping(
            node,
            "plan",
            {"code", "title", "period_start", "period_end", "goals"},
            {"municipality", "summary"},
        )
        or {}
    )
    plan: dict[str, Any] = {"goals": []}
    if "code" in items:
        plan["code"] = reader.code(items["code"], "plan.code", set())
    for key in ("title", "municipality", "summary"):
        if key in items:
            plan[key] = reader.translated(items[key], f"plan.{key}")
    for key in ("period_start", "period_end"):
        if key in items:
            plan[key] = reader.integer(items[key], f"plan.{key}")
    if (
        plan.get("period_start")
        and plan.get("period_end")
        and plan["period_end"] < plan["period_start"]
    ):
        reader.error(items["period_end"], "plan.period_end", "ends before it starts")
    goal_codes: set[str] = set()
    area_codes: set[str] = set()
    goal_nodes = reader.sequence(items["goals"], "plan.goals") if "goals" in items else []
    if "goals" in items and not goal_nodes:
        reader.error(items["goals"], "plan.goals", "a plan needs at least one strategic goal")
    for g_index, goal_node in enumerate(goal_nodes):
        path = f"plan.goals[{g_index}]"
        g_items = reader.mapping(goal_node, path, {"code", "title", "focus_areas"}, {"aims"}) or {}
        goal: dict[str, Any] = {"aims": [], "focus_areas": []}
        if "code" in g_items:
            goal["code"] = reader.code(g_items["code"], f"{path}.code", goal_codes)
        if "title" in g_items:
            goal["title"] = reader.translated(g_items["title"], f"{path}.title")
        if "aims" in g_items:
            for a_index, aim_node in enumerate(reader.sequence(g_items["aims"], f"{path}.aims")):
                goal["aims"].append(reader.translated(aim_node, f"{path}.aims[{a_index}]"))
        area_nodes = (
            reader.sequence(g_items["focus_areas"], f"{path}.focus_areas")
            if "focus_areas" in g_items
            else []
        )
        for f_index, area_node in enumerate(area_nodes):
            f_path = f"{path}.focus_areas[{f_index}]"
            f_items = reader.mapping(area_node, f_path, {"code", "title"}, {"summary"}) or {}
            area: dict[str, Any] = {"summary": {}}
            if "code" in f_items:
                area["code"] = reader.code(f_items["code"], f"{f_path}.code", area_codes)
            if "title" in f_items:
                area["title"] = reader.translated(f_items["title"], f"{f_path}.title")
            if "summary" in f_items:
                area["summary"] = reader.translated(f_items["summary"], f"{f_path}.summary")
            goal["focus_areas"].append(area)
        plan["goals"].append(goal)
    return plan


# --- writing to the database ---------------------------------------------------------------


def import_plan(text: str, make_current: bool = True) -> ImportResult:
    """Validate a plan file and load it: create the plan or update it by its code.

    Goals and focus areas are matched by code; ones missing from the file are removed.
    Departments are added or renamed by code, never removed. Flushes; the caller commits.
    Nothing is written when the file is invalid.
    """
    data = read_plan_file(text)
    spec = data["plan"]
    plan = db.session.scalar(select(Plan).where(Plan.code == spec["code"]))
    created = plan is None
    if plan is None:
        plan = Plan(code=spec["code"], period_start=0, period_end=0)
        db.session.add(plan)
    plan.title = spec["title"]
    plan.municipality = spec.get("municipality", {})
    plan.summary = spec.get("summary", {})
    plan.period_start = spec["period_start"]
    plan.period_end = spec["period_end"]
    result = ImportResult(plan_code=plan.code, created=created)

    _refuse_removing_used_focus_areas(plan, spec)
    existing_goals = {goal.code: goal for goal in plan.goals}
    goals = []
    for g_pos, g_spec in enumerate(spec["goals"]):
        goal = existing_goals.get(g_spec["code"]) or StrategicGoal(code=g_spec["code"])
        goal.title = g_spec["title"]
        goal.aims = [clean_translations(aim) for aim in g_spec["aims"]]
        goal.position = g_pos
        existing_areas = {area.code: area for area in goal.focus_areas}
        areas = []
        for f_pos, f_spec in enumerate(g_spec["focus_areas"]):
            area = existing_areas.get(f_spec["code"]) or FocusArea(code=f_spec["code"])
            area.title = f_spec["title"]
            area.summary = f_spec["summary"]
            area.position = f_pos
            areas.append(area)
        goal.focus_areas = areas
        goals.append(goal)
        result.focus_areas += len(areas)
    plan.goals = goals
    result.goals = len(goals)

    if make_current:
        for other in db.session.scalars(select(Plan).where(Plan.id != plan.id)):
            other.is_current = False
        plan.is_current = True

    existing_deps = {dep.code: dep for dep in db.session.scalars(select(Department))}
    next_position = max((dep.position for dep in existing_deps.values()), default=-1) + 1
    for d_spec in data["departments"]:
        dep = existing_deps.get(d_spec["code"])
        if dep is None:
            dep = Department(code=d_spec["code"], position=next_position)
            next_position += 1
            db.session.add(dep)
            result.departments_added.append(dep.code)
        dep.name = d_spec["name"]
    db.session.flush()
    audit.record("plan.import", f"plans:{plan.code}", created=created)
    return result


def _refuse_removing_used_focus_areas(plan: Plan, spec: dict[str, Any]) -> None:
    """Engagements point at focus areas: a file may not drop one that is in use."""
    links = db.metadata.tables.get("engagement_focus_areas")
    if plan.id is None or links is None:
        return
    kept = {area["code"] for goal in spec["goals"] for area in goal["focus_areas"]}
    dropped = {
        area.id: area.code
        for goal in plan.goals
        for area in goal.focus_areas
        if area.code not in kept
    }
    if not dropped:
        return
    used = db.session.scalars(
        select(links.c.focus_area_id).where(links.c.focus_area_id.in_(dropped)).distinct()
    ).all()
    if used:
        codes = ", ".join(sorted(dropped[area_id] for area_id in used))
        raise PlanFileError(
            [f"plan: focus areas {codes} are missing from the file but engagements use them"]
        )


def export_plan(plan: Plan | None = None) -> str:
    """The plan and all departments as a plan data file (YAML) that import_plan() reads back."""
    plan = plan or current_plan()
    if plan is None:
        raise PlanError("There is no plan to export.")
    document = {
        "format": FORMAT,
        "plan": {
            "code": plan.code,
            "municipality": _ordered(plan.municipality),
            "title": _ordered(plan.title),
            "summary": _ordered(plan.summary),
            "period_start": plan.period_start,
            "period_end": plan.period_end,
            "goals": [
                {
                    "code": goal.code,
                    "title": _ordered(goal.title),
                    "aims": [_ordered(aim) for aim in goal.aims],
                    "focus_areas": [
                        {
                            "code": area.code,
                            "title": _ordered(area.title),
                            "summary": _ordered(area.summary),
                        }
                        for area in goal.focus_areas
                    ],
                }
                for goal in plan.goals
            ],
        },
        "departments": [
            {"code": dep.code, "name": _ordered(dep.name)} for dep in list_departments()
        ],
    }
    for key in ("municipality", "summary"):
        if not document["plan"][key]:
            del document["plan"][key]
    for goal in document["plan"]["goals"]:
        for area in goal["focus_areas"]:
            if not area["summary"]:
                del area["summary"]
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def _ordered(value: dict[str, str]) -> dict[str, str]:
    return {locale: value[locale] for locale in LOCALES if locale in value}


# --- reading and editing -------------------------------------------------------------------


def current_plan() -> Plan | None:
    """The plan residents see, with its goals and focus areas loaded (two queries in all)."""
    return (
        db.session.scalars(
            select(Plan)
            .where(Plan.is_current.is_(True))
            .order_by(Plan.id.desc())
            .options(joinedload(Plan.goals).selectinload(StrategicGoal.focus_areas))
        )
        .unique()
        .first()
    )


def focus_area_choices() -> list[tuple[str, str]]:
    """(code, "code title") of the current plan's focus areas, in plan order, for forms."""
    plan = current_plan()
    if plan is None:
        return []
    return [
        (area.code, f"{area.code} {tr(area.title)}")
        for goal in plan.goals
        for area in goal.focus_areas
    ]


def focus_areas_by_codes(codes: list[str] | None) -> list[FocusArea]:
    """The current plan's focus areas of ``codes``; unknown codes are left out."""
    return [area for code in codes or [] if (area := focus_area_by_code(code))]


def focus_area_by_code(code: str) -> FocusArea | None:
    """A focus area of the current plan, with its goal, in one query."""
    return db.session.scalar(
        select(FocusArea)
        .join(FocusArea.goal)
        .join(StrategicGoal.plan)
        .where(Plan.is_current.is_(True), FocusArea.code == code)
        .options(contains_eager(FocusArea.goal))
        .order_by(Plan.id.desc())
        .limit(1)
    )


def list_departments(active_only: bool = False) -> list[Department]:
    query = select(Department).order_by(Department.position, Department.code)
    if active_only:
        query = query.where(Department.is_active.is_(True))
    return list(db.session.scalars(query))


def department_by_code(code: str) -> Department | None:
    return db.session.scalar(select(Department).where(Department.code == code))


def _changes(obj: object, values: dict[str, Any]) -> dict[str, Any]:
    """Set attributes and return the ones that changed, for the audit log."""
    changed = {}
    for key, value in values.items():
        if getattr(obj, key) != value:
            changed[key] = {"old": getattr(obj, key), "new": value}
            setattr(obj, key, value)
    return changed


def update_texts(obj: Plan | StrategicGoal | FocusArea, action: str, **texts: Any) -> None:
    """Save translated texts (a goal's aims are a list of them) and audit what changed."""
    values = {
        key: [clean_translations(item) for item in value]
        if isinstance(value, list)
        else clean_translations(value)
        for key, value in texts.items()
    }
    changed = _changes(obj, values)
    if changed:
        audit.record(action, f"{obj.__tablename__}:{obj.code}", changed=changed)
    db.session.flush()


def create_department(code: str, name: dict) -> Department:
    if department_by_code(code) is not None:
        raise PlanError("A department with this code exists already.")
    position = (db.session.scalar(select(func.max(Department.position))) or 0) + 1
    department = Department(code=code, name=clean_translations(name), position=position)
    db.session.add(department)
    db.session.flush()
    audit.record("department.create", f"departments:{code}", name=department.name)
    return department


def update_department(department: Department, name: dict, is_active: bool) -> None:
    changed = _changes(department, {"name": clean_translations(name), "is_active": is_active})
    if changed:
        audit.record("department.edit", f"departments:{department.code}", changed=changed)
    db.session.flush()
