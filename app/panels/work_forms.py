"""Forms of the staff pages where a customer panel works: meetings, attendance, statements and
the service's response. Built per panel: only the offered languages get text inputs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, StringField, TimeField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.core.forms import BaseForm, optional_texts
from app.panels.forms import MultiCheckboxField
from app.panels.meetings import MAX_PLACE, MAX_URL, is_web_address
from app.panels.statements import MAX_DECISION_REF, MAX_TEXT, MAX_TITLE


class MemberChoiceField(MultiCheckboxField):
    def pre_validate(self, form: Any) -> None:
        known = {value for value, _label in self.choices or []}
        if any(value not in known for value in self.data or []):
            raise ValidationError(_l("Someone on the list is no longer a member. Reload the page."))


def _web_address(_form: BaseForm, field: Any) -> None:
    if field.data and field.data.strip() and not is_web_address(field.data):
        raise ValidationError(_l("Write an address that starts with https:// or http://."))


def meeting_form(languages: list[str], **kwargs: Any) -> BaseForm:
    """Time, place, online link and the texts of a meeting."""
    text = optional_texts(languages, MAX_TEXT)

    class MeetingForm(BaseForm):
        starts_at = DateTimeLocalField(
            _l("Starts"),
            format=[
                "%Y-%m-%dT%H:%M",
                "%Y-%m-%dT%H:%M:%S",
                "%Y-%m-%d %H:%M",
                "%d.%m.%Y %H.%M",
                "%d.%m.%Y %H:%M",
            ],
            invalid_value_message=_l("Write the date and time, for example 14.3.2031 18.00."),
            validators=[InputRequired(_l("Write the date and time the meeting starts."))],
            description=_l("Finnish time."),
        )
        ends_at = TimeField(
            _l("Ends"),
            format=["%H:%M", "%H:%M:%S", "%H.%M"],
            invalid_value_message=_l("Write the time, for example 19:30."),
            validators=[Optional()],
            description=_l("Optional. The time of day the meeting ends, Finnish time."),
        )
        place = StringField(
            _l("Place"),
            validators=[Length(max=MAX_PLACE, message=_l("Write at most %(max)d characters."))],
            description=_l(
                "Optional. The address and the room, for example: Main library, Lumo room."
            ),
        )
        online_url = StringField(
            _l("Link to join online"),
            validators=[
                Length(max=MAX_URL, message=_l("Write at most %(max)d characters.")),
                _web_address,
            ],
            description=_l("Optional. An address that starts with https:// or http://."),
            render_kw={"inputmode": "url", "autocomplete": "off", "spellcheck": "false"},
        )
        agenda = text(_l("Agenda"), _l("What the meeting is about, in plain language."))
        materials = text(
            _l("Materials"),
            _l("Optional. What members should read beforehand: titles and web addresses."),
        )
        minutes = text(
            _l("Minutes"),
            _l("Optional. What was discussed and agreed, written after the meeting."),
        )

        def validate_ends_at(self, field: Any) -> None:
            start = self.starts_at.data
            if field.data and isinstance(start, datetime) and field.data <= start.time():
                raise ValidationError(_l("The meeting must end after it starts."))

    return MeetingForm(**kwargs)


def attendance_form(choices: Sequence[tuple[int, str]], **kwargs: Any) -> BaseForm:
    """One checkbox per member who can be marked present; ``members.data`` is their ids."""

    class AttendanceForm(BaseForm):
        members = MemberChoiceField(
            _l("Members present at the meeting"),
            choices=list(choices),
            coerce=int,
            description=_l(
                "Tick everyone who was there. When you save, these marks replace the earlier ones."
            ),
        )

    return AttendanceForm(**kwargs)


def _title_field(languages: list[str]) -> Any:
    return optional_texts(languages, MAX_TITLE)(
        _l("Title"),
        _l("For example: Recommendations on the library's opening hours."),
        textarea=False,
    )


def new_statement_form(languages: list[str], **kwargs: Any) -> BaseForm:
    class NewStatementForm(BaseForm):
        title = _title_field(languages)

    return NewStatementForm(**kwargs)


def statement_form(languages: list[str], **kwargs: Any) -> BaseForm:
    """The panel's statement: title and text per offered language."""

    class StatementForm(BaseForm):
        title = _title_field(languages)
        statement = optional_texts(languages, MAX_TEXT)(
            _l("The panel's statement"),
            _l(
                "What the panel recommends, as the panel agreed it. Separate paragraphs with an "
                "empty line."
            ),
        )

    return StatementForm(**kwargs)


def response_form(languages: list[str], **kwargs: Any) -> BaseForm:
    """The service's official response and the decision it rests on."""

    class ResponseForm(BaseForm):
        response = optional_texts(languages, MAX_TEXT)(
            _l("The service's response"),
            _l(
                "What the service does with each recommendation, or why not. Separate paragraphs "
                "with an empty line."
            ),
        )
        decision_ref = StringField(
            _l("Decision reference"),
            validators=[
                Length(max=MAX_DECISION_REF, message=_l("Write at most %(max)d characters."))
            ],
            description=_l(
                "Optional. The decision or minutes the response rests on, for example: "
                "Sivistyslautakunta 12.3.2031 § 45."
            ),
        )

    return ResponseForm(**kwargs)
