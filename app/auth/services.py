"""Staff accounts: signing in, passwords, reset links, invitations, user management."""

from __future__ import annotations

import hashlib

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth.models import User, new_session_token
from app.core import audit
from app.core.auth import Role
from app.core.mail import queue_email
from app.core.types import utcnow
from app.extensions import db
from app.plan.models import Department

# Checked when no user matches, so a wrong e-mail takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AuthError(Exception):
    """An account rule was broken; the message is shown to the user."""


class LoginError(AuthError):
    pass


class TokenError(AuthError):
    pass


def normalize_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def authenticate(email: str, password: str) -> User:
    """The active user with these credentials, or LoginError (the same for every failure)."""
    user = user_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        raise LoginError("wrong credentials")
    if not user.check_password(password) or not user.is_active_user:
        raise LoginError("wrong credentials")
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def check_password_rules(password: str, email: str = "") -> str | None:
    """None if the password is acceptable, else a reason code for the form to translate."""
    if len(password) < current_app.config["PASSWORD_MIN_LENGTH"]:
        return "too_short"
    if len(set(password)) < 4:
        return "too_simple"
    if email and normalize_email(email).split("@")[0] in password.lower():
        return "contains_email"
    return None


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise AuthError("current_wrong")
    user.set_password(new)
    audit.record("user.password.change", f"users:{user.id}", actor_id=user.id)
    db.session.flush()


# --- links sent by e-mail ------------------------------------------------------------------


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"osallistu-{purpose}")


def _password_fingerprint(user: User) -> str:
    # Changes when the password does, so a used link stops working.
    return hashlib.sha256((user.password_hash or "unset").encode()).hexdigest()[:16]


def make_password_token(user: User, purpose: str = "reset") -> str:
    return _serializer(purpose).dumps({"uid": user.id, "pw": _password_fingerprint(user)})


def user_for_token(token: str, purpose: str = "reset") -> User:
    max_age = current_app.config[
        "PASSWORD_RESET_MAX_AGE" if purpose == "reset" else "INVITE_MAX_AGE"
    ]
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenError("expired") from None
    except BadSignature:
        raise TokenError("invalid") from None
    user = db.session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or not user.is_active_user or data.get("pw") != _password_fingerprint(user):
        raise TokenError("invalid")
    return user


def request_password_reset(email: str) -> None:
    """Queue a reset link if an active account has this e-mail; say nothing either way."""
    user = user_by_email(email)
    if user is None or not user.is_active_user:
        return
    token = make_password_token(user, "reset")
    link = url_for("auth.reset_password", token=token, lang=user.locale, _external=True)
    queue_email(user.email, "password_reset", user.locale, user=user, link=link)
    audit.record("user.password.reset_requested", f"users:{user.id}", actor_id=user.id)
    db.session.flush()


def set_password_with_token(token: str, password: str, purpose: str = "reset") -> User:
    user = user_for_token(token, purpose)
    user.set_password(password)
    audit.record(f"user.password.{purpose}", f"users:{user.id}", actor_id=user.id)
    db.session.flush()
    return user


# --- user management (coordinator) ---------------------------------------------------------


def _check_role_department(role: Role, department: Department | None) -> None:
    if role == Role.STAFF and department is None:
        raise AuthError("department_required")


def create_user(
    email: str,
    role: Role,
    department: Department | None = None,
    name: str = "",
    password: str | None = None,
    locale: str = "fi",
) -> User:
    """Add a staff user; with no password they set one through an invitation link."""
    email = normalize_email(email)
    if user_by_email(email) is not None:
        raise AuthError("email_taken")
    _check_role_department(role, department)
    user = User(email=email, name=name.strip(), role=role, department=department, locale=locale)
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.create",
        f"users:{user.id}",
        role=str(role),
        department=department.code if department else None,
    )
    return user


def invite_user(
    email: str, role: Role, department: Department | None, name: str, locale: str
) -> User:
    """Create the user and queue an e-mail with a link to set their password."""
    user = create_user(email, role, department, name=name, locale=locale)
    token = make_password_token(user, "invite")
    link = url_for("auth.accept_invite", token=token, lang=locale, _external=True)
    queue_email(user.email, "invite", locale, user=user, link=link)
    audit.record("user.invite", f"users:{user.id}")
    return user


def update_user(
    user: User, actor: User, role: Role, department: Department | None, is_active: bool
) -> None:
    _check_role_department(role, department)
    if user.id == actor.id and (not is_active or role != Role.COORDINATOR):
        raise AuthError("cannot_demote_self")
    changed = {}
    if user.role != role:
        changed["role"] = {"old": str(user.role), "new": str(role)}
        user.role = role
    if user.department_id != (department.id if department else None):
        changed["department"] = {
            "old": user.department.code if user.department else None,
            "new": department.code if department else None,
        }
        user.department = department
    if user.is_active_user != is_active:
        changed["is_active"] = {"old": user.is_active_user, "new": is_active}
        user.is_active_user = is_active
        if not is_active:
            user.session_token = new_session_token()  # signs them out everywhere
    if changed:
        audit.record("user.edit", f"users:{user.id}", changed=changed)
    db.session.flush()


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(func.lower(User.email))))
