"""The ctypes binding to libvoikko."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from app.plainlang import voikko


def test_analysis_gives_baseform_class_and_compound_structure(with_voikko):
    (analysis,) = voikko.analyze_word("toimenpiteiden")

    assert analysis.baseform == "toimenpide"
    assert analysis.word_class == "nimisana"
    assert analysis.case == "omanto"
    assert analysis.compound_parts == 2


def test_analysis_marks_the_passive_as_person_four(with_voikko):
    analyses = voikko.analyze_word("suoritetaan")

    assert any(
        a.baseform == "suorittaa" and a.person == "4" and a.negative == "false" for a in analyses
    )


def test_participle_keeps_its_verb_in_wordbases(with_voikko):
    analyses = voikko.analyze_word("suoritettava")

    assert any(a.participle == "present_passive" and "(suorittaa)" in a.wordbases for a in analyses)


def test_unknown_and_unusable_words_have_no_analyses(with_voikko):
    assert voikko.analyze_word("xqzzyvk") == ()
    assert voikko.analyze_word("") == ()
    assert voikko.analyze_word("a\x00b") == ()
    assert voikko.analyze_word("a" * (voikko.MAX_WORD_LENGTH + 1)) == ()


def test_threads_share_one_handle_safely(with_voikko):
    words = [
        f"{stem}{ending}"
        for stem in ("kirja", "talo", "kissa", "koulu")
        for ending in ("ssa", "sta", "lla", "lle", "ksi", "na")
    ]
    voikko.analyze_word.cache_clear()
    expected = {w: voikko._library.analyze(w) for w in words}
    voikko.analyze_word.cache_clear()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(voikko.analyze_word, words * 20))

    assert results == [expected[w] for w in words * 20]
    assert all(results)


@pytest.mark.parametrize("value", ["0", "false", "off"])
def test_environment_switch_turns_voikko_off(monkeypatch, value):
    monkeypatch.setenv(voikko.ENV_SWITCH, value)

    assert voikko.available() is False
    assert voikko.status() == "off (PLAINLANG_VOIKKO=0)"


def test_missing_library_means_not_available(monkeypatch):
    monkeypatch.setattr(voikko.ctypes.util, "find_library", lambda name: "libvoikko-missing.so.9")
    library = voikko._Library()

    assert library.open() is False
    assert library.error is not None
    assert "could not be loaded" in library.error
    assert library.analyze("kissa") == ()
