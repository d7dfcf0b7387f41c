"""What residents see of an EVA hearing: the hearing page, its easy-read and young people's
versions, and after the decision "you said, we did".

The hearing page lives at the engagement's own address (``/<lang>/e/<public_id>``, the
``respond.engagement`` view): for an engagement of kind ``eva`` that view calls
:func:`render_hearing`, which this blueprint registers in ``app.extensions["engagement_pages"]``,
so the questionnaires feature never imports eva.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.discussion import services as discussion_services
from app.engagements.models import Engagement, Kind, Status
from app.eva import hearing
from app.extensions import db
from app.i18n import LANG_PREFIX

bp = Blueprint("eva_hearing", __name__, url_prefix=LANG_PREFIX)

#: Audiences that may read a hearing (the same as the survey page's).
READABLE_AUDIENCES = ("public", "link", "invited")


def render_hearing(**context: object) -> str:
    """The hearing page, with the survey page's context (engagement, questionnaire, has_draft,
    invited, has_code, code_form, closed_since, minutes)."""
    engagement: Engagement = context["engagement"]  # type: ignore[assignment]
    view = hearing.hearing_view(engagement, g.lang)
    if view is None:  # published without an assessment: nothing to show
        abort(404)
    comments = discussion_services.comments_view(engagement, g.lang)
    return render_template(
        "eva/hearing/hearing.html", hearing=view, comments_view=comments, **context
    )


bp.record_once(
    lambda state: state.app.extensions.setdefault("engagement_pages", {}).update(eva=render_hearing)
)


@bp.app_template_filter("eva_paragraphs")
def _paragraphs(text: str) -> list[list[str]]:
    return hearing.split_paragraphs(text)


def _published_hearing(public_id: str) -> Engagement:
    engagement = db.session.scalar(
        select(Engagement)
        .where(Engagement.public_id == public_id)
        .options(joinedload(Engagement.department))
    )
    if engagement is None or engagement.kind != Kind.EVA or engagement.status != Status.PUBLISHED:
        abort(404)
    if engagement.audience not in READABLE_AUDIENCES:
        abort(403)
    g.noindex = engagement.audience != "public"
    return engagement


def _version(public_id: str, field: str, template: str):  # noqa: ANN202
    engagement = _published_hearing(public_id)
    view = hearing.hearing_view(engagement, g.lang)
    if view is None or not view.text(field):
        abort(404)
    return render_template(template, engagement=engagement, hearing=view, field=field)


@bp.get("/e/<public_id>/easy-read")
def easy_read(public_id: str):
    """The easy-read (selkokieli) version of the hearing; 404 when there is none."""
    return _version(public_id, "easy_read", "eva/hearing/easy_read.html")


@bp.get("/e/<public_id>/young")
def young(public_id: str):
    """The version written for children and young people (LAVA); 404 when there is none."""
    return _version(public_id, "children_summary", "eva/hearing/young.html")
