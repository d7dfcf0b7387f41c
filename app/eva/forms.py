"""Forms of the staff side of an EVA. Built per EVA: only the offered languages get text inputs."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.forms import BaseForm, optional_texts, translated_field
from app.eva.catalogue import AREA_CODE_PATTERN
from app.eva.models import AFFECTED_GROUPS, TRIGGERS, ImpactGroup
from app.i18n import LANGUAGE_NAMES, LOCALES

#: The screening triggers in words (Sastamala / Kuntaliitto, see research §1.3).
TRIGGER_LABELS = {
    "residents": _l(
        "Significant effect on residents, or on a specific group (age, gender, language, "
        "health, income…) or area"
    ),
    "staff": _l("Effect on the city's staff"),
    "cost": _l("An investment or a long-term cost, as a rule €100,000 or more"),
    "business": _l("Effect on the conditions for businesses"),
    "employment": _l("Significant effect on employment"),
    "service_network": _l("A change in the service network or in how services are organised"),
    "strategy": _l("The city's strategy and goals"),
}

GROUP_LABELS = {
    ImpactGroup.PEOPLE: _l("Impacts on people"),
    ImpactGroup.ENVIRONMENT: _l("Environment and climate"),
    ImpactGroup.ECONOMY: _l("Economy"),
    ImpactGroup.EMPLOYMENT: _l("Employment"),
    ImpactGroup.ORGANISATION: _l("Organisation and staff"),
}

#: The direction of an impact: the symbol and its words (never the symbol alone).
DIRECTION_LABELS = {
    "+": _l("+ positive"),
    "-": _l("− negative"),
    "0": _l("0 no effect"),
    "?": _l("? not known yet"),
}
DIRECTION_WORDS = {
    "+": _l("positive"),
    "-": _l("negative"),
    "0": _l("no effect"),
    "?": _l("not known yet"),
}
SIGNIFICANCE_LABELS = {"small": _l("small"), "medium": _l("medium"), "large": _l("large")}
TIME_SPAN_LABELS = {"short": _l("short term"), "long": _l("long term")}
GROUP_OF_PEOPLE_LABELS = {
    "age": _l("age groups"),
    "gender": _l("genders"),
    "language": _l("language and cultural groups"),
    "socioeconomic": _l("socio-economic groups"),
    "area": _l("residents of an area"),
}


LANGUAGE_CHOICES = [(loc, LANGUAGE_NAMES[loc]) for loc in LOCALES]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ConfirmForm(BaseForm):
    """A button that changes something: only the CSRF token."""


def _trigger_field() -> MultiCheckboxField:
    return MultiCheckboxField(
        _l("Which of these does the change have?"),
        choices=[(code, TRIGGER_LABELS[code]) for code in TRIGGERS],
        description=_l("An EVA and a hearing are done when any of these applies."),
    )


def _skip_reason_field() -> TextAreaField:
    return TextAreaField(
        _l("Why no EVA is done"),
        description=_l(
            "Needed when none of the above applies. For example: the decision concerns one "
            "person, or only fixes an earlier decision. It is kept in the EVA register."
        ),
        validators=[Length(max=2000)],
        render_kw={"rows": 3},
    )


class _ScreeningRules:
    def validate_skip_reason(self, field: Any) -> None:
        if not self.triggers.data and not (field.data or "").strip():  # type: ignore[attr-defined]
            raise ValidationError(
                _l("No trigger applies: write why no EVA is done, or choose a trigger.")
            )


def new_eva_form(focus_area_choices: list[tuple[str, str]], **kwargs: Any) -> BaseForm:
    class NewEvaForm(_ScreeningRules, BaseForm):
        title = translated_field(
            _l("The change, in a few words"),
            required=False,
            max_length=200,
            description=_l(
                "For example: Merging the school libraries of Kirkkopuisto and Syväkangas. "
                "Write it at least in one language now; the rest can wait."
            ),
        )
        languages = MultiCheckboxField(
            _l("Languages the hearing is offered in"), choices=LANGUAGE_CHOICES, default=["fi"]
        )
        focus_areas = MultiCheckboxField(
            _l("Focus areas of the welfare plan"), choices=focus_area_choices
        )
        triggers = _trigger_field()
        skip_reason = _skip_reason_field()

        def validate_languages(self, field: Any) -> None:
            if not field.data:
                raise ValidationError(_l("Choose at least one language."))

        def validate(self, extra_validators: Any = None) -> bool:
            ok = super().validate(extra_validators)
            if not any((self.title.data or {}).get(loc) for loc in self.languages.data or []):
                first = (self.languages.data or ["fi"])[0]
                self.title[first].errors = [*self.title[first].errors, _l("Write a title.")]
                ok = False
            return ok

    return NewEvaForm(**kwargs)


class ScreeningForm(_ScreeningRules, BaseForm):
    triggers = _trigger_field()
    skip_reason = _skip_reason_field()


def change_form(
    languages: list[str], focus_area_choices: list[tuple[str, str]], **kwargs: Any
) -> BaseForm:
    text = optional_texts(languages, 5000)

    class ChangeForm(BaseForm):
        title = text(_l("Title"), textarea=False, length=200)
        summary = text(
            _l("Summary"),
            _l("One or two sentences in plain language for the front page and the hearing page."),
            length=1000,
        )
        proposal = text(_l("What is proposed"), _l("What would change, where and when."))
        rationale = text(_l("Why"), _l("The reasons for the change."))
        decision_maker = text(
            _l("Who decides"),
            _l("The board or committee, e.g. Sivistyslautakunta."),
            textarea=False,
            length=200,
        )
        decision_due = DateField(
            _l("Decision date"),
            validators=[Optional()],
            description=_l("When the decision is expected. Optional."),
        )
        use_of_input = text(
            _l("How the input will be used"),
            _l("Tell residents what happens with their answers and comments."),
        )
        easy_read = text(
            _l("Easy-read summary"),
            _l("Optional. A short version in easy language (selkokieli)."),
        )
        children_affected = BooleanField(
            _l("Children and young people are affected"),
            description=_l("A version for children and young people is then needed."),
        )
        children_summary = text(
            _l("Version for children and young people"),
            _l("Tell children and young people what would change for them, in their words."),
        )
        opens_at = DateTimeLocalField(
            _l("Hearing opens"),
            format="%Y-%m-%dT%H:%M",
            validators=[Optional()],
            description=_l("Finnish time. Leave empty to open when published."),
        )
        closes_at = DateTimeLocalField(
            _l("Hearing closes"),
            format="%Y-%m-%dT%H:%M",
            validators=[Optional()],
            description=_l("Finnish time. Needed before publishing."),
        )
        languages = MultiCheckboxField(
            _l("Languages the hearing is offered in"),
            choices=LANGUAGE_CHOICES,
            description=_l(
                "Before you publish, write every text in every language you chose here."
            ),
        )
        focus_areas = MultiCheckboxField(
            _l("Focus areas of the welfare plan"), choices=focus_area_choices
        )
        privacy_note = text(
            _l("Privacy note"),
            _l("Optional. What personal data is collected, why, and how long it is kept."),
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

        def validate_closes_at(self, field: Any) -> None:
            if field.data and self.opens_at.data and field.data <= self.opens_at.data:
                raise ValidationError(_l("The hearing must close after it opens."))

    return ChangeForm(**kwargs)


def alternative_form(languages: list[str], **kwargs: Any) -> BaseForm:
    class AlternativeForm(BaseForm):
        label = translated_field(
            _l("Name of the alternative"),
            required=False,
            max_length=200,
            description=_l("Short and plain, e.g. Merge the libraries at Kirkkopuisto school."),
            locales=languages,
        )
        description = translated_field(
            _l("Description"),
            required=False,
            textarea=True,
            max_length=5000,
            description=_l("What this alternative would mean in practice. Optional."),
            locales=languages,
        )

        def validate(self, extra_validators: Any = None) -> bool:
            ok = super().validate(extra_validators)
            if not any((self.label.data or {}).values()):
                first = languages[0]
                self.label[first].errors = [
                    *self.label[first].errors,
                    _l("Write the alternative's name."),
                ]
                ok = False
            return ok

    return AlternativeForm(**kwargs)


class AreasForm(BaseForm):
    areas = MultiCheckboxField(_l("Relevant impact areas"), choices=[], coerce=int)


def cell_form_class(languages: list[str]) -> type[Form]:
    """The fields of one matrix cell (one alternative of one impact area)."""

    class CellForm(Form):
        direction = RadioField(
            _l("Direction of the impact"),
            choices=list(DIRECTION_LABELS.items()),
            validators=[DataRequired(_l("Choose the direction of the impact."))],
            default="?",
        )
        significance = RadioField(
            _l("Significance"),
            choices=list(SIGNIFICANCE_LABELS.items()),
            validators=[Optional()],
        )
        groups = MultiCheckboxField(
            _l("Falls mostly on"),
            choices=[(code, GROUP_OF_PEOPLE_LABELS[code]) for code in AFFECTED_GROUPS],
        )
        time_span = RadioField(
            _l("Time span"), choices=list(TIME_SPAN_LABELS.items()), validators=[Optional()]
        )
        evidence = translated_field(
            _l("Evidence"),
            required=False,
            textarea=True,
            max_length=5000,
            description=_l("Statistics, studies, experts or residents the assessment rests on."),
            locales=languages,
        )
        mitigation = translated_field(
            _l("Mitigation"),
            required=False,
            textarea=True,
            max_length=5000,
            description=_l("How negative impacts would be reduced or compensated."),
            locales=languages,
        )

    return CellForm


def matrix_area_form(
    languages: list[str], alternatives: list[tuple[str, str]], **kwargs: Any
) -> BaseForm:
    """One fieldset per alternative: ``alternatives`` are (code, label) pairs."""
    cell = cell_form_class(languages)

    class MatrixAreaForm(BaseForm):
        pass

    for code, label in alternatives:
        setattr(
            MatrixAreaForm, code.lower(), FormField(cell, label=f"{code} {label}", separator="-")
        )
    return MatrixAreaForm(**kwargs)


def impact_area_form(is_new: bool, **kwargs: Any) -> BaseForm:
    class ImpactAreaForm(BaseForm):
        label = translated_field(_l("Name"), max_length=200)
        guidance = translated_field(
            _l("Guidance"),
            textarea=True,
            max_length=1000,
            description=_l("One sentence: what to think about under this area."),
        )
        group = SelectField(
            _l("Group"), choices=[(group.value, label) for group, label in GROUP_LABELS.items()]
        )
        position = IntegerField(
            _l("Position in the group"),
            default=100,
            validators=[NumberRange(0, 10000, _l("Enter a number from %(min)s to %(max)s."))],
            description=_l("Smaller numbers come first."),
        )
        is_active = BooleanField(
            _l("Offered for new assessments"),
            default=True,
            description=_l("A retired area stays in old assessments."),
        )

    if is_new:

        def _code_check(form: Any, field: Any) -> None:
            if not AREA_CODE_PATTERN.match(field.data or ""):
                raise ValidationError(
                    _l(
                        "Start with a letter a–z; then use only letters a–z, digits and _ "
                        "(at most 30)."
                    )
                )

        ImpactAreaForm.code = StringField(
            _l("Code"),
            description=_l("Stable: exports and hearing questions use it. It cannot change later."),
            validators=[DataRequired(_l("Write a code.")), _code_check],
            render_kw={"autocomplete": "off", "spellcheck": "false"},
        )
    return ImpactAreaForm(**kwargs)
