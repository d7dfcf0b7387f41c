"""Roles and the decorators that guard staff routes.

Every view under ``/<lang>/staff/`` carries one of these decorators; each sets ``view.access`` so a
test can prove that no staff route is left unguarded.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from flask import abort, request
from flask_login import current_user

from app.extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])


class Role(StrEnum):
    STAFF = "staff"
    COORDINATOR = "coordinator"


def _signed_in_staff() -> Any:
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in (Role.STAFF, Role.COORDINATOR):
        abort(403)
    return None


def staff_required(view: F) -> F:
    """Any signed-in staff member or coordinator."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        refusal = _signed_in_staff()
        if refusal is not None:
            return refusal
        return view(*args, **kwargs)

    wrapper.access = "staff"  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def coordinator_required(view: F) -> F:
    """Only the coordinator (owner of the plan, departments and users)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        refusal = _signed_in_staff()
        if refusal is not None:
            return refusal
        if current_user.role != Role.COORDINATOR:
            abort(403)
        return view(*args, **kwargs)

    wrapper.access = "coordinator"  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def department_required(arg: str = "department") -> Callable[[F], F]:
    """Staff of the department whose code is the URL argument ``arg``, or the coordinator."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            refusal = _signed_in_staff()
            if refusal is not None:
                return refusal
            code = (request.view_args or {}).get(arg)
            if not current_user.can_access_department(code):
                abort(403)
            return view(*args, **kwargs)

        wrapper.access = "department"  # type: ignore[attr-defined]
        wrapper.access_arg = arg  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator
