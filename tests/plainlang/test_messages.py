"""Every finding and grade has a translatable message that renders with its values."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from app.plainlang import FindingCode, Grade, LixBand, analyze, messages

from .conftest import sample


def test_every_finding_code_grade_and_band_has_a_message():
    assert set(messages.TITLES) == set(FindingCode)
    assert set(messages.HINTS) == set(FindingCode)
    assert set(messages.GRADES) == set(Grade)
    assert set(messages.LIX_BANDS) == set(LixBand)


@pytest.mark.parametrize(
    ("name", "lang"),
    [
        ("fi_library_officialese", "fi"),
        ("fi_streets_officialese", "fi"),
        ("sv_library_officialese", "sv"),
        ("en_library_officialese", "en"),
    ],
)
def test_hints_render_with_their_values(app, name, lang, heuristics):
    result = analyze(sample(name), lang)
    with force_locale("en"):
        rendered = {f.code: messages.describe(f) for f in result.findings}

    for text in rendered.values():
        assert "%(" not in text
    if FindingCode.OFFICIALESE in rendered:
        first = result.of(FindingCode.OFFICIALESE)[0]
        assert first.params["alternative"] in messages.describe(first)


def test_long_sentence_hint_names_the_word_count(app):
    result = analyze("Sana " + " ".join(["sana"] * 24) + ".", "fi")
    (finding,) = result.of(FindingCode.LONG_SENTENCE)

    with force_locale("en"):
        hint = messages.describe(finding)
        title = messages.title(finding)

    assert "25 words" in hint
    assert "20 words or fewer" in hint
    assert title == "Long sentence"


def test_passive_share_is_shown_as_a_percentage(app, heuristics):
    result = analyze("Kadut aurataan. Hiekoitus tehdään. Lisää kerrotaan.", "fi")
    finding = result.of(FindingCode.PASSIVE)[0]

    with force_locale("en"):
        assert messages.describe(finding).startswith("100%")


def test_grade_labels(app):
    with force_locale("en"):
        assert messages.grade_label(Grade.HARD) == "Hard to read"
        assert messages.grade_label(None) == ""
        assert messages.lix_band_label(LixBand.MEDIUM) == "medium"
