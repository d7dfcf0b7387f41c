"""Finnish word checks: from Voikko's analyses when it is available, from word endings when not.

The heuristics are deliberately narrow: they find the common forms and accept missing some
rather than flag ordinary words. Known gaps without Voikko: passives of -lla/-na/-ra verbs other
than those ending -ellaan/-ullaan ("mennään" is found, "tavallaan" is not mistaken for one),
compounds are not split, and officialese inside compounds is found only for nouns marked so in
the word list.
"""

from __future__ import annotations

import re

from app.plainlang import voikko
from app.plainlang.text import word_set
from app.plainlang.wordlists import Officialese

#: Forms of "olla" before a passive participle: "on suoritettava", "on suljettu".
OLLA_FORMS = word_set("on ovat oli olivat olisi olisivat ole ollut olleet olisit olla lienee")
#: The negation verb before a connegative passive: "ei suoriteta".
NEGATION = frozenset({"ei", "eikä"})

# --- heuristics ----------------------------------------------------------------------------------

#: Finite passive endings: present "-taan/-daan" after a vowel or h (suoritetaan, tehdään, voidaan;
#: "toimintaan" and "kertaan" are illatives), "-ellaan/-ullaan/-nnaan/-rraan" (keskustellaan,
#: kuullaan, mennään), past "-tiin" (tehtiin, annettiin; not "-ktiin" as in "projektiin"),
#: conditional "-taisiin" (tehtäisiin).
_PASSIVE_END = re.compile(
    r"\w{2,}[aeiouyäöh][td](?:aan|ään)|\w{2,}(?:ell|ull|yll|nn|rr)(?:aan|ään)"
    r"|\w{2,}(?<!k)tiin|\w{2,}t(?:aisiin|äisiin)"
)
#: Words with those endings that are not passives: adverbs, postpositions, possessive forms
#: ("kodistaan", "työstään"), illatives ("postiin", "nettiin").
_NOT_PASSIVE_END = re.compile(r"\w*st(?:aan|ään|iin)")
_NOT_PASSIVE = word_set(
    """
    vastaan ainoastaan uudestaan tosiaan alkuaan itsestään yhtään puolestaan vuorostaan
    sataan nettiin
    """
)
#: Passive forms of -sta/-stä verbs, which the possessive rule above would miss.
_PASSIVE_ST = word_set(
    "julkaistaan julkaistiin pestään pestiin noustaan noustiin juostaan juostiin"
)
#: Connegative passive after "ei": "ei suoriteta", "ei hyväksytä".
_CONNEGATIVE_END = re.compile(r"\w{2,}(?:eta|etä|ytä)")
#: Passive participles after a form of "olla": "on suoritettava", "on suljettu".
_PARTICIPLE_END = re.compile(r"\w{2,}(?:ttava|ttävä|tava|tävä|ttu|tty|tu|ty)")
_NOT_PARTICIPLE = word_set(
    """
    kattava riittävä auttava odottava kestävä jännittävä mittava tietty tuttu kiinnostava
    koskettava puuttuva vakuuttava huolestuttava pätevä
    """
)
#: -minen nouns in any case: "osallistuminen", "osallistumisen", "hyödyntämistä". At least three
#: letters before "-minen" and no double m keep out "ihminen", "luminen" and "lämminen".
_MINEN = re.compile(
    r"\w{3,}(?<!m)mi(?:nen|s(?:en|ta|tä|een|eksi|ell[aä]|ess[aä]|est[aä]|elle|en[aä]|et|ten"
    r"|i[aä]|iin|ill[aä]|iss[aä]|ist[aä]|ille|in[aä]|iksi))"
)


def _heuristic_passive(word: str, previous: str | None) -> bool:
    w = word.lower()
    if previous in NEGATION:
        return bool(_CONNEGATIVE_END.fullmatch(w))
    if previous in OLLA_FORMS and _PARTICIPLE_END.fullmatch(w) and w not in _NOT_PARTICIPLE:
        return True
    if w in _PASSIVE_ST:
        return True
    if w in _NOT_PASSIVE or _NOT_PASSIVE_END.fullmatch(w):
        return False
    return bool(_PASSIVE_END.fullmatch(w))


# --- Voikko --------------------------------------------------------------------------------------


def _voikko_passive(word: str, previous: str | None) -> bool | None:
    analyses = voikko.analyze_word(word)
    if not analyses:
        return None
    for a in analyses:
        # "kuulla" is also the connegative passive ("ei kuulla"): a connegative counts only after
        # "ei" (research §4.6: require NEGATIVE false otherwise).
        finite = a.word_class == "teonsana" and a.person == "4"
        if finite and (a.negative != "true" or previous in NEGATION):
            return True
        if a.participle in {"present_passive", "past_passive"} and previous in OLLA_FORMS:
            return True
    return False


def _voikko_minen(word: str) -> bool | None:
    analyses = voikko.analyze_word(word)
    if not analyses:
        return None
    return any(a.mood == "MINEN-infinitive" for a in analyses)


# --- what the analyzer calls ---------------------------------------------------------------------


def is_passive(word: str, previous: str | None, *, use_voikko: bool) -> bool:
    """Whether ``word`` is a passive verb form; ``previous`` is the word before it, lowercased."""
    if use_voikko:
        found = _voikko_passive(word, previous)
        if found is not None:
            return found
    return _heuristic_passive(word, previous)


def is_minen_noun(word: str, *, use_voikko: bool) -> bool:
    """Whether ``word`` is a -minen noun made from a verb ("osallistuminen", "hyödyntämistä")."""
    if use_voikko:
        found = _voikko_minen(word)
        if found is not None:
            return found
    return bool(_MINEN.fullmatch(word.lower()))


def compound_parts(word: str) -> int | None:
    """How many parts Voikko sees in a compound word; None when Voikko does not know the word."""
    analyses = voikko.analyze_word(word)
    if not analyses:
        return None
    return max(a.compound_parts for a in analyses)


def _derives_from(analysis: voikko.WordAnalysis, entry: Officialese) -> bool:
    lemma = entry.lemma or ""
    base = (analysis.baseform or "").lower()
    if base == lemma:
        return True
    if entry.compounds and (
        base.endswith(lemma) or f"({lemma})" in (analysis.wordbases or "").replace("=", "")
    ):
        return True  # "jatkotoimenpide"; "+toimenpite(toimen=pide)+inen" is the same compound
    # Participles and -minen nouns keep the verb in WORDBASES: "+suoritet(suorittaa)+tav+a(+a)".
    # Other derived nouns ("edellytys" from "edellyttää") are different words.
    derived_form = analysis.participle is not None or analysis.mood == "MINEN-infinitive"
    return derived_form and f"({lemma})" in (analysis.wordbases or "")


def officialese_by_lemma(word: str, entries: tuple[Officialese, ...]) -> Officialese | None | bool:
    """The officialese entry ``word`` is a form of, by Voikko's analyses.

    Every reading must come from the entry's word ("omaa" is also a form of "oma", so it is not
    taken for "omata"). Returns False when Voikko does not know the word, so the caller can fall
    back to the stem patterns.
    """
    analyses = voikko.analyze_word(word)
    if not analyses:
        return False
    for entry in entries:
        if entry.lemma and all(_derives_from(a, entry) for a in analyses):
            return entry
    return None
