"""Forms of the staff pages of a customer panel. Built per panel: only the offered languages get
text inputs, and the composition form has one number per category of every dimension."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    Form,
    FormField,
    IntegerField,
    SelectMultipleField,
)
from wtforms.validators import NumberRange, Optional, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.forms import BaseForm, optional_texts, translated_field
from app.i18n import LANGUAGE_NAMES, LOCALES
from app.panels.setup import MAX_SIZE, MIN_SIZE

#: The largest seed a draw stores (a signed 64-bit column).
MAX_SEED = 2**63 - 1
LANGUAGE_CHOICES = [(loc, LANGUAGE_NAMES[loc]) for loc in LOCALES]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class WholeNumberField(IntegerField):
    """An integer field that says in plain words what it wants when the input is no number."""

    def __init__(self, *args: Any, not_a_number: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.not_a_number = not_a_number or _l("Write a whole number, for example 2.")

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = int(str(valuelist[0]).strip())
        except ValueError as error:
            self.data = None
            raise ValueError(str(self.not_a_number)) from error

    def pre_validate(self, form: Any) -> None:
        # One message for input that is no number, not a second one about the range.
        if self.process_errors:
            raise StopValidation()


class ConfirmForm(BaseForm):
    """A button that changes something: only the CSRF token."""


def _size_field() -> WholeNumberField:
    return WholeNumberField(
        _l("Target size"),
        default=12,
        validators=[
            NumberRange(
                MIN_SIZE,
                MAX_SIZE,
                _l("Write a number of seats from %(min)s to %(max)s."),
            )
        ],
        description=_l("How many members the panel should have."),
        render_kw={"inputmode": "numeric"},
    )


def _open_field() -> BooleanField:
    return BooleanField(
        _l("Open panel: anyone who applies becomes a member"),
        description=_l(
            "Leave this empty to choose the members by lot, to meet the composition targets."
        ),
    )


def _languages_field(**kwargs: Any) -> MultiCheckboxField:
    return MultiCheckboxField(
        _l("Languages the panel is offered in"), choices=LANGUAGE_CHOICES, **kwargs
    )


class _Choices:
    def validate_languages(self, field: Any) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one language."))

    def validate_focus_areas(self, field: Any) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one focus area."))


def new_panel_form(focus_area_choices: list[tuple[str, str]], **kwargs: Any) -> BaseForm:
    class NewPanelForm(_Choices, BaseForm):
        title = translated_field(
            _l("Name of the panel"),
            required=False,
            max_length=200,
            description=_l(
                "For example: The library's customer panel. Write it at least in one of the "
                "chosen languages now; the rest can wait."
            ),
        )
        languages = _languages_field(default=["fi"])
        focus_areas = MultiCheckboxField(
            _l("Focus areas of the welfare plan"), choices=focus_area_choices
        )
        target_size = _size_field()
        is_open = _open_field()

        def validate(self, extra_validators: Any = None) -> bool:
            ok = super().validate(extra_validators)
            chosen = [loc for loc in LOCALES if loc in (self.languages.data or [])]
            if not any(((self.title.data or {}).get(loc) or "").strip() for loc in chosen):
                first = chosen[0] if chosen else "fi"
                self.title[first].errors = [
                    *self.title[first].errors,
                    _l("Write the panel's name in a chosen language."),
                ]
                ok = False
            return ok

    return NewPanelForm(**kwargs)


def settings_form(
    languages: list[str], focus_area_choices: list[tuple[str, str]], **kwargs: Any
) -> BaseForm:
    text = optional_texts(languages, 5000)

    class SettingsForm(_Choices, BaseForm):
        title = text(_l("Name of the panel"), textarea=False, length=200)
        summary = text(
            _l("Summary"),
            _l("Optional. One sentence in plain language for the front page."),
            length=1000,
        )
        purpose = text(
            _l("Purpose"),
            _l(
                "What the panel is for and what the members do, in plain language. Residents "
                "read it before they apply."
            ),
        )
        meeting_plan = text(
            _l("Meeting plan"),
            _l("Optional. How often and where the panel meets, e.g. four evenings a year."),
        )
        compensation = text(
            _l("Compensation"),
            _l("Optional. What members get for their time, e.g. a gift card per meeting."),
        )
        term_start = DateField(_l("Term starts"), validators=[Optional()])
        term_end = DateField(_l("Term ends"), validators=[Optional()])
        opens_at = DateTimeLocalField(
            _l("Applications open"),
            format="%Y-%m-%dT%H:%M",
            validators=[Optional()],
            description=_l("Finnish time. Leave empty to open when published."),
        )
        closes_at = DateTimeLocalField(
            _l("Applications close"),
            format="%Y-%m-%dT%H:%M",
            validators=[Optional()],
            description=_l("Finnish time. Needed before publishing."),
        )
        target_size = _size_field()
        is_open = _open_field()
        languages = _languages_field(
            description=_l(
                "Before you publish, write the name and purpose in every language you chose here."
            )
        )
        focus_areas = MultiCheckboxField(
            _l("Focus areas of the welfare plan"), choices=focus_area_choices
        )
        retention_days = IntegerField(
            _l("Keep members' contact details for (days after the term ends)"),
            validators=[
                NumberRange(30, 3650, message=_l("Enter a number from %(min)s to %(max)s.")),
            ],
            default=365,
        )

        def validate_term_end(self, field: Any) -> None:
            if field.data and self.term_start.data and field.data <= self.term_start.data:
                raise ValidationError(_l("The term must end after it starts."))

        def validate_closes_at(self, field: Any) -> None:
            if field.data and self.opens_at.data and field.data <= self.opens_at.data:
                raise ValidationError(_l("Applications must close after they open."))

    return SettingsForm(**kwargs)


def field_name(code: str) -> str:
    """The form field name of a category code (codes that clash with a form's own attributes
    get a prefix)."""
    return f"c_{code}" if hasattr(Form, code) or code.startswith("_") else code


def composition_form(
    dimensions: Sequence[tuple[str, str, Sequence[tuple[str, str]]]], **kwargs: Any
) -> BaseForm:
    """One fieldset per dimension (code, label, [(category code, label)]), one whole number per
    category; ``.quotas()`` gives {dimension: {category: seats}}."""

    class CompositionForm(BaseForm):
        def quotas(self) -> dict[str, dict[str, int]]:
            result: dict[str, dict[str, int]] = {}
            for code, _label, options in dimensions:
                sub = self[code]
                result[code] = {
                    category: sub[field_name(category)].data or 0 for category, _ in options
                }
            return result

    for code, label, options in dimensions:

        class DimensionForm(Form):
            pass

        for category, category_label in options:
            setattr(
                DimensionForm,
                field_name(category),
                WholeNumberField(
                    category_label,
                    validators=[
                        Optional(),
                        NumberRange(
                            0,
                            MAX_SIZE,
                            _l("Write 0 or more seats, at most %(max)s."),
                        ),
                    ],
                    render_kw={"inputmode": "numeric"},
                ),
            )
        setattr(CompositionForm, code, FormField(DimensionForm, label=label, separator="-"))
    return CompositionForm(**kwargs)


def draw_form(**kwargs: Any) -> BaseForm:
    class DrawForm(BaseForm):
        seed = WholeNumberField(
            _l("Random seed"),
            validators=[
                Optional(),
                NumberRange(
                    0, MAX_SEED, _l("Write a whole number of 0 or more, or leave it empty.")
                ),
            ],
            not_a_number=_l("Write a whole number, or leave it empty for a random one."),
            description=_l(
                "Optional. Leave it empty and the seed is chosen at random. The same seed and the "
                "same applicants always give the same result."
            ),
            render_kw={"inputmode": "numeric", "autocomplete": "off"},
        )

    return DrawForm(**kwargs)
