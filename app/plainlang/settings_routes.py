"""The coordinator's setting: when publishing needs a confirmation after the language check."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.auth import coordinator_required
from app.core.settings import set_setting
from app.extensions import db
from app.i18n import LANG_PREFIX
from app.plainlang.forms import ConfirmBelowForm
from app.plainlang.gate import SETTING, ConfirmBelow, confirm_below

bp = Blueprint("plainlang_settings", __name__, url_prefix=LANG_PREFIX)


@bp.route("/staff/settings/plain-language", methods=["GET", "POST"])
@coordinator_required
def plain_language():
    """The radio group with the three choices, the saved one chosen."""
    form = ConfirmBelowForm(
        data={"confirm_below": confirm_below().value} if request.method == "GET" else None
    )
    if form.validate_on_submit():
        set_setting(SETTING, ConfirmBelow(form.confirm_below.data).value, current_user)
        db.session.commit()
        flash(_("The setting is saved."), "success")
        return redirect(url_for("plainlang_settings.plain_language"))
    return render_template("plainlang/settings.html", form=form), 422 if form.errors else 200
