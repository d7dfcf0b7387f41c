"""Forms panel members use: asking for a sign-in link, the forum, their own settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length

from app.core.forms import BaseForm
from app.core.security import parse_id
from app.discussion.services import BODY_MAX, BODY_MIN, clean_body, clean_line
from app.panels.forum import TITLE_MAX

_BODY_LENGTH = Length(
    min=BODY_MIN,
    max=BODY_MAX,
    message=_l("Write from %(min)d to %(max)d characters. Your text has %(length)d characters."),
)


def _body(label: object) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[clean_body],
        validators=[DataRequired(_l("Write your message.")), _BODY_LENGTH],
        render_kw={"rows": 6},
    )


class SignInForm(BaseForm):
    email = EmailField(
        _l("Your e-mail address"),
        description=_l("The address you gave when you applied to the panel."),
        filters=[lambda value: (value or "").strip()],
        validators=[
            DataRequired(_l("Write your e-mail address.")),
            Email(_l("Write the e-mail address in the form name@example.fi.")),
            Length(max=320),
        ],
        render_kw={"autocomplete": "email"},
    )


class ThreadForm(BaseForm):
    title = StringField(
        _l("Title"),
        description=_l("A short title that tells what the discussion is about."),
        filters=[clean_line],
        validators=[
            DataRequired(_l("Write a title.")),
            Length(max=TITLE_MAX, message=_l("Write at most %(max)d characters.")),
        ],
        render_kw={"maxlength": TITLE_MAX},
    )
    body = _body(_l("Your message"))


class PostForm(BaseForm):
    body = _body(_l("Your message"))
    parent_id = HiddenField()

    def parent_post_id(self) -> int | None:
        """The message this one replies to; None for a new message or a garbled field."""
        return parse_id(self.parent_id.data)


class EditForm(BaseForm):
    body = _body(_l("Your message"))


class MemberSettingsForm(BaseForm):
    notify_threads = BooleanField(
        _l("E-mail me when a new discussion starts"),
        description=_l("The e-mail has the title and a link. You can turn this off at any time."),
    )
    name_public = BooleanField(
        _l("My name may be shown on the public page of the panel"),
        description=_l("Without this, the public page shows only how many members there are."),
    )


class ConfirmForm(BaseForm):
    """A button that changes something: only the CSRF token."""
