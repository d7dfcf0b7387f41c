"""Forms of the results pages: the smallest group published, and editing a written answer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from app.core.forms import BaseForm
from app.questionnaires.results_services import MIN_GROUP_CEILING, MIN_GROUP_FLOOR


class MinGroupSizeForm(BaseForm):
    min_group_size = IntegerField(
        _l("Smallest group shown"),
        description=_l(
            "When a group has fewer answers than this, published results show only “fewer than” "
            "this number. Then nobody can be recognised. The usual value is 5."
        ),
        validators=[
            InputRequired(_l("Enter a whole number.")),
            NumberRange(
                min=MIN_GROUP_FLOOR,
                max=MIN_GROUP_CEILING,
                message=_l("Enter a whole number from %(min)s to %(max)s."),
            ),
        ],
        render_kw={"inputmode": "numeric", "class": "short"},
    )


class RedactForm(BaseForm):
    redacted_text = TextAreaField(
        _l("Text shown in published results"),
        description=_l(
            "Remove names and other details that could identify someone. Leave the box empty "
            "to publish the original text."
        ),
        validators=[Length(max=10_000, message=_l("Write at most %(max)d characters."))],
        render_kw={"rows": 8},
    )
