"""What the "Check language" page shows of a text: its grade and findings, and the text cut into
segments so the template can mark each finding without JavaScript and without ``|safe``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.plainlang import messages
from app.plainlang.analyzer import Analysis, Finding, Grade, analyze
from app.plainlang.collect import TextItem

#: Texts of fewer words get no grade: LIX and sentence length say nothing about "Yes" or "Name".
MIN_GRADED_WORDS = 3

#: A finding's text is quoted in its note with at most this many characters.
QUOTED_CHARS = 80


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of the text; ``number`` is set when it is a marked finding."""

    text: str
    number: int | None = None


@dataclass(frozen=True, slots=True)
class Note:
    """One finding in the list below the text, numbered like its mark."""

    number: int
    #: False when the finding starts inside an earlier mark and is therefore not marked itself.
    marked: bool
    quoted: str
    title: str
    message: str


@dataclass(frozen=True, slots=True)
class CheckedText:
    item: TextItem
    locale: str
    #: None when the text is not written in this language.
    analysis: Analysis | None
    #: None when not written or too short to grade.
    grade: Grade | None
    grade_label: str
    lix_band_label: str
    segments: tuple[Segment, ...]
    notes: tuple[Note, ...]

    @property
    def written(self) -> bool:
        return self.analysis is not None


def segments(text: str, findings: Sequence[Finding]) -> tuple[tuple[Segment, ...], set[int]]:
    """The text in pieces, each finding's span a numbered piece (numbers count from 1 in the
    order of ``findings``), and the numbers that were marked.

    Findings are taken in order of start; one that starts inside the previous mark is not marked
    (it is still listed, by its number).
    """
    pieces: list[Segment] = []
    marked: set[int] = set()
    pos = 0
    order = sorted(enumerate(findings, start=1), key=lambda pair: (pair[1].start, -pair[1].end))
    for number, finding in order:
        if finding.start < pos or finding.end <= finding.start:
            continue
        if finding.start > pos:
            pieces.append(Segment(text[pos : finding.start]))
        pieces.append(Segment(text[finding.start : finding.end], number))
        marked.add(number)
        pos = finding.end
    if pos < len(text):
        pieces.append(Segment(text[pos:]))
    return tuple(pieces), marked


def _quoted(matched: str) -> str:
    one_line = " ".join(matched.split())
    return one_line if len(one_line) <= QUOTED_CHARS else one_line[: QUOTED_CHARS - 1] + "…"


def check(item: TextItem, locale: str) -> CheckedText:
    """Analyse the item's text in ``locale`` once; render the notes in the interface language."""
    text = item.value_by_locale.get(locale)
    if not text:
        return CheckedText(item, locale, None, None, "", "", (), ())
    analysis = analyze(text, locale)
    pieces, marked = segments(text, analysis.findings)
    notes = tuple(
        Note(
            number,
            number in marked,
            _quoted(finding.matched),
            messages.title(finding),
            messages.describe(finding),
        )
        for number, finding in enumerate(analysis.findings, start=1)
    )
    grade = analysis.grade if analysis.facts.words >= MIN_GRADED_WORDS else None
    return CheckedText(
        item,
        locale,
        analysis,
        grade,
        messages.grade_label(grade),
        messages.lix_band_label(analysis.facts.lix_band),
        pieces,
        notes,
    )
