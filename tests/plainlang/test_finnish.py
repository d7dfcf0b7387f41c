"""Finnish style: passives and -minen nouns, on the Voikko path and the heuristic path."""

from __future__ import annotations

from app.plainlang import FindingCode, analyze

PASSIVE_TEXT = (
    "Kadut aurataan aamulla. Hiekoitus tehdään iltapäivällä. "
    "Pysäköinti on kielletty aurauksen aikana. Lupaa ei myönnetä. Kerromme lisää."
)


def matched(result, code: FindingCode) -> list[str]:
    return [f.matched for f in result.of(code)]


def test_passive_heavy_text_flags_each_passive_form(finnish):
    result = finnish(PASSIVE_TEXT)

    assert matched(result, FindingCode.PASSIVE) == ["aurataan", "tehdään", "kielletty", "myönnetä"]
    assert result.facts.passive_forms == 4
    assert result.facts.passive_sentence_share == 0.8
    assert result.of(FindingCode.PASSIVE)[0].params["share"] == 0.8


def test_one_passive_among_active_sentences_is_counted_but_not_flagged(finnish):
    result = finnish(
        "Kaupunki auraa kadut. Me hiekoitamme pyörätiet. Kerromme lisää. Kysely avataan maanantaina."
    )

    assert result.facts.passive_forms == 1
    assert result.of(FindingCode.PASSIVE) == ()


def test_infinitive_kuulla_and_postposition_vastaan_are_not_passives(finnish):
    result = finnish("Haluamme kuulla sinua. Otamme palautetta vastaan. Toimintaan voi tulla.")

    assert result.facts.passive_forms == 0


def test_dense_minen_nouns_are_flagged(finnish):
    result = finnish(
        "Osallistuminen edellyttää ilmoittautumista. Palvelujen kehittäminen vaatii "
        "asukkaiden kuulemista."
    )

    assert matched(result, FindingCode.NOMINAL_STYLE) == [
        "Osallistuminen",
        "ilmoittautumista",
        "kehittäminen",
        "kuulemista",
    ]
    assert result.of(FindingCode.NOMINAL_STYLE)[0].params["count"] == 4


def test_a_single_minen_noun_in_plain_text_is_fine(finnish):
    result = finnish(
        "Voit vastata kyselyyn netissä. Vastaaminen vie noin kymmenen minuuttia. "
        "Kysely on auki kaksi viikkoa. Kerromme tuloksista kaupungin sivuilla."
    )

    assert result.facts.minen_nouns == 1
    assert result.of(FindingCode.NOMINAL_STYLE) == ()


def test_ihminen_and_lamminen_are_not_minen_nouns(finnish):
    result = finnish("Ihminen tarvitsee lämmintä ruokaa. Ihmisen koti on lämmin.")

    assert result.facts.minen_nouns == 0


def test_voikko_counts_compounds_of_three_parts(with_voikko):
    result = analyze("Palveluverkkoselvitys valmistuu. Kirjasto on auki.", "fi")

    assert result.used_voikko
    assert result.facts.compound_words == 1
    (long_word,) = result.of(FindingCode.LONG_WORD)
    assert long_word.params["parts"] == 3


def test_compounds_are_not_counted_without_voikko(heuristics):
    result = analyze("Palveluverkkoselvitys valmistuu.", "fi")

    assert not result.used_voikko
    assert result.facts.compound_words is None


def test_voikko_tells_an_illative_from_a_past_passive(with_voikko):
    # "konserttiin" (into the concert) ends like "annettiin" (was given); the ending alone
    # cannot tell them apart, the analysis can.
    result = analyze("Tervetuloa konserttiin. Liput annettiin eilen.", "fi")

    assert result.facts.passive_forms == 1


def test_voikko_finds_a_connegative_passive_the_endings_miss(with_voikko):
    # "käsitellä" after "ei" is a passive; without "ei" it is the infinitive.
    result = analyze("Hakemusta ei käsitellä. Haluamme käsitellä asian.", "fi")

    assert result.facts.passive_forms == 1


def test_swedish_and_english_have_no_finnish_facts():
    for lang in ("sv", "en"):
        result = analyze("Vi ses i biblioteket. We meet there.", lang)
        assert result.facts.passive_forms is None
        assert result.facts.minen_nouns is None
        assert not result.used_voikko
