"""What the "Check language" page shows of a text: its grade and findings, and the text cut into
segments so the template can mark each finding without JavaScript and without ``|safe``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from app.plainlang import messages
from app.plainlang.analyzer import Analysis, Finding, Grade, analyze
from app.plainlang.collect import TextItem

#: Texts of fewer words get no grade: LIX and sentence length say nothing about "Yes" or "Name".
MIN_GRADED_WORDS = 3

#: A finding's text is quoted in its note with at most this many characters.
QUOTED_CHARS = 80


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of the text; ``number`` is set when it is a marked finding.

    A mark that holds other marks (a long sentence with a long word in it) has them in ``inner``,
    plain and marked pieces that together make its ``text``.
    """

    text: str
    number: int | None = None
    inner: tuple[Segment, ...] = ()


@dataclass(frozen=True, slots=True)
class Note:
    """One finding in the list below the text, numbered like its mark."""

    number: int
    #: False when the finding crosses the edge of another mark (marks can nest, not overlap).
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


@dataclass(slots=True)
class _Open:
    """A mark being built: its finding's number and span, and the pieces so far."""

    number: int | None
    start: int
    end: int
    pieces: list[Segment] = field(default_factory=list)
    #: Where the next piece starts.
    pos: int = 0


def _close(stack: list[_Open], text: str) -> None:
    done = stack.pop()
    if done.pos < done.end:
        done.pieces.append(Segment(text[done.pos : done.end]))
    whole = text[done.start : done.end]
    only_text = len(done.pieces) == 1 and done.pieces[0].number is None
    parent = stack[-1]
    parent.pieces.append(Segment(whole, done.number, () if only_text else tuple(done.pieces)))
    parent.pos = done.end


def segments(text: str, findings: Sequence[Finding]) -> tuple[tuple[Segment, ...], set[int]]:
    """The text in pieces, each finding's span a numbered piece (numbers count from 1 in the
    order of ``findings``), and the numbers that were marked.

    A finding inside another one is marked inside it (a long word in a long sentence; two
    findings on the same word nest too). One that crosses the edge of an open mark cannot nest
    in valid HTML: it is not marked, only listed by its number.
    """
    marked: set[int] = set()
    root = _Open(None, 0, len(text))
    stack = [root]
    order = sorted(enumerate(findings, start=1), key=lambda pair: (pair[1].start, -pair[1].end))
    for number, finding in order:
        if finding.end <= finding.start or finding.start < 0 or finding.end > len(text):
            continue
        while len(stack) > 1 and stack[-1].end <= finding.start:
            _close(stack, text)
        top = stack[-1]
        if finding.end > top.end:
            continue
        if finding.start > top.pos:
            top.pieces.append(Segment(text[top.pos : finding.start]))
        stack.append(_Open(number, finding.start, finding.end, pos=finding.start))
        marked.add(number)
    while len(stack) > 1:
        _close(stack, text)
    if root.pos < len(text):
        root.pieces.append(Segment(text[root.pos :]))
    return tuple(root.pieces), marked


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
