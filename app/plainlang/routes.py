"""The "Check language" page: every text of an engagement, graded and with findings marked."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import lazy_gettext as _l

from app.engagements.access import current_engagement, engagement_required
from app.engagements.models import Engagement, Kind
from app.i18n import LANG_PREFIX
from app.plainlang import voikko
from app.plainlang.analyzer import LOCALES
from app.plainlang.collect import texts_of
from app.plainlang.highlight import check

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
