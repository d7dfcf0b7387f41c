"""Forms for closing an EVA: the response to residents, the decision, the register's year."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, StringField, URLField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from app.core.forms import BaseForm, translated_field
from app.engagements.models import Engagement
from app.eva.closing import AreaResponse, Decision, is_web_address
from app.eva.hearing import AlternativeView, AreaView

#: The choices for how the input changed an area's assessment, explained.
ADOPTION_CHOICES = (
    ("adopted", _l("Adopted: the input changed the assessment")),
    ("partly", _l("Partly adopted: the input changed part of the assessment")),
    ("not", _l("Not adopted: the assessment stays as it was")),
)


def adoption_field(area_code: str) -> str:
    return f"adoption_{area_code}"


def reason_field(area_code: str) -> str:
    return f"reason_{area_code}"


def response_form(
    engagement: Engagement,
    areas: list[AreaView],
    alternatives: list[AlternativeView],
    **kwargs: Any,
) -> BaseForm:
    """Per relevant area the adoption and why (every offered language), the final proposal and
    the proposed alternative."""

    class ResponseForm(BaseForm):
        def area_fields(self, area: AreaView) -> tuple[Any, Any]:
            return self[adoption_field(area.code)], self[reason_field(area.code)]

        def areas(self) -> dict[str, AreaResponse]:
            return {
                area.code: AreaResponse(
                    self[adoption_field(area.code)].data, self[reason_field(area.code)].data
                )
                for area in areas
            }

    for area in areas:
        setattr(
            ResponseForm,
            adoption_field(area.code),
            RadioField(
                _("%(area)s: how the input changed the assessment", area=area.label),
                choices=list(ADOPTION_CHOICES),
                validators=[InputRequired(_l("Choose how the input changed the assessment."))],
            ),
        )
        setattr(
            ResponseForm,
            reason_field(area.code),
            translated_field(
                _("%(area)s: why", area=area.label),
                textarea=True,
                max_length=3000,
                description=_l(
                    "Tell residents in plain words what their input changed, or why it did not."
                ),
                locales=engagement.languages,
            ),
        )
    ResponseForm.final_proposal = translated_field(
        _l("The final proposal"),
        textarea=True,
        max_length=5000,
        description=_l("What is proposed to the decision maker after the hearing."),
        locales=engagement.languages,
    )
    ResponseForm.proposed = RadioField(
        _l("Which alternative the final proposal is"),
        choices=[(alternative.code, alternative.name) for alternative in alternatives],
        validators=[InputRequired(_l("Choose the alternative that is proposed."))],
    )
    return ResponseForm(**kwargs)


def _web_address(_form: BaseForm, field: Any) -> None:
    if field.data and not is_web_address(field.data):
        raise ValidationError(_("Write an address that starts with https:// or http://."))


def decision_form(engagement: Engagement, **kwargs: Any) -> BaseForm:
    class DecisionForm(BaseForm):
        decision_body = StringField(
            _l("Who decided"),
            description=_l("The board or committee, for example: Sivistyslautakunta"),
            validators=[
                DataRequired(_l("Write who decided.")),
                Length(max=200, message=_l("Write at most %(max)d characters.")),
            ],
        )
        decision_date = DateField(
            _l("Date of the decision"),
            validators=[InputRequired(_l("Write the date of the decision."))],
        )
        decision_section = StringField(
            _l("Section (§) of the minutes"),
            description=_l("The number only, for example: 45"),
            validators=[
                DataRequired(_l("Write the section number.")),
                Length(max=40, message=_l("Write at most %(max)d characters.")),
            ],
            render_kw={"class": "short"},
        )
        decision_url = URLField(
            _l("Link to the minutes"),
            description=_l("The address of the decision in the city's minutes."),
            validators=[
                DataRequired(_l("Write the address of the minutes.")),
                Length(max=500, message=_l("Write at most %(max)d characters.")),
                _web_address,
            ],
        )
        # i18n: "You said, we did": what the city did because of the residents' input.
        outcome = translated_field(
            _l("What was done with the input"),
            textarea=True,
            max_length=5000,
            description=_l(
                "Tell in plain words what was decided and how the residents' input was used. "
                "Residents see this on the hearing page, and those who asked get it by e-mail."
            ),
            locales=engagement.languages,
        )

        def decision(self) -> Decision:
            return Decision(
                body=self.decision_body.data,
                decided_on=self.decision_date.data,
                section=self.decision_section.data,
                url=self.decision_url.data,
                outcome=self.outcome.data,
            )

    return DecisionForm(**kwargs)
