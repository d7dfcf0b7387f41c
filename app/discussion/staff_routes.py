"""Staff moderate an engagement's discussion: settings, queue, hide, show, approve, reply."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.discussion import services
from app.discussion.forms import (
    REASON_LABELS,
    ConfirmForm,
    HideForm,
    ReplyForm,
    SettingsForm,
)
from app.discussion.models import HIDE_REASONS, Post
from app.discussion.services import DiscussionError
from app.engagements.access import current_engagement, engagement_required
from app.engagements.models import Engagement, Kind, Status
from app.extensions import db
from app.i18n import LANG_PREFIX
from app.panels import forum as panel_forum

bp = Blueprint("discussion_staff", __name__, url_prefix=LANG_PREFIX)

BASE = "/staff/engagements/<public_id>/discussion"

MESSAGES = {
    "bad_reason": _l("Choose a reason."),
    "not_hidden": _l("The comment is not hidden."),
    "not_pending": _l("The comment does not wait for approval."),
    "no_reports": _l("The comment has no open reports."),
    "bad_parent": _l("Publish the comment before you reply to it."),
    "locked": _l("The discussion does not take new posts."),
    "too_short": _l("Write your reply."),
    "too_long": _l("Your reply is too long."),
}


def _message(error: DiscussionError) -> str:
    return str(MESSAGES.get(error.reason, _l("This is not possible now.")))


def _engagement() -> Engagement:
    return current_engagement()


def _post(engagement: Engagement, post_id: int) -> Post:
    post = services.post_of(engagement, post_id)
    if post is None:
        abort(404)
    return post


def back_url(engagement: Engagement) -> str:
    """The engagement's own staff page, or the department's page."""
    endpoint = {Kind.EVA: "eva_staff.overview", Kind.PANEL: "panel_forum_staff.forum"}.get(
        engagement.kind, "builder.survey"
    )
    if endpoint in current_app.view_functions:
        return url_for(endpoint, public_id=engagement.public_id)
    return url_for("engagements.department_dashboard", department=engagement.department.code)


def _page_url(public_id: str, post: Post | None = None) -> str:
    anchor = f"post-{post.id}" if post is not None else None
    return url_for("discussion_staff.moderate", public_id=public_id, _anchor=anchor)


def _render(engagement: Engagement, reply: dict | None = None, status: int = 200):  # noqa: ANN202
    queue = services.moderation_queue(engagement)
    discussion = queue.discussion
    settings_form = SettingsForm(
        formdata=None,
        data={
            "is_enabled": bool(discussion and discussion.is_enabled),
            "premoderated": bool(discussion and discussion.premoderated),
        },
    )
    return render_template(
        "discussion/staff/moderate.html",
        engagement=engagement,
        queue=queue,
        settings_form=settings_form,
        hide_reasons=[(code, REASON_LABELS[code]) for code in HIDE_REASONS],
        reason_labels=REASON_LABELS,
        reply=reply or {},
        back_url=back_url(engagement),
        is_published=engagement.status == Status.PUBLISHED,
        # A panel's forum is for its members only: there is no public comments page to show.
        is_public=engagement.kind != Kind.PANEL,
    ), status


@bp.get(BASE)
@engagement_required()
def moderate(public_id: str):
    """Settings, what waits for a moderator (pending and reported), and every post."""
    return _render(_engagement())


@bp.post(f"{BASE}/settings")
@engagement_required()
def settings(public_id: str):
    engagement = _engagement()
    form = SettingsForm()
    if not form.validate_on_submit():
        abort(400)
    services.update_settings(engagement, form.is_enabled.data, form.premoderated.data)
    db.session.commit()
    flash(_("The comment settings are saved."), "success")
    return redirect(_page_url(public_id))


@bp.post(f"{BASE}/posts/<int:post_id>/hide")
@engagement_required()
def hide(public_id: str, post_id: int):
    engagement = _engagement()
    post = _post(engagement, post_id)
    form = HideForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        flash(_("Choose a reason."), "error")
        return redirect(_page_url(public_id, post))
    try:
        services.hide(post, form.reason.data, current_user)
    except DiscussionError as error:
        flash(_message(error), "error")
    else:
        db.session.commit()
        flash(
            _("The comment is hidden. Residents see a notice with the reason in its place."),
            "success",
        )
    return redirect(_page_url(public_id, post))


def _confirmed_action(public_id: str, post_id: int, action, done: str):  # noqa: ANN001, ANN202
    engagement = _engagement()
    post = _post(engagement, post_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action(post, current_user)
    except DiscussionError as error:
        flash(_message(error), "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(_page_url(public_id, post))


@bp.post(f"{BASE}/posts/<int:post_id>/show")
@engagement_required()
def show(public_id: str, post_id: int):
    return _confirmed_action(public_id, post_id, services.show, _("The comment is shown again."))


@bp.post(f"{BASE}/posts/<int:post_id>/approve")
@engagement_required()
def approve(public_id: str, post_id: int):
    engagement = _engagement()
    # A panel's new thread is e-mailed to the members once its first post is approved.
    action = panel_forum.approve if engagement.kind == Kind.PANEL else services.approve
    return _confirmed_action(public_id, post_id, action, _("The comment is published."))


@bp.post(f"{BASE}/posts/<int:post_id>/resolve")
@engagement_required()
def resolve(public_id: str, post_id: int):
    return _confirmed_action(
        public_id, post_id, services.resolve_reports, _("The reports are marked as handled.")
    )


@bp.post(f"{BASE}/posts/<int:post_id>/reply")
@engagement_required()
def reply(public_id: str, post_id: int):
    """A staff reply under the post, published at once and marked as staff."""
    engagement = _engagement()
    post = _post(engagement, post_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            services.staff_reply(post, current_user, form.body.data, g.lang)
        except DiscussionError as error:
            form.body.errors = [*form.body.errors, _message(error)]
        else:
            db.session.commit()
            flash(_("Your reply is published."), "success")
            return redirect(_page_url(public_id, post))
    if "csrf_token" in form.errors:
        abort(400)
    return _render(
        engagement,
        reply={"post_id": post.id, "text": form.body.data or "", "errors": form.body.errors},
        status=422,
    )
