"""Forms for comments (residents) and moderation (staff)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.forms import BaseForm, GuardedForm
from app.discussion.models import HIDE_REASONS, REPORT_REASONS
from app.discussion.services import (
    BODY_MAX,
    BODY_MIN,
    NICKNAME_MAX,
    NOTE_MAX,
    clean_body,
    clean_line,
)

#: Words for the reason codes of hiding and reporting (the same codes).
REASON_LABELS = {
    "offensive": _l("Offensive or hateful"),
    "personal_data": _l("Personal data (for example a name, phone number or address)"),
    "spam": _l("Advertising or spam"),
    "off_topic": _l("Not about this topic"),
    "other": _l("Something else"),
}

_BODY_LENGTH = Length(
    min=BODY_MIN,
    max=BODY_MAX,
    message=_l(
        "Write from %(min)d to %(max)d characters. Your text has %(length)d characters.",
    ),
)


def _body_field(label: object, description: object = "") -> TextAreaField:
    return TextAreaField(
        label,
        description=description,
        filters=[clean_body],
        validators=[DataRequired(_l("Write your comment.")), _BODY_LENGTH],
        render_kw={"rows": 6},
    )


class CommentForm(GuardedForm):
    """A resident's comment or reply (guarded against robots)."""

    nickname = StringField(
        _l("Nickname"),
        description=_l(
            "Optional. Shown with your comment. Do not write your full name or other personal data."
        ),
        filters=[clean_line],
        validators=[
            Optional(),
            Length(max=NICKNAME_MAX, message=_l("Write at most %(max)d characters.")),
        ],
        render_kw={"autocomplete": "nickname", "maxlength": NICKNAME_MAX},
    )
    body = _body_field(
        _l("Your comment"),
        _l(
            "Everyone can read your comment. A moderator hides comments that contain "
            "personal data or insults."
        ),
    )
    parent_id = HiddenField()
    #: Where to return after posting: "engagement" (the hearing page) or the comments page.
    return_to = HiddenField()


class ReportForm(BaseForm):
    reason = RadioField(
        _l("Why should a moderator look at this comment?"),
        choices=[(code, REASON_LABELS[code]) for code in REPORT_REASONS],
        validators=[DataRequired(_l("Choose a reason."))],
    )
    note = TextAreaField(
        _l("More information"),
        description=_l("Optional. At most %(max)d characters.", max=NOTE_MAX),
        filters=[clean_body],
        validators=[
            Optional(),
            Length(max=NOTE_MAX, message=_l("Write at most %(max)d characters.")),
        ],
        render_kw={"rows": 4},
    )


class SettingsForm(BaseForm):
    is_enabled = BooleanField(
        _l("Take comments"),
        description=_l("Residents can comment while the engagement is open."),
    )
    premoderated = BooleanField(
        _l("Pre-moderation"),
        description=_l(
            "New comments are shown only after a moderator approves them. Without "
            "pre-moderation comments are shown at once and moderators hide them afterwards."
        ),
    )


class HideForm(BaseForm):
    reason = SelectField(
        _l("Reason"),
        choices=[(code, REASON_LABELS[code]) for code in HIDE_REASONS],
        validators=[DataRequired()],
    )


class ReplyForm(BaseForm):
    body = _body_field(_l("Your reply"))


class ConfirmForm(BaseForm):
    """A button that changes something: only the CSRF token."""
