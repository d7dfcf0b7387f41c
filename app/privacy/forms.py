"""The resident's request form and the coordinator's handling form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from app.core.forms import BaseForm, GuardedForm
from app.privacy.models import RequestKind, RequestStatus


class AskForm(GuardedForm):
    kind = RadioField(
        _l("What do you want?"),
        choices=[
            (RequestKind.ACCESS.value, _l("See what is stored about me")),
            (RequestKind.ERASE.value, _l("Remove what is stored about me")),
        ],
        validators=[DataRequired(_l("Choose what you want."))],
    )
    subject = RadioField(
        _l("How do we find your data?"),
        choices=[
            ("email", _l("By my e-mail address (panels, outcome e-mails, invitations)")),
            ("receipt", _l("By the receipt code of my answer (anonymous answers)")),
        ],
        validators=[DataRequired(_l("Choose how we find your data."))],
    )
    email = EmailField(
        _l("Your e-mail address"),
        description=_l("We send a link to this address. Open it to confirm that it is yours."),
        filters=[lambda value: (value or "").strip()],
        validators=[Length(max=320)],
        render_kw={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"},
    )
    receipt_code = StringField(
        _l("Receipt code"),
        description=_l("You got it when you sent your answer, for example K7QX-3MPA-9TZC."),
        filters=[lambda value: (value or "").strip()],
        validators=[Length(max=40)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )

    def validate_email(self, field: EmailField) -> None:
        if self.subject.data != "email":
            return
        if not field.data:
            raise ValidationError(_l("Write your e-mail address."))
        Email(_l("Write an e-mail address in the form name@example.fi."))(self, field)

    def validate_receipt_code(self, field: StringField) -> None:
        if self.subject.data == "receipt" and not field.data:
            raise ValidationError(_l("Write the receipt code."))


class HandleForm(BaseForm):
    reply = TextAreaField(
        _l("Message to the resident"),
        description=_l(
            "Shown to the resident with the result. When you refuse, say why and how they can "
            "appeal."
        ),
        validators=[Length(max=4000, message=_l("Write at most %(max)d characters."))],
        render_kw={"rows": 5},
    )


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False

    action = StringField(
        _l("Action starts with"),
        description=_l("For example privacy. or survey.export"),
        validators=[Optional(), Length(max=80)],
    )
    actor = SelectField(_l("Who"), coerce=str, validators=[Optional()])
    target = StringField(
        _l("Target"),
        description=_l("For example users:3"),
        validators=[Optional(), Length(max=120)],
    )
    since = StringField(
        _l("From (date)"),
        description=_l("Year-month-day, for example 2026-01-31"),
        validators=[Optional(), Length(max=10)],
        render_kw={"type": "date"},
    )
    until = StringField(
        _l("To (date)"),
        description=_l("Year-month-day, for example 2026-12-31"),
        validators=[Optional(), Length(max=10)],
        render_kw={"type": "date"},
    )


STATUS_FILTERS = (
    RequestStatus.OPEN,
    RequestStatus.DONE,
    RequestStatus.REFUSED,
)
