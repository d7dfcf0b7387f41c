"""English noun chains ("library service network review"), found by a simple heuristic.

There is no part-of-speech tagger here (none is installed, and the checker must work offline).
A word counts as noun-like unless it is a function word, a common verb or adjective from the
lists below, has a typical adverb/adjective/past-tense ending (-ly, -ed, -ous, -ful, -ive,
-able…), starts with a capital letter (names) or contains a digit. A chain is a run of at least
``NOUN_CHAIN_WORDS`` noun-like words separated only by single spaces. Because English compounds
use singular modifiers ("parking permit scheme"), a word ending in -s ends a chain: "council
wants residents" is not one. The heuristic misses some chains and flags some adjective + noun
runs; findings are suggestions for a human to judge.
"""

from __future__ import annotations

import re

from app.plainlang.text import Sentence, Span, word_set

FUNCTION_WORDS = word_set(
    """
    a an the this that these those some any each every no all both either neither another such
    what which who whom whose where when why how whether if then than so as because since while
    though although unless until before after about above across against along among around at
    by down during except for from in inside into near of off on onto out outside over past per
    through throughout to toward towards under up upon via with within without and or but nor yet
    not also only just even still already again too very quite rather really more most less least
    much many few several enough own other same here there now today tomorrow yesterday always
    never often sometimes soon please i me my mine we us our ours you your yours he him his she
    her hers it its they them their theirs one ones be am is are was were been being have has had
    having do does did done doing will would shall should can could may might must need ought
    get gets got make makes made take takes took give gives gave go goes went come comes came see
    sees saw know knows knew think tell tells told ask asks asked say says said find finds found
    want wants use uses used help helps let lets keep keeps put puts send sends sent call calls
    show shows try tries read reads write writes join joins answer answers apply applies share
    shares decide decides visit visits bring brings start starts end ends happen happens like
    """
)

COMMON_ADJECTIVES = word_set(
    """
    new old good better best bad great small large big long short high low early late free open
    closed local public private social national main whole full young elderly older next last
    first second third final important possible available easy hard difficult simple clear
    different current future previous following general special annual monthly weekly daily
    total additional further sure able ready happy right wrong real true online digital certain
    various little major minor safe strong weak electronic
    """
)

_NOT_NOUN_END = re.compile(r".*(?:ly|ed|ous|ful|less|ive|able|ible|ical)")
_BE = frozenset({"am", "is", "are", "was", "were", "be", "been", "being", "'re"})


def _noun_like(word: Span, sentence_start: bool) -> bool:
    w = word.value
    if not w.isalpha() and "-" not in w:
        return False
    if len(w) < 3 or any(ch.isdigit() for ch in w):
        return False
    if w[0].isupper() and not sentence_start:
        return False
    if w.isupper():
        return False
    lower = w.lower()
    return not (
        lower in FUNCTION_WORDS or lower in COMMON_ADJECTIVES or _NOT_NOUN_END.fullmatch(lower)
    )


def _plural_or_verb(word: str) -> bool:
    lower = word.lower()
    return lower.endswith("s") and not lower.endswith(("ss", "us", "is", "ics"))


def noun_chains(text: str, sentence: Sentence, min_words: int) -> list[tuple[int, int]]:
    """(start, end) spans of noun chains in one sentence."""
    chains: list[tuple[int, int]] = []
    run: list[Span] = []

    def close() -> None:
        if len(run) >= min_words:
            chains.append((run[0].start, run[-1].end))
        run.clear()

    previous: Span | None = None
    for index, word in enumerate(sentence.words):
        joined = previous is not None and text[previous.end : word.start] == " "
        if run and not joined:
            close()
        after_be = previous is not None and previous.value.lower() in _BE
        if _noun_like(word, sentence_start=index == 0) and not (
            not run and after_be and word.value.lower().endswith("ing")
        ):
            run.append(word)
            if _plural_or_verb(word.value):
                close()
        else:
            close()
        previous = word
    close()
    return chains
