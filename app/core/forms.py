"""Form pieces shared by the features: translated-text fields."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.i18n import LANGUAGE_NAMES, LOCALES


def optional_texts(languages: list[str], default_length: int) -> Any:
    """A maker of optional translated text fields in ``languages`` (a settings form's texts:
    publishing, not the form, checks that every language has every text)."""

    def text(label: Any, description: Any = "", textarea: bool = True, length: int = 0) -> Any:
        return translated_field(
            label,
            required=False,
            textarea=textarea,
            max_length=length or default_length,
            description=description,
            locales=languages,
        )

    return text


def translated_field(
    label: Any,
    required: bool = True,
    textarea: bool = False,
    max_length: int = 500,
    description: Any = "",
    locales: tuple[str, ...] | list[str] = LOCALES,
) -> FormField:
    """A fieldset with one input per language; ``.data`` is ``{"fi": ..., "sv": ..., ...}``.

    ``locales`` limits the inputs to the languages something is offered in (a survey's).
    """
    field_class = TextAreaField if textarea else StringField

    class TranslatedForm(Form):
        pass

    for locale in [loc for loc in LOCALES if loc in locales]:
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
        """(field id, label, message) for every error, in form order, nested forms included."""
        items: list[tuple[str, str, str]] = []

        def walk(fields: Any, prefix: str) -> None:
            for field in fields:
                if isinstance(field, FormField):
                    walk(field, f"{prefix}{field.label.text}: ")
                elif isinstance(field, FieldList):
                    for number, entry in enumerate(field, start=1):
                        label = f"{prefix}{field.label.text} {number}: "
                        walk(entry if isinstance(entry, FormField) else [entry], label)
                else:
                    for message in field.errors:
                        items.append((field.id, f"{prefix}{field.label.text}", message))

        walk(self, "")
        return items
