"""Staff set up a customer panel: create it, its settings and texts, what publishing needs,
publishing, and the numbers the staff pages show.

Services flush and raise :class:`~app.panels.services.PanelError`; the view commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from babel import Locale, UnknownLocaleError
from flask import url_for
from flask_babel import get_locale
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.core import audit
from app.core.types import missing_locales, utcnow
from app.engagements.models import Status
from app.extensions import db
from app.i18n import LOCALES
from app.panels import services
from app.panels.models import ApplicationStatus, Panel, PanelApplication, PanelMember, SelectionRun
from app.panels.services import PanelError
from app.plan.models import Department, FocusArea

#: Seats a panel may have.
MIN_SIZE, MAX_SIZE = 1, 200
#: Texts that may be written per language; when written in one, publishing needs them in all.
OPTIONAL_TEXTS = ("meeting_plan", "compensation")
#: Application statuses that hold a seat (drawn and invited, or a member).
SEATED = (ApplicationStatus.INVITED, ApplicationStatus.ACCEPTED)


def language_name(locale: str) -> str:
    """The language's name in the reader's language, e.g. "Swedish" on an English page."""
    try:
        return Locale.parse(locale).get_display_name(get_locale() or "fi") or locale
    except (ValueError, UnknownLocaleError):
        return locale


def _target(panel: Panel) -> str:
    return f"panels:{panel.id}"


def _texts(value: Mapping[str, str] | None, languages: Iterable[str]) -> dict[str, str]:
    """Only the offered languages, stripped, empty ones left out."""
    value = value or {}
    return {loc: text for loc in languages if (text := (value.get(loc) or "").strip())}


def _check_size(target_size: int) -> None:
    if not MIN_SIZE <= target_size <= MAX_SIZE:
        raise PanelError("target_size", "target_size")


def create(
    department: Department,
    title: Mapping[str, str],
    languages: Iterable[str],
    focus_areas: Iterable[FocusArea],
    target_size: int,
    is_open: bool,
    created_by_id: int | None = None,
) -> Panel:
    """A draft panel with a title in at least one chosen language. Raises PanelError
    ``no_language``, ``no_focus_area``, ``no_title`` or ``target_size``. Flushes."""
    chosen = [loc for loc in LOCALES if loc in set(languages)]
    areas = list(focus_areas)
    if not chosen:
        raise PanelError("no_language", "languages")
    if not areas:
        raise PanelError("no_focus_area", "focus_areas")
    texts = _texts(title, chosen)
    if not texts:
        raise PanelError("no_title", "title")
    _check_size(target_size)
    panel = services.create_panel(
        department, texts, chosen, areas, created_by_id, target_size=target_size
    )
    panel.is_open = is_open
    db.session.flush()
    audit.record("panel.create", _target(panel), is_open=is_open, target_size=target_size)
    return panel


@dataclass(frozen=True)
class SettingsInput:
    """Everything the settings page edits. Times are UTC; texts are {lang: text}."""

    title: Mapping[str, str]
    summary: Mapping[str, str]
    purpose: Mapping[str, str]
    meeting_plan: Mapping[str, str]
    compensation: Mapping[str, str]
    languages: list[str]
    focus_areas: list[FocusArea]
    term_start: date | None
    term_end: date | None
    opens_at: datetime | None
    closes_at: datetime | None
    target_size: int
    is_open: bool
    #: Days after the term ends (or applications close) when personal data is removed.
    retention_days: int = 365


def has_applications(panel: Panel) -> bool:
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(PanelApplication)
            .where(PanelApplication.panel_id == panel.id)
        )
    )


def update_settings(panel: Panel, data: SettingsInput) -> None:
    """Save the texts, term, application period, size and openness. Raises PanelError
    ``no_language``, ``no_focus_area``, ``term_order``, ``period_order``, ``target_size`` or
    ``open_after_applications`` (open/selected cannot change once people have applied).
    Flushes."""
    engagement = panel.engagement
    languages = [loc for loc in LOCALES if loc in set(data.languages)]
    if not languages:
        raise PanelError("no_language", "languages")
    if not data.focus_areas:
        raise PanelError("no_focus_area", "focus_areas")
    if data.term_start and data.term_end and data.term_end <= data.term_start:
        raise PanelError("term_order", "term_end")
    if data.opens_at and data.closes_at and data.closes_at <= data.opens_at:
        raise PanelError("period_order", "closes_at")
    _check_size(data.target_size)
    if data.is_open != panel.is_open and has_applications(panel):
        raise PanelError("open_after_applications", "is_open")
    before = {
        "languages": list(engagement.languages),
        "target_size": panel.target_size,
        "is_open": panel.is_open,
        "retention_days": engagement.retention_days,
    }
    engagement.languages = languages
    engagement.focus_areas = list(data.focus_areas)
    # Texts of languages no longer offered are kept: offering the language again brings them back.
    for name, holder in (
        ("title", engagement),
        ("summary", engagement),
        ("purpose", panel),
        ("meeting_plan", panel),
        ("compensation", panel),
    ):
        old = dict(getattr(holder, name) or {})
        kept = {loc: text for loc, text in old.items() if loc not in languages}
        setattr(holder, name, {**kept, **_texts(getattr(data, name), languages)})
    engagement.opens_at = data.opens_at
    engagement.closes_at = data.closes_at
    panel.term_start = data.term_start
    panel.term_end = data.term_end
    panel.target_size = data.target_size
    panel.is_open = data.is_open
    engagement.retention_days = data.retention_days
    db.session.flush()
    after = {
        "languages": languages,
        "target_size": data.target_size,
        "is_open": data.is_open,
        "retention_days": data.retention_days,
    }
    changed = sorted(key for key in before if before[key] != after[key])
    audit.record("panel.settings", _target(panel), changed=changed)


def missing(panel: Panel, now: datetime | None = None) -> list[tuple[str, str]]:
    """What publishing still needs, as (code, url of the page that fixes it); empty = ready.

    Codes: ``title:<lang>``, ``purpose:<lang>``, ``meeting_plan:<lang>``,
    ``compensation:<lang>`` (only when written in another language), ``focus_areas``,
    ``target_size``, ``closes_at`` (no closing time in the future) and ``quotas`` (a selected
    panel without any composition target).
    """
    engagement = panel.engagement
    public_id = engagement.public_id
    languages = tuple(engagement.languages)
    settings = url_for("panels_staff.settings", public_id=public_id)
    found: list[tuple[str, str]] = []

    def need(name: str, value: Mapping[str, str] | None) -> None:
        for loc in missing_locales(value, languages):
            found.append((f"{name}:{loc}", f"{settings}#{name}-{loc}"))

    need("title", engagement.title)
    need("purpose", panel.purpose)
    for name in OPTIONAL_TEXTS:
        value = getattr(panel, name)
        if any((value or {}).get(loc) for loc in languages):
            need(name, value)
    if not engagement.focus_areas:
        found.append(("focus_areas", f"{settings}#focus_areas"))
    if panel.target_size < MIN_SIZE:
        found.append(("target_size", f"{settings}#target_size"))
    if engagement.closes_at is None or engagement.closes_at <= (now or utcnow()):
        found.append(("closes_at", f"{settings}#closes_at"))
    if not panel.is_open and not any(panel.quotas.values()):
        found.append(("quotas", url_for("panels_staff.composition", public_id=public_id)))
    return found


def publish(panel: Panel) -> None:
    """Publish the panel's call for applicants. Raises PanelError ``already_published`` or
    ``not_ready`` (see :func:`missing`). Flushes."""
    engagement = panel.engagement
    if engagement.status == Status.PUBLISHED:
        raise PanelError("already_published")
    if missing(panel):
        raise PanelError("not_ready")
    engagement.status = Status.PUBLISHED
    db.session.flush()
    audit.record("panel.publish", _target(panel))


# --- what the staff pages show ---------------------------------------------------------------


@dataclass(frozen=True)
class Numbers:
    """The panel at a glance."""

    applications: int
    invited: int
    members: int
    reserves: int
    waiting: int


def numbers(panel: Panel) -> Numbers:
    """Applications by status and current members, in two queries."""
    by_status = dict(
        db.session.execute(
            select(PanelApplication.status, func.count())
            .where(PanelApplication.panel_id == panel.id)
            .group_by(PanelApplication.status)
        ).all()
    )
    members = db.session.scalar(
        select(func.count())
        .select_from(PanelMember)
        .where(PanelMember.panel_id == panel.id, PanelMember.left_at.is_(None))
    )
    return Numbers(
        applications=sum(count for status, count in by_status.items() if status != "withdrawn"),
        invited=by_status.get(ApplicationStatus.INVITED, 0),
        members=members or 0,
        reserves=by_status.get(ApplicationStatus.RESERVE, 0),
        waiting=by_status.get(ApplicationStatus.APPLIED, 0),
    )


def runs(panel: Panel) -> list[SelectionRun]:
    """The panel's draws, newest first."""
    return list(
        db.session.scalars(
            select(SelectionRun)
            .where(SelectionRun.panel_id == panel.id)
            .order_by(SelectionRun.id.desc())
        )
    )


def run_of(panel: Panel, run_id: int) -> SelectionRun | None:
    run = db.session.get(SelectionRun, run_id)
    return run if run is not None and run.panel_id == panel.id else None


def applications(panel: Panel) -> list[PanelApplication]:
    """Every application with its person (one query), oldest first."""
    return list(
        db.session.scalars(
            select(PanelApplication)
            .where(PanelApplication.panel_id == panel.id)
            .options(selectinload(PanelApplication.participant))
            .order_by(PanelApplication.id)
        )
    )


@dataclass(frozen=True)
class PoolRow:
    """One category of a dimension: ``code`` None is "not said"."""

    code: str | None
    label: str
    target: int
    applicants: int
    selected: int


@dataclass(frozen=True)
class PoolDimension:
    code: str
    label: str
    rows: list[PoolRow] = field(default_factory=list)
    target_sum: int = 0


def pool_against_targets(panel: Panel, apps: Iterable[PanelApplication]) -> list[PoolDimension]:
    """Per dimension with targets: every category's target, applicants (not withdrawn) and
    selected (invited or members)."""
    living = [app for app in apps if app.status != ApplicationStatus.WITHDRAWN]
    result = []
    for dimension in services.dimensions(panel):
        targets = panel.quotas.get(dimension, {})
        options = services.dimension_options(panel, dimension)
        known = {code for code, _label in options}
        extra = sorted({app.bands.get(dimension) for app in living} - known - {None, ""})
        pairs: list[tuple[str | None, str]] = [*options, *((code, code) for code in extra)]
        rows = []
        for code, label in [*pairs, (None, "")]:
            people = [app for app in living if (app.bands.get(dimension) or None) == code]
            if code is None and not people:
                continue
            rows.append(
                PoolRow(
                    code=code,
                    label=label,
                    target=targets.get(code, 0) if code else 0,
                    applicants=len(people),
                    selected=sum(1 for app in people if app.status in SEATED),
                )
            )
        result.append(
            PoolDimension(
                code=dimension,
                label=services.dimension_label(panel, dimension),
                rows=rows,
                target_sum=sum(targets.values()),
            )
        )
    return result


def labelled_bands(panel: Panel, bands: Mapping[str, str]) -> list[tuple[str, str]]:
    """(dimension label, category label) of an applicant's answers, in dimension order."""
    labels = []
    for dimension, code in bands.items():
        try:
            options = dict(services.dimension_options(panel, dimension))
        except KeyError:
            options = {}
        labels.append((services.dimension_label(panel, dimension), options.get(code, code)))
    return labels


def category_labels(panel: Panel, dimensions: Iterable[str]) -> dict[str, dict[str, str]]:
    """dimension → code → label, for reports of stored runs."""
    labels: dict[str, dict[str, str]] = {}
    for dimension in dimensions:
        try:
            labels[dimension] = dict(services.dimension_options(panel, dimension))
        except KeyError:
            labels[dimension] = {}
    return labels


def quota_sums(
    panel: Panel, quotas: Mapping[str, Mapping[str, int]] | None = None
) -> dict[str, int]:
    """dimension → sum of its targets."""
    quotas = panel.quotas if quotas is None else quotas
    return {dim: sum(int(v) for v in targets.values()) for dim, targets in quotas.items()}


def over_seats(panel: Panel) -> list[str]:
    """Dimensions whose targets add up to more seats than the panel has."""
    return [dim for dim, total in quota_sums(panel).items() if total > panel.target_size]


def composition_dimensions(panel: Panel) -> list[str]:
    """Every dimension staff can set targets for: the built-in ones, then the panel's own."""
    return [
        *services.BUILT_IN_DIMENSIONS,
        *(
            item["code"]
            for item in panel.custom_dimensions
            if item["code"] not in services.BUILT_IN_DIMENSIONS
        ),
    ]


def view_applications(panel: Panel, count: int) -> None:
    """Record that a staff member looked at the applicants' personal data."""
    audit.record("panel.applications.view", _target(panel), count=count)


def run_people(run: SelectionRun) -> dict[str, Any]:
    """The bands of everyone in a run's pool, by application id."""
    return {int(item["id"]): item.get("bands") or {} for item in run.pool}
