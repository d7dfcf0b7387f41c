"""The hearing page and the input summary on an EVA built with the staff services (the
questionnaire generated from the matrix), so both sides keep to the same question codes."""

from __future__ import annotations

from tests.conftest import login, text_of
from tests.eva._factory_c import answer


def test_hearing_page_of_a_built_eva_shows_the_impacts_in_words(client, eva):
    response = client.get(f"/en/e/{eva.public_id}")
    assert response.status_code == 200
    page = text_of(response)
    assert "VE1 Merge the libraries: negative, medium impact, in the long term." in page
    assert "Falls mostly on: age groups, residents of an area." in page
    assert "Mitigation: A mobile library" in page
    assert f'href="/en/e/{eva.public_id}/young"' in response.get_data(as_text=True)
    assert "Your school library may move." in text_of(client.get(f"/en/e/{eva.public_id}/young"))


def test_summary_counts_answers_to_the_generated_questionnaire(app, staff, eva):
    answer(eva, i_health_ve1="worse", i_health_ve0="same", preferred="ve0")
    answer(eva, "sv", i_health_ve1="worse", preferred="ve1")
    desk = app.test_client()
    login(desk, staff, lang="en")
    page = text_of(desk.get(f"/en/staff/eva/{eva.public_id}/summary"))
    assert "2 responses so far." in page
    assert "VE1 Merge the libraries 0 (0%) 0 (0%) 2 (100%) 0 2" in page
    assert "Not asked in the questionnaire" not in page
