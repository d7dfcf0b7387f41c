"""What each answer problem says to the respondent, in their language."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.questionnaires.types import Problem

MESSAGES = {
    "required": _l("Answer this question."),
    "too_long": _l("Write at most %(max)d characters."),
    "invalid_option": _l("Choose one of the options."),
    "other_text_missing": _l("Write your other answer in the box."),
    "exclusive_conflict": _l("“None of these” cannot be chosen together with other options."),
    "rows_missing": _l("Answer every row."),
    "rank_out_of_range": _l("Use the numbers 1 to %(max)d."),
    "rank_duplicate": _l("Give each option a different number."),
    "rank_gap": _l("Number the options in order without gaps: 1, 2, 3 and so on."),
    "rank_all": _l("Put every option in order."),
    "not_a_number": _l("Write a number, for example 12 or 3,5."),
    "not_a_whole_number": _l("Write a whole number, for example 12."),
    "too_small": _l("The smallest answer you can give is %(min)s."),
    "too_large": _l("The largest answer you can give is %(max)s."),
    "not_a_date": _l("Write a date, for example 31.5.2026."),
    "consent_required": _l("Tick the box to continue."),
}


def message(problem: Problem) -> str:
    if problem.code == "too_few_choices":
        n = problem.params["min"]
        return ngettext("Choose at least %(num)d option.", "Choose at least %(num)d options.", n)
    if problem.code == "too_many_choices":
        n = problem.params["max"]
        return ngettext("Choose at most %(num)d option.", "Choose at most %(num)d options.", n)
    template = MESSAGES.get(problem.code)
    if template is None:
        return _("Check this answer.")
    return str(template) % problem.params if problem.params else str(template)
