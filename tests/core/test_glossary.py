"""The glossary explains the service's words to residents, in each language, with shared anchors."""

from __future__ import annotations

import re

import pytest

from app.eva.demo import DEMO_EVA_ID
from tests.conftest import text_of

LANGS = ["fi", "sv", "en"]


def anchors(html: str) -> list[str]:
    return re.findall(r'<dt id="([a-z0-9-]+)">', html)


@pytest.mark.parametrize(
    ("lang", "term", "explained"),
    [
        ("fi", "Asiakasraati", "Pieni joukko asukkaita"),
        ("sv", "Kundpanel", "En liten grupp invånare"),
        ("en", "Customer panel", "A small group of residents"),
        ("sv", "Förhandsbedömning av konsekvenser (EVA)", "Innan staden beslutar"),
    ],
)
def test_each_language_explains_the_terms_in_its_own_words(client, lang, term, explained):
    response = client.get(f"/{lang}/glossary")
    assert response.status_code == 200
    page = text_of(response)
    assert term in page
    assert explained in page


def test_every_language_has_the_same_terms_under_the_same_anchors(client):
    found = {
        lang: anchors(client.get(f"/{lang}/glossary").get_data(as_text=True)) for lang in LANGS
    }
    assert len(found["fi"]) >= 15
    assert len(set(found["fi"])) == len(found["fi"])
    assert found["sv"] == found["fi"]
    assert found["en"] == found["fi"]
    assert {"eva", "customer-panel", "focus-area", "reserve", "draw"} <= set(found["fi"])


def test_hearing_and_panel_pages_link_to_their_term(runner, client):
    runner.invoke(args=["demo", "load"])
    hearing = client.get(f"/fi/e/{DEMO_EVA_ID}").get_data(as_text=True)
    assert 'href="/fi/glossary#eva"' in hearing
    panel = client.get("/sv/e/nuorisoraati").get_data(as_text=True)
    assert 'href="/sv/glossary#customer-panel"' in panel
    assert "Vad är en kundpanel?" in panel
