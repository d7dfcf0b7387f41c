"""``analyze(text, locale)``: measured facts, findings with their place in the text, and a grade.

The grade adds three components of 0–2 points each (see ``thresholds.py`` for the numbers and
their sources):

* LIX band, with per-language bands (Finnish LIX runs about 25 points higher than Swedish for
  equally plain text); on texts under ``LIX_MIN_WORDS`` words LIX gives at most 1 point;
* sentence length: the worse of the mean words per sentence and the share of sentences over
  ``LONG_SENTENCE_WORDS`` words;
* style findings per 100 words (officialese, abbreviations, acronyms, -minen nouns and passives
  when the text is heavy with them, English noun chains).

0–1 points is "easy", 2–3 "fairly_easy", 4–6 "hard". A text without words has no grade.
The checker only flags; whether a text is selkokieli is for a person to judge against the
Selkokielen mittari (research §4.4).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from app.plainlang import english, finnish, voikko
from app.plainlang import thresholds as t
from app.plainlang.text import Sentence, Span, letters, sentences
from app.plainlang.wordlists import (
    ABBREVIATIONS,
    NOT_ACRONYMS,
    OFFICIALESE,
    WEEKDAY_JOIN,
    WEEKDAYS,
    Abbreviation,
    Officialese,
)

LOCALES = ("fi", "sv", "en")


class FindingCode(StrEnum):
    LONG_SENTENCE = "long_sentence"
    LONG_WORD = "long_word"
    ABBREVIATION = "abbreviation"
    ACRONYM = "acronym"
    OFFICIALESE = "officialese"
    NOMINAL_STYLE = "nominal_style"
    PASSIVE = "passive"
    NOUN_CHAIN = "noun_chain"


#: Findings that count towards the grade's density component (long sentences and words are
#: already in the LIX and sentence components).
STYLE_CODES = frozenset(
    {
        FindingCode.ABBREVIATION,
        FindingCode.ACRONYM,
        FindingCode.OFFICIALESE,
        FindingCode.NOMINAL_STYLE,
        FindingCode.PASSIVE,
        FindingCode.NOUN_CHAIN,
    }
)


class Grade(StrEnum):
    EASY = "easy"
    FAIRLY_EASY = "fairly_easy"
    HARD = "hard"


class LixBand(StrEnum):
    VERY_EASY = "very_easy"
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"
    VERY_HARD = "very_hard"


@dataclass(frozen=True, slots=True)
class Finding:
    """Something to look at in the text: ``text[start:end] == matched``."""

    code: FindingCode
    start: int
    end: int
    matched: str
    #: A plainer alternative (officialese) or the full form (abbreviations), in the text's language.
    suggestion: str | None = None
    #: Values for the message placeholders (see ``messages.py``); not part of the hash.
    params: Mapping[str, str | int | float] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class Facts:
    sentences: int
    words: int
    #: Mean words per sentence.
    words_per_sentence: float
    #: Words in the longest sentence.
    max_sentence_words: int
    #: Sentences over LONG_SENTENCE_WORDS words, and their share of all sentences.
    long_sentences: int
    long_sentence_share: float
    #: Words of LONG_WORD_LETTERS letters or more, and their share of all words.
    long_words: int
    long_word_share: float
    lix: float
    lix_band: LixBand
    #: Finnish only (None for other languages): passive verb forms, the share of sentences that
    #: have one, and -minen nouns.
    passive_forms: int | None = None
    passive_sentence_share: float | None = None
    minen_nouns: int | None = None
    #: Finnish with Voikko only: words of COMPOUND_PARTS or more compound parts.
    compound_words: int | None = None


@dataclass(frozen=True, slots=True)
class GradeBasis:
    """Why the grade is what it is: the points of each component."""

    lix_points: int
    sentence_points: int
    findings_points: int
    findings_per_100_words: float

    @property
    def total(self) -> int:
        return self.lix_points + self.sentence_points + self.findings_points


@dataclass(frozen=True, slots=True)
class Analysis:
    locale: str
    facts: Facts
    #: Ordered by position in the text.
    findings: tuple[Finding, ...]
    #: None when the text has no words.
    grade: Grade | None
    basis: GradeBasis | None
    #: True when Finnish morphology came from Voikko, False when from the heuristics.
    used_voikko: bool

    def of(self, code: FindingCode) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.code == code)


# --- compiled patterns ---------------------------------------------------------------------------


def _whole(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE)


_OFFICIALESE_RE: dict[str, tuple[tuple[Officialese, re.Pattern[str]], ...]] = {
    lang: tuple((entry, _whole(entry.pattern)) for entry in entries)
    for lang, entries in OFFICIALESE.items()
}
_ABBREVIATION_RE: dict[str, tuple[tuple[Abbreviation, re.Pattern[str]], ...]] = {
    # Not inside a longer word or abbreviation ("bl.a." is not "a.").
    lang: tuple(
        (entry, re.compile(rf"(?<![\w.])(?:{entry.pattern})(?![\w])", re.IGNORECASE))
        for entry in entries
    )
    for lang, entries in ABBREVIATIONS.items()
}
_WEEKDAY_RE = {
    lang: re.compile(
        r"(?<!\w)({0})\.?\s?[–-]\s?({0})\.?(?!\w)".format(
            "|".join(sorted(map(re.escape, days), key=len, reverse=True))
        ),
        re.IGNORECASE,
    )
    for lang, days in WEEKDAYS.items()
}
_ACRONYM_RE = re.compile(r"(?<![\w-])[^\W\d_]{2,6}(?![^\W\d_])")
_ROMAN = re.compile(r"[IVXLC]+")


# --- the parts -----------------------------------------------------------------------------------


def _normalise_locale(locale: str) -> str:
    lang = re.split(r"[-_]", locale.strip())[0].lower()
    if lang not in LOCALES:
        raise ValueError(f"plainlang: unsupported language {locale!r}; use one of {LOCALES}")
    return lang


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _lix_band(lix: float, lang: str) -> LixBand:
    very_easy, easy, medium, hard = t.LIX_BANDS[lang]
    if lix < very_easy:
        return LixBand.VERY_EASY
    if lix < easy:
        return LixBand.EASY
    if lix < medium:
        return LixBand.MEDIUM
    if lix < hard:
        return LixBand.HARD
    return LixBand.VERY_HARD


def _points(value: float, limits: tuple[float, float]) -> int:
    return 0 if value <= limits[0] else 1 if value <= limits[1] else 2


def _sentence_findings(sents: tuple[Sentence, ...]) -> list[Finding]:
    return [
        Finding(
            FindingCode.LONG_SENTENCE,
            s.start,
            s.end,
            s.value,
            params={"words": len(s.words), "limit": t.LONG_SENTENCE_WORDS},
        )
        for s in sents
        if len(s.words) > t.LONG_SENTENCE_WORDS
    ]


def _long_word_findings(
    words: list[Span], word_letters: list[int], use_voikko: bool
) -> tuple[list[Finding], int]:
    findings = []
    compounds = 0
    for w, n_letters in zip(words, word_letters, strict=True):
        # Short words are not compounds of three parts; skip asking Voikko about them.
        parts = finnish.compound_parts(w.value) if use_voikko and n_letters > 6 else None
        if parts is not None and parts >= t.COMPOUND_PARTS:
            compounds += 1
        if n_letters >= t.LONG_WORD_LETTERS or (parts or 0) >= t.COMPOUND_PARTS:
            findings.append(
                Finding(
                    FindingCode.LONG_WORD,
                    w.start,
                    w.end,
                    w.value,
                    params={"word": w.value, "letters": n_letters, "parts": parts or 1},
                )
            )
    return findings, compounds


def _abbreviation_findings(text: str, lang: str) -> list[Finding]:
    findings = []
    for entry, pattern in _ABBREVIATION_RE[lang]:
        for m in pattern.finditer(text):
            findings.append(
                Finding(
                    FindingCode.ABBREVIATION,
                    m.start(),
                    m.end(),
                    m.group(),
                    suggestion=entry.full,
                    params={"short": m.group(), "full": entry.full},
                )
            )
    days = {k.lower(): v for k, v in WEEKDAYS[lang].items()}
    for m in _WEEKDAY_RE[lang].finditer(text):
        full = WEEKDAY_JOIN[lang].format(days[m.group(1).lower()][0], days[m.group(2).lower()][1])
        findings.append(
            Finding(
                FindingCode.ABBREVIATION,
                m.start(),
                m.end(),
                m.group(),
                suggestion=full,
                params={"short": m.group(), "full": full},
            )
        )
    return findings


def _shouting_line(text: str, offset: int) -> bool:
    """A line in capitals ("TIEDOTE KIRJASTOSTA") is a heading, not a row of acronyms."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    line = text[start : end if end != -1 else len(text)]
    return sum(1 for w in line.split() if w.isupper()) >= 3 and not any(c.islower() for c in line)


def _acronym_findings(text: str, taken: list[Finding]) -> list[Finding]:
    """The first use of each acronym ("EVA", "THL:n", "ELY-keskus")."""
    findings = []
    seen: set[str] = set()
    for m in _ACRONYM_RE.finditer(text):
        acronym = m.group()
        if (
            not acronym.isupper()
            or acronym in seen
            or acronym in NOT_ACRONYMS
            or _ROMAN.fullmatch(acronym)
        ):
            continue
        if any(f.start <= m.start() < f.end for f in taken) or _shouting_line(text, m.start()):
            continue
        seen.add(acronym)
        findings.append(
            Finding(FindingCode.ACRONYM, m.start(), m.end(), acronym, params={"acronym": acronym})
        )
    return findings


def _officialese_finding(entry: Officialese, start: int, end: int, matched: str) -> Finding:
    return Finding(
        FindingCode.OFFICIALESE,
        start,
        end,
        matched,
        suggestion=entry.alternative,
        params={"term": entry.term, "alternative": entry.alternative},
    )


def _officialese_findings(
    text: str, words: list[Span], lang: str, use_voikko: bool
) -> list[Finding]:
    findings = []
    entries = _OFFICIALESE_RE[lang]
    by_lemma = use_voikko and lang == "fi"
    for entry, pattern in entries:
        if by_lemma and entry.lemma:
            continue
        for m in pattern.finditer(text):
            findings.append(_officialese_finding(entry, m.start(), m.end(), m.group()))
    if by_lemma:
        lemma_entries = tuple(entry for entry, _ in entries if entry.lemma)
        for w in words:
            found = finnish.officialese_by_lemma(w.value, lemma_entries)
            if found is False:  # Voikko does not know the word: try the stems
                found = next(
                    (e for e, p in entries if e.lemma and p.fullmatch(w.value)),
                    None,
                )
            if found:
                findings.append(_officialese_finding(found, w.start, w.end, w.value))
    return findings


@dataclass(slots=True)
class _FinnishStyle:
    passive: list[Span] = field(default_factory=list)
    passive_sentences: int = 0
    minen: list[Span] = field(default_factory=list)


def _finnish_style(sents: tuple[Sentence, ...], use_voikko: bool) -> _FinnishStyle:
    style = _FinnishStyle()
    for s in sents:
        previous: str | None = None
        in_sentence = 0
        for w in s.words:
            if finnish.is_passive(w.value, previous, use_voikko=use_voikko):
                style.passive.append(w)
                in_sentence += 1
            if finnish.is_minen_noun(w.value, use_voikko=use_voikko):
                style.minen.append(w)
            previous = w.value.lower()
        style.passive_sentences += bool(in_sentence)
    return style


def _finnish_findings(style: _FinnishStyle, n_sentences: int, n_words: int) -> list[Finding]:
    findings = []
    share = _share(style.passive_sentences, n_sentences)
    if share >= t.PASSIVE_SENTENCE_SHARE and len(style.passive) >= t.PASSIVE_MIN_COUNT:
        findings += [
            Finding(FindingCode.PASSIVE, w.start, w.end, w.value, params={"share": share})
            for w in style.passive
        ]
    count = len(style.minen)
    if count >= t.MINEN_MIN_COUNT and 100 * _share(count, n_words) >= t.MINEN_PER_100_WORDS:
        findings += [
            Finding(FindingCode.NOMINAL_STYLE, w.start, w.end, w.value, params={"count": count})
            for w in style.minen
        ]
    return findings


def _noun_chain_findings(text: str, sents: tuple[Sentence, ...]) -> list[Finding]:
    findings = []
    for s in sents:
        for start, end in english.noun_chains(text, s, t.NOUN_CHAIN_WORDS):
            chain = text[start:end]
            findings.append(
                Finding(
                    FindingCode.NOUN_CHAIN, start, end, chain, params={"count": len(chain.split())}
                )
            )
    return findings


def _grade(
    lang: str, facts: Facts, findings: list[Finding]
) -> tuple[Grade | None, GradeBasis | None]:
    if facts.words == 0:
        return None, None
    lix_points = {
        LixBand.VERY_EASY: 0,
        LixBand.EASY: 0,
        LixBand.MEDIUM: 1,
        LixBand.HARD: 2,
        LixBand.VERY_HARD: 2,
    }[facts.lix_band]
    if facts.words < t.LIX_MIN_WORDS:
        lix_points = min(lix_points, 1)
    sentence_points = max(
        _points(facts.words_per_sentence, t.MEAN_SENTENCE_WORDS[lang]),
        _points(facts.long_sentence_share, t.LONG_SENTENCE_SHARE),
    )
    density = 100 * _share(sum(f.code in STYLE_CODES for f in findings), facts.words)
    low, high = t.FINDINGS_PER_100_WORDS
    findings_points = 0 if density < low else 1 if density < high else 2
    basis = GradeBasis(lix_points, sentence_points, findings_points, round(density, 1))
    if basis.total <= t.EASY_MAX_POINTS:
        return Grade.EASY, basis
    if basis.total <= t.FAIRLY_EASY_MAX_POINTS:
        return Grade.FAIRLY_EASY, basis
    return Grade.HARD, basis


# --- the entry point -----------------------------------------------------------------------------


def analyze(text: str, locale: str) -> Analysis:
    """Measure ``text`` written in ``locale`` ("fi", "sv" or "en"; "fi_FI" is accepted).

    Raises ValueError for other languages. Needs no app context (rendering the messages does).
    """
    lang = _normalise_locale(locale)
    use_voikko = lang == "fi" and voikko.available()
    sents = sentences(text)
    words = [w for s in sents for w in s.words]
    n_words, n_sentences = len(words), len(sents)
    n_long_sentences = sum(len(s.words) > t.LONG_SENTENCE_WORDS for s in sents)
    word_letters = [letters(w.value) for w in words]
    n_long_words = sum(n >= t.LONG_WORD_LETTERS for n in word_letters)
    n_lix_long = sum(n > t.LIX_LONG_WORD_LETTERS for n in word_letters)
    lix = (n_words / n_sentences + 100 * n_lix_long / n_words) if n_words else 0.0

    findings = _sentence_findings(sents)
    long_words, compounds = _long_word_findings(words, word_letters, use_voikko)
    findings += long_words
    abbreviations = _abbreviation_findings(text, lang)
    findings += abbreviations
    findings += _acronym_findings(text, abbreviations)
    findings += _officialese_findings(text, words, lang, use_voikko)
    style = None
    if lang == "fi":
        style = _finnish_style(sents, use_voikko)
        findings += _finnish_findings(style, n_sentences, n_words)
    if lang == "en":
        findings += _noun_chain_findings(text, sents)
    findings.sort(key=lambda f: (f.start, -f.end, f.code))

    facts = Facts(
        sentences=n_sentences,
        words=n_words,
        words_per_sentence=round(_share(n_words, n_sentences), 1),
        max_sentence_words=max((len(s.words) for s in sents), default=0),
        long_sentences=n_long_sentences,
        long_sentence_share=round(_share(n_long_sentences, n_sentences), 3),
        long_words=n_long_words,
        long_word_share=round(_share(n_long_words, n_words), 3),
        lix=round(lix, 1),
        lix_band=_lix_band(lix, lang),
        passive_forms=len(style.passive) if style else None,
        passive_sentence_share=(
            round(_share(style.passive_sentences, n_sentences), 3) if style else None
        ),
        minen_nouns=len(style.minen) if style else None,
        compound_words=compounds if use_voikko else None,
    )
    grade, basis = _grade(lang, facts, findings)
    return Analysis(lang, facts, tuple(findings), grade, basis, use_voikko)
