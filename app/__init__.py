"""Osallistu: resident participation for a city's welfare plan."""

from __future__ import annotations

import logging
import os

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, Config


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Build the app; without a config class, FLASK_CONFIG (development by default) picks one."""
    if config_class is None:
        config_class = CONFIGS[os.environ.get("FLASK_CONFIG", "development")]
    config_class.check()
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config_class)
    app.config["ENV_NAME"] = config_class.__name__.lower()
    os.makedirs(app.instance_path, exist_ok=True)

    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    register_logging(app)
    register_extensions(app)

    from app.core.security import register_converters

    register_converters(app)
    register_blueprints(app)
    register_templates(app)

    from app.cli import register_cli
    from app.core.errors import register_errors
    from app.core.security import register_security
    from app.i18n import register_i18n

    register_i18n(app)
    register_security(app)
    register_errors(app)
    register_cli(app)
    return app


def register_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def register_extensions(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from app.extensions import babel, csrf, db, limiter, login_manager, migrate
    from app.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    # Models must be imported so metadata and migrations see every table.
    import app.models  # noqa: F401


def register_blueprints(app: Flask) -> None:
    from app.auth.routes import bp as auth_bp
    from app.discussion.routes import bp as discussion_bp
    from app.discussion.staff_routes import bp as discussion_staff_bp
    from app.engagements.lifecycle_routes import bp as lifecycle_bp
    from app.engagements.routes import bp as engagements_bp
    from app.eva.closing_routes import bp as eva_closing_bp
    from app.eva.hearing_routes import bp as eva_hearing_bp
    from app.eva.staff_routes import bp as eva_staff_bp
    from app.pages.routes import bp as pages_bp
    from app.panels.forum_staff_routes import bp as panel_forum_staff_bp
    from app.panels.member_routes import bp as panel_members_bp
    from app.panels.poll_routes import bp as panel_polls_bp
    from app.panels.public_routes import bp as panels_public_bp
    from app.panels.routes import bp as panels_bp
    from app.panels.staff_routes import bp as panels_staff_bp
    from app.panels.work_routes import bp as panels_work_bp
    from app.participation.api_routes import bp as api_bp
    from app.participation.export_routes import bp as participation_export_bp
    from app.participation.offline_routes import bp as participation_offline_bp
    from app.participation.reach_routes import bp as participation_reach_bp
    from app.participation.routes import bp as participation_bp
    from app.plainlang.routes import bp as plainlang_bp
    from app.plainlang.settings_routes import bp as plainlang_settings_bp
    from app.plan.routes import bp as plan_bp
    from app.plan.routes import root_bp
    from app.privacy.routes import bp as privacy_bp
    from app.questionnaires.builder_routes import bp as builder_bp
    from app.questionnaires.export_routes import bp as export_bp
    from app.questionnaires.import_routes import bp as import_bp
    from app.questionnaires.paper_routes import bp as paper_bp
    from app.questionnaires.paper_routes import short_bp
    from app.questionnaires.results_routes import bp as results_bp
    from app.questionnaires.routes import bp as respond_bp

    for blueprint in (
        root_bp,
        plan_bp,
        pages_bp,
        auth_bp,
        engagements_bp,
        lifecycle_bp,
        respond_bp,
        builder_bp,
        results_bp,
        export_bp,
        paper_bp,
        short_bp,
        import_bp,
        eva_staff_bp,
        eva_hearing_bp,
        eva_closing_bp,
        discussion_bp,
        discussion_staff_bp,
        participation_bp,
        participation_reach_bp,
        participation_export_bp,
        participation_offline_bp,
        plainlang_bp,
        plainlang_settings_bp,
        api_bp,
        panels_bp,
        panels_public_bp,
        panels_staff_bp,
        panels_work_bp,
        panel_polls_bp,
        panel_members_bp,
        panel_forum_staff_bp,
        privacy_bp,
    ):
        app.register_blueprint(blueprint)


def register_templates(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.config.setdefault("TEMPLATES_AUTO_RELOAD", app.debug)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:  # noqa: ANN001
    """WAL and a busy timeout make the embedded SQLite safe for several workers."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    # With WAL, NORMAL skips the fsync on every commit (fsyncs happen at checkpoints): a crash
    # of the app loses nothing, an OS crash or power cut may lose the last commits but never
    # corrupts the file. Fine for the embedded default; production runs on PostgreSQL.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
