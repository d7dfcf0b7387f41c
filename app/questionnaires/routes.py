"""Residents answer a questionnaire one page at a time; works without JavaScript."""

from __future__ import annotations

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
from flask_wtf.csrf import generate_csrf
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.engagements import background, lifecycle
from app.engagements.lifecycle import LifecycleError
from app.engagements.lifecycle_forms import InvitationCodeForm, SubscribeForm, background_form
from app.engagements.models import Engagement, Kind, Status
from app.extensions import db, limiter
from app.i18n import LANG_PREFIX
from app.questionnaires import page_cache, services
from app.questionnaires.definition import definition
from app.questionnaires.messages import message
from app.questionnaires.models import Questionnaire, Submission
from app.questionnaires.page_cache import CSRF_PLACEHOLDER, RECEIPT_PLACEHOLDER, Snapshot

bp = Blueprint("respond", __name__, url_prefix=LANG_PREFIX)
bp.record_once(lambda state: page_cache.init_app(state.app))

BROWSER_COOKIE = "osallistu_rt"


#: Audiences residents answer here: anyone (listed or only with the address), or by invitation.
ANSWERABLE_AUDIENCES = ("public", "link", "invited")
#: Audiences another feature defines, by the part before the colon (``panel:<id>``: a customer
#: panel's poll, from the panels feature, so this feature never imports panels). Each is a
#: function of the engagement that returns the respondent's hash (one response each) or
#: aborts with the page that tells everyone else who may answer.
AUDIENCE_GATES = "audience_gates"

INVITATION_MESSAGES = {
    "unknown_code": _l(
        "We did not find this code. Check the code in your invitation and try again."
    ),
    "used_code": _l(
        "This code has been used already. Each code gives one set of answers. "
        "If you did not answer yourself, ask the contact person in your invitation for a new code."
    ),
}


def _check_published(engagement: Engagement | None) -> Engagement:
    if engagement is None or engagement.status != Status.PUBLISHED or engagement.kind == Kind.PANEL:
        abort(404)
    # Unlisted, invitation-only and panel surveys stay out of search engines.
    g.noindex = engagement.audience != "public"
    if engagement.audience not in ANSWERABLE_AUDIENCES:
        g.audience_respondent = _audience_gate(engagement)
    return engagement


def _audience_gate(engagement: Engagement) -> str:
    """The respondent's hash for an audience another feature defines; that feature refuses
    everyone else with its own page. 403 for an audience nobody defines."""
    kind = engagement.audience.partition(":")[0]
    gate = current_app.extensions.get(AUDIENCE_GATES, {}).get(kind)
    if gate is None:
        abort(403)
    return gate(engagement)


def published_engagement(public_id: str) -> Engagement:
    return _check_published(
        db.session.scalar(select(Engagement).where(Engagement.public_id == public_id))
    )


def published_survey(public_id: str, *options) -> tuple[Engagement, Questionnaire]:  # noqa: ANN002
    """The published engagement and its questionnaire, in one statement."""
    row = db.session.execute(
        select(Engagement, Questionnaire)
        .outerjoin(Questionnaire, Questionnaire.engagement_id == Engagement.id)
        .where(Engagement.public_id == public_id)
        .options(*options)
    ).first()
    engagement = _check_published(row[0] if row else None)
    if row[1] is None:
        raise services.QuestionnaireError(["the engagement has no questionnaire"])
    return engagement, row[1]


def _cached(snapshot: Snapshot, html: str, receipt: str = ""):  # noqa: ANN202
    """A page kept in the snapshot, with this visitor's CSRF token (and receipt code)."""
    g.noindex = snapshot.noindex
    token = generate_csrf() if CSRF_PLACEHOLDER in html else ""
    return page_cache.fill(html, token, str(escape(receipt)))


def _render_kept(
    snapshot: Snapshot | None, key: tuple, template: str, fill_receipt: str = "", **context
):  # noqa: ANN003, ANN202
    """Render a page; with a snapshot, render it with placeholders and keep it there.

    With a snapshot the caller passes RECEIPT_PLACEHOLDER in the context and the visitor's
    receipt code as ``fill_receipt``.
    """
    if snapshot is None:
        return render_template(template, **context)
    html = render_template(template, **context, csrf_token=lambda: CSRF_PLACEHOLDER)
    token = g.get("csrf_token")
    if not token or token not in html:  # never keep a visitor's own token
        snapshot.keep(key, html)
    return _cached(snapshot, html, fill_receipt)


@bp.after_request
def _noindex(response):  # noqa: ANN001, ANN202
    if g.get("noindex"):
        response.headers["X-Robots-Tag"] = "noindex"
    return response


def _keyed_hash(engagement: Engagement, token: str) -> str:
    return services.keyed_hash(engagement, token)


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
    return _draft_key_for(engagement.public_id)


def _draft_key_for(public_id: str) -> str:
    return f"draft:{public_id}"


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


#: What the survey page shows beside the engagement, loaded with it.
_PAGE_OPTIONS = (joinedload(Engagement.department), selectinload(Engagement.focus_areas))


def _engagement_page(
    item: Engagement,
    questionnaire: Questionnaire,
    code_form: InvitationCodeForm | None = None,
    snapshot: Snapshot | None = None,
):  # noqa: ANN202
    """The survey page; with a snapshot (nothing personal to show) it is kept there too."""
    spec = definition(questionnaire.id, questionnaire.version)
    count = sum(1 for q in spec.questions() if q.type != "info")
    invited = item.audience == "invited"
    context = {
        "engagement": item,
        "questionnaire": questionnaire,
        "minutes": max(1, round(count * 0.5)),
        "has_draft": _current_draft(item) is not None,
        "invited": invited,
        "has_code": invited and bool(session.get(_invite_key(item))),
        "code_form": code_form or InvitationCodeForm(formdata=None),
        "closed_since": lifecycle.closed_since(item),
    }
    status = 422 if code_form is not None and code_form.errors else 200
    if item.kind == Kind.EVA:
        # An EVA's hearing page, rendered by the eva feature (which registers it) with the
        # same context, and never kept in a snapshot.
        return current_app.extensions["engagement_pages"]["eva"](**context), status
    return _render_kept(
        snapshot, ("engagement", g.lang), "questionnaires/engagement.html", **context
    ), status


def _take_code(
    item: Engagement, questionnaire: Questionnaire, form: InvitationCodeForm, code: str | None
):  # noqa: ANN202
    """Keep a valid invitation code in the session and go answering; else show why not."""
    try:
        invitation = lifecycle.check_invitation(item, code)
    except LifecycleError as error:
        form.code.errors = [str(INVITATION_MESSAGES[error.reason])]
        return _engagement_page(item, questionnaire, form)
    session[_invite_key(item)] = invitation.code
    return redirect(url_for("respond.engagement", public_id=item.public_id))


@bp.get("/e/<public_id>")
def engagement(public_id: str):
    """What the survey is about, who runs it, when it closes, how long it takes, and Start.

    An invitation-only survey asks for the code first (or takes it from the invitation link's
    ``?code=``). A closed one says since when, and shows the outcome once it is published.
    Every kind lives at this address: an EVA hearing's page and a customer panel's page come
    from their own features, through ``app.extensions["engagement_pages"]``.
    """
    if request.args.get("code"):
        return _engagement_with_code(public_id)
    cache = page_cache.page_cache()
    generation = cache.generation
    snapshot = cache.get(public_id)
    # Only a visitor with nothing of their own on the page gets (and fills) the kept page.
    plain = page_cache.nothing_personal() and _draft_key_for(public_id) not in session
    if snapshot is not None and plain:
        html = snapshot.page(("engagement", g.lang))
        if html is not None:
            return _cached(snapshot, html)
    # published_survey's statement, with the kind looked at first: a panel has no
    # questionnaire, and the panels feature (which registers it) renders or refuses its page.
    row = db.session.execute(
        select(Engagement, Questionnaire)
        .outerjoin(Questionnaire, Questionnaire.engagement_id == Engagement.id)
        .where(Engagement.public_id == public_id)
        .options(*_PAGE_OPTIONS)
    ).first()
    if row is not None and row[0].kind == Kind.PANEL:
        return current_app.extensions["engagement_pages"]["panel"](row[0])
    item, questionnaire = _check_published(row[0] if row else None), row[1]
    if questionnaire is None:
        raise services.QuestionnaireError(["the engagement has no questionnaire"])
    if item.kind == Kind.EVA:  # the hearing page: never a survey snapshot
        return _engagement_page(item, questionnaire)
    if plain and snapshot is None:
        snapshot = cache.keep(item, questionnaire, generation)
    return _engagement_page(item, questionnaire, snapshot=snapshot if plain else None)


@_code_limit
def _engagement_with_code(public_id: str):  # noqa: ANN202
    """The survey page opened from an invitation link (``?code=``): failed tries are limited."""
    item, questionnaire = published_survey(public_id, *_PAGE_OPTIONS)
    code = request.args.get("code")
    if item.audience == "invited" and item.is_open():
        form = InvitationCodeForm(formdata=None, data={"code": code})
        return _take_code(item, questionnaire, form, code)
    return _engagement_page(item, questionnaire)


@bp.post("/e/<public_id>/code")
@_code_limit
def invitation_code(public_id: str):
    """The code typed from a printed or e-mailed invitation."""
    item, questionnaire = published_survey(public_id, *_PAGE_OPTIONS)
    if item.audience != "invited" or not item.is_open():
        return redirect(url_for("respond.engagement", public_id=public_id))
    form = InvitationCodeForm()
    if not form.validate_on_submit():
        return _engagement_page(item, questionnaire, form)
    return _take_code(item, questionnaire, form, form.code.data)


def _invitation_gate(engagement: Engagement):  # noqa: ANN202
    """For an invitation-only survey: the session's code, or the response that sends for one."""
    code = session.get(_invite_key(engagement))
    if request.method == "POST":
        # A second click on "Send" after the first was stored with the code.
        earlier = _already_stored(engagement)
        if earlier is not None:
            return None, _stored(engagement.public_id, earlier.receipt_code)
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


def _untouched(page, values) -> bool:  # noqa: ANN001
    """Nothing typed yet on this page: its questions look the same for every visitor."""
    return not values or not any(
        name in values for q in page.questions for name in services.field_names(q)
    )


@bp.route("/e/<public_id>/respond", methods=["GET", "POST"])
def respond(public_id: str):
    """One page of the questionnaire; a POST saves it and goes on, back, or sends the answers.

    A survey anyone may answer is served from the process snapshot (page_cache): the page of a
    visitor who has typed nothing on it yet is rendered once per language and page.
    """
    if request.method == "POST":
        return _respond_post(public_id)
    cache = page_cache.page_cache()
    generation = cache.generation
    snapshot = cache.get(public_id)
    engagement = questionnaire = None
    if snapshot is None:
        engagement, questionnaire = published_survey(public_id)
        snapshot = cache.keep(engagement, questionnaire, generation)
        if snapshot is None:  # closed, not yet open, or by invitation
            return _respond(engagement, questionnaire)
    g.noindex = snapshot.noindex
    spec = definition(snapshot.questionnaire_id, snapshot.version)
    code = session.get(_draft_key_for(public_id))
    draft = services.find_draft(snapshot.engagement_id, code) if code else None
    values = services.draft_form(draft)
    if values or snapshot.blank is None:
        shown = services.shown_questions(spec, values)
        pages = services.shown_pages(spec, values, shown)
        if not values:
            snapshot.blank = (shown, pages)
    else:
        shown, pages = snapshot.blank
    codes = [page.code for page in pages]
    index = codes.index(draft.page_code) if draft and draft.page_code in codes else 0
    page = pages[index]
    key = ("respond", g.lang, page.code, index + 1, len(pages))
    key += tuple(q.code for q in page.questions if shown[q.code])
    plain = page_cache.nothing_personal() and _untouched(page, values)
    if plain:
        html = snapshot.page(key)
        if html is not None:
            return _cached(snapshot, html)
    if engagement is None:
        engagement, questionnaire = published_survey(public_id)
    return _render_kept(
        snapshot if plain else None,
        key,
        "questionnaires/respond.html",
        engagement=engagement,
        questionnaire=questionnaire,
        page=page,
        number=index + 1,
        total=len(pages),
        values=values,
        errors={},
        shown=shown,
    )


# Generous: a whole school class may answer from one address.
@limiter.limit("600 per minute")
def _respond_post(public_id: str):  # noqa: ANN202
    snapshot = page_cache.page_cache().get(public_id)
    if snapshot is not None and request.form.get("action", "next") in ("next", "back"):
        moved = _move(snapshot, public_id)
        if moved is not None:
            return moved
    return _respond(*published_survey(public_id))


def _move(snapshot: Snapshot, public_id: str):  # noqa: ANN202
    """Next or Back on a survey anyone may answer, with the survey from the snapshot.

    Saves what was typed and goes to the next or previous page. Returns None, having changed
    nothing in the database yet, when the page has problems or was the last one: _respond,
    which reads the survey afresh, then shows the problems or sends the answers.
    """
    spec = definition(snapshot.questionnaire_id, snapshot.version)
    code = session.get(_draft_key_for(public_id))
    draft = services.find_draft(snapshot.engagement_id, code) if code else None
    pages = services.shown_pages(spec, services.draft_form(draft))
    page = next((p for p in pages if p.code == request.form.get("page")), None)
    if page is None:
        return None
    form = request.form
    sent = services.values_form(services.merged_values(draft.values if draft else {}, page, form))
    after = services.shown_pages(spec, sent)
    codes = [p.code for p in after]
    index = codes.index(page.code) if page.code in codes else 0
    if form.get("action", "next") == "back":
        target = codes[max(index - 1, 0)]
    elif index + 1 < len(after) and not services.page_problems(spec, page, sent):
        target = codes[index + 1]
    else:
        return None
    if draft is None:
        draft = services.start_draft(snapshot.engagement_id)
        session[_draft_key_for(public_id)] = draft.resume_code
    services.save_page(draft, page, form)
    draft.page_code = target
    db.session.commit()
    return redirect(url_for("respond.respond", public_id=public_id))


def _respond(engagement: Engagement, questionnaire: Questionnaire):  # noqa: ANN202
    """Everything but the plain GET: closed surveys, invitation codes, and every POST.

    Reads the survey from the database (never the snapshot) and commits once.
    """
    public_id = engagement.public_id
    if not engagement.is_open():
        return _closed_page(engagement, questionnaire)
    # A panel member (or another audience's respondent), known by sign-in: one response each.
    audience_respondent = g.get("audience_respondent")
    if (
        audience_respondent
        and request.method == "GET"
        and engagement.one_response
        and services.has_answered(engagement, audience_respondent)
    ):
        return render_template(
            "questionnaires/already.html", engagement=engagement, invited=False
        ), 409
    invitation_code = None
    if engagement.audience == "invited":
        invitation_code, refusal = _invitation_gate(engagement)
        if refusal is not None:
            return refusal
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
                return _stored(public_id, earlier.receipt_code)
            if session.get(_receipt_key(engagement)):
                return redirect(url_for("respond.thanks", public_id=public_id))
        page = next((p for p in pages if p.code == request.form.get("page")), None)
        if page is None:  # an old tab: show where the respondent really is
            return redirect(url_for("respond.respond", public_id=public_id))
        if draft is None:
            draft = services.start_draft(engagement)
            session[_draft_key(engagement)] = draft.resume_code
        # What was typed is kept whatever happens next: every way on commits it.
        services.save_page(draft, page, request.form)
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
            resume_code = draft.resume_code
            db.session.commit()
            return render_template(
                "questionnaires/saved.html", engagement=engagement, code=resume_code
            )
        problems = services.page_problems(spec, page, values)
        if not problems and index + 1 < len(pages):
            draft.page_code = codes[index + 1]
            db.session.commit()
            return redirect(url_for("respond.respond", public_id=public_id))
        if not problems:
            form_token = draft.resume_code
            try:
                # Checked before anything is written: SQLite's write lock is held shorter.
                _checked, rows = services.check_answers(spec, values)
                # A savepoint: a refused response leaves the saved page in place.
                with db.session.begin_nested():
                    if invitation_code:
                        # Marked used in the same transaction as the response it gives.
                        lifecycle.use_invitation(engagement, invitation_code)
                        respondent_hash = _invitation_hash(engagement, invitation_code)
                    else:
                        respondent_hash = audience_respondent or _respondent_hash(engagement)
                    submission = services.finish(
                        engagement,
                        draft,
                        g.lang,
                        respondent_hash,
                        questionnaire=questionnaire,
                        rows=rows,
                    )
                    receipt = submission.receipt_code
            except LifecycleError:
                db.session.commit()
                earlier = _earlier_submission(form_token)
                if earlier is not None:  # our own double click stored it a moment ago
                    return _stored(public_id, earlier.receipt_code)
                session.pop(_invite_key(engagement), None)
                return render_template(
                    "questionnaires/already.html", engagement=engagement, invited=True
                ), 409
            except services.AlreadyAnsweredError:
                db.session.commit()
                return render_template(
                    "questionnaires/already.html",
                    engagement=engagement,
                    invited=invitation_code is not None,
                ), 409
            except services.SurveyClosedError:
                db.session.commit()
                return _closed_page(engagement, questionnaire)
            except services.AnswerProblems as found:  # an earlier page is not complete
                problems = found.problems
                values = services.draft_form(draft)
                pages = services.shown_pages(spec, values)
                index = next(
                    i for i, p in enumerate(pages) if any(q.code in problems for q in p.questions)
                )
                draft.page_code = pages[index].code
            else:
                db.session.commit()
                return _stored(public_id, receipt)
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


def _stored(public_id: str, receipt: str):  # noqa: ANN202
    """After a response is stored: forget the draft and the code, keep the receipt."""
    session.pop(_draft_key_for(public_id), None)
    session.pop(f"invite:{public_id}", None)
    session.pop(f"background:{public_id}", None)
    session.pop(f"subscribed:{public_id}", None)
    session[f"receipt:{public_id}"] = receipt
    return redirect(url_for("respond.thanks", public_id=public_id))


def _closed_page(engagement: Engagement, questionnaire: Questionnaire):  # noqa: ANN202
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
def thanks(public_id: str):
    """The receipt and what happens next; optional background questions and outcome news.

    The two optional forms are apart: the background bands go on this response (found by the
    receipt kept in the session), the e-mail address is kept apart from every response.
    The page is kept in the snapshot without the receipt code, which each request fills in.
    """
    if request.method == "POST":
        return _thanks_post(public_id)
    cache = page_cache.page_cache()
    generation = cache.generation
    snapshot = cache.get(public_id)
    engagement = questionnaire = None
    if snapshot is None:
        engagement, questionnaire = published_survey(public_id)
    receipt = session.get(f"receipt:{public_id}")
    if receipt is None:
        return redirect(url_for("respond.engagement", public_id=public_id))
    plain = page_cache.nothing_personal()
    if snapshot is None and plain:
        snapshot = cache.keep(engagement, questionnaire, generation)
    key = (
        "thanks",
        g.lang,
        bool(session.get(f"background:{public_id}")),
        bool(session.get(f"subscribed:{public_id}")),
    )
    if snapshot is not None and plain:
        html = snapshot.page(key)
        if html is not None:
            return _cached(snapshot, html, receipt)
    if engagement is None:
        engagement, questionnaire = published_survey(public_id)
    return _thanks_page(engagement, questionnaire, receipt, snapshot if plain else None)


@limiter.limit("20 per minute")
def _thanks_post(public_id: str):  # noqa: ANN202
    engagement, questionnaire = published_survey(public_id)
    receipt = session.get(_receipt_key(engagement))
    if receipt is None:
        return redirect(url_for("respond.engagement", public_id=public_id))
    return _thanks_page(engagement, questionnaire, receipt)


def _thanks_page(
    engagement: Engagement,
    questionnaire: Questionnaire,
    receipt: str,
    snapshot: Snapshot | None = None,
):  # noqa: ANN202
    public_id = engagement.public_id
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
    background_saved = bool(session.get(background_key))
    subscribed = bool(session.get(subscribed_key))
    return _render_kept(
        snapshot,
        ("thanks", g.lang, background_saved, subscribed),
        "questionnaires/thanks.html",
        fill_receipt=receipt,
        engagement=engagement,
        receipt=receipt if snapshot is None else RECEIPT_PLACEHOLDER,
        closing=questionnaire.closing_text,
        bands=bands,
        subscribe=subscribe,
        background_saved=background_saved,
        subscribed=subscribed,
        errors=bands.error_list() + subscribe.error_list(),
    ), 422 if bands.errors or subscribe.errors else 200
