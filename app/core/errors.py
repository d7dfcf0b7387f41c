"""Translated error pages, and /healthz."""

from __future__ import annotations

import logging
import traceback

from flask import Flask, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from sqlalchemy.exc import DataError, DBAPIError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from app.extensions import db
from app.i18n import LOCALES, best_locale

log = logging.getLogger(__name__)

MESSAGES = {
    400: (
        _l("Something in the request was wrong"),
        _l("The page could not handle what was sent. Go back and try again."),
    ),
    403: (
        _l("You do not have access to this page"),
        _l(
            "Your user account does not give access to this page. "
            "If you think you need it, ask the coordinator."
        ),
    ),
    404: (
        _l("Page not found"),
        _l("We could not find this page. Check the address or go to the front page."),
    ),
    405: (
        _l("This action is not possible here"),
        _l("The page does not accept this kind of request. Go back and try again."),
    ),
    413: (
        _l("The file or text is too large"),
        _l("What you sent is larger than we accept. Make it smaller and try again."),
    ),
    422: (
        _l("Something in the request was wrong"),
        _l("The page could not handle what was sent. Go back and try again."),
    ),
    429: (
        _l("Too many tries"),
        _l("You have tried too many times in a short time. Wait a moment and try again."),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l("The error is not your fault. Try again in a moment."),
    ),
    503: (
        _l("The service is busy"),
        _l(
            "We cannot answer right now. Try again in a moment. "
            "If you were sending a form, it was not saved: send it again then."
        ),
    ),
}
CSRF_MESSAGE = (
    _l("The form expired"),
    _l(
        "For your safety, the form expires after a while. Nothing was saved. "
        "Go back, reload the page and send the form again."
    ),
)


def _ensure_lang() -> None:
    """Error pages speak the language of the URL when it has one, else the browser's."""
    if g.get("lang") in LOCALES:
        return
    prefix = request.path.strip("/").split("/", 1)[0]
    g.lang = prefix if prefix in LOCALES else best_locale()


def _render(status: int, title=None, message=None):  # noqa: ANN001, ANN202
    _ensure_lang()
    default_title, default_message = MESSAGES.get(status, MESSAGES[500])
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify(error=status, message=str(title or default_title)), status
    return render_template(
        "errors/error.html",
        status=status,
        title=title or default_title,
        message=message or default_message,
    ), status


def handle_http_error(error: HTTPException):  # noqa: ANN201
    if isinstance(error, CSRFError):
        return _render(400, *CSRF_MESSAGE)
    body, status = _render(error.code if error.code in MESSAGES else 500)
    headers = {}
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return body, status, headers


def handle_unexpected(error: Exception):  # noqa: ANN201
    db.session.rollback()
    if isinstance(error, OperationalError):
        log.error("database unavailable: %s", type(error.orig).__name__)
        return _render(503)
    if isinstance(error, DBAPIError):
        # The database's own message can repeat the refused values (PostgreSQL: "Key
        # (email)=(...) already exists"), whatever hide_parameters says: log where, not what.
        log.error(
            "database refused a statement on %s %s: %s\n%s",
            request.method,
            request.endpoint,
            type(error.orig).__name__,
            "".join(traceback.format_tb(error.__traceback__)),
        )
        # Input the database cannot hold (a NUL byte, a number out of range) is the request's
        # fault: the translated "something in the request was wrong" page, not a 500.
        return _render(400 if isinstance(error, DataError) else 500)
    log.exception("unhandled error on %s %s", request.method, request.endpoint)
    return _render(500)


def healthz():  # noqa: ANN201
    """Liveness and database status as JSON, for load balancers and monitoring."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError:
        db.session.rollback()
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return jsonify(status="ok" if status == 200 else "degraded", database=database), status


def close_session(_error: BaseException | None = None) -> None:
    """End the request's database session without failing a response already made.

    When the database restarts between a request's last statement and this teardown, the
    rollback on closing fails; raised here it would turn the response (perhaps the redirect to
    a stored answer's receipt) into the server's bare 500. The session is invalidated instead:
    its connection is thrown away and the pool opens a new one.
    """
    try:
        db.session.remove()
    except DBAPIError as error:
        log.warning("database connection lost after the response: %s", type(error.orig).__name__)
        db.session().invalidate()
        db.session.remove()


def register_errors(app: Flask) -> None:
    # Registered after Flask-SQLAlchemy's teardown, so it runs before it (teardowns run last
    # registered first); that one then finds the session closed.
    app.teardown_appcontext(close_session)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
    app.add_url_rule("/healthz", "healthz", healthz)
