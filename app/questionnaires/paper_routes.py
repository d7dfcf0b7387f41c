"""Residents without digital skills: paper, events and posters.

Staff type in answers from paper forms, events and phone calls; anyone prints the questionnaire;
staff print a poster with a QR code and a short address (``/s/<public_id>``, on ``short_bp``).
"""

from __future__ import annotations

import re
import secrets

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.core import audit
from app.core.auth import Role
from app.engagements.access import current_engagement, engagement_required
from app.engagements.models import Engagement, Kind, Status
from app.extensions import db
from app.i18n import LANG_PREFIX, LANGUAGE_NAMES, current_locale
from app.questionnaires import paper, services
from app.questionnaires.definition import definition
from app.questionnaires.messages import message
from app.questionnaires.models import Submission

bp = Blueprint("paper", __name__, url_prefix=LANG_PREFIX)
#: The short address printed on posters (``/s/<public_id>``), outside the language prefix.
short_bp = Blueprint("paper_short", __name__)

#: Audiences whose printed form anyone may fetch (as for answering online).
OPEN_AUDIENCES = ("public", "link")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
_FIRST_CONTROL = re.compile(r"<(input|select|textarea)\b(?![^>]*type=\"hidden\")")


def _new_token() -> str:
    return secrets.token_urlsafe(24)


def _with_autofocus(html: str) -> Markup:
    """The questions' HTML with ``autofocus`` on the first field: typing starts at once."""
    return Markup(_FIRST_CONTROL.sub(r"<\1 autofocus", str(html), count=1))  # noqa: S704


def _staff_of(engagement: Engagement) -> bool:
    return (
        current_user.is_authenticated
        and current_user.role in (Role.STAFF, Role.COORDINATOR)
        and current_user.can_access_department(engagement.department.code)
    )


# --- data entry ----------------------------------------------------------------------------


def _locale_key(engagement: Engagement) -> str:
    return f"paper_locale:{engagement.public_id}"


@bp.route("/staff/surveys/<public_id>/entry", methods=["GET", "POST"])
@engagement_required()
def entry(public_id: str):
    """Staff type in answers from paper forms, events and phone calls, one after another."""
    engagement = current_engagement()
    if engagement.status != Status.PUBLISHED:
        return render_template(
            "questionnaires/paper/not_published.html", engagement=engagement
        ), 409
    try:
        questionnaire = services.questionnaire_of(engagement)
    except services.QuestionnaireError:
        abort(404)
    spec = definition(questionnaire.id, questionnaire.version)
    channel = session.get("paper_channel", "paper")
    locale = paper.offered_locale(
        engagement, session.get(_locale_key(engagement), current_locale())
    )
    values = request.form if request.method == "POST" else None
    form_errors: list[tuple[str | None, str]] = []
    problems: dict = {}
    if request.method == "POST":
        channel = request.form.get("channel", "")
        locale = request.form.get("form_locale", "")
        token = request.form.get("form_token", "")
        if channel not in paper.ENTRY_CHANNELS:
            form_errors.append(("channel-0", _("Choose how the answer arrived.")))
        if locale not in engagement.languages:
            form_errors.append(("form_locale-0", _("Choose the language of the form.")))
        if not _TOKEN.fullmatch(token):
            form_errors.append((None, _("The form was incomplete. Check it and save again.")))
        elif db.session.scalar(select(Submission.id).where(Submission.form_token == token)):
            # A double click: the first click stored it.
            return _saved(engagement)
        try:
            if form_errors:
                services.check_answers(spec, request.form)
            else:
                submission = services.submit(
                    engagement,
                    request.form,
                    locale=locale,
                    channel=channel,
                    entered_by_id=current_user.id,
                    form_token=token,
                )
        except services.AnswerProblems as found:
            problems = found.problems
        if not form_errors and not problems:
            audit.record(
                "survey.paper_entry",
                f"engagements:{engagement.public_id}",
                channel=channel,
                locale=locale,
                submission=submission.id,
            )
            db.session.commit()
            session["paper_channel"] = channel
            session[_locale_key(engagement)] = locale
            return _saved(engagement)
        db.session.rollback()
    total, mine_today = paper.entry_counts(engagement, current_user.id)
    conditions, page_conditions = paper.condition_texts(spec)
    titles = {page.code: page.title for page in questionnaire.pages}
    errors = {code: [message(p) for p in found] for code, found in problems.items()}
    return render_template(
        "questionnaires/paper/entry.html",
        engagement=engagement,
        spec=spec,
        titles=titles,
        numbers=paper.question_numbers(spec),
        conditions=conditions,
        page_conditions=page_conditions,
        channels=paper.ENTRY_CHANNELS,
        channel=channel,
        locale=locale,
        token=_new_token(),
        values=values if values is not None else MultiDict(),
        errors=errors,
        form_errors=form_errors,
        total=total,
        mine_today=mine_today,
        autofocus=_with_autofocus,
    ), 422 if (errors or form_errors) else 200


def _saved(engagement: Engagement):  # noqa: ANN202
    total, _mine = paper.entry_counts(engagement, current_user.id)
    flash(
        ngettext(
            "Answer saved. %(num)d answer entered from paper, events and phone so far.",
            "Answer saved. %(num)d answers entered from paper, events and phone so far.",
            total,
        ),
        "success",
    )
    return redirect(url_for("paper.entry", public_id=engagement.public_id))


# --- printable questionnaire ---------------------------------------------------------------


def _printable_engagement(public_id: str) -> Engagement:
    """Published surveys for everyone; drafts and invited audiences for the department's staff."""
    engagement = db.session.scalar(select(Engagement).where(Engagement.public_id == public_id))
    if engagement is None or engagement.kind == Kind.PANEL:
        abort(404)
    if _staff_of(engagement):
        return engagement
    if engagement.status != Status.PUBLISHED:
        abort(404)
    if engagement.audience not in OPEN_AUDIENCES:
        abort(403)
    return engagement


@bp.get("/e/<public_id>/print")
def printable(public_id: str):
    """The questionnaire on paper: boxes to tick, lines to write on, a page break between pages."""
    engagement = _printable_engagement(public_id)
    try:
        questionnaire = services.questionnaire_of(engagement)
    except services.QuestionnaireError:
        abort(404)
    spec = definition(questionnaire.id, questionnaire.version)
    paper_lang = paper.offered_locale(engagement, current_locale())
    with paper.in_language(paper_lang):
        conditions, page_conditions = paper.condition_texts(spec)
        sheet = render_template(
            "questionnaires/paper/_form_sheet.html",
            engagement=engagement,
            questionnaire=questionnaire,
            spec=spec,
            titles={page.code: page.title for page in questionnaire.pages},
            numbers=paper.question_numbers(spec),
            conditions=conditions,
            page_conditions=page_conditions,
            short_url=url_for("paper_short.short", public_id=public_id, _external=True),
        )
    return render_template(
        "questionnaires/paper/print.html",
        engagement=engagement,
        sheet=Markup(sheet),  # noqa: S704 (rendered by our own autoescaping template)
        paper_lang=paper_lang,
        is_staff=_staff_of(engagement),
    )


# --- poster --------------------------------------------------------------------------------


@bp.get("/staff/surveys/<public_id>/poster")
@engagement_required()
def poster(public_id: str):
    """An A4 poster: title, what it is about, closing date, QR code and short address."""
    engagement = current_engagement()
    poster_lang = paper.offered_locale(
        engagement, request.args.get("poster_lang") or current_locale()
    )
    # Staff write where paper forms are; shown as text, never stored.
    paper_from = " ".join(request.args.get("paper_from", "").split())[:200]
    short_url = url_for("paper_short.short", public_id=public_id, _external=True)
    with paper.in_language(poster_lang):
        qr = paper.qr_svg(short_url, _("QR code: %(url)s", url=short_url))
        sheet = render_template(
            "questionnaires/paper/_poster_sheet.html",
            engagement=engagement,
            qr=qr,
            short_url=short_url,
            short_text=re.sub(r"^https?://", "", short_url),
            paper_from=paper_from,
        )
    return render_template(
        "questionnaires/paper/poster.html",
        engagement=engagement,
        sheet=Markup(sheet),  # noqa: S704 (rendered by our own autoescaping template)
        poster_lang=poster_lang,
        paper_from=paper_from,
        language_names=LANGUAGE_NAMES,
    )


# --- short address -------------------------------------------------------------------------


@short_bp.get("/s/<public_id>")
def short(public_id: str):
    """The poster's address: the survey page in the browser's language among those offered."""
    engagement = db.session.scalar(select(Engagement).where(Engagement.public_id == public_id))
    if engagement is None or engagement.status != Status.PUBLISHED:
        abort(404)
    lang = request.accept_languages.best_match(
        engagement.languages, default=paper.offered_locale(engagement, None)
    )
    response = redirect(url_for("respond.engagement", public_id=public_id, lang=lang))
    response.headers["Vary"] = "Accept-Language"
    return response
