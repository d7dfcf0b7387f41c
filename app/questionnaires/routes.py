"""Residents answer a questionnaire one page at a time; works without JavaScript."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.engagements import background, lifecycle
from app.engagements.lifecycle import LifecycleError
from app.engagements.lifecycle_forms import InvitationCodeForm, SubscribeForm, background_form
from app.engagements.models import Engagement, Kind, Status
from app.extensions import db, limiter
from app.i18n import LANG_PREFIX
from app.questionnaires import services
from app.questionnaires.definition import definition
from app.questionnaires.messages import message
from app.questionnaires.models import Submission

bp = Blueprint("respond", __name__, url_prefix=LANG_PREFIX)

BROWSER_COOKIE = "osallistu_rt"


#: Audiences residents answer here: anyone (listed or only with the address), or by invitation.
#: Panel polls come with panels.
ANSWERABLE_AUDIENCES = ("public", "link", "invited")

INVITATION_MESSAGES = {
    "unknown_code": _l(
        "We did not find this code. Check the code in your invitation and try again."
    ),
    "used_code": _l(
        "This code has been used already. Each code gives one set of answers. "
        "If you did not answer yourself, ask the contact person in your invitation for a new code."
    ),
}


def published_engagement(public_id: str) -> Engagement:
    engagement = db.session.scalar(select(Engagement).where(Engagement.public_id == public_id))
    if engagement is None or engagement.status != Status.PUBLISHED or engagement.kind == Kind.PANEL:
        abort(404)
    if engagement.audience not in ANSWERABLE_AUDIENCES:
        abort(403)
    # Unlisted and invitation-only surveys stay out of search engines.
    g.noindex = engagement.audience != "public"
    return engagement


@bp.after_request
def _noindex(response):  # noqa: ANN001, ANN202
    if g.get("noindex"):
        response.headers["X-Robots-Tag"] = "noindex"
    return response


def _keyed_hash(engagement: Engagement, token: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{engagement.public_id}:{token}".encode(), hashlib.sha256).hexdigest()


def _respondent_hash(engagement: Engagement) -> str | None:
    """Keyed hash of the browser token and the engagement: no identity, one response."""
    token = request.cookies.get(BROWSER_COOKIE) or g.setdefault("new_browser_token", None)
    if not token:
        token = g.new_browser_token = secrets.token_urlsafe(24)
    return _keyed_hash(engagement, token)


def _invitation_hash(engagement: Engagement, code: str) -> str:
    """Keyed hash of the invitation code: one response per code, whichever browser sends it."""
    return _keyed_hash(engagement, f"invitation:{lifecycle.normalize_code(code)}")


def _invite_key(engagement: Engagement) -> str:
    return f"invite:{engagement.public_id}"


def _receipt_key(engagement: Engagement) -> str:
    return f"receipt:{engagement.public_id}"


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


def _failed(response) -> bool:  # noqa: ANN001
    return response.status_code != 302


#: Guessing invitation codes is slow: failed tries per client address, typed or in a link.
#: Only failures count, so a school class answering from one address is not stopped.
_code_limit = limiter.shared_limit(
    "10 per minute",
    scope="invitation-code",
    deduct_when=_failed,
    exempt_when=lambda: request.method == "GET" and not request.args.get("code"),
)


def _engagement_page(item: Engagement, code_form: InvitationCodeForm | None = None):  # noqa: ANN202
    questionnaire = services.questionnaire_of(item)
    count = sum(1 for page in questionnaire.pages for q in page.questions if q.type != "info")
    invited = item.audience == "invited"
    return render_template(
        "questionnaires/engagement.html",
        engagement=item,
        questionnaire=questionnaire,
        minutes=max(1, round(count * 0.5)),
        has_draft=_current_draft(item) is not None,
        invited=invited,
        has_code=invited and bool(session.get(_invite_key(item))),
        code_form=code_form or InvitationCodeForm(formdata=None),
        closed_since=lifecycle.closed_since(item),
    ), 422 if code_form is not None and code_form.errors else 200


def _take_code(item: Engagement, form: InvitationCodeForm, code: str | None):  # noqa: ANN202
    """Keep a valid invitation code in the session and go answering; else show why not."""
    try:
        invitation = lifecycle.check_invitation(item, code)
    except LifecycleError as error:
        form.code.errors = [str(INVITATION_MESSAGES[error.reason])]
        return _engagement_page(item, form)
    session[_invite_key(item)] = invitation.code
    return redirect(url_for("respond.engagement", public_id=item.public_id))


@bp.get("/e/<public_id>")
@_code_limit
def engagement(public_id: str):
    """What the survey is about, who runs it, when it closes, how long it takes, and Start.

    An invitation-only survey asks for the code first (or takes it from the invitation link's
    ``?code=``). A closed one says since when, and shows the outcome once it is published.
    Lives here while surveys are the only kind residents answer; EVA hearings and panels will
    add their own sections to this page.
    """
    item = published_engagement(public_id)
    code = request.args.get("code")
    if code and item.audience == "invited" and item.is_open():
        return _take_code(item, InvitationCodeForm(formdata=None, data={"code": code}), code)
    return _engagement_page(item)


@bp.post("/e/<public_id>/code")
@_code_limit
def invitation_code(public_id: str):
    """The code typed from a printed or e-mailed invitation."""
    item = published_engagement(public_id)
    if item.audience != "invited" or not item.is_open():
        return redirect(url_for("respond.engagement", public_id=public_id))
    form = InvitationCodeForm()
    if not form.validate_on_submit():
        return _engagement_page(item, form)
    return _take_code(item, form, form.code.data)


def _invitation_gate(engagement: Engagement):  # noqa: ANN202
    """For an invitation-only survey: the session's code, or the response that sends for one."""
    code = session.get(_invite_key(engagement))
    if request.method == "POST":
        # A second click on "Send" after the first was stored with the code.
        earlier = _already_stored(engagement)
        if earlier is not None:
            return None, _stored(engagement, earlier)
        if code is None and session.get(_receipt_key(engagement)):
            return None, redirect(url_for("respond.thanks", public_id=engagement.public_id))
    try:
        lifecycle.check_invitation(engagement, code)
    except LifecycleError as error:
        session.pop(_invite_key(engagement), None)
        flash(
            str(INVITATION_MESSAGES[error.reason])
            if code
            else _("Write the code from your invitation to answer the survey."),
            "error",
        )
        return None, redirect(url_for("respond.engagement", public_id=engagement.public_id))
    return code, None


def _earlier_submission(form_token: str | None) -> Submission | None:
    if not form_token:
        return None
    return db.session.scalar(select(Submission).where(Submission.form_token == form_token))


def _already_stored(engagement: Engagement) -> Submission | None:
    """The response stored from this session's draft, when its draft is gone.

    A double click sends the last page twice with the same cookie: the second request finds
    the first one's response by the draft's token and shows the same receipt.
    """
    token = session.get(_draft_key(engagement))
    if not token or _current_draft(engagement) is not None:
        return None
    return _earlier_submission(token)


@bp.route("/e/<public_id>/respond", methods=["GET", "POST"])
# Generous: a whole school class may answer from one address.
@limiter.limit("600 per minute", methods=["POST"])
def respond(public_id: str):
    engagement = published_engagement(public_id)
    if not engagement.is_open():
        return _closed_page(engagement)
    invitation_code = None
    if engagement.audience == "invited":
        invitation_code, refusal = _invitation_gate(engagement)
        if refusal is not None:
            return refusal
    questionnaire = services.questionnaire_of(engagement)
    spec = definition(questionnaire.id, questionnaire.version)
    draft = _current_draft(engagement)
    values = services.draft_form(draft)
    pages = services.shown_pages(spec, values)
    codes = [page.code for page in pages]
    index = codes.index(draft.page_code) if draft and draft.page_code in codes else 0
    problems: dict = {}
    if request.method == "POST":
        if draft is None and request.form.get("action") == "submit":
            # A second click on "Send" after the first was stored: show the same receipt.
            earlier = _already_stored(engagement)
            if earlier is not None:
                return _stored(engagement, earlier)
            if session.get(_receipt_key(engagement)):
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
            form_token = draft.resume_code
            try:
                if invitation_code:
                    # Marked used in the same transaction as the response it gives.
                    lifecycle.use_invitation(engagement, invitation_code)
                    respondent_hash = _invitation_hash(engagement, invitation_code)
                else:
                    respondent_hash = _respondent_hash(engagement)
                submission = services.finish(engagement, draft, g.lang, respondent_hash)
            except LifecycleError:
                db.session.rollback()
                earlier = _earlier_submission(form_token)
                if earlier is not None:  # our own double click stored it a moment ago
                    return _stored(engagement, earlier)
                session.pop(_invite_key(engagement), None)
                return render_template(
                    "questionnaires/already.html", engagement=engagement, invited=True
                ), 409
            except services.AlreadyAnsweredError:
                db.session.rollback()
                return render_template(
                    "questionnaires/already.html",
                    engagement=engagement,
                    invited=invitation_code is not None,
                ), 409
            except services.SurveyClosedError:
                db.session.rollback()
                return _closed_page(engagement)
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
                return _stored(engagement, submission)
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


def _stored(engagement: Engagement, submission: Submission):  # noqa: ANN202
    """After a response is stored: forget the draft and the code, keep the receipt."""
    session.pop(_draft_key(engagement), None)
    session.pop(_invite_key(engagement), None)
    session.pop(f"background:{engagement.public_id}", None)
    session.pop(f"subscribed:{engagement.public_id}", None)
    session[_receipt_key(engagement)] = submission.receipt_code
    return redirect(url_for("respond.thanks", public_id=engagement.public_id))


def _closed_page(engagement: Engagement):  # noqa: ANN202
    questionnaire = services.questionnaire_of(engagement)
    return render_template(
        "questionnaires/closed.html",
        engagement=engagement,
        closing=questionnaire.closing_text,
        closed_since=lifecycle.closed_since(engagement),
    ), 410


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


BACKGROUND_MESSAGES = {
    "invalid": _l("Choose one of the options."),
    "empty": _l("Choose at least one answer, or leave these questions."),
}


@bp.route("/e/<public_id>/thanks", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def thanks(public_id: str):
    """The receipt and what happens next; optional background questions and outcome news.

    The two optional forms are apart: the background bands go on this response (found by the
    receipt kept in the session), the e-mail address is kept apart from every response.
    """
    engagement = published_engagement(public_id)
    receipt = session.get(_receipt_key(engagement))
    if receipt is None:
        return redirect(url_for("respond.engagement", public_id=public_id))
    background_key = f"background:{public_id}"
    subscribed_key = f"subscribed:{public_id}"
    which = request.form.get("form") if request.method == "POST" else None
    bands = background_form(formdata=None if which != "background" else request.form)
    subscribe = SubscribeForm(formdata=None if which != "subscribe" else request.form)
    if which == "background" and not session.get(background_key) and bands.validate():
        try:
            background.record(engagement, receipt, bands.data)
        except background.BackgroundError as error:
            if error.reason == "already":
                session[background_key] = True
                flash(_("Your background answers were saved already."), "info")
                return redirect(url_for("respond.thanks", public_id=public_id))
            for name in error.fields or ("age",):
                getattr(bands, name).errors = [str(BACKGROUND_MESSAGES[error.reason])]
        else:
            db.session.commit()
            session[background_key] = True
            flash(_("Thank you. Your background answers are saved."), "success")
            return redirect(url_for("respond.thanks", public_id=public_id))
    if which == "subscribe" and not session.get(subscribed_key) and subscribe.validate():
        try:
            lifecycle.subscribe(engagement, subscribe.email.data, g.lang)
        except LifecycleError:
            subscribe.email.errors = [_("Write an e-mail address in the form name@example.fi.")]
        else:
            db.session.commit()
            session[subscribed_key] = True
            flash(
                _(
                    "Thank you. We will send one e-mail to this address when the outcome is "
                    "published."
                ),
                "success",
            )
            return redirect(url_for("respond.thanks", public_id=public_id))
    if which and not (bands.errors or subscribe.errors):  # sent twice: nothing more to do
        return redirect(url_for("respond.thanks", public_id=public_id))
    return render_template(
        "questionnaires/thanks.html",
        engagement=engagement,
        receipt=receipt,
        closing=services.questionnaire_of(engagement).closing_text,
        bands=bands,
        subscribe=subscribe,
        background_saved=bool(session.get(background_key)),
        subscribed=bool(session.get(subscribed_key)),
        errors=bands.error_list() + subscribe.error_list(),
    ), 422 if bands.errors or subscribe.errors else 200
