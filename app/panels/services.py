"""Customer panels: set up, applications, the selection lottery, invitations and membership.

Services flush and raise :class:`PanelError`; the view or command commits. E-mails go through the
outbox in the same transaction as the change that causes them.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core import audit
from app.core.mail import queue_email
from app.core.types import utcnow
from app.engagements import background
from app.engagements import services as engagement_services
from app.engagements.models import Engagement, Kind
from app.extensions import db
from app.i18n import LOCALES, tr
from app.panels import magic, selection
from app.panels.models import (
    ApplicationStatus,
    LinkPurpose,
    Panel,
    PanelApplication,
    PanelMember,
    Participant,
    SelectionRun,
)
from app.plan.models import Department, FocusArea

#: Background dimensions every panel can use for its composition targets.
BUILT_IN_DIMENSIONS: tuple[str, ...] = ("age", "area", "language", "gender")
LANGUAGE_BANDS: tuple[tuple[str, object], ...] = (
    ("fi", _l("Finnish")),
    ("sv", _l("Swedish")),
    ("other", _l("Another language")),
)
DIMENSION_LABELS = {
    "age": _l("Age"),
    "area": _l("Postal area where you live"),
    "language": _l("Your language"),
    "gender": _l("Gender"),
}
MAX_MOTIVATION = 2000
#: The longest name and e-mail address the participants table holds.
MAX_NAME = 120
MAX_EMAIL = 320
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


class PanelError(Exception):
    """A panel change was refused; ``reason`` is a code the routes turn into words."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


def create_panel(
    department: Department,
    title: Mapping[str, str],
    languages: Iterable[str],
    focus_areas: Iterable[FocusArea],
    created_by_id: int | None = None,
    target_size: int = 12,
) -> Panel:
    """A draft panel engagement with its panel row. Flushes; the caller commits."""
    engagement = engagement_services.create_engagement(
        Kind.PANEL, department, dict(title), languages, focus_areas, created_by_id
    )
    # Members are identified people: the engagement is not anonymous.
    engagement.is_anonymous = False
    panel = Panel(engagement_id=engagement.id, target_size=target_size)
    db.session.add(panel)
    db.session.flush()
    return panel


def panel_of(engagement: Engagement) -> Panel | None:
    return db.session.scalar(select(Panel).where(Panel.engagement_id == engagement.id))


def dimensions(panel: Panel) -> list[str]:
    """The panel's composition dimensions: those with targets, then its own ones."""
    used = [code for code in BUILT_IN_DIMENSIONS if code in panel.quotas]
    used += [item["code"] for item in panel.custom_dimensions if item["code"] not in used]
    return used


def dimension_options(
    panel: Panel, dimension: str, locale: str | None = None
) -> list[tuple[str, str]]:
    """(code, label) pairs of a dimension, labels in the current (or given) language."""
    if dimension in ("age", "area", "gender"):
        return background.options(dimension)
    if dimension == "language":
        return [(code, str(label)) for code, label in LANGUAGE_BANDS]
    for item in panel.custom_dimensions:
        if item["code"] == dimension:
            return [(opt["code"], tr(opt["label"], locale)) for opt in item["options"]]
    raise KeyError(dimension)


def dimension_label(panel: Panel, dimension: str, locale: str | None = None) -> str:
    if dimension in DIMENSION_LABELS:
        return str(DIMENSION_LABELS[dimension])
    for item in panel.custom_dimensions:
        if item["code"] == dimension:
            return tr(item["label"], locale)
    return dimension


def set_quotas(panel: Panel, quotas: Mapping[str, Mapping[str, int]]) -> None:
    """Replace the composition targets; unknown dimensions or codes and negative numbers are
    refused. Flushes."""
    known = set(BUILT_IN_DIMENSIONS) | {item["code"] for item in panel.custom_dimensions}
    cleaned: dict[str, dict[str, int]] = {}
    for dimension, targets in quotas.items():
        if dimension not in known:
            raise PanelError("unknown_dimension", dimension)
        codes = {code for code, _label in dimension_options(panel, dimension)}
        row = {}
        for code, seats in targets.items():
            if code not in codes:
                raise PanelError("unknown_category", dimension)
            if int(seats) < 0:
                raise PanelError("negative_target", dimension)
            if int(seats):
                row[code] = int(seats)
        if row:
            cleaned[dimension] = row
    panel.quotas = cleaned
    db.session.flush()
    audit.record("panel.quotas", f"panels:{panel.id}", dimensions=sorted(cleaned))


def _clean_text(value: str | None, limit: int) -> str:
    text = unicodedata.normalize("NFC", _CONTROL.sub("", value or "")).strip()
    return text[:limit]


@dataclass(frozen=True)
class ApplicationInput:
    email: str
    name: str
    locale: str
    bands: Mapping[str, str]
    motivation: str
    consent: bool


def problems(panel: Panel, data: ApplicationInput) -> list[tuple[str, str]]:
    """Every rule the application breaks, as (field, reason) pairs in the form's order."""
    found = []
    name = _clean_text(data.name, MAX_NAME + 1)
    if not name:
        found.append(("name", "name_missing"))
    elif len(name) > MAX_NAME:
        found.append(("name", "name_too_long"))
    if not _valid_email(data.email.strip()):
        found.append(("email", "email_invalid"))
    for dimension in dimensions(panel):
        code = data.bands.get(dimension) or ""
        if code and code not in {c for c, _label in dimension_options(panel, dimension)}:
            found.append((f"band_{dimension}", "band_invalid"))
    if len(data.motivation or "") > MAX_MOTIVATION:
        found.append(("motivation", "motivation_too_long"))
    if not data.consent:
        found.append(("consent", "consent_missing"))
    return found


def _valid_email(address: str) -> bool:
    """An address the sign-in form takes too (the same check as WTForms' Email validator), that
    fits the table and that an e-mail header can carry (no line separators or control
    characters)."""
    if len(address.lower()) > MAX_EMAIL:
        return False
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def participant_for(email: str, name: str, locale: str) -> Participant:
    """The participant with this address, created when new. Flushes."""
    address = email.strip().lower()
    participant = db.session.scalar(select(Participant).where(Participant.email == address))
    if participant is None:
        participant = Participant(email=address)
        db.session.add(participant)
    participant.name = _clean_text(name, MAX_NAME)
    participant.locale = locale if locale in LOCALES else "fi"
    db.session.flush()
    return participant


def apply(panel: Panel, data: ApplicationInput) -> PanelApplication:
    """Store an application and e-mail a confirmation; in an open panel the applicant joins at
    once. Raises PanelError (``closed``, ``already_applied`` or the first of :func:`problems`)."""
    engagement = panel.engagement
    if not engagement.is_open():
        raise PanelError("closed")
    found = problems(panel, data)
    if found:
        field, reason = found[0]
        raise PanelError(reason, field)
    participant = participant_for(data.email, data.name, data.locale)
    exists = db.session.scalar(
        select(PanelApplication.id).where(
            PanelApplication.panel_id == panel.id,
            PanelApplication.participant_id == participant.id,
        )
    )
    if exists is not None:
        raise PanelError("already_applied", "email")
    bands = {
        dimension: code
        for dimension in dimensions(panel)
        if (code := (data.bands.get(dimension) or "").strip())
    }
    application = PanelApplication(
        panel_id=panel.id,
        participant_id=participant.id,
        bands=bands,
        motivation=_clean_text(data.motivation, MAX_MOTIVATION),
        locale=participant.locale,
        consented_at=utcnow(),
    )
    db.session.add(application)
    db.session.flush()
    if panel.is_open:
        _join(application)
    queue_email(
        participant.email,
        "panel_applied",
        participant.locale,
        title=tr(engagement.title, participant.locale),
        is_open=panel.is_open,
        link=url_for(
            "respond.engagement",
            public_id=engagement.public_id,
            lang=participant.locale,
            _external=True,
        ),
    )
    audit.record("panel.apply", f"panel_applications:{application.id}", panel=panel.id)
    return application


def _join(application: PanelApplication) -> PanelMember:
    application.status = ApplicationStatus.ACCEPTED
    application.decided_at = utcnow()
    member = PanelMember(
        panel_id=application.panel_id,
        participant_id=application.participant_id,
        application_id=application.id,
    )
    db.session.add(member)
    db.session.flush()
    return member


def pool(panel: Panel) -> list[PanelApplication]:
    """Applications waiting for the lottery."""
    return list(
        db.session.scalars(
            select(PanelApplication)
            .where(
                PanelApplication.panel_id == panel.id,
                PanelApplication.status == ApplicationStatus.APPLIED,
            )
            .order_by(PanelApplication.id)
        )
    )


def applied_run(panel: Panel) -> SelectionRun | None:
    return db.session.scalar(
        select(SelectionRun).where(
            SelectionRun.panel_id == panel.id, SelectionRun.applied_at.is_not(None)
        )
    )


def draw(panel: Panel, user_id: int | None, seed: int | None = None) -> SelectionRun:
    """Draw members and ranked reserves from the pool (not yet applied: staff see the report
    first). Raises PanelError ``open_panel``, ``already_applied_draw`` or ``empty_pool``."""
    if panel.is_open:
        raise PanelError("open_panel")
    if applied_run(panel) is not None:
        raise PanelError("already_applied_draw")
    applications = pool(panel)
    if not applications:
        raise PanelError("empty_pool")
    seed = seed if seed is not None else secrets.randbits(48)
    applicants = [selection.Applicant(app.id, dict(app.bands)) for app in applications]
    result = selection.draw(applicants, panel.quotas, panel.target_size, seed)
    run = SelectionRun(
        panel_id=panel.id,
        seed=seed,
        seats=panel.target_size,
        quotas=panel.quotas,
        pool=[{"id": app.id, "bands": dict(app.bands)} for app in applications],
        result=result.to_dict(),
        created_by_id=user_id,
    )
    db.session.add(run)
    db.session.flush()
    audit.record("panel.draw", f"selection_runs:{run.id}", panel=panel.id, seed=seed)
    return run


def repeat(run: SelectionRun) -> selection.Draw:
    """The same draw again from what the run stored: proves it is reproducible."""
    applicants = [selection.Applicant(item["id"], item["bands"]) for item in run.pool]
    return selection.draw(applicants, run.quotas, run.seats, run.seed)


def _invite(application: PanelApplication) -> None:
    application.status = ApplicationStatus.INVITED
    participant = application.participant
    engagement = application.panel.engagement
    token = magic.issue(participant, LinkPurpose.ACCEPT, application.panel_id)
    queue_email(
        participant.email,
        "panel_invitation",
        participant.locale,
        title=tr(engagement.title, participant.locale),
        link=url_for("panels.invitation", token=token, lang=participant.locale, _external=True),
    )


def apply_draw(run: SelectionRun, user_id: int | None) -> None:
    """Invite the drawn people by e-mail, rank the reserves, tell nobody else yet. Flushes."""
    panel = db.session.get(Panel, run.panel_id)
    if applied_run(panel) is not None:
        raise PanelError("already_applied_draw")
    by_id = {app.id: app for app in pool(panel)}
    if set(by_id) != {item["id"] for item in run.pool}:
        # Someone applied or withdrew after this draw: draw again.
        raise PanelError("pool_changed")
    selected = run.result["selected"]
    reserves = run.result["reserves"]
    for application_id in selected:
        _invite(by_id[application_id])
    for rank, application_id in enumerate(reserves, start=1):
        by_id[application_id].status = ApplicationStatus.RESERVE
        by_id[application_id].reserve_rank = rank
    for application_id, application in by_id.items():
        if application_id not in selected and application_id not in reserves:
            application.status = ApplicationStatus.NOT_SELECTED
    run.applied_at = utcnow()
    db.session.flush()
    audit.record("panel.invite", f"selection_runs:{run.id}", invited=len(selected))


def invitation(token: str) -> PanelApplication:
    """The application a still-valid invitation link is for (nothing is used up)."""
    link = magic.peek(token, LinkPurpose.ACCEPT)
    application = db.session.scalar(
        select(PanelApplication).where(
            PanelApplication.panel_id == link.panel_id,
            PanelApplication.participant_id == link.participant_id,
        )
    )
    if application is None or application.status != ApplicationStatus.INVITED:
        raise magic.LinkError("used")
    return application


def answer_invitation(token: str, accept: bool) -> tuple[PanelApplication, PanelApplication | None]:
    """Accept (join) or decline an invitation; a decline invites the reserve who best keeps the
    composition. Returns the application and the promoted reserve (or None). Flushes."""
    application = invitation(token)
    magic.use(token, LinkPurpose.ACCEPT)
    promoted = None
    if accept:
        _join(application)
    else:
        application.status = ApplicationStatus.DECLINED
        application.decided_at = utcnow()
        promoted = promote_reserve(application)
    db.session.flush()
    audit.record(
        "panel.accept" if accept else "panel.decline",
        f"panel_applications:{application.id}",
        promoted=promoted.id if promoted else None,
    )
    return application, promoted


def promote_reserve(declined: PanelApplication) -> PanelApplication | None:
    """Invite the reserve who best keeps the quotas in place of ``declined``."""
    panel = declined.panel
    apps = {app.id: app for app in panel.applications}
    seated = [
        app.id
        for app in panel.applications
        if app.status in (ApplicationStatus.INVITED, ApplicationStatus.ACCEPTED)
    ]
    reserves = sorted(
        (app for app in panel.applications if app.status == ApplicationStatus.RESERVE),
        key=lambda app: app.reserve_rank or 0,
    )
    if not reserves:
        return None
    applicants = {
        app_id: selection.Applicant(app_id, dict(app.bands)) for app_id, app in apps.items()
    }
    chosen = selection.replacement(
        [applicants[i] for i in seated],
        applicants[declined.id],
        [applicants[app.id] for app in reserves],
        panel.quotas,
    )
    if chosen is None:
        return None
    promoted = apps[chosen]
    promoted.reserve_rank = None
    _invite(promoted)
    return promoted


def leave(member: PanelMember) -> None:
    """The member leaves the panel; their posts stay. Flushes."""
    member.left_at = utcnow()
    db.session.flush()
    audit.record("panel.leave", f"panel_members:{member.id}", panel=member.panel_id)
