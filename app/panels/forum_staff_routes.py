"""Staff in a panel's forum: the discussions, starting one, writing as staff.

Moderation (hiding, approving, reports, pre-moderation) is the discussion feature's moderation
page, which knows panels too.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.discussion import services as discussion
from app.discussion.services import DiscussionError
from app.engagements.access import current_engagement, engagement_required
from app.engagements.models import Kind
from app.extensions import db
from app.i18n import LANG_PREFIX
from app.panels import forum, services
from app.panels.member_forms import PostForm, ThreadForm
from app.panels.member_routes import _message
from app.panels.models import Panel

bp = Blueprint("panel_forum_staff", __name__, url_prefix=LANG_PREFIX)

BASE = "/staff/panels/<public_id>/forum"


def _panel() -> Panel:
    engagement = current_engagement()
    panel = services.panel_of(engagement) if engagement.kind == Kind.PANEL else None
    if panel is None:
        abort(404)
    return panel


@bp.route(BASE, endpoint="forum", methods=["GET", "POST"])
@engagement_required()
def forum_page(public_id: str):
    """The discussions, with a form to start one as staff."""
    panel = _panel()
    form = ThreadForm()
    if form.validate_on_submit():
        try:
            thread, _post = forum.start_thread(
                panel, form.title.data, form.body.data, g.lang, user=current_user
            )
        except DiscussionError as error:
            field = form.title if error.reason.startswith("title") else form.body
            field.errors = [*field.errors, _message(error)]
        else:
            db.session.commit()
            flash(
                _("The discussion is started. The members were told about it by e-mail."), "success"
            )
            return redirect(
                url_for("panel_forum_staff.thread", public_id=public_id, thread_id=thread.id)
            )
    queue = discussion.moderation_queue(panel.engagement)
    return render_template(
        "panels/staff/forum.html",
        panel=panel,
        engagement=panel.engagement,
        threads=forum.threads(panel),
        waiting=queue.waiting,
        form=form,
    ), 422 if form.errors else 200


@bp.route(f"{BASE}/<int:thread_id>", methods=["GET", "POST"])
@engagement_required()
def thread(public_id: str, thread_id: int):
    """A discussion as staff see it (messages waiting for a moderator too), with a reply form."""
    panel = _panel()
    found = forum.thread_of(panel, thread_id)
    if found is None:
        abort(404)
    form = PostForm() if request.method == "POST" else PostForm(formdata=None)
    if form.validate_on_submit():
        parent_id = form.parent_post_id()
        try:
            post = forum.reply(
                panel, found, form.body.data, g.lang, user=current_user, parent_id=parent_id
            )
        except DiscussionError as error:
            form.body.errors = [*form.body.errors, _message(error)]
        else:
            db.session.commit()
            flash(_("Your message is published."), "success")
            return redirect(
                url_for(
                    "panel_forum_staff.thread",
                    public_id=public_id,
                    thread_id=found.id,
                    _anchor=f"post-{post.id}",
                )
            )
    return render_template(
        "panels/staff/thread.html",
        panel=panel,
        engagement=panel.engagement,
        thread=found,
        posts=forum.thread_posts(found, staff=True),
        form=form,
    ), 422 if form.errors else 200
