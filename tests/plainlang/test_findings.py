"""Findings: what is found, where it is, and what is left alone."""

from __future__ import annotations

import pytest

from app.plainlang import FindingCode, analyze

from .conftest import SAMPLES, sample

SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))


def matched(result, code: FindingCode) -> list[str]:
    return [f.matched for f in result.of(code)]


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.stem)
def test_every_span_points_at_the_matched_text(path, heuristics):
    text = path.read_text(encoding="utf-8")
    result = analyze(text, path.name[:2])

    if "officialese" in path.stem:
        assert len(result.findings) >= 20
    for finding in result.findings:
        assert text[finding.start : finding.end] == finding.matched
    assert [f.start for f in result.findings] == sorted(f.start for f in result.findings)


def test_spans_are_right_on_the_voikko_path_too(with_voikko):
    text = sample("fi_library_officialese")
    result = analyze(text, "fi")

    assert result.used_voikko
    for finding in result.findings:
        assert text[finding.start : finding.end] == finding.matched


def test_finnish_inflected_officialese_is_found_with_its_dictionary_form(finnish):
    text = (
        "Toimenpiteet aloitetaan keväällä. Toimenpiteiden kustannukset selviävät myöhemmin. "
        "Tarkastus suoritetaan kahdesti vuodessa, mikäli sää sallii."
    )
    result = finnish(text)
    found = {f.matched: f for f in result.of(FindingCode.OFFICIALESE)}

    assert set(found) == {"Toimenpiteet", "Toimenpiteiden", "suoritetaan", "mikäli"}
    assert found["Toimenpiteiden"].params["term"] == "toimenpide"
    assert found["suoritetaan"].params["term"] == "suorittaa"
    assert found["suoritetaan"].suggestion == "tehdä, maksaa"
    assert found["mikäli"].suggestion == "jos"
    start = text.index("suoritetaan")
    assert (found["suoritetaan"].start, found["suoritetaan"].end) == (start, start + 11)


def test_finnish_tulee_with_an_infinitive_is_officialese(finnish):
    result = finnish("Hakemus tulee jättää maanantaihin mennessä. Kesä tulee pian.")

    (finding,) = result.of(FindingCode.OFFICIALESE)
    assert finding.matched == "tulee jättää"
    assert "pitää" in finding.suggestion


def test_findings_can_be_collected_in_a_set():
    result = analyze("Please utilise the form prior to the meeting.", "en")

    assert len(set(result.findings)) == 2


def test_officialese_inside_a_finnish_compound_is_found(finnish):
    result = finnish("Jatkotoimenpiteistä päätetään syksyllä.")

    assert matched(result, FindingCode.OFFICIALESE) == ["Jatkotoimenpiteistä"]


def test_ordinary_finnish_words_that_look_like_officialese_are_left_alone(finnish):
    result = finnish(
        "Voit käyttää omaa autoa. Toive voi toteutua. Saat tästä hyödyn. Suoritus kestää tunnin."
    )

    assert result.of(FindingCode.OFFICIALESE) == ()


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        (
            "sv",
            "Med avseende på enkäten erfordras inga förkunskaper.",
            ["Med avseende på", "erfordras"],
        ),
        (
            "sv",
            "Tjänsten tillhandahålls av staden under innevarande år.",
            ["tillhandahålls", "innevarande"],
        ),
        ("en", "We will commence work prior to the meeting.", ["commence", "prior to"]),
        ("en", "Please utilise the form in respect of repairs.", ["utilise", "in respect of"]),
    ],
)
def test_swedish_and_english_officialese_is_found(lang, text, expected):
    result = analyze(text, lang)

    assert matched(result, FindingCode.OFFICIALESE) == expected
    assert all(f.suggestion for f in result.of(FindingCode.OFFICIALESE))


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        (
            "fi",
            "Tuo esim. Kela-kortti, passi yms. mukaan. Ks. ohjeet. Auki ma–pe klo 9–18.",
            {
                "esim.": "esimerkiksi",
                "yms.": "ja muuta sellaista",
                "Ks.": "katso",
                "ma–pe": "maanantaista perjantaihin",
                "klo": "kello",
            },
        ),
        (
            "sv",
            "Ta med t.ex. FPA-kortet. Öppet mån–fre, bl.a. för barn.",
            {"t.ex.": "till exempel", "mån–fre": "måndag till fredag", "bl.a.": "bland annat"},
        ),
        (
            "en",
            "Bring e.g. your card. Open Mon-Fri, i.e. weekdays.",
            {"e.g.": "for example", "Mon-Fri": "Monday to Friday", "i.e.": "that is"},
        ),
    ],
)
def test_abbreviations_are_found_with_their_full_form(lang, text, expected):
    result = analyze(text, lang)

    found = {f.matched: f.suggestion for f in result.of(FindingCode.ABBREVIATION)}
    assert found == expected


def test_a_number_is_needed_after_n_and_v_in_finnish():
    result = analyze("Paikkoja on n. 50. Talo v. 1960. Tuo n. Kemin kortti.", "fi")

    assert matched(result, FindingCode.ABBREVIATION) == ["n.", "v."]


def test_an_abbreviation_does_not_end_the_sentence():
    result = analyze("Tuo mukanasi esim. Kela-kortti. Tervetuloa! J. Virtanen vastaa.", "fi")

    assert result.facts.sentences == 3


def test_acronyms_are_flagged_on_first_use_only():
    text = "EVA tehdään ennen päätöstä. EVA:n tekee THL:n malli. Katso EVA ja TV-ohjelma."
    result = analyze(text, "fi")

    acronyms = result.of(FindingCode.ACRONYM)
    assert [f.matched for f in acronyms] == ["EVA", "THL"]
    assert acronyms[0].start == 0
    assert acronyms[1].start == text.index("THL")


def test_a_heading_in_capitals_is_not_a_row_of_acronyms():
    result = analyze("TIEDOTE KAIKILLE ASUKKAILLE\nKokous on torstaina.", "fi")

    assert result.of(FindingCode.ACRONYM) == ()


def test_long_sentence_span_is_the_whole_sentence():
    long_one = "Sana " + " ".join(["sana"] * 20) + "."
    text = f"Lyhyt lause. {long_one} Toinen lyhyt."
    result = analyze(text, "fi")

    (finding,) = result.of(FindingCode.LONG_SENTENCE)
    assert finding.matched == long_one
    assert finding.params["words"] == 21
    assert result.facts.long_sentences == 1
    assert result.facts.max_sentence_words == 21


def test_sentence_of_exactly_twenty_words_is_not_long():
    result = analyze(" ".join(["word"] * 20) + ".", "en")

    assert result.facts.long_sentences == 0
    assert result.of(FindingCode.LONG_SENTENCE) == ()


def test_words_of_thirteen_letters_are_long():
    result = analyze("Kaupunginosa on kaupunginosat. Hyvinvointialue.", "fi")

    assert matched(result, FindingCode.LONG_WORD) == ["kaupunginosat", "Hyvinvointialue"]
    assert result.facts.long_words == 2


def test_line_breaks_end_sentences_so_headings_and_list_items_count_alone():
    result = analyze("Ilmoittautuminen\n- tule ajoissa\n- tuo kortti\nTervetuloa!", "fi")

    assert result.facts.sentences == 4


def test_english_noun_chain_is_found_and_ordinary_phrases_are_not():
    text = (
        "The parking permit renewal process has changed. "
        "The council wants residents to send their views. "
        "We are changing parking rules. Kemi City Council meets today."
    )
    result = analyze(text, "en")

    (chain,) = result.of(FindingCode.NOUN_CHAIN)
    assert chain.matched == "parking permit renewal process"
    assert chain.params["count"] == 4


def test_noun_chains_are_english_only():
    result = analyze("Kirjasto palvelu verkko selvitys.", "fi")

    assert result.of(FindingCode.NOUN_CHAIN) == ()
