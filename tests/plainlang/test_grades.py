"""Real notices: officialese and plain rewrites grade differently in every language."""

from __future__ import annotations

import pytest

from app.plainlang import FindingCode, Grade, LixBand, analyze
from app.plainlang import thresholds as t

from .conftest import sample

PAIRS = [("fi", "library"), ("fi", "streets"), ("sv", "library"), ("en", "library")]


@pytest.mark.parametrize(("lang", "topic"), PAIRS)
def test_officialese_notice_is_hard_and_its_plain_rewrite_is_not(lang, topic, heuristics):
    official = analyze(sample(f"{lang}_{topic}_officialese"), lang)
    plain = analyze(sample(f"{lang}_{topic}_plain"), lang)

    assert official.grade == Grade.HARD
    assert plain.grade in {Grade.EASY, Grade.FAIRLY_EASY}
    assert plain.facts.lix < official.facts.lix
    assert plain.facts.words_per_sentence < official.facts.words_per_sentence
    assert len(plain.findings) < len(official.findings)


@pytest.mark.parametrize("topic", ["library", "streets"])
def test_finnish_pair_grades_the_same_with_and_without_voikko(topic, finnish):
    assert finnish(sample(f"fi_{topic}_officialese")).grade == Grade.HARD
    assert finnish(sample(f"fi_{topic}_plain")).grade == Grade.EASY


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_ordinary_notice_with_long_sentences_is_fairly_easy(lang, heuristics):
    result = analyze(sample(f"{lang}_hours_standard"), lang)

    assert result.grade == Grade.FAIRLY_EASY
    assert result.basis is not None
    assert result.basis.sentence_points >= 1
    assert result.basis.findings_points == 0


def test_plain_finnish_is_not_hard_by_lix_although_it_scores_above_swedish_limits(heuristics):
    plain_fi = analyze(sample("fi_library_plain"), "fi")
    plain_sv = analyze(sample("sv_library_plain"), "sv")

    # The same plain notice: Finnish LIX is far higher than Swedish (research §4.5) ...
    assert plain_fi.facts.lix > plain_sv.facts.lix + 20
    assert plain_fi.facts.lix > t.LIX_BANDS["sv"][2]  # "hard" on the Swedish scale
    # ... but the Finnish bands place it among the easy texts.
    assert plain_fi.facts.lix_band in {LixBand.VERY_EASY, LixBand.EASY}
    assert plain_fi.basis is not None
    assert plain_fi.basis.lix_points == 0


def test_bureaucratic_finnish_is_very_hard_on_the_finnish_scale(heuristics):
    result = analyze(sample("fi_streets_officialese"), "fi")

    assert result.facts.lix_band == LixBand.VERY_HARD


def test_lix_is_words_per_sentence_plus_percent_of_words_over_six_letters(heuristics):
    # 5 words, 2 sentences, 2 words over six letters ("juoksee", "pihalla"): 2.5 + 40.
    result = analyze("Kissa istuu. Koira juoksee pihalla.", "fi")

    assert result.facts.sentences == 2
    assert result.facts.words == 5
    assert result.facts.lix == 42.5


def test_a_short_question_is_not_graded_hard_for_its_long_words(heuristics):
    result = analyze("Millaisia kirjastopalveluja toivoisit tulevaisuudessa asuinalueellesi?", "fi")

    assert result.facts.lix > t.LIX_BANDS["fi"][3]
    assert result.basis is not None
    assert result.basis.lix_points == 1
    assert result.grade == Grade.EASY


def test_grade_basis_explains_the_grade(heuristics):
    result = analyze(sample("en_library_officialese"), "en")

    assert result.basis is not None
    assert result.basis.total == 6
    assert result.basis.findings_per_100_words >= t.FINDINGS_PER_100_WORDS[1]
    assert len(result.of(FindingCode.LONG_SENTENCE)) == result.facts.long_sentences


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("text", ["", "   \n\t  \n", "🙂🎉", "👍 👍\n\n🚲", "\u200b\u00a0"])
def test_text_without_words_has_no_grade_and_no_findings(lang, text):
    result = analyze(text, lang)

    assert result.facts.words == 0
    assert result.facts.sentences == 0
    assert result.facts.lix == 0
    assert result.grade is None
    assert result.basis is None
    assert result.findings == ()


def test_locale_with_region_is_accepted_and_unknown_language_refused():
    assert analyze("Hej.", "sv_FI").locale == "sv"
    assert analyze("Hei.", "fi-FI").locale == "fi"
    with pytest.raises(ValueError, match="unsupported language"):
        analyze("Tere.", "et")
