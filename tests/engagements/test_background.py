"""Background bands: codes with words in each language, checked before they are stored."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from app.engagements import background
from app.engagements.background import BackgroundError
from config import KEMI_POSTAL_AREAS, _env_postal_areas


def test_every_band_has_a_code_and_words_in_the_viewers_language(app):
    with app.test_request_context("/en/"), force_locale("en"):
        assert background.QUESTIONS == ("age", "area", "gender")
        assert [code for code, _label in background.options("age")] == [
            "under-18",
            "18-29",
            "30-44",
            "45-64",
            "65-74",
            "75-plus",
        ]
        assert background.label("gender", "not-said") == "I prefer not to say"
        assert background.label("area", "94100") == "94100 Keskusta"
        assert background.label("area", "outside") == "I live elsewhere"
        assert background.label("age", "gone-band") == "gone-band"  # an old code stays readable
        with force_locale("fi"):
            assert background.question_label("age")


def test_only_known_codes_pass(app):
    with app.test_request_context("/fi/"):
        assert background.clean({"age": "30-44", "area": ""}).as_dict() == {"age": "30-44"}
        with pytest.raises(BackgroundError) as refused:
            background.clean({"age": "31-44", "gender": "woman", "area": "00100"})
        assert refused.value.reason == "invalid"
        assert refused.value.fields == ("age", "area")


def test_postal_areas_come_from_the_environment_when_set(monkeypatch):
    monkeypatch.setenv("POSTAL_AREAS", "94100=Keskusta; 94200 ;\n94300=Sauvosaari")
    assert _env_postal_areas("POSTAL_AREAS", KEMI_POSTAL_AREAS) == [
        ("94100", "Keskusta"),
        ("94200", "94200"),
        ("94300", "Sauvosaari"),
    ]
    monkeypatch.delenv("POSTAL_AREAS")
    assert _env_postal_areas("POSTAL_AREAS", KEMI_POSTAL_AREAS) == KEMI_POSTAL_AREAS
