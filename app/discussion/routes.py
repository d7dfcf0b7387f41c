"""Residents comment on a hearing and report comments."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core.security import parse_id
from app.discussion import services
from app.discussion.forms import CommentForm, ReportForm
from app.discussion.models import PostState
from app.discussion.services import DiscussionError
from app.engagements.models import Engagement, Kind, Status
from app.extensions import db, limiter
from app.i18n import LANG_PREFIX

bp = Blueprint("discussion", __name__, url_prefix=LANG_PREFIX)

#: Engagement kinds whose discussion residents reach here (panels have their own forum).
COMMENT_KINDS = (Kind.EVA, Kind.SURVEY)
#: Audiences whose pages anyone with the address may read.
READABLE_AUDIENCES = ("public", "link", "invited")

MESSAGES = {
    "not_published": _l("This page does not take comments."),
    "disabled": _l("Comments are not taken here."),
    "closed": _l("The hearing is closed. Comments are no longer taken."),
    "locked": _l("Comments are not taken here."),
    "too_short": _l("Write your comment."),
    "too_long": _l("Your comment is too long."),
    "nickname_too_long": _l("The nickname is too long."),
    "bad_parent": _l(
        "The comment you answered is no longer shown. You can send yours as a new comment."
    ),
    "not_visible": _l("This comment is no longer shown."),
    "bad_reason": _l("Choose a reason."),
    "note_too_long": _l("The text is too long."),
}


def message(error: DiscussionError) -> str:
    return str(MESSAGES.get(error.reason, _l("This is not possible now.")))


@bp.app_template_filter("nl2br")
def nl2br(text: str | None) -> Markup:
    """Escape text, then keep its line breaks as <br>: for residents' text, never |safe."""
    return escape(text or "").replace("\n", Markup("<br>\n"))


@bp.app_template_global("discussion_comment_form")
def discussion_comment_form() -> CommentForm:
    """An empty comment form, for pages that show the comments partial without one."""
    return CommentForm(formdata=None)


def _post_limit() -> str:
    return current_app.config.get("DISCUSSION_POST_LIMIT", "5 per minute;30 per hour")


def _report_limit() -> str:
    return current_app.config.get("DISCUSSION_REPORT_LIMIT", "10 per minute;50 per hour")


def _engagement(public_id: str) -> Engagement:
    """A published hearing or survey residents may read; 404 for drafts and unknown ids."""
    engagement = db.session.scalar(
        select(Engagement)
        .where(Engagement.public_id == public_id)
        .options(joinedload(Engagement.department))
    )
    if (
        engagement is None
        or engagement.status != Status.PUBLISHED
        or engagement.kind not in COMMENT_KINDS
    ):
        abort(404)
    if engagement.audience not in READABLE_AUDIENCES:
        abort(403)
    # Unlisted and invitation-only engagements stay out of search engines.
    g.noindex = engagement.audience != "public"
    return engagement


def _reply_view(engagement: Engagement, post_id: int | None) -> services.PostView | None:
    post = services.reply_target(engagement, post_id)
    return services.post_view(post) if post is not None else None


def _comments_url(public_id: str, anchor: str, return_to: str | None = None) -> str:
    if return_to == "engagement":
        return url_for("respond.engagement", public_id=public_id, _anchor=anchor)
    return url_for("discussion.comments", public_id=public_id, _anchor=anchor)


@bp.route("/e/<public_id>/comments", methods=["GET", "POST"])
@limiter.limit(_post_limit, methods=["POST"])
def comments(public_id: str):
    """The comments of a hearing (or survey), with the comment form while comments are taken.

    A reply is written on this page too: ``?reply_to=<post id>`` puts the form under that post.
    """
    engagement = _engagement(public_id)
    if request.method == "POST":
        form = CommentForm()
        reply_to = parse_id(form.parent_id.data)
    else:
        reply_to = request.args.get("reply_to", type=parse_id)
        form = CommentForm(formdata=None, data={"parent_id": reply_to or ""})
    page = request.args.get("page", 1, type=int)
    if request.method == "POST" and services.discussion_for(engagement) is None:
        abort(404)
    if request.method == "POST" and form.is_trapped():
        # A robot filled in the trap field: nothing is stored, and it is not told so.
        flash(_("Thank you for your comment."), "success")
        return redirect(_comments_url(public_id, "comments", form.return_to.data))
    if form.validate_on_submit():
        try:
            post = services.post_comment(
                engagement, form.body.data, form.nickname.data, g.lang, parent_id=reply_to
            )
        except DiscussionError as error:
            if error.reason in ("not_published", "disabled", "closed", "locked"):
                flash(message(error), "error")
                return redirect(_comments_url(public_id, "comments"))
            field = form.nickname if error.reason == "nickname_too_long" else form.body
            field.errors = [*field.errors, message(error)]
            if error.reason == "bad_parent":
                form.parent_id.data = ""
                reply_to = None
        else:
            db.session.commit()
            if post.state == PostState.PENDING:
                flash(
                    _("Thank you. Your comment is shown after a moderator has read it."),
                    "success",
                )
                anchor = "comments"
            else:
                flash(_("Thank you. Your comment is published."), "success")
                anchor = f"post-{post.id}"
            return redirect(_comments_url(public_id, anchor, form.return_to.data))
    view = services.comments_view(engagement, g.lang, page=page)
    if not view.exists:
        abort(404)
    return render_template(
        "discussion/comments.html",
        engagement=engagement,
        view=view,
        form=form,
        reply_to=_reply_view(engagement, reply_to),
    ), 422 if form.errors else 200


@bp.route("/e/<public_id>/comments/<int:post_id>/report", methods=["GET", "POST"])
@limiter.limit(_report_limit, methods=["POST"])
def report(public_id: str, post_id: int):
    """Ask a moderator to look at a comment: a reason and an optional note."""
    engagement = _engagement(public_id)
    post = services.post_of(engagement, post_id)
    if post is None or post.state != PostState.VISIBLE:
        abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            services.report(post, form.reason.data, form.note.data)
        except DiscussionError as error:
            form.note.errors = [*form.note.errors, message(error)]
        else:
            db.session.commit()
            flash(_("Thank you. A moderator will look at the comment."), "success")
            return redirect(_comments_url(public_id, f"post-{post.id}"))
    return render_template(
        "discussion/report.html",
        engagement=engagement,
        post=services.post_view(post),
        form=form,
    ), 422 if form.errors else 200
