"""Forms for signing in, passwords and user management."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from app.core.auth import Role
from app.core.forms import BaseForm
from app.i18n import LANGUAGE_NAMES, LOCALES

EMAIL_REQUIRED = _l("Enter your e-mail address.")


def _no_control(value: str | None) -> str:
    """Typed addresses lose control characters (a NUL cannot even be sent to PostgreSQL)."""
    return "".join(ch for ch in (value or "") if ch.isprintable()).strip()


EMAIL_INVALID = _l("Enter an e-mail address in the form name@example.fi.")


class LoginForm(BaseForm):
    # A text field with an e-mail keyboard: "username" autofill (for password managers) is not
    # allowed on type="email".
    email = StringField(
        _l("E-mail address"),
        filters=[_no_control],
        validators=[DataRequired(EMAIL_REQUIRED), Length(max=320)],
        render_kw={
            "autocomplete": "username",
            "inputmode": "email",
            "spellcheck": "false",
            "autocapitalize": "none",
        },
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )


def _new_password() -> PasswordField:
    return PasswordField(
        _l("New password"),
        description=_l("At least 12 characters. A few words in a row are easy to remember."),
        validators=[DataRequired(_l("Enter a new password.")), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
    )


def _confirm_password() -> PasswordField:
    return PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Enter the new password again.")),
            EqualTo("password", message=_l("The passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(BaseForm):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    password = _new_password()
    confirm = _confirm_password()


class SetPasswordForm(BaseForm):
    password = _new_password()
    confirm = _confirm_password()


class ResetRequestForm(BaseForm):
    email = EmailField(
        _l("E-mail address"),
        filters=[_no_control],
        validators=[DataRequired(EMAIL_REQUIRED), Email(EMAIL_INVALID), Length(max=320)],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


ROLE_CHOICES = [
    SelectChoice(Role.STAFF.value, _l("Staff member")),
    SelectChoice(Role.COORDINATOR.value, _l("Coordinator")),
]


def _role() -> SelectField:
    return SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[DataRequired()])


def _department() -> SelectField:
    return SelectField(
        _l("Department"),
        description=_l("Staff members see and run their own department's engagements."),
        validators=[Optional()],
        choices=[],
    )


class InviteForm(BaseForm):
    email = EmailField(
        _l("E-mail address"),
        filters=[_no_control],
        validators=[DataRequired(EMAIL_REQUIRED), Email(EMAIL_INVALID), Length(max=320)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    role = _role()
    department = _department()
    locale = SelectField(
        _l("Language of the invitation"),
        choices=[SelectChoice(locale, LANGUAGE_NAMES[locale]) for locale in LOCALES],
    )


class UserEditForm(BaseForm):
    role = _role()
    department = _department()
    is_active = BooleanField(_l("The user can sign in"))
