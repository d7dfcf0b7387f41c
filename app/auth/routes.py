"""Staff sign-in and sign-out, passwords, reset links, invitations, and user management."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

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
from flask_login import current_user, login_user, logout_user
from wtforms.fields.choices import SelectChoice

from app.auth import services
from app.auth.forms import (
    ChangePasswordForm,
    InviteForm,
    LoginForm,
    ResetRequestForm,
    SetPasswordForm,
    UserEditForm,
)
from app.auth.models import User
from app.core import audit
from app.core.auth import Role, coordinator_required, staff_required
from app.extensions import db, limiter, login_manager
from app.i18n import LANG_PREFIX, tr
from app.plan import services as plan_services
from app.plan.models import Department

bp = Blueprint("auth", __name__, url_prefix=LANG_PREFIX)

PASSWORD_RULE_MESSAGES = {
    "too_short": _l("The password is too short. Use at least 12 characters."),
    "too_simple": _l("The password is too simple. Use a wider mix of characters."),
    "contains_email": _l("The password must not contain your e-mail address."),
}
AUTH_ERROR_MESSAGES = {
    "current_wrong": _l("The current password is wrong."),
    "email_taken": _l("A user with this e-mail address exists already."),
    "department_required": _l("Choose a department for a staff member."),
    "cannot_demote_self": _l("You cannot remove your own coordinator role or deactivate yourself."),
}


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    uid, _sep, token = user_id.partition(":")
    if not uid.isdigit():
        return None
    user = db.session.get(User, int(uid))
    if user is None or not user.is_active_user or not token or user.session_token != token:
        return None
    return user


@bp.before_app_request
def end_old_sessions() -> None:
    """Sign staff out when their session is older than the absolute limit."""
    signed_in_at = session.get("signed_in_at")
    if signed_in_at is None or not current_user.is_authenticated:
        return
    limit = timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])
    if datetime.now(UTC) - datetime.fromtimestamp(signed_in_at, UTC) > limit:
        logout_user()
        session.clear()


#: Backslashes, whitespace and control characters: browsers drop or turn some of them into "/"
#: (``/<TAB>/evil.example`` is ``//evil.example``), and a line break cannot go in a header.
_UNSAFE_IN_NEXT = re.compile(r"[\\\s\x00-\x1f\x7f]")


def _safe_next(target: str | None) -> str | None:
    # Only paths on this site: no scheme, no host, no protocol-relative //evil.
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not _UNSAFE_IN_NEXT.search(target)
    ):
        return target
    return None


def _failed_login(response) -> bool:  # noqa: ANN001
    return request.method == "POST" and response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=_failed_login
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("engagements.staff_home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.LoginError:
            form.password.errors.append(_("The e-mail address or password is wrong."))
        else:
            session.clear()
            session.permanent = True
            login_user(user)
            session["signed_in_at"] = datetime.now(UTC).timestamp()
            audit.record("user.sign_in", f"users:{user.id}", actor_id=user.id)
            db.session.commit()
            flash(_("You are signed in."), "success")
            return redirect(
                _safe_next(request.args.get("next")) or url_for("engagements.staff_home")
            )
    return render_template("auth/login.html", form=form), 200 if not form.errors else 422


@bp.post("/logout")
def logout():
    logout_user()
    session.clear()
    flash(_("You are signed out."), "success")
    return redirect(url_for("engagements.home"))


@bp.route("/staff/account/password", methods=["GET", "POST"])
@staff_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        problem = services.check_password_rules(form.password.data, current_user.email)
        if problem:
            form.password.errors.append(PASSWORD_RULE_MESSAGES[problem])
        else:
            try:
                services.change_password(current_user, form.current.data, form.password.data)
            except services.AuthError as error:
                form.current.errors.append(AUTH_ERROR_MESSAGES[str(error)])
            else:
                db.session.commit()
                # The new session token ends other sessions; keep this one.
                login_user(current_user._get_current_object())
                flash(_("Your password is changed."), "success")
                return redirect(url_for("engagements.staff_home"))
    return render_template("auth/change_password.html", form=form), 422 if form.errors else 200


@bp.route("/password/reset", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("auth/reset_sent.html")
    return render_template("auth/reset_request.html", form=form), 422 if form.errors else 200


def _set_password_page(token: str, purpose: str, template: str):
    try:
        user = services.user_for_token(token, purpose)
    except services.TokenError as error:
        return render_template("auth/link_invalid.html", reason=str(error), purpose=purpose), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        problem = services.check_password_rules(form.password.data, user.email)
        if problem:
            form.password.errors.append(PASSWORD_RULE_MESSAGES[problem])
        else:
            services.set_password_with_token(token, form.password.data, purpose)
            db.session.commit()
            flash(_("Your password is set. You can sign in now."), "success")
            return redirect(url_for("auth.login"))
    return render_template(template, form=form, user=user), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _set_password_page(token, "reset", "auth/reset_password.html")


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invite(token: str):
    return _set_password_page(token, "invite", "auth/accept_invite.html")


# --- user management -----------------------------------------------------------------------


def _department_choices() -> list[SelectChoice]:
    return [SelectChoice("", _("No department"))] + [
        SelectChoice(dep.code, tr(dep.name))
        for dep in plan_services.list_departments(active_only=True)
    ]


def _chosen_department(form: InviteForm | UserEditForm) -> Department | None:
    return plan_services.department_by_code(form.department.data) if form.department.data else None


@bp.route("/staff/users")
@coordinator_required
def users():
    return render_template("auth/users.html", users=services.list_users())


@bp.route("/staff/users/invite", methods=["GET", "POST"])
@coordinator_required
def invite():
    form = InviteForm()
    form.department.choices = _department_choices()
    if request.method == "GET":
        form.locale.data = g.lang
    if form.validate_on_submit():
        try:
            services.invite_user(
                form.email.data,
                Role(form.role.data),
                _chosen_department(form),
                form.name.data or "",
                form.locale.data,
            )
        except services.AuthError as error:
            field = form.email if str(error) == "email_taken" else form.department
            field.errors.append(AUTH_ERROR_MESSAGES[str(error)])
        else:
            db.session.commit()
            flash(_("The invitation is sent."), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/invite.html", form=form), 422 if form.errors else 200


@bp.route("/staff/users/<int:user_id>", methods=["GET", "POST"])
@coordinator_required
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = UserEditForm(
        data={
            "role": user.role,
            "department": user.department.code if user.department else "",
            "is_active": user.is_active_user,
        }
        if request.method == "GET"
        else None
    )
    form.department.choices = _department_choices()
    if form.validate_on_submit():
        try:
            services.update_user(
                user,
                current_user,
                Role(form.role.data),
                _chosen_department(form),
                form.is_active.data,
            )
        except services.AuthError as error:
            field = form.role if str(error) == "cannot_demote_self" else form.department
            field.errors.append(AUTH_ERROR_MESSAGES[str(error)])
        else:
            db.session.commit()
            flash(_("The user is saved."), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/edit_user.html", form=form, user=user), 422 if form.errors else 200
