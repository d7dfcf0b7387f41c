"""Residents answer a questionnaire one page at a time; works without JavaScript."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from app.engagements.models import Engagement, Kind, Status
from app.extensions import db, limiter
from app.i18n import LANG_PREFIX
from app.questionnaires import services
from app.questionnaires.definition import definition
from app.questionnaires.messages import message

bp = Blueprint("respond", __name__, url_prefix=LANG_PREFIX)

BROWSER_COOKIE = "osallistu_rt"


#: Audiences anyone with the address may answer; invitations and panels come later.
OPEN_AUDIENCES = ("public", "link")


def published_engagement(public_id: str) -> Engagement:
    engagement = db.session.scalar(select(Engagement).where(Engagement.public_id == public_id))
    if engagement is None or engagement.status != Status.PUBLISHED or engagement.kind == Kind.PANEL:
        abort(404)
    if engagement.audience not in OPEN_AUDIENCES:
        abort(403)
    return engagement


def _respondent_hash(engagement: Engagement) -> str | None:
    """Keyed hash of the browser token and the engagement: no identity, one response."""
    token = request.cookies.get(BROWSER_COOKIE) or g.setdefault("new_browser_token", None)
    if not token:
        token = g.new_browser_token = secrets.token_urlsafe(24)
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{engagement.public_id}:{token}".encode(), hashlib.sha256).hexdigest()


@bp.after_app_request
def _set_browser_cookie(response):  # noqa: ANN001, ANN202
    token = g.get("new_browser_token")
    if token:
        response.set_cookie(
            BROWSER_COOKIE,
            token,
            max_age=2 * 365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
    return response


def _draft_key(engagement: Engagement) -> str:
    return f"draft:{engagement.public_id}"


def _current_draft(engagement: Engagement):  # noqa: ANN202
    return services.find_draft(engagement, session.get(_draft_key(engagement)))


@bp.get("/e/<public_id>")
def engagement(public_id: str):
    """What the survey is about, who runs it, when it closes, how long it takes, and Start.

    Lives here while surveys are the only kind residents answer; EVA hearings and panels will
    add their own sections to this page.
    """
    item = published_engagement(public_id)
    questionnaire = services.questionnaire_of(item)
    count = sum(1 for page in questionnaire.pages for q in page.questions if q.type != "info")
    return render_template(
        "questionnaires/engagement.html",
        engagement=item,
        questionnaire=questionnaire,
        minutes=max(1, round(count * 0.5)),
        has_draft=_current_draft(item) is not None,
    )


@bp.route("/e/<public_id>/respond", methods=["GET", "POST"])
# Generous: a whole school class may answer from one address.
@limiter.limit("600 per minute", methods=["POST"])
def respond(public_id: str):
    engagement = published_engagement(public_id)
    if not engagement.is_open():
        return render_template("questionnaires/closed.html", engagement=engagement), 410
    questionnaire = services.questionnaire_of(engagement)
    spec = definition(questionnaire.id, questionnaire.version)
    draft = _current_draft(engagement)
    values = services.draft_form(draft)
    pages = services.shown_pages(spec, values)
    codes = [page.code for page in pages]
    index = codes.index(draft.page_code) if draft and draft.page_code in codes else 0
    problems: dict = {}
    if request.method == "POST":
        if (
            draft is None
            and request.form.get("action") == "submit"
            and session.get(f"receipt:{public_id}")
        ):
            # A second click on "Send" after the first was stored: show the same receipt.
            return redirect(url_for("respond.thanks", public_id=public_id))
        page = next((p for p in pages if p.code == request.form.get("page")), None)
        if page is None:  # an old tab: show where the respondent really is
            return redirect(url_for("respond.respond", public_id=public_id))
        if draft is None:
            draft = services.start_draft(engagement)
            session[_draft_key(engagement)] = draft.resume_code
        services.save_page(draft, page, request.form)
        db.session.commit()  # what was typed is kept whatever happens next
        values = services.draft_form(draft)
        pages = services.shown_pages(spec, values)
        codes = [p.code for p in pages]
        index = codes.index(page.code) if page.code in codes else 0
        action = request.form.get("action", "next")
        if action == "back":
            draft.page_code = codes[max(index - 1, 0)]
            db.session.commit()
            return redirect(url_for("respond.respond", public_id=public_id))
        if action == "save":
            db.session.commit()
            return render_template(
                "questionnaires/saved.html", engagement=engagement, code=draft.resume_code
            )
        problems = services.page_problems(spec, page, values)
        if not problems and index + 1 < len(pages):
            draft.page_code = codes[index + 1]
            db.session.commit()
            return redirect(url_for("respond.respond", public_id=public_id))
        if not problems:
            try:
                submission = services.finish(
                    engagement, draft, g.lang, _respondent_hash(engagement)
                )
            except services.AlreadyAnsweredError:
                db.session.rollback()
                return render_template("questionnaires/already.html", engagement=engagement), 409
            except services.AnswerProblems as found:  # an earlier page is not complete
                db.session.rollback()
                problems = found.problems
                draft = _current_draft(engagement)
                values = services.draft_form(draft)
                pages = services.shown_pages(spec, values)
                index = next(
                    i for i, p in enumerate(pages) if any(q.code in problems for q in p.questions)
                )
                draft.page_code = pages[index].code
            else:
                db.session.commit()
                session.pop(_draft_key(engagement), None)
                session[f"receipt:{public_id}"] = submission.receipt_code
                return redirect(url_for("respond.thanks", public_id=public_id))
        db.session.commit()
    page = pages[index]
    errors = {code: [message(p) for p in found] for code, found in problems.items()}
    return render_template(
        "questionnaires/respond.html",
        engagement=engagement,
        questionnaire=questionnaire,
        page=page,
        number=index + 1,
        total=len(pages),
        values=values,
        errors=errors,
        shown=services.shown_questions(spec, values),
    ), 422 if errors else 200


@bp.route("/e/<public_id>/resume", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def resume(public_id: str):
    engagement = published_engagement(public_id)
    error = None
    if request.method == "POST":
        draft = services.find_draft(engagement, request.form.get("code"))
        if draft is not None:
            session[_draft_key(engagement)] = draft.resume_code
            return redirect(url_for("respond.respond", public_id=public_id))
        error = _("We did not find answers with this code. Check the code and try again.")
    return render_template(
        "questionnaires/resume.html",
        engagement=engagement,
        error=error,
        code=request.form.get("code", ""),
    ), 422 if error else 200


@bp.get("/e/<public_id>/thanks")
def thanks(public_id: str):
    engagement = published_engagement(public_id)
    receipt = session.get(f"receipt:{public_id}")
    if receipt is None:
        return redirect(url_for("respond.engagement", public_id=public_id))
    return render_template(
        "questionnaires/thanks.html",
        engagement=engagement,
        receipt=receipt,
        closing=services.questionnaire_of(engagement).closing_text,
    )
