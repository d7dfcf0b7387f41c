"""What staff read about a finding or a grade, in the interface language.

Messages are lazy (``_l``) so this module can be imported anywhere; they are rendered with
:func:`describe` and :func:`title` inside an app context. Placeholders are named and filled from
``Finding.params``; numbers are formatted for the interface language here.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import format_decimal, format_percent
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from app.plainlang.analyzer import Finding, FindingCode, Grade, LixBand

#: Short name of each kind of finding (a heading or a badge next to the highlighted text).
TITLES: Mapping[FindingCode, LazyString] = {
    FindingCode.LONG_SENTENCE: _l("Long sentence"),
    FindingCode.LONG_WORD: _l("Long word"),
    FindingCode.ABBREVIATION: _l("Abbreviation"),
    FindingCode.ACRONYM: _l("Acronym"),
    FindingCode.OFFICIALESE: _l("Official-sounding word"),
    FindingCode.NOMINAL_STYLE: _l("Noun made from a verb"),
    FindingCode.PASSIVE: _l("Passive verb"),
    FindingCode.NOUN_CHAIN: _l("Noun chain"),
}

#: What the finding means and what to do about it.
HINTS: Mapping[FindingCode, LazyString] = {
    # i18n: %(words)s is always more than %(limit)s, which is 20.
    FindingCode.LONG_SENTENCE: _l(
        "This sentence has %(words)s words. Split it so that each sentence says one thing, "
        "in %(limit)s words or fewer."
    ),
    FindingCode.LONG_WORD: _l(
        "“%(word)s” is a long word. Use a shorter word if there is one, or explain it."
    ),
    FindingCode.ABBREVIATION: _l("Write “%(full)s” instead of “%(short)s”."),
    FindingCode.ACRONYM: _l(
        "Explain “%(acronym)s” the first time you use it, for example by writing it out in full."
    ),
    FindingCode.OFFICIALESE: _l("“%(term)s” sounds official. A plainer choice: %(alternative)s."),
    # i18n: About Finnish nouns ending in -minen (osallistuminen). %(count)s is 2 or more.
    FindingCode.NOMINAL_STYLE: _l(
        "This text has %(count)s nouns made from verbs. Use the verb instead: "
        "“you can take part” is easier than “participation is possible”."
    ),
    FindingCode.PASSIVE: _l(
        "%(share)s of the sentences do not say who does what. Name who acts: "
        "“we will repair the street” is clearer than “the street will be repaired”."
    ),
    # i18n: %(count)s is 3 or more.
    FindingCode.NOUN_CHAIN: _l(
        "%(count)s nouns in a row are hard to read. Add small words: "
        "“review of parking permits” instead of “parking permit review”."
    ),
}

GRADES: Mapping[Grade, LazyString] = {
    Grade.EASY: _l("Easy to read"),
    Grade.FAIRLY_EASY: _l("Fairly easy to read"),
    Grade.HARD: _l("Hard to read"),
}

LIX_BANDS: Mapping[LixBand, LazyString] = {
    LixBand.VERY_EASY: _l("very easy"),
    LixBand.EASY: _l("easy"),
    LixBand.MEDIUM: _l("medium"),
    LixBand.HARD: _l("hard"),
    LixBand.VERY_HARD: _l("very hard"),
}


def _formatted(params: Mapping[str, object]) -> dict[str, str]:
    values = {}
    for key, value in params.items():
        if key == "share" and isinstance(value, float):
            values[key] = format_percent(value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            values[key] = format_decimal(value)
        else:
            values[key] = str(value)
    return values


def title(finding: Finding) -> str:
    return str(TITLES[finding.code])


def describe(finding: Finding) -> str:
    """The hint for one finding, with its numbers and words filled in."""
    return str(HINTS[finding.code]) % _formatted(finding.params)


def grade_label(grade: Grade | None) -> str:
    return str(GRADES[grade]) if grade is not None else ""


def lix_band_label(band: LixBand) -> str:
    return str(LIX_BANDS[band])
