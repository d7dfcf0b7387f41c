"""Forms for an engagement's lifecycle (staff) and the optional parts of the thank-you page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from app.core.forms import BaseForm, translated_field
from app.engagements import background
from app.engagements.lifecycle import MAX_CODES
from app.engagements.models import Engagement
from app.i18n import LANGUAGE_NAMES


class ConfirmForm(BaseForm):
    """A button that changes something: only the CSRF token."""


def outcome_form(engagement: Engagement, **kwargs: object) -> BaseForm:
    """The outcome in each language the engagement is offered in, and the decision reference."""

    class OutcomeForm(BaseForm):
        # i18n: "You said, we did": what the city did because of the residents' answers.
        outcome = translated_field(
            _l("What was done with the answers"),
            required=False,
            textarea=True,
            max_length=5000,
            description=_l(
                "Tell in plain words what was decided or changed because of the answers, "
                "and what was not and why. Residents see this on the survey page."
            ),
            locales=engagement.languages,
        )
        decision_ref = StringField(
            _l("Decision reference"),
            description=_l("Optional. For example: Kulttuurilautakunta 12.3.2027 § 14"),
            validators=[Optional(), Length(max=300)],
        )

    return OutcomeForm(**kwargs)


class CodesForm(BaseForm):
    count = IntegerField(
        _l("Number of codes"),
        description=_l(
            "Each code answers the survey once. At most %(max)d at a time.", max=MAX_CODES
        ),
        validators=[
            DataRequired(_l("Write how many codes to make, for example 30.")),
            NumberRange(
                min=1, max=MAX_CODES, message=_l("Write a number from 1 to %(max)d.", max=MAX_CODES)
            ),
        ],
        render_kw={"inputmode": "numeric", "class": "short"},
    )


def email_invitations_form(engagement: Engagement, **kwargs: object) -> BaseForm:
    class EmailInvitationsForm(BaseForm):
        addresses = TextAreaField(
            _l("E-mail addresses"),
            description=_l(
                "One address a line. Duplicates and addresses invited before are left out."
            ),
            validators=[DataRequired(_l("Paste at least one e-mail address."))],
            render_kw={"rows": 8, "spellcheck": "false", "autocomplete": "off"},
        )
        locale = SelectField(
            _l("Language of the invitation"),
            choices=[
                SelectChoice(locale, LANGUAGE_NAMES[locale]) for locale in engagement.languages
            ],
        )

    return EmailInvitationsForm(**kwargs)


class InvitationCodeForm(BaseForm):
    code = StringField(
        _l("Your invitation code"),
        description=_l("For example K7QX-3MPA-9TZC. It is in your invitation."),
        validators=[DataRequired(_l("Write the code from your invitation."))],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )


def _choices(question: str) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in background.options(question)]


def background_form(**kwargs: object) -> BaseForm:
    """The optional background questions, with the city's postal areas."""

    class BackgroundForm(BaseForm):
        # The codes are checked by background.record(), with the words residents see.
        age = RadioField(
            background.QUESTION_LABELS["age"], choices=_choices("age"), validate_choice=False
        )
        area = SelectField(
            background.QUESTION_LABELS["area"],
            choices=[SelectChoice("", _l("Choose")), *_choices("area")],
            validate_choice=False,
        )
        gender = RadioField(
            background.QUESTION_LABELS["gender"], choices=_choices("gender"), validate_choice=False
        )

    return BackgroundForm(**kwargs)


class SubscribeForm(BaseForm):
    email = EmailField(
        _l("Your e-mail address"),
        validators=[
            DataRequired(_l("Write your e-mail address.")),
            Email(_l("Write an e-mail address in the form name@example.fi.")),
            Length(max=320),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"},
    )
