"""Staff routes about one engagement: only its department's staff and the coordinator."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g, request
from flask_login import current_user
from sqlalchemy import select

from app.core.auth import Role
from app.engagements.models import Engagement
from app.extensions import db, login_manager

F = TypeVar("F", bound=Callable[..., Any])


def engagement_required(arg: str = "public_id") -> Callable[[F], F]:
    """Staff of the department that runs the engagement named by URL argument ``arg``.

    Anonymous visitors are sent to sign in, other departments get 403, an unknown id 404. The
    engagement is left in ``g.engagement`` for the view (see :func:`current_engagement`).
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in (Role.STAFF, Role.COORDINATOR):
                abort(403)
            public_id = (request.view_args or {}).get(arg)
            engagement = db.session.scalar(
                select(Engagement).where(Engagement.public_id == public_id)
            )
            if engagement is None:
                # Staff of other departments must not learn which ids exist either.
                abort(404 if current_user.is_coordinator else 403)
            if not current_user.can_access_department(engagement.department.code):
                abort(403)
            g.engagement = engagement
            return view(*args, **kwargs)

        wrapper.access = "department"  # type: ignore[attr-defined]
        wrapper.access_arg = arg  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def current_engagement() -> Engagement:
    """The engagement that :func:`engagement_required` checked for this request."""
    return g.engagement
