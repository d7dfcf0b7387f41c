"""Splitting text into sentences and words, keeping each one's character span in the original text.

The same splitter serves all three languages and both Finnish paths (with and without Voikko), so
the facts and spans do not depend on whether Voikko is installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A word: letters/digits joined by inner hyphens, apostrophes or a colon before a case ending
#: ("ELY-keskus", "EU:n", "don't"); or a number with inner separators ("1.10.2024", "9.00", "24/7").
WORD_RE = re.compile(r"\w+(?:(?:[-'’:]|(?<=\d)[.,/](?=\d))\w+)*")


def word_set(words: str) -> frozenset[str]:
    """A set of words written one after another, separated by spaces or line breaks."""
    return frozenset(words.split())


#: Sentence-final punctuation, optional closing quotes/brackets, then whitespace.
_END_RE = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+")

#: Abbreviations after which a full stop does not end a sentence even before a capital letter
#: ("esim. Kemi", "t.ex. Kemi", "Dr. Smith"). Abbreviations that often end a sentence ("jne.",
#: "etc.", "osv.") are not here.
_NO_BREAK_AFTER = word_set(
    """
    esim ks kts mm ns n v vrt klo puh os ko em ao huom prof tri
    t.ex bl.a dvs s.k ca kl tfn tel jfr p.g.a enl ang obs inkl exkl resp
    e.g i.e mr mrs ms dr st no approx incl cf vs
    """
)


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of the original text: ``text[start:end] == value``."""

    start: int
    end: int
    value: str


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    value: str
    words: tuple[Span, ...]


def words_in(text: str, offset: int = 0) -> tuple[Span, ...]:
    """The words of ``text``; spans are shifted by ``offset``."""
    return tuple(
        Span(m.start() + offset, m.end() + offset, m.group()) for m in WORD_RE.finditer(text)
    )


def letters(word: str) -> int:
    """How many letters a word has (hyphens, colons and digits do not count)."""
    return sum(1 for ch in word if ch.isalpha())


#: The word (with inner full stops, "t.ex") just before a full stop; abbreviations are short.
_LAST_TOKEN = re.compile(r"[\w.]+$")


def _ends_sentence(text: str, stop: re.Match[str]) -> bool:
    after = text[stop.end() : stop.end() + 1]
    if not after or not (after.isupper() or after.isdigit() or after in "\"'“”«(-–—•*"):
        return False
    if not stop.group().startswith((".", "…")):
        return True  # "!" or "?"
    before = _LAST_TOKEN.search(text, max(0, stop.start() - 12), stop.start())
    if before is None:
        return True
    token = before.group().lower()
    if token in _NO_BREAK_AFTER:
        return False
    # An initial ("J. Virtanen") does not end a sentence.
    return not (len(token) == 1 and token.isalpha())


def _line_sentences(text: str, line_start: int, line_end: int) -> list[tuple[int, int]]:
    pieces = []
    start = line_start
    for stop in _END_RE.finditer(text, line_start, line_end):
        if _ends_sentence(text, stop):
            pieces.append((start, stop.end()))
            start = stop.end()
    pieces.append((start, line_end))
    return pieces


def sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences with at least one word. A line break always ends a sentence.

    Headings, list items and lines without final punctuation are separate sentences in staff
    texts, and the editors do not wrap lines by hand.
    """
    result = []
    pos = 0
    for line in text.splitlines(keepends=True):
        line_end = pos + len(line.rstrip("\r\n"))
        for start, end in _line_sentences(text, pos, line_end):
            piece = text[start:end]
            stripped_start = start + (len(piece) - len(piece.lstrip()))
            stripped_end = start + len(piece.rstrip())
            if stripped_start >= stripped_end:
                continue
            words = words_in(text[stripped_start:stripped_end], stripped_start)
            if words:
                result.append(
                    Sentence(stripped_start, stripped_end, text[stripped_start:stripped_end], words)
                )
        pos += len(line)
    return tuple(result)


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column
