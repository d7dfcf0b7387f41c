"""Form pieces shared by the features: translated-text fields."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, FormField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.i18n import LANGUAGE_NAMES, LOCALES


def translated_field(
    label: Any,
    required: bool = True,
    textarea: bool = False,
    max_length: int = 500,
    description: Any = "",
) -> FormField:
    """A fieldset with one input per language; ``.data`` is ``{"fi": ..., "sv": ..., ...}``."""
    field_class = TextAreaField if textarea else StringField

    class TranslatedForm(Form):
        pass

    for locale in LOCALES:
        validators = (
            [DataRequired(message=_l("Write this text in every language."))]
            if required
            else [Optional()]
        )
        validators.append(Length(max=max_length, message=_l("Write at most %(max)d characters.")))
        setattr(
            TranslatedForm,
            locale,
            field_class(LANGUAGE_NAMES[locale], validators=validators, render_kw={"lang": locale}),
        )
    return FormField(TranslatedForm, label=label, description=description, separator="-")


class BaseForm(FlaskForm):
    """A FlaskForm (CSRF included) whose errors can be listed in one error summary."""

    def error_list(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) for every error, in form order."""
        items = []
        for field in self:
            if isinstance(field, FormField):
                for sub in field:
                    for message in sub.errors:
                        items.append((sub.id, f"{field.label.text}: {sub.label.text}", message))
            else:
                for message in field.errors:
                    items.append((field.id, field.label.text, message))
        return items
