"""Background questions: optional, banded, stored as codes on the response they describe.

Residents may answer them on the thank-you page (DESIGN.md, privacy by design): an age band,
a postal area and a gender, each with its own codes. Results and exports group on the codes and
ask :func:`label` for the viewer's words last.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.engagements.models import Engagement
from app.extensions import db
from app.questionnaires.models import Submission

#: The background questions, in the order they are asked; also the keys of
#: ``Submission.demographics``.
QUESTIONS: tuple[str, ...] = ("age", "area", "gender")

QUESTION_LABELS = {
    "age": _l("Age"),
    "area": _l("Postal area where you live"),
    "gender": _l("Gender"),
}

AGE_BANDS: tuple[tuple[str, object], ...] = (
    ("under-18", _l("Under 18")),
    ("18-29", _l("18–29")),
    ("30-44", _l("30–44")),
    ("45-64", _l("45–64")),
    ("65-74", _l("65–74")),
    ("75-plus", _l("75 or older")),
)

GENDERS: tuple[tuple[str, object], ...] = (
    ("woman", _l("Woman")),
    ("man", _l("Man")),
    ("other", _l("Other")),
    ("not-said", _l("I prefer not to say")),
)

#: Added after the city's own postal areas.
OUTSIDE_AREA = ("outside", _l("I live elsewhere"))


class BackgroundError(Exception):
    """Background answers were refused; ``reason`` is ``invalid``, ``empty`` or ``already``."""

    def __init__(self, reason: str, fields: tuple[str, ...] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fields = fields


def postal_areas() -> list[tuple[str, str]]:
    """The city's postal areas (config ``POSTAL_AREAS``): (code, name) pairs."""
    return [(str(code), str(name)) for code, name in current_app.config["POSTAL_AREAS"]]


def options(question: str) -> list[tuple[str, str]]:
    """(code, label) pairs of a background question, labels in the current language."""
    if question == "age":
        pairs = AGE_BANDS
    elif question == "gender":
        pairs = GENDERS
    elif question == "area":
        pairs = (*postal_areas(), OUTSIDE_AREA)
    else:
        raise KeyError(question)
    return [(code, str(label)) for code, label in pairs]


def question_label(question: str) -> str:
    return str(QUESTION_LABELS[question])


def label(question: str, code: str | None) -> str:
    """The words for a stored code in the current language; an unknown code is shown as is."""
    if not code:
        return ""
    return dict(options(question)).get(code, code)


@dataclass(frozen=True)
class Background:
    """What a respondent chose; empty strings for questions left unanswered."""

    age: str = ""
    area: str = ""
    gender: str = ""

    def as_dict(self) -> dict[str, str]:
        return {name: value for name in QUESTIONS if (value := getattr(self, name))}


def clean(values: Mapping[str, str | None]) -> Background:
    """Check the codes: unknown ones raise BackgroundError("invalid") naming the questions."""
    chosen = {name: (values.get(name) or "").strip() for name in QUESTIONS}
    invalid = tuple(
        name
        for name, code in chosen.items()
        if code and code not in {allowed for allowed, _label in options(name)}
    )
    if invalid:
        raise BackgroundError("invalid", invalid)
    return Background(**chosen)


def record(engagement: Engagement, receipt_code: str, values: Mapping[str, str | None]) -> None:
    """Store the bands on the response with this receipt code, once. Flushes; the caller commits.

    Raises BackgroundError: ``invalid`` codes, ``empty`` (nothing chosen) or ``already`` (this
    response has its background answers already, or the receipt is not this engagement's).
    """
    background = clean(values)
    chosen = background.as_dict()
    if not chosen:
        raise BackgroundError("empty")
    submission = db.session.scalar(
        select(Submission).where(
            Submission.receipt_code == receipt_code,
            Submission.engagement_id == engagement.id,
        )
    )
    if submission is None or submission.demographics:
        raise BackgroundError("already")
    submission.demographics = chosen
    db.session.flush()
