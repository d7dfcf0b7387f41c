"""Closing an EVA: the response to residents and the decision ("you said, we did").

After the hearing has closed, staff write per relevant impact area how the input changed the
assessment (adopted / partly / not, and why, in every offered language), the final proposal and
which alternative it is. Recording the decision (body, date, § number, link to the minutes) with
the outcome text publishes the outcome through :mod:`app.engagements.lifecycle`, which tells the
residents who asked for it, each in their language, through the outbox.

Services flush and raise :class:`ClosingError`; the view or command commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlparse

from app.core import audit
from app.core.types import clean_translations, missing_locales, utcnow
from app.engagements import lifecycle
from app.engagements.models import Engagement
from app.eva.models import ADOPTIONS, Assessment
from app.extensions import db


@dataclass(frozen=True)
class Problem:
    """Something missing before the response or the decision can be saved.

    ``what`` is one of: ``adoption``, ``reason``, ``final_proposal``, ``proposed``,
    ``decision_body``, ``decision_date``, ``decision_section``, ``decision_url``, ``outcome``.
    """

    what: str
    #: The impact area's code (adoption, reason).
    area: str | None = None
    #: The language a text is missing in.
    locale: str | None = None


class ClosingError(Exception):
    """A closing rule was broken. ``reason``: ``still_open``, ``not_published``, ``incomplete``
    (with ``problems``), ``unknown_alternative``, ``already_published``."""

    def __init__(self, reason: str, problems: list[Problem] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.problems = problems or []


def _target(engagement: Engagement) -> str:
    return f"engagements:{engagement.public_id}"


def _require_closed(engagement: Engagement) -> None:
    if engagement.status != "published":
        raise ClosingError("not_published")
    if not lifecycle.is_closed(engagement):
        raise ClosingError("still_open")


# --- the response to residents -------------------------------------------------------------


@dataclass(frozen=True)
class AreaResponse:
    adoption: str | None
    reason: Mapping[str, str | None]


def response_problems(engagement: Engagement, assessment: Assessment) -> list[Problem]:
    """What the saved response still lacks: every area answered and explained in every offered
    language, the final proposal in every language, the proposed alternative."""
    languages = tuple(engagement.languages)
    problems: list[Problem] = []
    for assessed in assessment.areas:
        code = assessed.area.code
        if assessed.adoption not in ADOPTIONS:
            problems.append(Problem("adoption", area=code))
        problems += [
            Problem("reason", area=code, locale=locale)
            for locale in missing_locales(assessed.adoption_reason, languages)
        ]
    problems += [
        Problem("final_proposal", locale=locale)
        for locale in missing_locales(assessment.final_proposal, languages)
    ]
    if not any(alternative.is_proposed for alternative in assessment.alternatives):
        problems.append(Problem("proposed"))
    return problems


def save_response(
    engagement: Engagement,
    assessment: Assessment,
    areas: Mapping[str, AreaResponse],
    final_proposal: Mapping[str, str | None],
    proposed: str | None,
) -> None:
    """Keep how the input changed each area's assessment, the final proposal and the proposed
    alternative (by code). Refused while the hearing takes answers, and with the list of what is
    missing when anything is (nothing is changed then). Flushes; the caller commits."""
    _require_closed(engagement)
    offered = tuple(engagement.languages)
    by_code = {alternative.code: alternative for alternative in assessment.alternatives}
    if proposed and proposed not in by_code:
        raise ClosingError("unknown_alternative")
    problems: list[Problem] = []
    cleaned: dict[str, tuple[str | None, dict[str, str]]] = {}
    for assessed in assessment.areas:
        code = assessed.area.code
        given = areas.get(code) or AreaResponse(None, {})
        adoption = given.adoption if given.adoption in ADOPTIONS else None
        reason = clean_translations({k: v for k, v in given.reason.items() if k in offered})
        if adoption is None:
            problems.append(Problem("adoption", area=code))
        problems += [
            Problem("reason", area=code, locale=locale)
            for locale in missing_locales(reason, offered)
        ]
        cleaned[code] = (adoption, reason)
    proposal = clean_translations({k: v for k, v in final_proposal.items() if k in offered})
    problems += [
        Problem("final_proposal", locale=locale) for locale in missing_locales(proposal, offered)
    ]
    if not proposed:
        problems.append(Problem("proposed"))
    if problems:
        raise ClosingError("incomplete", problems)
    changed = []
    for assessed in assessment.areas:
        adoption, reason = cleaned[assessed.area.code]
        if (assessed.adoption, dict(assessed.adoption_reason or {})) != (adoption, reason):
            changed.append(assessed.area.code)
        assessed.adoption = adoption
        assessed.adoption_reason = reason
    assessment.final_proposal = proposal
    for code, alternative in by_code.items():
        alternative.is_proposed = code == proposed
    db.session.flush()
    audit.record(
        "eva.response.save",
        _target(engagement),
        areas=changed,
        proposed=proposed,
        adoptions={code: adoption for code, (adoption, _reason) in cleaned.items()},
    )


# --- the decision --------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    body: str | None
    decided_on: date | None
    section: str | None
    url: str | None
    #: The outcome text ("you said, we did") per language.
    outcome: Mapping[str, str | None]


def is_web_address(url: str | None) -> bool:
    """An http or https address with a host (minutes are never javascript: or data:)."""
    if not url:
        return False
    parts = urlparse(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def clean_section(section: str | None) -> str:
    """``§ 45`` or ``45 §`` as ``45``."""
    return (section or "").replace("§", "").strip()


def decision_reference(body: str, decided_on: date, section: str) -> str:
    """The reference residents see, as minutes write it: ``Sivistyslautakunta 12.3.2027 § 45``."""
    day = f"{decided_on.day}.{decided_on.month}.{decided_on.year}"
    return f"{body.strip()} {day} § {clean_section(section)}"


def decision_problems(
    engagement: Engagement, assessment: Assessment, decision: Decision
) -> list[Problem]:
    """The response's problems, then the decision's own (fields and outcome languages)."""
    problems = response_problems(engagement, assessment)
    if not (decision.body or "").strip():
        problems.append(Problem("decision_body"))
    if decision.decided_on is None:
        problems.append(Problem("decision_date"))
    if not clean_section(decision.section):
        problems.append(Problem("decision_section"))
    if not is_web_address(decision.url):
        problems.append(Problem("decision_url"))
    offered = tuple(engagement.languages)
    outcome = clean_translations({k: v for k, v in decision.outcome.items() if k in offered})
    problems += [Problem("outcome", locale=locale) for locale in missing_locales(outcome, offered)]
    return problems


def record_decision(engagement: Engagement, assessment: Assessment, decision: Decision) -> int:
    """Record the decision and publish the outcome; returns how many e-mails were queued.

    Refused while the hearing takes answers and, with the list, while anything is missing
    (the response included). Once the outcome is out, saving again fixes the wording and the
    decision's details without sending e-mails again. Flushes; the caller commits.
    """
    _require_closed(engagement)
    problems = decision_problems(engagement, assessment, decision)
    if problems:
        raise ClosingError("incomplete", problems)
    decided_on = decision.decided_on
    if decided_on is None:  # listed as a problem above; for the type checker
        raise ClosingError("incomplete", [Problem("decision_date")])
    body = (decision.body or "").strip()
    section = clean_section(decision.section)
    url = (decision.url or "").strip()
    changed = [
        name
        for name, old, new in (
            ("body", assessment.decision_body, body),
            ("date", assessment.decision_date, decided_on),
            ("section", assessment.decision_section, section),
            ("url", assessment.decision_url, url),
        )
        if old != new
    ]
    assessment.decision_body = body
    assessment.decision_date = decided_on
    assessment.decision_section = section
    assessment.decision_url = url
    if assessment.decided_at is None or changed:
        assessment.decided_at = utcnow()
    lifecycle.save_outcome(
        engagement, decision.outcome, decision_reference(body, decided_on, section)
    )
    sent = 0
    first_time = engagement.outcome_published_at is None
    if first_time:
        try:
            sent = lifecycle.publish_outcome(engagement)
        except lifecycle.LifecycleError as error:
            # Checked above already; a second click at the same moment lands here.
            raise ClosingError(error.reason) from error
    db.session.flush()
    audit.record(
        "eva.decision.record" if first_time else "eva.decision.edit",
        _target(engagement),
        changed=changed,
        emails=sent,
    )
    return sent
