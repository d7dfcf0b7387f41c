"""Paper, events and posters: staff type in answers, residents print the form, posters with a QR code."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditLog
from app.core.types import utcnow
from app.engagements.models import Engagement, Kind, Status
from app.engagements.services import create_engagement
from app.extensions import db
from app.plan import services as plan_services
from app.questionnaires import services
from app.questionnaires.models import Answer, Submission
from app.questionnaires.services import OptionInput
from tests.conftest import login, text_of


def t(fi: str, sv: str, en: str) -> dict[str, str]:
    return {"fi": fi, "sv": sv, "en": en}


CANT_SAY = OptionInput("cant_say", t("En osaa sanoa", "Vet inte", "Can't say"), is_cant_say=True)

#: Every label of the survey below, by language: the printed form must show each one.
LABELS = {
    "fi": [
        "Koulumatkat",
        "Onko sinulla kouluikäisiä lapsia?",
        "Millä lapsi kulkee kouluun?",
        "Kävellen",
        "Pyörällä",
        "Muuten",
        "Mikä on tärkeintä?",
        "Turvallinen reitti",
        "Lyhyt matka",
        "Kuinka turvallinen reitti on?",
        "Vaarallinen",
        "Turvallinen",
        "Suosittelisitko reittiä?",
        "Arvioi väitteet",
        "Reitti on valaistu",
        "Talvikunnossapito toimii",
        "Montako minuuttia matka kestää?",
        "Milloin viimeksi kävelit reitin?",
        "Missä asut?",
        "Keskusta",
        "Sauvosaari",
        "Kerro lisää",
        "Sähköposti yhteydenottoa varten",
        "Tällä kyselyllä kehitämme koulureittejä.",
        "Saa käyttää tutkimukseen",
        "Vastaukset käsitellään nimettöminä.",
        "Mikä kulkumuoto?",
        "Kaikki",
        "Ei mikään näistä",
        "En osaa sanoa",
    ],
    "sv": [
        "Skolvägar",
        "Har du barn i skolåldern?",
        "Hur tar sig barnet till skolan?",
        "Till fots",
        "Med cykel",
        "På annat sätt",
        "Vad är viktigast?",
        "Trygg rutt",
        "Kort väg",
        "Hur trygg är vägen?",
        "Farlig",
        "Trygg",
        "Skulle du rekommendera vägen?",
        "Bedöm påståendena",
        "Vägen är belyst",
        "Vinterunderhållet fungerar",
        "Hur många minuter tar resan?",
        "När gick du vägen senast?",
        "Var bor du?",
        "Centrum",
        "Sauvosaari (sv)",
        "Berätta mer",
        "E-post för kontakt",
        "Med denna enkät utvecklar vi skolvägarna.",
        "Får användas för forskning",
        "Svaren behandlas anonymt.",
        "Vilket färdsätt?",
        "Alla",
        "Inget av dessa",
        "Vet inte",
    ],
    "en": [
        "School journeys",
        "Do you have school-age children?",
        "How does the child get to school?",
        "On foot",
        "By bike",
        "Some other way",
        "What matters most?",
        "Safe route",
        "Short distance",
        "How safe is the route?",
        "Dangerous",
        "Safe",
        "Would you recommend the route?",
        "Rate the statements",
        "The route is lit",
        "Winter maintenance works",
        "How many minutes does the journey take?",
        "When did you last walk the route?",
        "Where do you live?",
        "City centre",
        "Sauvosaari (en)",
        "Tell us more",
        "E-mail for contact",
        "With this survey we improve school routes.",
        "May be used for research",
        "The answers are handled anonymously.",
        "Which way of travelling?",
        "All",
        "None of these",
        "Can't say",
    ],
}


def _label(lang: str, index: int) -> str:
    return LABELS[lang][index]


def _t(index: int) -> dict[str, str]:
    return {lang: LABELS[lang][index] for lang in ("fi", "sv", "en")}


def build_survey(department_code: str = "sivistys", publish: bool = True) -> Engagement:
    """A three-language survey with every question type and a display condition."""
    engagement = create_engagement(
        Kind.SURVEY,
        plan_services.department_by_code(department_code),
        title=_t(0),
        languages=["fi", "sv", "en"],
        focus_areas=[plan_services.focus_area_by_code("HK-05")],
    )
    engagement.summary = t("Kerro koulumatkoista.", "Berätta om skolvägar.", "Tell us about it.")
    engagement.privacy_note = _t(25)
    engagement.opens_at = utcnow() - timedelta(days=1)
    engagement.closes_at = utcnow() + timedelta(days=30)
    questionnaire = services.create_questionnaire(engagement)
    page1 = services.add_page(questionnaire, "children", _t(0))
    services.add_question(page1, "intro", "info", _t(23))
    services.add_question(page1, "kids", "yes_no", _t(1), required=True, options=[CANT_SAY])
    services.add_question(
        page1,
        "mode",
        "single_choice",
        _t(2),
        required=True,
        options=[
            OptionInput("walk", _t(3)),
            OptionInput("bike", _t(4)),
            OptionInput("other", _t(5), is_other=True),
        ],
        condition={"rules": [{"question": "kids", "op": "equals", "value": "yes"}]},
    )
    services.add_question(
        page1,
        "matters",
        "ranking",
        _t(6),
        options=[OptionInput("safe", _t(7)), OptionInput("short", _t(8))],
    )
    page2 = services.add_page(questionnaire, "route", _t(9))
    services.add_question(
        page2,
        "safety",
        "scale",
        _t(9),
        settings={"points": 5, "low_label": _t(10), "high_label": _t(11)},
        options=[CANT_SAY],
    )
    services.add_question(page2, "recommend", "rating", _t(12))
    services.add_question(
        page2,
        "statements",
        "matrix",
        _t(13),
        settings={"points": 4},
        rows=[OptionInput("lit", _t(14)), OptionInput("winter", _t(15))],
        options=[CANT_SAY],
    )
    services.add_question(
        page2, "minutes", "number", _t(16), settings={"min": 0, "max": 120, "integer": True}
    )
    services.add_question(page2, "walked", "date", _t(17))
    services.add_question(
        page2,
        "area",
        "area",
        _t(18),
        options=[OptionInput("00", _t(19)), OptionInput("01", _t(20))],
    )
    services.add_question(
        page2,
        "modes",
        "multiple_choice",
        _t(26),
        options=[OptionInput("all", _t(27)), OptionInput("none", _t(28), is_exclusive=True)],
    )
    page3 = services.add_page(
        questionnaire,
        "more",
        _t(21),
        condition={
            "match": "any",
            "rules": [
                {"question": "safety", "op": "greater_than", "value": 2},
                {"question": "kids", "op": "one_of", "value": ["yes", "cant_say"]},
            ],
        },
    )
    services.add_question(page3, "more", "long_text", _t(21))
    services.add_question(page3, "email", "short_text", _t(22))
    services.add_question(page3, "research", "consent", _t(24))
    if publish:
        services.publish(engagement)
    db.session.commit()
    return engagement


@pytest.fixture
def survey(plan) -> Engagement:
    return build_survey()


def entry_url(engagement: Engagement, lang: str = "fi") -> str:
    return f"/{lang}/staff/surveys/{engagement.public_id}/entry"


def fresh_token(client, engagement: Engagement) -> str:
    page = client.get(entry_url(engagement)).get_data(as_text=True)
    return re.search(r'name="form_token" value="([^"]+)"', page).group(1)


def answers(**fields) -> dict:
    data = {"channel": "paper", "form_locale": "sv", "q-kids": "no"}
    data.update(fields)
    return data


def submissions() -> list[Submission]:
    return list(db.session.scalars(select(Submission).order_by(Submission.id)))


# --- data entry ----------------------------------------------------------------------------


def test_entry_stores_one_submission_with_channel_language_and_who_entered_it(
    client, survey, staff
):
    login(client, staff)
    token = fresh_token(client, survey)
    data = answers(
        channel="phone",
        **{"q-kids": "yes", "q-mode": "bike", "q-minutes": "15", "q-walked": "3.2.2026"},
        form_token=token,
    )
    response = client.post(entry_url(survey, "en"), data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == entry_url(survey, "en")
    [stored] = submissions()
    assert (stored.channel, stored.locale, stored.entered_by_id) == ("phone", "sv", staff.id)
    assert stored.form_token == token
    codes = {a.option_code for a in stored.answers if a.option_code}
    assert codes == {"yes", "bike"}
    page = client.get(entry_url(survey, "en"))
    text = text_of(page)
    assert "Answer saved. 1 answer entered from paper, events and phone so far." in text
    assert "You have entered 1 answer to this survey today." in text
    html = page.get_data(as_text=True)
    # Channel and language are remembered for the next form; the first question has the focus.
    assert re.search(r'value="phone" checked', html)
    assert re.search(r'name="form_locale" value="sv" checked', html)
    assert re.search(r'<input autofocus type="radio" id="q-kids-0"', html)


def test_entry_is_audited_without_answer_content(client, survey, staff):
    login(client, staff)
    data = answers(form_token=fresh_token(client, survey), **{"q-email": "salainen@example.fi"})
    client.post(entry_url(survey), data=data)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "survey.paper_entry"))
    assert entry.actor_id == staff.id
    assert entry.target == f"engagements:{survey.public_id}"
    assert entry.details["channel"] == "paper"
    assert "salainen" not in str(entry.details)


def test_double_submit_with_the_same_token_stores_one_response(client, survey, staff):
    login(client, staff)
    data = answers(form_token=fresh_token(client, survey))
    first = client.post(entry_url(survey), data=data)
    second = client.post(entry_url(survey), data=data)
    assert first.status_code == second.status_code == 302
    assert len(submissions()) == 1
    audits = db.session.scalar(
        select(func.count()).select_from(AuditLog).where(AuditLog.action == "survey.paper_entry")
    )
    assert audits == 1
    # Each fresh form has its own token, so the next paper form is a new response.
    client.post(entry_url(survey), data=answers(form_token=fresh_token(client, survey)))
    assert len(submissions()) == 2


def test_bad_input_is_shown_in_a_summary_and_everything_typed_is_kept(client, survey, staff):
    login(client, staff)
    data = answers(
        form_token=fresh_token(client, survey),
        **{
            "q-kids": "yes",  # makes the required "mode" question apply
            "q-minutes": "puoli tuntia",
            "q-more": "Liikenne on <b>vaarallista</b>",
            "q-matters-safe": "1",
            "q-matters-short": "1",
        },
    )
    response = client.post(entry_url(survey, "en"), data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    start = html.index('class="error-summary"')
    summary = html[start : html.index("</div>", start)]
    assert 'href="#q-mode-0"' in summary
    assert 'href="#q-minutes"' in summary
    assert 'href="#q-matters-safe"' in summary
    assert "Answer this question." in summary
    assert 'value="puoli tuntia"' in html
    assert "Liikenne on &lt;b&gt;vaarallista&lt;/b&gt;</textarea>" in html
    assert re.search(r'value="yes" checked', html)
    assert 'name="channel" value="paper" checked' in html
    assert submissions() == []


def test_a_missing_channel_is_an_error_next_to_the_answer_problems(client, survey, staff):
    login(client, staff)
    data = answers(form_token=fresh_token(client, survey), channel="", **{"q-minutes": "x"})
    response = client.post(entry_url(survey), data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'href="#channel-0"' in html
    assert 'href="#q-minutes"' in html
    assert submissions() == []


def test_a_form_without_its_token_is_not_saved(client, survey, staff):
    login(client, staff)
    response = client.post(entry_url(survey, "en"), data=answers())
    assert response.status_code == 422
    assert "The form was incomplete. Check it and save again." in text_of(response)
    assert submissions() == []


def test_hidden_questions_are_not_required_and_their_answers_are_not_stored(client, survey, staff):
    login(client, staff)
    # "mode" is required but asked only from those with children.
    data = answers(form_token=fresh_token(client, survey), **{"q-kids": "no", "q-mode": "walk"})
    assert client.post(entry_url(survey), data=data).status_code == 302
    [stored] = submissions()
    assert [a.option_code for a in stored.answers] == ["no"]


def test_entry_screen_says_when_a_question_is_asked(client, survey, staff):
    login(client, staff)
    text = text_of(client.get(entry_url(survey, "en")))
    assert "Question 2" in text
    assert "Answer only if you answered “Yes” to question 1." in text


def test_staff_of_another_department_are_refused(client, survey, other_staff):
    login(client, other_staff)
    assert client.get(entry_url(survey)).status_code == 403
    assert client.post(entry_url(survey), data=answers(form_token="x" * 32)).status_code == 403
    assert client.get(f"/fi/staff/surveys/{survey.public_id}/poster").status_code == 403
    assert submissions() == []


def test_anonymous_visitors_are_sent_to_sign_in(client, survey):
    for url in (entry_url(survey), f"/fi/staff/surveys/{survey.public_id}/poster"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/fi/login?next=")


def test_closed_survey_still_takes_paper_answers(client, survey, staff):
    survey.closed_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    login(client, staff)
    page = client.get(entry_url(survey, "en"))
    assert "Online answering is not open now" in text_of(page)
    data = answers(form_token=fresh_token(client, survey))
    assert client.post(entry_url(survey), data=data).status_code == 302
    assert [s.channel for s in submissions()] == ["paper"]


def test_draft_takes_no_paper_answers(client, plan, staff):
    draft = build_survey(publish=False)
    login(client, staff)
    assert client.get(entry_url(draft)).status_code == 409
    response = client.post(entry_url(draft), data=answers(form_token="a" * 32))
    assert response.status_code == 409
    assert submissions() == []


def test_coordinator_can_enter_answers_for_any_department(client, survey, coordinator):
    login(client, coordinator)
    data = answers(form_token=fresh_token(client, survey), channel="event")
    assert client.post(entry_url(survey), data=data).status_code == 302
    assert [(s.channel, s.entered_by_id) for s in submissions()] == [("event", coordinator.id)]


# --- printable questionnaire ---------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_printable_form_has_every_question_and_option_in_each_language(client, survey, lang):
    response = client.get(f"/{lang}/e/{survey.public_id}/print")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = text_of(response)
    for label in LABELS[lang]:
        assert label in text, label
    assert f'<div class="paper-sheet" lang="{lang}">' in html
    # Nothing to fill in on screen: the form is for paper.
    assert "<input" not in html.split('class="paper-sheet"')[1]
    assert html.count('class="paper-page"') == 3
    assert f"http://localhost/s/{survey.public_id}" in text


def test_printable_form_writes_conditions_as_instructions(client, survey):
    text = text_of(client.get(f"/en/e/{survey.public_id}/print"))
    assert "2. How does the child get to school?" in text
    assert "Answer only if you answered “Yes” to question 1." in text
    assert "Write a number from 0 to 120." in text
    assert (
        "Answer the questions on this page only if your answer to question 4 is more than 2"
        " or you answered “Yes” or “Can't say” to question 1."
    ) in text
    assert "Write 1 in the box of the most important one" in text
    text_fi = text_of(client.get(f"/fi/e/{survey.public_id}/print"))
    assert "“Kyllä”" in text_fi


def test_printable_form_in_a_language_not_offered_uses_an_offered_one(client, plan):
    engagement = build_survey()
    engagement.languages = ["fi", "sv"]
    db.session.commit()
    response = client.get(f"/en/e/{engagement.public_id}/print")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    sheet = html[html.index('<div class="paper-sheet" lang="fi">') :]
    # The whole form is in Finnish, the words around the questions too.
    assert "Onko sinulla kouluikäisiä lapsia?" in sheet
    assert "Kyllä" in sheet
    assert f'href="/sv/e/{engagement.public_id}/print"' in html


def test_printable_draft_is_for_its_department_staff_only(client, plan, staff, other_staff):
    draft = build_survey(publish=False)
    url = f"/fi/e/{draft.public_id}/print"
    assert client.get(url).status_code == 404
    login(client, other_staff)
    assert client.get(url).status_code == 404
    client.post("/fi/logout")
    login(client, staff)
    response = client.get(url)
    assert response.status_code == 200
    assert "Onko sinulla kouluikäisiä lapsia?" in text_of(response)


def test_printable_form_of_unknown_survey_is_not_found(client, plan):
    assert client.get("/fi/e/nosuchid/print").status_code == 404


# --- poster and short address --------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "title"),
    [("fi", "Koulumatkat"), ("sv", "Skolvägar"), ("en", "School journeys")],
)
def test_poster_has_a_qr_code_and_the_short_address(client, survey, staff, lang, title):
    login(client, staff)
    response = client.get(
        f"/fi/staff/surveys/{survey.public_id}/poster",
        query_string={"poster_lang": lang, "paper_from": "Pääkirjaston <neuvonta>"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    poster = html[html.index('<div class="poster"') :]
    assert f'<div class="poster" lang="{lang}">' in html
    assert re.search(r'<svg role="img" viewBox="0 0 \d+ \d+" class="qr">', poster)
    assert "<path" in poster
    assert f"localhost/s/{survey.public_id}" in text_of(response)
    assert title in text_of(response)
    assert "Pääkirjaston &lt;neuvonta&gt;" in poster


def test_poster_qr_code_encodes_the_short_address(app, survey):
    import segno

    from app.questionnaires.paper import qr_svg

    url = f"http://localhost/s/{survey.public_id}"
    expected = segno.make(url, error="m", micro=False).svg_inline(
        title="x", svgclass="qr", lineclass=None, omitsize=True, dark="#000", light="#fff"
    )
    path = re.search(r"<path[^>]*/>", expected).group(0)
    assert path in qr_svg(url, "x")


@pytest.mark.parametrize(
    ("accept", "lang"),
    [("sv-FI,sv;q=0.9,en;q=0.5", "sv"), ("en-GB,en;q=0.8", "en"), ("de", "fi"), ("", "fi")],
)
def test_short_address_goes_to_the_survey_in_the_browsers_language(client, survey, accept, lang):
    headers = {"Accept-Language": accept} if accept else {}
    response = client.get(f"/s/{survey.public_id}", headers=headers)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/{lang}/e/{survey.public_id}"
    assert "Accept-Language" in response.headers["Vary"]


def test_short_address_picks_among_offered_languages_only(client, plan):
    engagement = build_survey()
    engagement.languages = ["sv", "en"]
    db.session.commit()
    response = client.get(f"/s/{engagement.public_id}", headers={"Accept-Language": "fi"})
    assert response.headers["Location"] == f"/sv/e/{engagement.public_id}"


def test_short_address_of_a_draft_or_unknown_survey_is_not_found(client, plan):
    draft = build_survey(publish=False)
    assert client.get(f"/s/{draft.public_id}").status_code == 404
    assert client.get("/s/nosuchid").status_code == 404


def test_answers_entered_on_paper_count_as_answers(client, survey, staff):
    login(client, staff)
    for channel in ("paper", "event"):
        client.post(
            entry_url(survey),
            data=answers(form_token=fresh_token(client, survey), channel=channel),
        )
    stored = db.session.scalar(select(func.count()).select_from(Answer))
    assert stored == 2
    assert survey.status == Status.PUBLISHED
