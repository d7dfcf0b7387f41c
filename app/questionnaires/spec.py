"""A questionnaire definition as plain, immutable data.

The database rows of a published questionnaire are turned into these once and cached in the
process (DESIGN.md, performance rules); answering, conditions and exports work on them, not on
ORM objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class OptionSpec:
    #: Stable code stored in answers (never the label).
    code: str
    label: dict[str, str] = field(default_factory=dict)
    #: "Other, please specify": a text box goes with it.
    is_other: bool = False
    #: "None of these": cannot be combined with other choices.
    is_exclusive: bool = False
    #: "Can't say": an answer, but left out of the base of shares.
    is_cant_say: bool = False


@dataclass(frozen=True)
class QuestionSpec:
    #: Stable code, unique in the questionnaire; form fields are named ``q-<code>``.
    code: str
    type: str
    required: bool = False
    text: dict[str, str] = field(default_factory=dict)
    help: dict[str, str] = field(default_factory=dict)
    #: Type-specific settings, e.g. ``{"min": 0, "max": 10}`` or ``{"points": 5}``.
    settings: dict[str, Any] = field(default_factory=dict)
    options: tuple[OptionSpec, ...] = ()
    #: Matrix rows (each a statement rated on the matrix scale).
    rows: tuple[OptionSpec, ...] = ()
    #: Display condition (see conditions.py); None = always shown.
    condition: dict[str, Any] | None = None

    def option(self, code: str) -> OptionSpec | None:
        return next((option for option in self.options if option.code == code), None)


@dataclass(frozen=True)
class PageSpec:
    code: str
    questions: tuple[QuestionSpec, ...] = ()
    condition: dict[str, Any] | None = None
    #: Heading of the page, translated; empty = a generic heading.
    title: dict[str, str] = field(default_factory=dict)
