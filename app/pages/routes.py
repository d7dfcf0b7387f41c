"""The accessibility statement, the privacy notice and the glossary, written per language."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, g, render_template
from flask_babel import format_date

from app.i18n import LANG_PREFIX

bp = Blueprint("pages", __name__, url_prefix=LANG_PREFIX)


def _legal_context() -> dict[str, str]:
    config = current_app.config
    return {
        "site_name": config["SITE_NAME"],
        "city_name": config["CITY_NAME"],
        "accessibility_email": config["ACCESSIBILITY_EMAIL"],
        "privacy_email": config["PRIVACY_EMAIL"],
        "dpo_email": config["DPO_EMAIL"],
        "statement_date": format_date(
            date.fromisoformat(config["ACCESSIBILITY_STATEMENT_DATE"]), "long"
        ),
    }


@bp.get("/accessibility")
def accessibility():
    return render_template(
        "pages/accessibility.html", body=f"pages/_accessibility_{g.lang}.html", **_legal_context()
    )


@bp.get("/privacy")
def privacy():
    return render_template(
        "pages/privacy.html", body=f"pages/_privacy_{g.lang}.html", **_legal_context()
    )


@bp.get("/glossary")
def glossary():
    """Words explained for residents; every term has the same anchor in each language."""
    return render_template("pages/glossary.html", body=f"pages/_glossary_{g.lang}.html")
