"""Every number the checker judges by, with where it comes from.

Research notes: ``../shared/research/finnish_domain.md`` §4.3–§4.7. Thresholds marked
"calibrated here" were set on the sample notices in ``tests/plainlang/samples/`` (an officialese
notice and its plain rewrite per language) and should be re-checked against real municipal texts.
"""

from __future__ import annotations

# --- Sentences -----------------------------------------------------------------------------------

#: A sentence with more words than this is "long". Research §4.7 (Selkokeskus "lyhyet virkkeet";
#: the Plain English Campaign's average of 15–20 words): flag any sentence over 20 words.
LONG_SENTENCE_WORDS = 20

#: Mean words per sentence: (at most this → 0 points, at most this → 1 point, above → 2 points).
#: Swedish and English: the Plain English Campaign's 15–20 word average (research §4.5).
#: Finnish packs into one word what Swedish and English say in two or three (case endings,
#: compounds): in the parallel samples here Finnish sentences had 0.5–0.85 times as many words
#: as the Swedish and English ones, so the Finnish limits are about 0.7 × (15, 20). Research §4.7
#: proposes "mean > 12" as the Finnish flag, which falls inside this band.
MEAN_SENTENCE_WORDS: dict[str, tuple[float, float]] = {
    "fi": (10, 14),
    "sv": (15, 20),
    "en": (15, 20),
}

#: Share of long sentences: (at most → 0 points, at most → 1 point, above → 2 points).
#: Calibrated here: one long sentence in ten is tolerated in a clear text.
LONG_SENTENCE_SHARE = (0.10, 0.25)

# --- Words ---------------------------------------------------------------------------------------

#: A word of this many letters or more is "long" and listed (research §4.7, "≥ 13 letters").
LONG_WORD_LETTERS = 13

#: LIX counts words of more than this many letters as long (Björnsson 1968, research §4.5).
LIX_LONG_WORD_LETTERS = 6

#: With Voikko, a Finnish compound of this many parts or more is listed as a long word even when it
#: is shorter than LONG_WORD_LETTERS (research §4.7, "3+ part compounds flagged").
COMPOUND_PARTS = 3

# --- LIX bands -----------------------------------------------------------------------------------

#: Upper limits of the LIX bands very easy / easy / medium / hard; above the last is very hard.
#: Swedish: Björnsson's bands as used by Swedish klarspråk guidance (research §4.5: < 30 very easy,
#: 30–40 easy, 40–50 medium, 50–60 hard, > 60 very hard).
#: English: the same bands; no separate English scale was found, and English words are shorter
#: than Swedish ones, so the Swedish bands are, if anything, lenient for English.
#: Finnish: the Swedish bands do not fit (research §4.5: the same plain notice scored 54.4 in
#: Finnish and 32.0 in Swedish, +22; a bureaucratic Finnish sentence scored 105). The Finnish
#: bands are the Swedish ones moved up by 25 points, calibrated here on parallel texts: the
#: Finnish–Swedish difference was +22 (research), +34 (plain library notice) and +21 (officialese
#: library notice), mean +26. The Finnish plain samples score 41–63, the officialese ones 85–94.
LIX_BANDS: dict[str, tuple[float, float, float, float]] = {
    "fi": (55, 65, 75, 85),
    "sv": (30, 40, 50, 60),
    "en": (30, 40, 50, 60),
}

#: LIX is unstable on a handful of words (one long word in a five-word question moves it by 20
#: points), so below this many words it gives at most one grade point.
LIX_MIN_WORDS = 40

# --- Finnish style -------------------------------------------------------------------------------

#: -minen nouns ("osallistuminen", "hyödyntämistä") are flagged when there are at least this
#: many in the text and at least MINEN_PER_100_WORDS per hundred words (research §4.7 counts them
#: per 100 words; the limits are calibrated here: one "vastaaminen" in a plain notice is fine).
MINEN_MIN_COUNT = 2
MINEN_PER_100_WORDS = 2.5

#: The text is passive-heavy when at least this share of its sentences has a passive verb form
#: (and there are at least PASSIVE_MIN_COUNT of them). Research §4.7: passive share, clear-language
#: guidance prefers "agent does something" clauses. Calibrated here; Finnish uses the passive much
#: more than English, so only a majority is flagged.
PASSIVE_SENTENCE_SHARE = 0.5
PASSIVE_MIN_COUNT = 2

# --- English style -------------------------------------------------------------------------------

#: Consecutive noun-like words that make a "noun chain" ("library service network review").
NOUN_CHAIN_WORDS = 3

# --- Grade ---------------------------------------------------------------------------------------

#: Style findings (officialese, abbreviations, acronyms, -minen, passive, noun chains) per 100
#: words: (below → 0 points, below → 1 point, otherwise 2 points). Calibrated here.
FINDINGS_PER_100_WORDS = (2.0, 5.0)

#: Grade from the sum of the three components (LIX band, sentence length, findings density),
#: each 0–2 points: at most EASY_MAX_POINTS → easy, at most FAIRLY_EASY_MAX_POINTS → fairly easy,
#: more → hard.
EASY_MAX_POINTS = 1
FAIRLY_EASY_MAX_POINTS = 3
