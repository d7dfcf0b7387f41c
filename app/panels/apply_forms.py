"""The application form of a customer panel and the words for its problems.

The form itself checks only its CSRF token: every rule of an application lives in
:func:`app.panels.services.problems`, which the view asks for all problems at once and shows them
here, beside their fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField

from app.core.forms import BaseForm, GuardedForm
from app.panels import services
from app.panels.models import Panel

#: More options than this are a drop-down list instead of radio buttons (postal areas).
MAX_RADIOS = 7
#: The built-in answer some dimensions already have for not saying (gender).
NOT_SAID = "not-said"

MESSAGES = {
    "name_missing": _l("Write your name."),
    "name_too_long": _l("Your name is too long. Write at most 120 characters."),
    "email_invalid": _l("Write your e-mail address, for example name@example.com."),
    "band_invalid": _l("Choose one of the options."),
    "consent_missing": _l("To apply, agree that we store your application."),
    "closed": _l("This panel no longer takes applications."),
    "already_applied": _l(
        "You have already applied to this panel with this e-mail address. "
        "You do not need to apply again."
    ),
}
MOTIVATION_TOO_LONG = _l(
    "Write at most %(max)d characters. Your text has %(length)d characters.",
)


def message(reason: str, form: BaseForm | None = None) -> str:
    """The words for a reason code of :func:`services.problems` or a PanelError."""
    if reason == "motivation_too_long" and form is not None:
        return str(
            MOTIVATION_TOO_LONG
            % {"max": services.MAX_MOTIVATION, "length": len(form.motivation.data or "")}
        )
    return str(MESSAGES.get(reason, _l("Check this answer.")))


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def band_field_name(dimension: str) -> str:
    """The form field of a dimension: the name :func:`services.problems` reports."""
    return f"band_{dimension}"


def _band_field(panel: Panel, dimension: str, locale: str) -> RadioField | SelectField:
    options = services.dimension_options(panel, dimension, locale)
    choices = list(options)
    if not any(code == NOT_SAID for code, _label in options):
        choices.insert(0, ("", _l("I prefer not to say")))
    # services.problems checks the answer, so a wrong one is told beside the field.
    kwargs: dict[str, Any] = {
        "choices": choices,
        "validate_choice": False,
        "default": "",
        "description": _l("Optional."),
    }
    label = services.dimension_label(panel, dimension, locale)
    if len(choices) > MAX_RADIOS:
        return SelectField(label, **kwargs)
    return RadioField(label, **kwargs)


class _ApplyFormBase(GuardedForm):
    dimensions: tuple[str, ...] = ()

    def application(self, locale: str) -> services.ApplicationInput:
        """What was typed, for :func:`services.problems` and :func:`services.apply`."""
        return services.ApplicationInput(
            email=self.email.data or "",
            name=self.name.data or "",
            locale=locale,
            bands={dim: self[band_field_name(dim)].data or "" for dim in self.dimensions},
            motivation=self.motivation.data or "",
            consent=bool(self.consent.data),
        )

    def show_problems(self, found: Iterable[tuple[str, str]]) -> None:
        """Put each problem's words on its field (the error summary lists them)."""
        for field_name, reason in found:
            field = self._fields.get(field_name) or self.email
            field.errors = [*field.errors, message(reason, self)]


def apply_form(panel: Panel, locale: str, **kwargs: Any) -> _ApplyFormBase:
    """The application form for ``panel``: contact details, one question per composition
    dimension, motivation, consent and a trap field for robots."""

    class ApplyForm(_ApplyFormBase):
        pass

    # Fields are added in the order they are shown (and listed in the error summary).
    ApplyForm.name = StringField(
        _l("Your name"),
        filters=[_strip],
        render_kw={"autocomplete": "name", "maxlength": 120},
    )
    ApplyForm.email = StringField(
        _l("E-mail address"),
        description=_l("We send a confirmation here, and later news about the panel."),
        filters=[_strip],
        render_kw={"type": "email", "autocomplete": "email", "spellcheck": "false"},
    )
    dimensions = tuple(services.dimensions(panel))
    ApplyForm.dimensions = dimensions
    for dimension in dimensions:
        setattr(ApplyForm, band_field_name(dimension), _band_field(panel, dimension, locale))
    ApplyForm.motivation = TextAreaField(
        _l("Why would you like to take part?"),
        description=_l("Optional. At most %(max)d characters.", max=services.MAX_MOTIVATION),
        render_kw={"rows": 6},
    )
    ApplyForm.consent = BooleanField(
        _l("I agree that my application is stored as described above.")
    )
    return ApplyForm(**kwargs)
