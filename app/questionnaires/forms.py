"""Forms of the survey builder. Built per survey: only the offered languages get text inputs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.forms import BaseForm, optional_texts, translated_field
from app.i18n import LANGUAGE_NAMES, LOCALES
from app.questionnaires.builder import CODE_PATTERN


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _code_check(form: Form, field: Any) -> None:
    if field.data and not CODE_PATTERN.match(field.data):
        raise ValidationError(
            _l("Start with a letter a–z; then use only letters a–z, digits and _ (at most 40).")
        )


LANGUAGE_CHOICES = [(loc, LANGUAGE_NAMES[loc]) for loc in LOCALES]


def new_survey_form(focus_area_choices: list[tuple[str, str]], **kwargs: Any) -> BaseForm:
    class NewSurveyForm(BaseForm):
        title = translated_field(
            _l("Title"),
            required=False,
            max_length=200,
            description=_l("Write the title at least in one language now; the rest can wait."),
        )
        languages = MultiCheckboxField(
            _l("Languages the survey is offered in"), choices=LANGUAGE_CHOICES, default=["fi"]
        )
        focus_areas = MultiCheckboxField(
            _l("Focus areas of the welfare plan"), choices=focus_area_choices
        )

        def validate_languages(self, field: Any) -> None:
            if not field.data:
                raise ValidationError(_l("Choose at least one language."))

        def validate_focus_areas(self, field: Any) -> None:
            if not field.data:
                raise ValidationError(_l("Choose at least one focus area."))

        def validate(self, extra_validators: Any = None) -> bool:
            ok = super().validate(extra_validators)
            if not any((self.title.data or {}).get(loc) for loc in self.languages.data or []):
                first = (self.languages.data or ["fi"])[0]
                self.title[first].errors = [*self.title[first].errors, _l("Write a title.")]
                ok = False
            return ok

    return NewSurveyForm(**kwargs)


def settings_form(
    languages: list[str],
    focus_area_choices: list[tuple[str, str]],
    fixed_audience: tuple[str, str] | None = None,
    **kwargs: Any,
) -> BaseForm:
    """``fixed_audience`` (value, words) is the only audience of a survey another feature gave
    its audience, such as a panel's poll (``panel:<id>``, "Members of ...")."""
    text = optional_texts(languages, 4000)
    audience_choices = (
        [fixed_audience]
        if fixed_audience
        else [
            ("public", _l("Anyone: listed on the front page")),
            ("link", _l("Anyone with the link: not listed")),
            ("invited", _l("Only invited people, with a single-use code")),
        ]
    )

    class SettingsForm(BaseForm):
        title = text(_l("Title"), textarea=False, length=200)
        summary = text(
            _l("What the survey is about"),
            _l("One or two sentences for the front page and the survey page."),
            length=1000,
        )
        intro = text(
            _l("How the answers will be used"),
            _l("Who decides what, and when. Residents see this before they start."),
        )
        closing_text = text(
            _l("What happens next"),
            _l("Shown on the thank-you page, e.g. when the results come."),
        )
        privacy_note = text(
            _l("Privacy note"),
            _l("What personal data is collected, why, and how long it is kept."),
        )
        languages = MultiCheckboxField(
            _l("Languages the survey is offered in"),
            choices=LANGUAGE_CHOICES,
            description=_l(
                "Before you publish, write every text in every language you chose here."
            ),
        )
        focus_areas = MultiCheckboxField(
            _l("Focus areas of the welfare plan"), choices=focus_area_choices
        )
        opens_at = DateTimeLocalField(
            _l("Opens"),
            format="%Y-%m-%dT%H:%M",
            validators=[Optional()],
            description=_l("Finnish time. Leave empty to open when published."),
        )
        closes_at = DateTimeLocalField(
            _l("Closes"),
            format="%Y-%m-%dT%H:%M",
            validators=[Optional()],
            description=_l("Finnish time. Leave empty to keep it open until you close it."),
        )
        audience = RadioField(
            _l("Who may answer"),
            choices=audience_choices,
            default=audience_choices[0][0],
            validate_choice=False,
        )
        is_anonymous = BooleanField(
            _l("Anonymous answers"),
            description=_l("No names, e-mail addresses or IP addresses are stored with answers."),
        )
        one_response = BooleanField(
            _l("One answer per person"),
            description=_l(
                "People cannot answer again from the same browser or with the same code."
            ),
        )
        retention_days = IntegerField(
            _l("Keep contact details and free text for (days after closing)"),
            validators=[
                NumberRange(30, 3650, message=_l("Enter a number from %(min)s to %(max)s.")),
            ],
            default=365,
        )

        def validate_languages(self, field: Any) -> None:
            if not field.data:
                raise ValidationError(_l("Choose at least one language."))

        def validate_focus_areas(self, field: Any) -> None:
            if not field.data:
                raise ValidationError(_l("Choose at least one focus area."))

        def validate_audience(self, field: Any) -> None:
            if field.data not in {value for value, _label in audience_choices}:
                raise ValidationError(_l("Choose who may answer."))

        def validate_closes_at(self, field: Any) -> None:
            if field.data and self.opens_at.data and field.data <= self.opens_at.data:
                raise ValidationError(_l("The closing time must be after the opening time."))

    return SettingsForm(**kwargs)


OPERATOR_CHOICES = [
    ("answered", _l("is answered")),
    ("not_answered", _l("is not answered")),
    ("equals", _l("is (option code or text)")),
    ("one_of", _l("is one of (codes separated by commas)")),
    ("greater_than", _l("is greater than (number)")),
    ("less_than", _l("is less than (number)")),
]

RULES = 3


class RuleForm(Form):
    question = SelectField(_l("Question"), choices=[], validate_choice=False)
    op = SelectField(
        _l("Condition"), choices=OPERATOR_CHOICES, default="answered", validate_choice=False
    )
    value = StringField(_l("Value"))


def condition_field(earlier: list[tuple[str, str]]) -> Any:
    class ConditionForm(Form):
        match = RadioField(
            _l("Show it when"),
            choices=[("all", _l("all the rules hold")), ("any", _l("any rule holds"))],
            default="all",
            validate_choice=False,
        )
        rules = FieldList(
            FormField(RuleForm), label=_l("Rule"), min_entries=RULES, max_entries=RULES
        )

    field = FormField(ConditionForm, label=_l("Display condition"), separator="-")
    field.earlier = earlier
    return field


def condition_data(form: Any, earlier_codes: set[str]) -> tuple[dict | None, list[str]]:
    """The condition as stored data, and problems to show; no rules = always shown."""
    rules, problems = [], []
    for entry in form.rules:
        code = entry.question.data
        if not code:
            continue
        if code not in earlier_codes:
            problems.append(str(_l("A condition can only refer to a question before it.")))
            continue
        op, raw = entry.op.data, (entry.value.data or "").strip()
        if op not in dict(OPERATOR_CHOICES):
            problems.append(str(_l("Choose a condition from the list.")))
            continue
        rule: dict[str, Any] = {"question": code, "op": op}
        if op in ("equals",):
            if not raw:
                problems.append(str(_l("Write the value the condition compares with.")))
            rule["value"] = raw
        elif op == "one_of":
            values = [item.strip() for item in raw.split(",") if item.strip()]
            if not values:
                problems.append(str(_l("Write at least one option code.")))
            rule["value"] = values
        elif op in ("greater_than", "less_than"):
            try:
                rule["value"] = float(Decimal(raw.replace(",", ".")))
            except ArithmeticError:
                problems.append(str(_l("Write a number, e.g. 3 or 2,5.")))
        rules.append(rule)
    if not rules:
        return None, problems
    match = form.match.data if form.match.data in ("all", "any") else "all"
    return {"match": match, "rules": rules}, problems


def fill_condition(form: Any, condition: dict | None) -> None:
    if not condition:
        return
    form.match.data = condition.get("match", "all")
    for entry, rule in zip(form.rules, condition.get("rules", []), strict=False):
        entry.question.data = rule.get("question")
        entry.op.data = rule.get("op")
        value = rule.get("value")
        if isinstance(value, list):
            entry.value.data = ", ".join(value)
        elif value is not None:
            entry.value.data = (
                format(Decimal(str(value)).normalize(), "f").replace(".", ",")
                if (isinstance(value, int | float))
                else str(value)
            )


def page_form(languages: list[str], earlier: list[tuple[str, str]], **kwargs: Any) -> BaseForm:
    class PageForm(BaseForm):
        title = translated_field(
            _l("Page heading"), required=False, max_length=200, locales=languages
        )
        condition = condition_field(earlier)

    form = PageForm(**kwargs)
    for entry in form.condition.rules:
        entry.question.choices = [("", _l("(no rule)")), *earlier]
    return form


#: Extra empty rows in the options editor, for adding options without JavaScript.
SPARE_ROWS = 3


def _option_form(languages: list[str], with_flags: bool) -> type[Form]:
    class OptionForm(Form):
        code = StringField(_l("Code"), validators=[_code_check])

    for loc in [loc for loc in LOCALES if loc in languages]:
        setattr(
            OptionForm, f"label_{loc}", StringField(LANGUAGE_NAMES[loc], render_kw={"lang": loc})
        )
    if with_flags:
        OptionForm.is_other = BooleanField(_l("Other, please specify"))
        OptionForm.is_exclusive = BooleanField(_l("None of these (excludes the others)"))
        OptionForm.is_cant_say = BooleanField(_l("Can't say (left out of shares)"))
    return OptionForm


def question_form(
    type_name: str,
    languages: list[str],
    earlier: list[tuple[str, str]],
    option_count: int = 0,
    row_count: int = 0,
    **kwargs: Any,
) -> BaseForm:
    """The question editor: common fields, the type's settings, options or rows, condition."""

    class QuestionForm(BaseForm):
        code = StringField(
            _l("Code"),
            description=_l(
                "Short and permanent: exports and conditions use it, e.g. q1 or satisfaction."
            ),
            validators=[_code_check],
            render_kw={"spellcheck": "false", "autocapitalize": "none"},
        )
        text = translated_field(
            _l("Question") if type_name != "info" else _l("Text"),
            required=False,
            textarea=True,
            max_length=2000,
            locales=languages,
        )
        help = translated_field(
            _l("Help text"),
            required=False,
            textarea=True,
            max_length=1000,
            locales=languages,
            description=_l("Optional: an example or what the question means."),
        )
        required = BooleanField(_l("An answer is required"))
        condition = condition_field(earlier)

        def validate_code(self, field: Any) -> None:
            if not field.data:
                raise ValidationError(_l("Enter a code."))

    if type_name in ("short_text", "long_text"):
        QuestionForm.max_length = IntegerField(
            _l("Longest answer (characters)"),
            validators=[
                Optional(),
                NumberRange(1, 20000, message=_l("Enter a number from %(min)s to %(max)s.")),
            ],
        )
    if type_name == "single_choice":
        QuestionForm.display = RadioField(
            _l("Shown as"),
            choices=[("radio", _l("Radio buttons")), ("dropdown", _l("A dropdown list"))],
            default="radio",
            validate_choice=False,
        )
    if type_name == "multiple_choice":
        QuestionForm.min_choices = IntegerField(
            _l("At least this many choices"),
            validators=[
                Optional(),
                NumberRange(0, 50, message=_l("Enter a number from %(min)s to %(max)s.")),
            ],
        )
        QuestionForm.max_choices = IntegerField(
            _l("At most this many choices"),
            validators=[
                Optional(),
                NumberRange(1, 50, message=_l("Enter a number from %(min)s to %(max)s.")),
            ],
        )
    if type_name in ("scale", "matrix"):
        QuestionForm.points = RadioField(
            _l("Scale"),
            choices=[("5", _l("1–5")), ("7", _l("1–7"))],
            default="5",
            validate_choice=False,
        )
    if type_name in ("scale", "matrix", "rating"):
        QuestionForm.low_label = translated_field(
            _l("Label of the lowest value"), required=False, max_length=100, locales=languages
        )
        QuestionForm.high_label = translated_field(
            _l("Label of the highest value"), required=False, max_length=100, locales=languages
        )
    if type_name == "ranking":
        QuestionForm.rank_all = BooleanField(_l("Every option must be ranked"))
    if type_name == "number":
        QuestionForm.min = DecimalField(
            _l("Smallest allowed"), validators=[Optional()], places=None
        )
        QuestionForm.max = DecimalField(_l("Largest allowed"), validators=[Optional()], places=None)
        QuestionForm.integer = BooleanField(_l("Whole numbers only"))
    if type_name in ("single_choice", "multiple_choice", "ranking", "area", "scale", "rating"):
        flags = type_name in ("single_choice", "multiple_choice", "area")
        QuestionForm.options = FieldList(
            FormField(_option_form(languages, flags or type_name in ("scale", "rating"))),
            min_entries=option_count + SPARE_ROWS,
        )
    if type_name == "matrix":
        QuestionForm.rows = FieldList(
            FormField(_option_form(languages, False)), min_entries=row_count + SPARE_ROWS
        )
    form = QuestionForm(**kwargs)
    for entry in form.condition.rules:
        entry.question.choices = [("", _l("(no rule)")), *earlier]
    return form


SETTING_FIELDS = (
    "max_length",
    "display",
    "min_choices",
    "max_choices",
    "points",
    "rank_all",
    "min",
    "max",
    "integer",
)


def settings_data(form: Any) -> dict[str, Any]:
    """The question's type-specific settings from the form (only what the type has)."""
    settings: dict[str, Any] = {}
    for name in SETTING_FIELDS:
        if name in form._fields:
            value = form[name].data
            if name == "points":
                value = 7 if value == "7" else 5
            if name == "display" and value not in ("radio", "dropdown"):
                value = "radio"
            if isinstance(value, Decimal):
                value = float(value)
            if value not in (None, "", False):
                settings[name] = value
    for name in ("low_label", "high_label"):
        if name in form._fields:
            label = {
                loc: text.strip() for loc, text in form[name].data.items() if text and text.strip()
            }
            if label:
                settings[name] = label
    return settings


def fill_settings(form: Any, settings: dict[str, Any]) -> None:
    for name, value in settings.items():
        if name not in form._fields:
            continue
        if name in ("low_label", "high_label") and isinstance(value, dict):
            inner = form[name].form
            for loc, text in value.items():
                if loc in inner._fields:
                    inner[loc].data = text
        elif name == "points":
            form[name].data = str(value)
        elif name in ("min", "max"):
            form[name].data = Decimal(str(value))
        else:
            form[name].data = value
