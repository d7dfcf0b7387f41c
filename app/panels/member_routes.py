"""Panel members' own pages: signing in with a magic link, the panel's space and its forum.

Members never have passwords. They ask for a link by e-mail (the answer is the same whether or
not the address belongs to a member, so the page tells nobody who is a member), open it, and
confirm with a button (e-mail scanners that open links do not use it up).
"""

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
from sqlalchemy import func, select

from app.core.mail import queue_email
from app.core.security import parse_id
from app.discussion import services as discussion
from app.discussion.forms import ReportForm
from app.discussion.models import PostState
from app.discussion.services import DiscussionError
from app.engagements.models import Engagement, Kind, Status
from app.extensions import db, limiter
from app.i18n import LANG_PREFIX
from app.panels import forum, magic, membership, services
from app.panels.magic import LinkError
from app.panels.member_forms import (
    ConfirmForm,
    EditForm,
    MemberSettingsForm,
    PostForm,
    SignInForm,
    ThreadForm,
)
from app.panels.models import LinkPurpose, Panel, PanelMember, Participant

bp = Blueprint("panel_members", __name__, url_prefix=LANG_PREFIX)

MESSAGES = {
    "closed": _l("The forum does not take new messages now."),
    "locked": _l("This discussion does not take new messages."),
    "too_short": _l("Write your message."),
    "too_long": _l("Your message is too long."),
    "title_missing": _l("Write a title."),
    "title_too_long": _l("The title is too long."),
    "bad_parent": _l("The message you answered is no longer shown. Send yours as a new message."),
    "edit_window": _l("You can edit a message only for 15 minutes after sending it."),
    "bad_reason": _l("Choose a reason."),
    "note_too_long": _l("The text is too long."),
}


def _message(error: DiscussionError) -> str:
    return str(MESSAGES.get(error.reason, _l("This is not possible now.")))


def _post_limit() -> str:
    return current_app.config.get("DISCUSSION_POST_LIMIT", "5 per minute;30 per hour")


@bp.after_request
def _private(response):  # noqa: ANN001, ANN202
    # Members' pages are personal: not cached by shared caches, not indexed.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


# --- signing in ------------------------------------------------------------------------------


@bp.route("/panel/sign-in", methods=["GET", "POST"])
@limiter.limit("5 per minute;20 per hour", methods=["POST"])
def sign_in():
    """Ask for a sign-in link by e-mail."""
    form = SignInForm()
    if form.validate_on_submit():
        email = form.email.data.lower()
        participant = db.session.scalar(select(Participant).where(Participant.email == email))
        if participant is not None and membership.memberships(participant):
            token = magic.issue(participant, LinkPurpose.SIGN_IN)
            # The message and the link are in the language of the page the member asked on.
            queue_email(
                participant.email,
                "panel_sign_in",
                g.lang,
                link=url_for("panel_members.use_link", token=token, _external=True),
            )
        db.session.commit()
        return redirect(url_for("panel_members.link_sent"))
    return render_template("panels/member/sign_in.html", form=form), 422 if form.errors else 200


@bp.get("/panel/sign-in/sent")
def link_sent():
    return render_template("panels/member/link_sent.html")


def _invalid(error: LinkError):  # noqa: ANN202
    return render_template(
        "auth/link_invalid.html", reason=error.reason, purpose="panel_sign_in"
    ), 410


@bp.route("/panel/sign-in/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def use_link(token: str):
    """Confirm signing in with the link from the e-mail; the link works once."""
    try:
        magic.peek(token, LinkPurpose.SIGN_IN)
    except LinkError as error:
        return _invalid(error)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            link = magic.use(token, LinkPurpose.SIGN_IN)
        except LinkError as error:
            db.session.rollback()
            return _invalid(error)
        participant = db.session.get(Participant, link.participant_id)
        db.session.commit()
        membership.sign_in(participant)
        flash(_("You are signed in."), "success")
        return redirect(url_for("panel_members.home"))
    return render_template("panels/member/use_link.html", form=form)


@bp.post("/panel/sign-out")
def sign_out():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    membership.sign_out()
    flash(_("You are signed out."), "success")
    return redirect(url_for("panel_members.sign_in"))


def _participant() -> Participant:
    participant = membership.current_participant()
    if participant is None:
        abort(redirect(url_for("panel_members.sign_in", next=request.path)))
    return participant


@bp.get("/panel/")
def home():
    """The signed-in member's panels."""
    participant = _participant()
    return render_template(
        "panels/member/home.html",
        participant=participant,
        memberships=membership.memberships(participant),
        form=ConfirmForm(),
    )


# --- one panel -------------------------------------------------------------------------------


def _panel(public_id: str) -> tuple[Panel, PanelMember]:
    """The panel of ``public_id`` and the signed-in member of it; others are sent away."""
    participant = _participant()
    panel = db.session.scalar(
        select(Panel)
        .join(Engagement, Engagement.id == Panel.engagement_id)
        .where(
            Engagement.public_id == public_id,
            Engagement.kind == Kind.PANEL,
            Engagement.status != Status.DRAFT,
        )
    )
    if panel is None:
        abort(404)
    member = membership.active_membership(panel, participant)
    if member is None:
        abort(403)
    g.panel_member = member
    return panel, member


def _extras(panel: Panel, member: PanelMember) -> dict:
    """What other parts of the panel feature add to the members' page (meetings, polls)."""
    context: dict = {"meetings": ([], []), "polls": []}
    try:
        from app.panels import meetings
    except ImportError:  # pragma: no cover - the meetings part is optional in a build
        meetings = None
    if meetings is not None and hasattr(meetings, "for_members"):
        context["meetings"] = meetings.for_members(panel)
    try:
        from app.panels import polls
    except ImportError:  # pragma: no cover
        polls = None
    if polls is not None and hasattr(polls, "open_polls_for"):
        context["polls"] = polls.open_polls_for(member)
    return context


@bp.get("/panel/<public_id>/")
def panel(public_id: str):
    """The panel's space: what is coming, the forum's discussions, polls, settings."""
    panel, member = _panel(public_id)
    settings_form = MemberSettingsForm(
        formdata=None,
        data={"notify_threads": member.notify_threads, "name_public": member.name_public},
    )
    return render_template(
        "panels/member/panel.html",
        panel=panel,
        engagement=panel.engagement,
        member=member,
        threads=forum.threads(panel),
        forum_open=forum.is_open(panel),
        members=_member_count(panel),
        settings_form=settings_form,
        **_extras(panel, member),
    )


def _member_count(panel: Panel) -> int:
    return (
        db.session.scalar(
            select(func.count(PanelMember.id)).where(
                PanelMember.panel_id == panel.id, PanelMember.left_at.is_(None)
            )
        )
        or 0
    )


@bp.post("/panel/<public_id>/settings")
def settings(public_id: str):
    panel, member = _panel(public_id)
    form = MemberSettingsForm()
    if not form.validate_on_submit():
        abort(400)
    member.notify_threads = bool(form.notify_threads.data)
    member.name_public = bool(form.name_public.data)
    db.session.commit()
    flash(_("Your settings are saved."), "success")
    return redirect(url_for("panel_members.panel", public_id=public_id, _anchor="settings"))


@bp.route("/panel/<public_id>/leave", methods=["GET", "POST"])
def leave(public_id: str):
    """Leave the panel, after a confirmation."""
    panel, member = _panel(public_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.leave(member)
        db.session.commit()
        flash(_("You left the panel. Thank you for taking part."), "success")
        return redirect(url_for("panel_members.home"))
    return render_template(
        "panels/member/leave.html", panel=panel, engagement=panel.engagement, form=form
    )


@bp.route("/panel/<public_id>/notifications/<token>", methods=["GET", "POST"])
def notifications_off(public_id: str, token: str):
    """Stop e-mails about new discussions with the link in such an e-mail (no sign-in)."""
    member = forum.member_for_opt_out(token)
    if member is None or member.panel.engagement.public_id != public_id:
        abort(404)
    form = ConfirmForm()
    done = False
    if form.validate_on_submit():
        member.notify_threads = False
        db.session.commit()
        done = True
    return render_template(
        "panels/member/notifications_off.html",
        engagement=member.panel.engagement,
        form=form,
        done=done or not member.notify_threads,
    )


# --- the forum -------------------------------------------------------------------------------


@bp.route("/panel/<public_id>/forum/new", methods=["GET", "POST"])
@limiter.limit(_post_limit, methods=["POST"])
def new_thread(public_id: str):
    panel, member = _panel(public_id)
    form = ThreadForm()
    if form.validate_on_submit():
        try:
            thread, post = forum.start_thread(
                panel, form.title.data, form.body.data, g.lang, member=member
            )
        except DiscussionError as error:
            field = form.title if error.reason.startswith("title") else form.body
            field.errors = [*field.errors, _message(error)]
        else:
            db.session.commit()
            if post.state == PostState.PENDING:
                flash(
                    _("Thank you. Your message is shown after a moderator has read it."), "success"
                )
            else:
                flash(_("Your discussion is started."), "success")
            return redirect(
                url_for("panel_members.thread", public_id=public_id, thread_id=thread.id)
            )
    return render_template(
        "panels/member/new_thread.html",
        panel=panel,
        engagement=panel.engagement,
        form=form,
        forum_open=forum.is_open(panel),
    ), 422 if form.errors else 200


def _thread(panel: Panel, thread_id: int):  # noqa: ANN202
    thread = forum.thread_of(panel, thread_id)
    if thread is None:
        abort(404)
    return thread


@bp.route("/panel/<public_id>/forum/<int:thread_id>", methods=["GET", "POST"])
@limiter.limit(_post_limit, methods=["POST"])
def thread(public_id: str, thread_id: int):
    """A discussion with its messages, and the form to write one (``?reply_to=`` a message)."""
    panel, member = _panel(public_id)
    thread = _thread(panel, thread_id)
    if request.method == "POST":
        form = PostForm()
    else:
        form = PostForm(formdata=None, data={"parent_id": request.args.get("reply_to", "")})
    parent_id = request.args.get("reply_to", type=parse_id) if request.method == "GET" else None
    if form.validate_on_submit():
        parent_id = form.parent_post_id()
        try:
            post = forum.reply(
                panel, thread, form.body.data, g.lang, member=member, parent_id=parent_id
            )
        except DiscussionError as error:
            form.body.errors = [*form.body.errors, _message(error)]
        else:
            db.session.commit()
            if post.state == PostState.PENDING:
                flash(
                    _("Thank you. Your message is shown after a moderator has read it."), "success"
                )
            else:
                flash(_("Your message is published."), "success")
            return redirect(
                url_for(
                    "panel_members.thread",
                    public_id=public_id,
                    thread_id=thread.id,
                    _anchor=f"post-{post.id}",
                )
            )
    reply_to = forum.post_of(panel, parent_id) if parent_id else None
    return render_template(
        "panels/member/thread.html",
        panel=panel,
        engagement=panel.engagement,
        thread=thread,
        posts=forum.thread_posts(thread, member),
        member=member,
        form=form,
        reply_to=reply_to if reply_to is not None and reply_to.thread_id == thread.id else None,
        forum_open=forum.is_open(panel) and not thread.is_locked,
    ), 422 if form.errors else 200


@bp.route("/panel/<public_id>/forum/posts/<int:post_id>/edit", methods=["GET", "POST"])
@limiter.limit(_post_limit, methods=["POST"])
def edit_post(public_id: str, post_id: int):
    """Correct your own message during the first 15 minutes."""
    panel, member = _panel(public_id)
    post = forum.post_of(panel, post_id)
    if post is None or post.member_id != member.id:
        abort(404)
    back = url_for(
        "panel_members.thread",
        public_id=public_id,
        thread_id=post.thread_id,
        _anchor=f"post-{post.id}",
    )
    if not forum.can_edit(post, member):
        flash(_message(DiscussionError("edit_window")), "error")
        return redirect(back)
    form = (
        EditForm()
        if request.method == "POST"
        else EditForm(formdata=None, data={"body": post.body})
    )
    if form.validate_on_submit():
        try:
            forum.edit(post, member, form.body.data)
        except DiscussionError as error:
            form.body.errors = [*form.body.errors, _message(error)]
        else:
            db.session.commit()
            flash(_("Your message is saved."), "success")
            return redirect(back)
    return render_template(
        "panels/member/edit_post.html",
        panel=panel,
        engagement=panel.engagement,
        post=post,
        form=form,
        back=back,
    ), 422 if form.errors else 200


@bp.route("/panel/<public_id>/forum/posts/<int:post_id>/report", methods=["GET", "POST"])
@limiter.limit("10 per minute;50 per hour", methods=["POST"])
def report(public_id: str, post_id: int):
    """Ask a moderator to look at a message."""
    panel, _member = _panel(public_id)
    post = forum.post_of(panel, post_id)
    if post is None or post.state != PostState.VISIBLE or not post.thread.title:
        abort(404)
    form = ReportForm()
    back = url_for(
        "panel_members.thread",
        public_id=public_id,
        thread_id=post.thread_id,
        _anchor=f"post-{post.id}",
    )
    if form.validate_on_submit():
        try:
            discussion.report(post, form.reason.data, form.note.data)
        except DiscussionError as error:
            form.note.errors = [*form.note.errors, _message(error)]
        else:
            db.session.commit()
            flash(_("Thank you. A moderator will look at the message."), "success")
            return redirect(back)
    return render_template(
        "panels/member/report.html",
        panel=panel,
        engagement=panel.engagement,
        post=discussion.post_view(post),
        form=form,
        back=back,
    ), 422 if form.errors else 200
