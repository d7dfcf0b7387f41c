"""The form for one offline participation entry.

The form only reads the typed values (a day, a whole number, codes and text); the rules live in
:mod:`app.participation.offline`, whose problems the view shows on these fields.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, TextAreaField

from app.core.forms import BaseForm
from app.engagements.models import Engagement
from app.i18n import LOCALES
from app.participation.models import OFFLINE_CHANNELS
from app.participation.offline import MAX_PARTICIPANTS, NOTE_MAX, today
from app.participation.records import CHANNEL_LABELS, LANGUAGE_LABELS

#: What each field's problem says when the typed value cannot be read at all.
UNREADABLE = {
    "held_on": _l("Write the date as day.month.year, for example 15.3.2025."),
    "participants": _l("Write how many people took part as a whole number, for example 40."),
}


class _Date(DateField):
    """A date from the date picker (2025-03-15) or typed the Finnish way (15.3.2025)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not " ".join(valuelist).strip():
            self.data = None
            return
        try:
            super().process_formdata([" ".join(valuelist).strip()])
        except ValueError as error:
            raise ValueError(str(UNREADABLE["held_on"])) from error


class _Count(IntegerField):
    """A whole number; spaces between the thousands (1 500) are allowed."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        raw = "".join(str(valuelist[0]).split()).replace("\u202f", "")
        try:
            self.data = int(raw)
        except ValueError as error:
            self.data = None
            raise ValueError(str(UNREADABLE["participants"])) from error


def channel_choices() -> list[tuple[str, str]]:
    return [(code, str(CHANNEL_LABELS[code])) for code in OFFLINE_CHANNELS]


def language_choices(engagement: Engagement) -> list[tuple[str, str]]:
    """ "Not recorded" first, then the languages the engagement is offered in."""
    offered = [loc for loc in LOCALES if loc in engagement.languages]
    return [("", str(LANGUAGE_LABELS[""]))] + [(loc, str(LANGUAGE_LABELS[loc])) for loc in offered]


class OfflineForm(BaseForm):
    held_on = _Date(
        _l("Date"),
        format=["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"],
        description=_l("The day it was held. Not a day in the future."),
    )
    channel = SelectField(
        _l("How people took part"),
        validate_choice=False,
        default="event",
    )
    participants = _Count(
        _l("Number of people"),
        description=_l("A head count, not names."),
        render_kw={"min": 1, "max": MAX_PARTICIPANTS, "inputmode": "numeric", "class": "short"},
    )
    language = SelectField(
        _l("Language it was held in"),
        validate_choice=False,
        default="",
    )
    note = TextAreaField(
        _l("What it was"),
        description=_l(
            "For example: Workshop at the youth centre. At most %(max)d characters. "
            "No names or other personal data.",
            max=NOTE_MAX,
        ),
        render_kw={"maxlength": NOTE_MAX, "rows": 3},
    )


def offline_form(engagement: Engagement, **kwargs: Any) -> OfflineForm:
    """The form with the channel and language choices of ``engagement``."""
    form = OfflineForm(**kwargs)
    form.channel.choices = channel_choices()
    form.language.choices = language_choices(engagement)
    form.held_on.render_kw = {"max": today().isoformat()}
    return form
