"""Forms for editing the plan's texts and the departments."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from app.core.forms import BaseForm, translated_field


class PlanTextsForm(BaseForm):
    title = translated_field(_l("Name of the plan"), max_length=300)
    summary = translated_field(
        _l("Summary for residents"),
        required=False,
        textarea=True,
        max_length=1000,
        description=_l("One or two short sentences: what the plan is and why it matters."),
    )


class GoalTextsForm(BaseForm):
    title = translated_field(_l("Name of the strategic goal"), max_length=300)
    aims = translated_field(
        _l("Aims of the city strategy"),
        required=False,
        textarea=True,
        max_length=4000,
        description=_l("One aim per line. Every language needs the same number of lines."),
    )


class FocusAreaTextsForm(BaseForm):
    title = translated_field(_l("Name of the focus area"), textarea=True, max_length=500)
    summary = translated_field(
        _l("What this means for residents"),
        required=False,
        textarea=True,
        max_length=1000,
        description=_l("One short sentence in plain language."),
    )


class DepartmentForm(BaseForm):
    code = StringField(
        _l("Code"),
        description=_l("Short and permanent, used in addresses and reports, e.g. sivistys."),
        validators=[
            DataRequired(_l("Enter a code.")),
            Length(max=40, message=_l("Write at most %(max)d characters.")),
            Regexp(
                r"^[a-z0-9][a-z0-9-]*$",
                message=_l("Use only lowercase letters a–z (not ä or ö), digits and hyphens."),
            ),
        ],
        render_kw={"spellcheck": "false", "autocapitalize": "none"},
    )
    name = translated_field(_l("Name of the department"), max_length=200)
    is_active = BooleanField(_l("In use"), default=True)


class DepartmentEditForm(DepartmentForm):
    code = None  # the code never changes once reports use it
