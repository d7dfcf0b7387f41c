"""The "Check language" page: every text of an engagement, graded and with findings marked."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from app.core.forms import language_check_requested
from app.engagements.access import current_engagement, engagement_required
from app.engagements.models import Engagement, Kind
from app.i18n import LANG_PREFIX
from app.plainlang import voikko
from app.plainlang.analyzer import LOCALES
from app.plainlang.collect import TextItem, texts_of
from app.plainlang.highlight import CheckedText, check

bp = Blueprint("plainlang", __name__, url_prefix=LANG_PREFIX)

LANGUAGE_LABELS = {"fi": _l("Finnish"), "sv": _l("Swedish"), "en": _l("English")}

#: The staff page of each kind of engagement, where the breadcrumb leads back to.
BACK_ENDPOINTS = {
    Kind.SURVEY: "builder.survey",
    Kind.EVA: "eva_staff.overview",
    Kind.PANEL: "panels_staff.overview",
}


def _back(engagement: Engagement) -> str:
    endpoint = BACK_ENDPOINTS.get(engagement.kind)
    if endpoint and endpoint in current_app.view_functions:
        return url_for(endpoint, public_id=engagement.public_id)
    return url_for("engagements.department_dashboard", department=engagement.department.code)


@bp.get("/staff/engagements/<public_id>/language")
@engagement_required()
def language(public_id: str):
    """Each offered language's texts with grade, facts and marked findings; a grade table on top."""
    engagement = current_engagement()
    items = texts_of(engagement)
    locales = [loc for loc in engagement.languages if loc in LOCALES]
    # Each text is analysed once; the table and the sections share the results.
    checked = {loc: [check(item, loc) for item in items] for loc in locales}
    rows = [(item, [checked[loc][i] for loc in locales]) for i, item in enumerate(items)]
    used_voikko: bool | None = None
    if "fi" in locales:
        used_voikko = next(
            (c.analysis.used_voikko for c in checked["fi"] if c.analysis is not None),
            voikko.available(),
        )
    return render_template(
        "plainlang/language.html",
        engagement=engagement,
        locales=locales,
        language_labels={loc: str(LANGUAGE_LABELS[loc]) for loc in locales},
        checked=checked,
        rows=rows,
        used_voikko=used_voikko,
        back_url=_back(engagement),
    )


@bp.app_template_global("language_label")
def language_label(locale: str) -> str:
    """ "Finnish", "Swedish" or "English" in the interface language."""
    return str(LANGUAGE_LABELS.get(locale, locale))


@bp.app_template_global("language_check")
def language_check(field: Any) -> CheckedText | None:
    """The findings for one language's input of a translated field, when the form was sent with
    its "Check language" button (``forms.translated`` shows them under the input)."""
    # Only the inputs of the form that was sent (a page can hold two).
    if not language_check_requested() or field.name not in request.form:
        return None
    locale = (field.render_kw or {}).get("lang")
    text = field.data if isinstance(field.data, str) else ""
    if locale not in LOCALES or not text.strip():
        return None
    item = TextItem(label=field.label.text, field_key=field.id, value_by_locale={locale: text})
    return check(item, locale)
