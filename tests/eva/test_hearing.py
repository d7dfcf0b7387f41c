"""Residents read an EVA hearing: the change, the alternatives and the impacts in words."""

from __future__ import annotations

import pytest

from app.eva.hearing import GROUP_WORDS, TRIGGER_WORDS
from app.eva.models import AFFECTED_GROUPS, TRIGGERS
from app.extensions import db
from app.questionnaires import page_cache
from tests.conftest import text_of
from tests.eva._factory_c import close, make_eva


@pytest.fixture
def eva(plan):
    return make_eva()


def test_hearing_page_shows_the_change_alternatives_and_impacts_in_words(client, eva):
    response = client.get(f"/en/e/{eva.public_id}")
    assert response.status_code == 200
    page = text_of(response)
    assert "Hearing on a proposed change" in page
    assert "Merging the school libraries" in page
    assert "The two school libraries are merged into one." in page
    assert "The buildings need repairs." in page
    assert "Who decides Education committee" in page
    assert "Decision expected Mar 12, 2027" in page
    assert "VE0 Keep both libraries (the current state) Both libraries stay open." in page
    assert "VE1 Merge the libraries One library in the new school." in page
    assert (
        "VE1 Merge the libraries: negative, large impact, in the long term. "
        "Falls mostly on: age groups, residents of an area. "
        "Evidence: Longer way to the library. Mitigation: A library bus visits the school."
    ) in page
    assert "VE1 Merge the libraries: positive, small impact, in the short term." in page
    assert "VE0 Keep both libraries: impact not known." in page
    assert "The committee reads a summary of the answers." in page
    assert "Open until" in page
    assert "Start answering" in page


def test_hearing_page_has_a_compact_table_with_the_symbols_in_words(client, eva):
    html = client.get(f"/en/e/{eva.public_id}").get_data(as_text=True)
    assert '<caption id="impact-table">Preliminary assessment' in html
    assert '<th scope="col">VE1 Merge the libraries</th>' in html
    assert '<th scope="row">Health</th>' in html
    assert (
        '<span class="symbol" aria-hidden="true">\u2212</span> negative, large, long term' in html
    )
    assert "The symbols: + positive, − negative" in html
    assert "<h3>Health</h3>" in html
    assert f'href="/en/e/{eva.public_id}/respond"' in html


@pytest.mark.parametrize(
    ("lang", "title", "alternative"),
    [
        ("fi", "Koulukirjastojen yhdistäminen", "VE1 Yhdistetään"),
        ("sv", "Sammanslagning av skolbibliotek", "VE1 Slås ihop"),
        ("en", "Merging the school libraries", "VE1 Merge the libraries"),
    ],
)
def test_hearing_page_is_offered_in_three_languages(client, eva, lang, title, alternative):
    response = client.get(f"/{lang}/e/{eva.public_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    page = text_of(response)
    assert title in page
    assert alternative in page


def test_residents_text_on_the_hearing_page_is_escaped(client, plan):
    eva = make_eva(title={"fi": "<script>alert(1)</script>", "sv": "x", "en": "<b>bold</b>"})
    html = client.get(f"/en/e/{eva.public_id}").get_data(as_text=True)
    assert "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_easy_read_and_young_pages_are_404_when_their_text_is_empty(client, eva):
    assert client.get(f"/en/e/{eva.public_id}/easy-read").status_code == 404
    assert client.get(f"/en/e/{eva.public_id}/young").status_code == 404
    page = client.get(f"/en/e/{eva.public_id}").get_data(as_text=True)
    assert "/easy-read" not in page
    assert "/young" not in page


def test_easy_read_and_young_pages_show_their_text_and_are_linked(client, plan):
    eva = make_eva(
        easy_read={"fi": "Selkoteksti.", "sv": "Lättläst text.", "en": "Easy text.\n\nTwo."},
        children_summary={"fi": "Nuorille.", "sv": "För unga.", "en": "For you, young people."},
    )
    page = client.get(f"/en/e/{eva.public_id}").get_data(as_text=True)
    assert f'href="/en/e/{eva.public_id}/easy-read"' in page
    assert f'href="/en/e/{eva.public_id}/young"' in page
    easy = client.get(f"/en/e/{eva.public_id}/easy-read")
    assert easy.status_code == 200
    assert "<p>Easy text.</p>" in easy.get_data(as_text=True)
    assert "Lättläst text." in text_of(client.get(f"/sv/e/{eva.public_id}/easy-read"))
    young = client.get(f"/en/e/{eva.public_id}/young")
    assert "For you, young people." in text_of(young)


def test_a_draft_hearing_is_not_shown(client, plan):
    eva = make_eva(publish=False)
    assert client.get(f"/en/e/{eva.public_id}").status_code == 404
    assert client.get(f"/en/e/{eva.public_id}/easy-read").status_code == 404


def test_a_closed_hearing_says_since_when_and_offers_no_answering(client, eva):
    close(eva)
    page = text_of(client.get(f"/en/e/{eva.public_id}"))
    assert "The hearing closed on" in page
    assert "Start answering" not in page
    assert "tells on this page what it did with the input" in page


def test_the_hearing_page_is_never_kept_as_a_survey_snapshot(app, client, eva):
    app.extensions[page_cache.EXTENSION].seconds = 60
    # The questionnaire pages of a hearing are kept like a survey's...
    assert client.get(f"/en/e/{eva.public_id}/respond").status_code == 200
    snapshot = page_cache.page_cache().get(eva.public_id)
    assert snapshot is not None
    # ...but its own page is rendered by the eva feature every time, never kept.
    for _ in range(2):
        page = text_of(client.get(f"/en/e/{eva.public_id}"))
        assert "Hearing on a proposed change" in page
    assert not [key for key in snapshot.pages if key[0] == "engagement"]


def test_the_hearing_page_follows_changes_at_once(client, eva):
    assert "Education committee" in text_of(client.get(f"/en/e/{eva.public_id}"))
    from app.eva.models import Assessment

    assessment = db.session.query(Assessment).one()
    assessment.decision_maker = {**assessment.decision_maker, "en": "City board"}
    db.session.commit()
    assert "City board" in text_of(client.get(f"/en/e/{eva.public_id}"))


def test_every_code_has_words():
    assert set(TRIGGER_WORDS) == set(TRIGGERS)
    assert set(GROUP_WORDS) == set(AFFECTED_GROUPS)
