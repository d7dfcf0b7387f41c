"""Staff build a survey: settings, pages, questions, conditions, preview, copy, publish."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from app.core.auth import department_required
from app.core.types import utcnow
from app.engagements.access import current_engagement, engagement_required
from app.engagements.models import Kind, Status
from app.extensions import db
from app.i18n import LANG_PREFIX, LANGUAGE_NAMES, to_local, to_utc, tr
from app.plainlang.gate import may_publish, publish_gate, refusal
from app.plan import services as plan_services
from app.questionnaires import builder, services
from app.questionnaires.definition import definition
from app.questionnaires.forms import (
    condition_data,
    fill_condition,
    fill_settings,
    new_survey_form,
    page_form,
    question_form,
    settings_data,
    settings_form,
)
from app.questionnaires.messages import message
from app.questionnaires.services import OptionInput, QuestionnaireError
from app.questionnaires.types import REGISTRY

bp = Blueprint("builder", __name__, url_prefix=LANG_PREFIX)

#: Question types in the order staff choose from, with names staff understand.
TYPE_NAMES = {
    "single_choice": _l("Single choice (radio buttons or a dropdown)"),
    "multiple_choice": _l("Multiple choice (tick boxes)"),
    "scale": _l("Scale 1–5 or 1–7"),
    "rating": _l("Rating 0–10"),
    "matrix": _l("Matrix: several statements on one scale"),
    "ranking": _l("Ranking: put options in order"),
    "yes_no": _l("Yes or no"),
    "short_text": _l("Short text"),
    "long_text": _l("Long text"),
    "number": _l("Number"),
    "date": _l("Date"),
    "area": _l("Postal area"),
    "consent": _l("Consent tick box"),
    "info": _l("Information text (no answer)"),
}

#: What a builder rule refusal means, for the person who asked.
PROBLEMS = {
    "no_language": _l("Choose at least one language."),
    "audience": _l("Choose who may answer."),
    "closes_before_opening": _l("The closing time must be after the opening time."),
    "anonymity_fixed": _l(
        "The survey already has answers, so whether it is anonymous cannot change any more."
    ),
    "page_has_answered_questions": _l(
        "This page has questions that people have answered. Deleting it would lose their "
        "answers. You can still change the wording."
    ),
    "last_page": _l("A survey needs at least one page."),
    "code_format": _l(
        "Codes start with a letter a–z; then use only letters a–z, digits and _ (at most 40)."
    ),
    "code_used": _l("Another question already has this code."),
    "answers_code": _l(
        "People have answered already, so the code cannot change: exports and earlier "
        "answers use it."
    ),
    "answers_delete_question": _l(
        "People have answered already. Deleting the question would lose their answers. "
        "You can still change the wording."
    ),
    "option_code_duplicate": _l("Two options have the same code."),
    "needs_options": _l("A choice question needs at least one option."),
    "needs_rows": _l("A matrix needs at least one statement."),
    "order_breaks_condition": _l(
        "This order is not possible: a display condition would refer to a question that "
        "comes after it."
    ),
}


def problem_text(problem: str) -> str:
    code, _sep, detail = problem.partition(":")
    if code in PROBLEMS:
        return str(PROBLEMS[code])
    if code == "answers_option_removed":
        return _(
            "People have chosen these options already, so they cannot be removed: "
            "%(codes)s. You can still change their wording.",
            codes=detail.strip(),
        )
    if code == "referenced_by":
        return _(
            "A display condition of %(code)s refers to this question. Change that condition first.",
            code=detail,
        )
    if code == "option_code_format":
        return _("The option code %(code)s is not valid.", code=detail)
    if code in ("a choice question needs options",):
        return str(PROBLEMS["needs_options"])
    if code in ("a matrix needs rows",):
        return str(PROBLEMS["needs_rows"])
    return _("This condition is not valid: %(detail)s", detail=problem)


def _survey_url(**kwargs: Any) -> str:
    return url_for("builder.survey", public_id=current_engagement().public_id, **kwargs)


# --- creating -------------------------------------------------------------------------------


@bp.route("/staff/departments/<department>/surveys/new", methods=["GET", "POST"])
@department_required("department")
def new_survey(department: str):
    dep = plan_services.department_by_code(department) or abort(404)
    form = new_survey_form(plan_services.focus_area_choices())
    if form.validate_on_submit():
        engagement = builder.create_survey(
            dep,
            form.title.data,
            form.languages.data,
            plan_services.focus_areas_by_codes(form.focus_areas.data),
            created_by_id=current_user.id,
        )
        db.session.commit()
        flash(_("The survey was created as a draft. Add its questions next."), "success")
        return redirect(url_for("builder.survey", public_id=engagement.public_id))
    return render_template(
        "questionnaires/builder/new.html", form=form, department=dep
    ), 422 if form.errors else 200


# --- the survey's page ----------------------------------------------------------------------


def _missing_items(engagement) -> list[tuple[str, str, str]]:  # noqa: ANN001
    """(what, language code, link) for everything publishing still needs."""
    items = []
    public_id = engagement.public_id
    settings_url = url_for("builder.settings", public_id=public_id)
    for where, locale in services.missing_for_publishing(engagement):
        head, _sep, tail = where.partition(".")
        language = locale if locale in LANGUAGE_NAMES else ""
        if where in ("title", "summary", "privacy_note", "intro", "closing_text"):
            labels = {
                "title": _("Title"),
                "summary": _("What the survey is about"),
                "privacy_note": _("Privacy note"),
                "intro": _("How the answers will be used"),
                "closing_text": _("What happens next"),
            }
            items.append((labels[where], language, settings_url))
        elif where == "focus_areas":
            items.append((_("Focus areas of the welfare plan"), "", settings_url))
        elif where == "questions":
            items.append((_("At least one question"), "", _survey_url()))
        elif tail == "title":
            link = url_for("builder.edit_page", public_id=public_id, page_code=head)
            items.append((_("Heading of page %(code)s", code=head), language, link))
        else:
            what = {
                "text": _("Question %(code)s: the question", code=head),
                "help": _("Question %(code)s: help text", code=head),
                "low_label": _("Question %(code)s: label of the lowest value", code=head),
                "high_label": _("Question %(code)s: label of the highest value", code=head),
            }.get(tail) or _("Question %(code)s: option %(option)s", code=head, option=tail)
            link = url_for("builder.edit_question", public_id=public_id, question_code=head)
            items.append((what, language, link))
    return items


def _other_features() -> dict[str, str]:
    """Links to the survey's other staff pages that exist in this build."""
    public_id = current_engagement().public_id
    links = {}
    for endpoint in (
        "results.staff_results",
        "export.export_form",
        "paper.entry",
        "paper.poster",
        "lifecycle.invitations",
        "lifecycle.close",
        "lifecycle.outcome",
    ):
        if endpoint in current_app.view_functions:
            links[endpoint] = url_for(endpoint, public_id=public_id)
    if "paper.printable" in current_app.view_functions:
        links["paper.printable"] = url_for("paper.printable", public_id=public_id)
    return links


@bp.get("/staff/surveys/<public_id>/")
@engagement_required()
def survey(public_id: str):
    engagement = current_engagement()
    questionnaire = services.questionnaire_of(engagement)
    return render_template(
        "questionnaires/builder/survey.html",
        engagement=engagement,
        questionnaire=questionnaire,
        answers=builder.answer_count(engagement),
        missing=_missing_items(engagement) if engagement.status == Status.DRAFT else [],
        language_gate=publish_gate(engagement) if engagement.status == Status.DRAFT else None,
        type_names=TYPE_NAMES,
        links=_other_features(),
        state=_state(engagement),
        fixed_audience=builder.fixed_audience(engagement),
    )


def _state(engagement) -> str:  # noqa: ANN001
    """draft | open | closed | upcoming, for the staff page."""
    if engagement.status == Status.DRAFT:
        return "draft"
    if engagement.is_open():
        return "open"
    now = utcnow()
    if engagement.closed_at or (engagement.closes_at and engagement.closes_at <= now):
        return "closed"
    return "upcoming"


#: Words for audiences another feature defines, by the part before the colon (``panel:<id>``:
#: "Members of ..."), registered by that feature: a function of the engagement.
AUDIENCE_NAMES = "audience_names"


def _fixed_audience(engagement) -> tuple[str, str] | None:  # noqa: ANN001
    """(value, words) of a survey's fixed audience (a panel's poll); None for other surveys."""
    if not builder.fixed_audience(engagement):
        return None
    name = current_app.extensions.get(AUDIENCE_NAMES, {}).get(engagement.audience.partition(":")[0])
    return engagement.audience, name(engagement) if name else engagement.audience


@bp.route("/staff/surveys/<public_id>/settings", methods=["GET", "POST"])
@engagement_required()
def settings(public_id: str):
    engagement = current_engagement()
    questionnaire = services.questionnaire_of(engagement)
    fixed_audience = _fixed_audience(engagement)
    form = settings_form(
        list(engagement.languages), plan_services.focus_area_choices(), fixed_audience
    )
    if request.method == "GET":
        form.title.process(None, data=engagement.title)
        form.summary.process(None, data=engagement.summary)
        form.intro.process(None, data=questionnaire.intro)
        form.closing_text.process(None, data=questionnaire.closing_text)
        form.privacy_note.process(None, data=engagement.privacy_note)
        form.languages.data = list(engagement.languages)
        form.focus_areas.data = [area.code for area in engagement.focus_areas]
        form.opens_at.data = to_local(engagement.opens_at)
        form.closes_at.data = to_local(engagement.closes_at)
        form.audience.data = engagement.audience
        form.is_anonymous.data = engagement.is_anonymous
        form.one_response.data = engagement.one_response
        form.retention_days.data = engagement.retention_days
    elif form.validate_on_submit():
        try:
            builder.update_settings(
                engagement,
                builder.SurveySettings(
                    title=form.title.data,
                    summary=form.summary.data,
                    intro=form.intro.data,
                    closing_text=form.closing_text.data,
                    privacy_note=form.privacy_note.data,
                    languages=form.languages.data,
                    focus_areas=plan_services.focus_areas_by_codes(form.focus_areas.data),
                    opens_at=to_utc(form.opens_at.data),
                    closes_at=to_utc(form.closes_at.data),
                    audience=form.audience.data,
                    is_anonymous=form.is_anonymous.data,
                    one_response=form.one_response.data,
                    retention_days=form.retention_days.data,
                ),
            )
        except QuestionnaireError as error:
            db.session.rollback()
            form.languages.errors = [problem_text(p) for p in error.problems]
        else:
            db.session.commit()
            flash(_("The settings were saved."), "success")
            return redirect(_survey_url())
    return render_template(
        "questionnaires/builder/settings.html",
        form=form,
        engagement=engagement,
        fixed_audience=fixed_audience,
    ), 422 if form.errors else 200


# --- pages ----------------------------------------------------------------------------------


def _page_or_404(questionnaire, code: str):  # noqa: ANN001, ANN202
    try:
        return builder._page(questionnaire, code)
    except LookupError:
        abort(404)


def _choices_before(questionnaire, before) -> list[tuple[str, str]]:  # noqa: ANN001
    return [
        (q.code, f"{q.code}: {tr(q.text)[:60]}")
        for q in builder.earlier_questions(questionnaire, before)
        if q.type != "info"
    ]


@bp.post("/staff/surveys/<public_id>/pages")
@engagement_required()
def add_page(public_id: str):
    questionnaire = services.questionnaire_of(current_engagement())
    page = builder.new_page(questionnaire, {})
    db.session.commit()
    flash(_("A new page was added at the end."), "success")
    return redirect(_survey_url(_anchor=f"page-{page.code}"))


@bp.route("/staff/surveys/<public_id>/pages/<page_code>", methods=["GET", "POST"])
@engagement_required()
def edit_page(public_id: str, page_code: str):
    engagement = current_engagement()
    questionnaire = services.questionnaire_of(engagement)
    page = _page_or_404(questionnaire, page_code)
    earlier = _choices_before(questionnaire, page)
    form = page_form(list(engagement.languages), earlier)
    if request.method == "GET":
        form.title.process(None, data=page.title)
        fill_condition(form.condition.form, page.condition)
    elif form.validate_on_submit():
        condition, problems = condition_data(form.condition.form, {code for code, _t in earlier})
        if not problems:
            try:
                builder.update_page(page, form.title.data, condition)
            except QuestionnaireError as error:
                db.session.rollback()
                problems = [problem_text(p) for p in error.problems]
            else:
                db.session.commit()
                flash(_("The page was saved."), "success")
                return redirect(_survey_url(_anchor=f"page-{page.code}"))
        form.condition.form.rules[0].question.errors = problems
    return render_template(
        "questionnaires/builder/page.html", form=form, engagement=engagement, page=page
    ), 422 if form.errors or any(e.question.errors for e in form.condition.form.rules) else 200


def _change(apply, done: str | None = None, first_problem_only: bool = False) -> None:  # noqa: ANN001
    """Run a builder change: commit it (and flash ``done``), or roll back and flash why not.

    Moves report only their first problem: the rest are the raw condition checks behind it.
    """
    try:
        apply()
    except QuestionnaireError as error:
        db.session.rollback()
        for problem in error.problems[:1] if first_problem_only else error.problems:
            flash(problem_text(problem), "error")
    else:
        db.session.commit()
        if done:
            flash(done, "success")


@bp.post("/staff/surveys/<public_id>/pages/<page_code>/delete")
@engagement_required()
def delete_page(public_id: str, page_code: str):
    engagement = current_engagement()
    page = _page_or_404(services.questionnaire_of(engagement), page_code)
    _change(lambda: builder.delete_page(engagement, page), _("The page was deleted."))
    return redirect(_survey_url())


@bp.post("/staff/surveys/<public_id>/pages/<page_code>/move")
@engagement_required()
def move_page(public_id: str, page_code: str):
    engagement = current_engagement()
    page = _page_or_404(services.questionnaire_of(engagement), page_code)
    step = -1 if request.form.get("direction") == "up" else 1
    _change(lambda: builder.move_page(page, step), first_problem_only=True)
    return redirect(_survey_url(_anchor=f"page-{page.code}"))


# --- questions ------------------------------------------------------------------------------


def _option_inputs(entries, languages: list[str], prefix: str) -> list[OptionInput]:  # noqa: ANN001
    """Filled rows of the options editor; a row without labels or code is left out."""
    items = []
    used: set[str] = set()
    for entry in entries:
        labels = {
            loc: (entry[f"label_{loc}"].data or "").strip()
            for loc in languages
            if f"label_{loc}" in entry.form._fields
        }
        code = (entry.code.data or "").strip()
        if not code and not any(labels.values()):
            continue
        if not code:
            number = len(items) + 1
            while f"{prefix}{number}" in used:
                number += 1
            code = f"{prefix}{number}"
        used.add(code)
        flags = entry.form._fields
        items.append(
            OptionInput(
                code=code,
                label={loc: text for loc, text in labels.items() if text},
                is_other=bool(flags.get("is_other") and entry.is_other.data),
                is_exclusive=bool(flags.get("is_exclusive") and entry.is_exclusive.data),
                is_cant_say=bool(flags.get("is_cant_say") and entry.is_cant_say.data),
            )
        )
    return items


def _fill_options(entries, options, languages: list[str]) -> None:  # noqa: ANN001
    for entry, option in zip(entries, options, strict=False):
        entry.code.data = option.code
        for loc in languages:
            if f"label_{loc}" in entry.form._fields:
                entry[f"label_{loc}"].data = option.label.get(loc, "")
        for flag in ("is_other", "is_exclusive", "is_cant_say"):
            if flag in entry.form._fields:
                entry[flag].data = getattr(option, flag)


def _question_input(form, languages: list[str], earlier_codes: set[str]):  # noqa: ANN001, ANN202
    condition, problems = condition_data(form.condition.form, earlier_codes)
    data = builder.QuestionInput(
        code=(form.code.data or "").strip(),
        text=form.text.data,
        help=form.help.data,
        required=form.required.data,
        settings=settings_data(form),
        options=_option_inputs(form.options, languages, "o") if "options" in form else [],
        rows=_option_inputs(form.rows, languages, "r") if "rows" in form else [],
        condition=condition,
    )
    return data, problems


def _default_code(questionnaire) -> str:  # noqa: ANN001
    used = {q.code for page in questionnaire.pages for q in page.questions}
    number = len(used) + 1
    while f"q{number}" in used:
        number += 1
    return f"q{number}"


def _area_options() -> list[OptionInput]:
    """The city's postal areas (config POSTAL_AREAS) as the options of an area question."""
    items = []
    for entry in current_app.config.get("POSTAL_AREAS") or []:
        code, name = (entry[0], entry[1]) if isinstance(entry, list | tuple) else (entry, entry)
        label = (
            name if isinstance(name, dict) else {"fi": str(name), "sv": str(name), "en": str(name)}
        )
        items.append(OptionInput(code=f"a{code}", label=label))
    return items


@bp.route("/staff/surveys/<public_id>/pages/<page_code>/questions/new", methods=["GET", "POST"])
@engagement_required()
def new_question(public_id: str, page_code: str):
    engagement = current_engagement()
    questionnaire = services.questionnaire_of(engagement)
    page = _page_or_404(questionnaire, page_code)
    type_name = request.values.get("type", "")
    if type_name not in REGISTRY or type_name not in TYPE_NAMES:
        return render_template(
            "questionnaires/builder/choose_type.html",
            engagement=engagement,
            page=page,
            type_names=TYPE_NAMES,
        )
    languages = list(engagement.languages)
    earlier = [
        (q.code, f"{q.code}: {tr(q.text)[:60]}")
        for p in questionnaire.pages
        for q in p.questions
        if q.type != "info" and questionnaire.pages.index(p) <= questionnaire.pages.index(page)
    ]
    defaults = _area_options() if type_name == "area" else []
    form = question_form(type_name, languages, earlier, option_count=max(len(defaults), 2))
    problems: list[str] = []
    if request.method == "GET":
        form.code.data = _default_code(questionnaire)
        if type_name == "scale":
            form.points.data = "5"
        if defaults:
            _fill_options(form.options, defaults, languages)
    elif form.validate_on_submit():
        data, problems = _question_input(form, languages, {code for code, _t in earlier})
        if not problems:
            try:
                question = builder.create_question(page, type_name, data)
            except QuestionnaireError as error:
                db.session.rollback()
                problems = [problem_text(p) for p in error.problems]
            else:
                db.session.commit()
                flash(_("The question was added."), "success")
                return redirect(_survey_url(_anchor=f"question-{question.code}"))
    return render_template(
        "questionnaires/builder/question.html",
        form=form,
        engagement=engagement,
        page=page,
        question=None,
        type_name=type_name,
        type_names=TYPE_NAMES,
        problems=problems,
        answered=builder.has_answers(engagement),
    ), 422 if form.errors or problems else 200


def _question_or_404(questionnaire, code: str):  # noqa: ANN001, ANN202
    try:
        return builder.question_by_code(questionnaire, code)
    except LookupError:
        abort(404)


@bp.route("/staff/surveys/<public_id>/questions/<question_code>", methods=["GET", "POST"])
@engagement_required()
def edit_question(public_id: str, question_code: str):
    engagement = current_engagement()
    questionnaire = services.questionnaire_of(engagement)
    question = _question_or_404(questionnaire, question_code)
    languages = list(engagement.languages)
    earlier = _choices_before(questionnaire, question)
    options = [o for o in question.options if o.role == "option"]
    rows = [o for o in question.options if o.role == "row"]
    form = question_form(
        question.type, languages, earlier, option_count=len(options), row_count=len(rows)
    )
    problems: list[str] = []
    if request.method == "GET":
        form.code.data = question.code
        form.text.process(None, data=question.text)
        form.help.process(None, data=question.help)
        form.required.data = question.is_required
        fill_settings(form, question.settings or {})
        fill_condition(form.condition.form, question.condition)
        if "options" in form:
            _fill_options(form.options, options, languages)
        if "rows" in form:
            _fill_options(form.rows, rows, languages)
    elif form.validate_on_submit():
        data, problems = _question_input(form, languages, {code for code, _t in earlier})
        if not problems:
            try:
                builder.update_question(engagement, question, data)
            except QuestionnaireError as error:
                db.session.rollback()
                problems = [problem_text(p) for p in error.problems]
            else:
                db.session.commit()
                flash(_("The question was saved."), "success")
                return redirect(_survey_url(_anchor=f"question-{question.code}"))
    return render_template(
        "questionnaires/builder/question.html",
        form=form,
        engagement=engagement,
        page=question.page,
        question=question,
        type_name=question.type,
        type_names=TYPE_NAMES,
        problems=problems,
        answered=builder.has_answers(engagement),
    ), 422 if form.errors or problems else 200


@bp.post("/staff/surveys/<public_id>/questions/<question_code>/delete")
@engagement_required()
def delete_question(public_id: str, question_code: str):
    engagement = current_engagement()
    question = _question_or_404(services.questionnaire_of(engagement), question_code)
    _change(lambda: builder.delete_question(engagement, question), _("The question was deleted."))
    return redirect(_survey_url())


@bp.post("/staff/surveys/<public_id>/questions/<question_code>/move")
@engagement_required()
def move_question(public_id: str, question_code: str):
    engagement = current_engagement()
    question = _question_or_404(services.questionnaire_of(engagement), question_code)
    step = -1 if request.form.get("direction") == "up" else 1
    _change(lambda: builder.move_question(question, step), first_problem_only=True)
    return redirect(_survey_url(_anchor=f"question-{question_code}"))


# --- preview, copy, publish -----------------------------------------------------------------


@bp.route("/staff/surveys/<public_id>/preview", methods=["GET", "POST"])
@engagement_required()
def preview(public_id: str):
    """The questionnaire as residents see it, in the page's language; nothing is stored."""
    engagement = current_engagement()
    questionnaire = services.questionnaire_of(engagement)
    spec = definition(questionnaire.id, questionnaire.version)
    key = f"preview:{public_id}"
    state = session.get(key) or {"values": {}, "page": None}
    values = MultiDict([(k, v) for k, items in state["values"].items() for v in items])
    if request.args.get("restart"):
        session.pop(key, None)
        return redirect(url_for("builder.preview", public_id=public_id))
    pages = services.shown_pages(spec, values)
    if not pages:
        flash(_("The survey has no questions yet."), "error")
        return redirect(_survey_url())
    codes = [p.code for p in pages]
    index = codes.index(state["page"]) if state["page"] in codes else 0
    problems: dict = {}
    if request.method == "POST":
        page = next((p for p in pages if p.code == request.form.get("page")), pages[index])
        kept = services.merged_values(state["values"], page, request.form)
        state["values"] = kept
        values = MultiDict([(k, v) for k, items in kept.items() for v in items])
        pages = services.shown_pages(spec, values)
        codes = [p.code for p in pages]
        index = codes.index(page.code) if page.code in codes else 0
        action = request.form.get("action", "next")
        if action == "back":
            index = max(index - 1, 0)
        elif action in ("next", "submit", "save"):
            problems = services.page_problems(spec, page, values)
            if not problems and index + 1 < len(pages):
                index += 1
            elif not problems:
                session.pop(key, None)
                flash(
                    _("The answers were fine. This was a preview: nothing was stored."), "success"
                )
                return redirect(_survey_url())
        state["page"] = codes[index]
        session[key] = state
        if not problems:
            return redirect(url_for("builder.preview", public_id=public_id))
    g.preview = True
    page = pages[index]
    errors = {code: [message(p) for p in found] for code, found in problems.items()}
    return render_template(
        "questionnaires/builder/preview.html",
        engagement=engagement,
        questionnaire=questionnaire,
        page=page,
        number=index + 1,
        total=len(pages),
        values=values,
        errors=errors,
        shown=services.shown_questions(spec, values),
    ), 422 if errors else 200


@bp.post("/staff/surveys/<public_id>/copy")
@engagement_required()
def copy(public_id: str):
    engagement = current_engagement()
    new = builder.copy_survey(engagement, created_by_id=current_user.id)
    db.session.commit()
    flash(_("This is a copy. It is a draft until you publish it."), "success")
    return redirect(url_for("builder.survey", public_id=new.public_id))


@bp.post("/staff/surveys/<public_id>/publish")
@engagement_required()
def publish(public_id: str):
    engagement = current_engagement()
    if engagement.status != Status.DRAFT:
        return redirect(_survey_url())
    if engagement.kind == Kind.EVA:
        # An EVA hearing is published with its assessment's checks, on the EVA's own page.
        flash(_("Publish the impact assessment hearing from its own page."), "error")
        return redirect(url_for("eva_staff.overview", public_id=engagement.public_id))
    try:
        services.publish(engagement)
    except QuestionnaireError:
        db.session.rollback()
        flash(_("The survey was not published. Fill in what is missing first."), "error")
        return redirect(_survey_url(_anchor="missing"))
    if not may_publish(engagement, request.form):
        db.session.rollback()
        flash(refusal(), "error")
        return redirect(_survey_url(_anchor="publish-title"))
    db.session.commit()
    flash(_("The survey was published."), "success")
    return redirect(_survey_url())
