"""Form pieces shared by the features: translated-text fields, the error list, the robot guard."""

from __future__ import annotations

import time
from typing import Any

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from itsdangerous import BadData, URLSafeTimedSerializer
from wtforms import FieldList, Form, FormField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

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


#: The name of the editors' "Check language" button (``forms.submit(..., check=True)``): the form
#: comes back with each text's plain-language findings under it, and nothing is saved.
CHECK_LANGUAGE = "check_language"


def language_check_requested() -> bool:
    """The request is a form sent with its "Check language" button."""
    return request.method == "POST" and CHECK_LANGUAGE in request.form


class BaseForm(FlaskForm):
    """A FlaskForm (CSRF included) whose errors can be listed in one error summary."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        formdata = args[0] if args else kwargs.get("formdata", "from the request")
        #: False for a form built from stored data (``formdata=None``) on a page that received
        #: another form: that one was not sent.
        self.from_request = formdata is not None

    def checking_language(self) -> bool:
        """This form was sent with its "Check language" button."""
        return self.from_request and language_check_requested()

    def validate_on_submit(self, extra_validators: Any = None) -> bool:
        """As FlaskForm's, but a language check is never valid: the view shows the form again
        with what was typed, and the ``translated`` macro shows the findings under each text."""
        if self.checking_language():
            return False
        return super().validate_on_submit(extra_validators)

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


#: A form shown longer ago than this is stamped again (and sent once more by the resident).
FORM_STAMP_MAX_AGE = 24 * 3600


def _stamper() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="form-started")


def form_stamp() -> str:
    """A signed "this form was shown now" value for :class:`GuardedForm`'s hidden field."""
    return _stamper().dumps(1)


class GuardedForm(BaseForm):
    """A public form that tells robots from people without a CAPTCHA (an image test many
    people cannot pass):

    - ``website`` is a trap: it is hidden from people (``forms.robot_guard``), robots fill it.
      :meth:`is_trapped` tells the view, which then stores nothing and answers as if it had.
    - ``started`` is a signed time when the form was shown. A form sent back faster than
      ``SPAM_MIN_FILL_SECONDS`` is refused with a message and everything typed kept; the
      resident sends it again (the time is kept, so the second try passes). A missing, forged
      or day-old time is stamped anew and the form asks to be sent again.
    """

    # i18n: A field people do not see; only robots fill it in.
    website = StringField(
        _l("Leave this field empty"), render_kw={"autocomplete": "off", "tabindex": "-1"}
    )
    # i18n: The label of a hidden field; shown only with its error message in the error list.
    started = HiddenField(_l("The form"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.started.data:
            self.started.data = form_stamp()

    def is_trapped(self) -> bool:
        """A robot filled in the trap field."""
        return bool(self.website.data)

    def validate_started(self, field: HiddenField) -> None:
        try:
            _, stamped = _stamper().loads(
                field.data or "", max_age=FORM_STAMP_MAX_AGE, return_timestamp=True
            )
        except BadData:
            field.data = form_stamp()
            raise ValidationError(
                _l("The form was open for a long time. Check what you wrote and send it again.")
            ) from None
        if time.time() - stamped.timestamp() < current_app.config["SPAM_MIN_FILL_SECONDS"]:
            raise ValidationError(
                _l("You sent the form very quickly. Check what you wrote and send it again.")
            )
