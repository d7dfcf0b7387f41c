"""The coordinator's form for when publishing needs a language confirmation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.validators import AnyOf, InputRequired

from app.core.forms import BaseForm
from app.plainlang.gate import ConfirmBelow

#: Each choice in plain words: when staff must confirm, and what that means for them.
CHOICES = [
    (
        ConfirmBelow.OFF.value,
        _l("Never. Staff see the grades when they publish, but they do not need to confirm."),
    ),
    (
        ConfirmBelow.HARD.value,
        _l(
            "When a text is hard to read. Staff must tick a box to say they have read the "
            "language check before they can publish."
        ),
    ),
    (
        ConfirmBelow.FAIRLY_EASY.value,
        _l(
            "When a text is not easy to read (fairly easy or hard to read). Staff must tick a "
            "box to say they have read the language check before they can publish."
        ),
    ),
]

CHOOSE = _l("Choose one of the three choices.")


class ConfirmBelowForm(BaseForm):
    confirm_below = RadioField(
        _l("When must staff confirm before they publish?"),
        description=_l(
            "The language check grades every text of a survey, a hearing or a panel: easy, "
            "fairly easy or hard to read. Publishing always shows these grades."
        ),
        choices=CHOICES,
        # The validators below give the message; WTForms' own would say "Not a valid choice".
        validate_choice=False,
        validators=[InputRequired(CHOOSE), AnyOf([value for value, _label in CHOICES], CHOOSE)],
    )
