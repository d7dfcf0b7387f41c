"""Survey results: staff see counts with the right base and filters; residents see published,
privacy-protected results; written answers can be hidden or edited before publishing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict

from app.core.audit import AuditLog
from app.engagements.models import Engagement, Kind
from app.engagements.services import create_engagement
from app.extensions import db
from app.plan import services as plan_services
from app.questionnaires import frames, services
from app.questionnaires import results as results_module
from app.questionnaires.conditions import visible
from app.questionnaires.definition import definition
from app.questionnaires.models import Answer, Submission
from app.questionnaires.results import ResultFilters, survey_results, text_page
from app.questionnaires.services import OptionInput
from app.questionnaires.types import question_type
from config import Testing
from tests.conftest import KEMI_PLAN, login, running_app, text_of

URL = "/{lang}/staff/surveys/{id}/results"
PUBLIC = "/{lang}/e/{id}/results"


def t(fi: str, sv: str, en: str) -> dict[str, str]:
    return {"fi": fi, "sv": sv, "en": en}


CANT_SAY = OptionInput("cant", t("En osaa sanoa", "Vet inte", "Can't say"), is_cant_say=True)


def build_survey() -> Engagement:
    """A published fi/sv/en survey of the sivistys department (no responses yet)."""
    engagement = create_engagement(
        Kind.SURVEY,
        plan_services.department_by_code("sivistys"),
        t("Uimahalli", "Simhallen", "Swimming hall"),
        ["fi", "sv", "en"],
        [plan_services.focus_area_by_code("HK-05")],
    )
    engagement.summary = t("Kerro uimahallista.", "Berätta om simhallen.", "Tell us.")
    questionnaire = services.create_questionnaire(engagement)
    page = services.add_page(questionnaire, "p1", t("Sivu", "Sida", "Page"))
    services.add_question(
        page, "uses", "yes_no", t("Käytkö hallissa?", "Går du dit?", "Do you go there?")
    )
    services.add_question(
        page,
        "when",
        "multiple_choice",
        t("Milloin?", "När?", "When do you go?"),
        options=[
            OptionInput("morning", t("Aamulla", "På morgonen", "In the morning")),
            OptionInput("evening", t("Illalla", "På kvällen", "In the evening")),
            OptionInput("other", t("Muulloin", "Annan tid", "Some other time"), is_other=True),
        ],
        condition={"rules": [{"question": "uses", "op": "equals", "value": "yes"}]},
    )
    services.add_question(
        page,
        "happy",
        "scale",
        t("Oletko tyytyväinen?", "Är du nöjd?", "Are you happy with it?"),
        settings={"points": 5},
        options=[CANT_SAY],
    )
    # Two rules: this one is worked out per response in SQL, not read off the counts.
    services.add_question(
        page,
        "why",
        "short_text",
        t("Miksi?", "Varför?", "Why?"),
        condition={
            "match": "any",
            "rules": [
                {"question": "happy", "op": "less_than", "value": 3},
                {"question": "uses", "op": "equals", "value": "no"},
            ],
        },
    )
    services.add_question(page, "ideas", "long_text", t("Ideoita?", "Idéer?", "Any ideas?"))
    services.publish(engagement)
    return engagement


def answer(engagement: Engagement, locale: str = "fi", channel: str = "web", **values) -> None:
    """One response; keyword arguments are question codes (lists for several values)."""
    demographics = values.pop("demographics", None)
    form = MultiDict()
    for name, value in values.items():
        field = "q-" + name.replace("__", "-")
        for item in value if isinstance(value, list) else [value]:
            form.add(field, item)
    services.submit(engagement, form, locale, channel=channel, demographics=demographics)


@pytest.fixture
def survey(staff) -> Engagement:
    """Ten responses: 6 go (4 in the morning, 3 in the evening, 1 other), 4 do not."""
    engagement = build_survey()
    answer(engagement, uses="yes", when=["morning", "evening"], happy="5", ideas="Lisää ratoja")
    answer(engagement, uses="yes", when=["morning"], happy="4", ideas="Soita Mikalle 0401234567")
    answer(engagement, uses="yes", when=["morning", "evening"], happy="5")
    answer(engagement, uses="yes", when=["morning"], happy="cant")
    answer(
        engagement,
        uses="yes",
        when=["evening", "other"],
        when__other="yöllä",
        happy="2",
        why="Liian kylmää",
        locale="sv",
        demographics={"age": "30-44"},
    )
    answer(engagement, uses="yes", happy="4", locale="en", demographics={"age": "30-44"})
    answer(engagement, uses="no", happy="3", why="Liian kaukana", channel="paper")
    answer(engagement, uses="no", happy="cant", channel="paper")
    answer(engagement, uses="no", happy="1", why="Kallis", demographics={"age": "65-74"})
    answer(engagement, uses="no")
    db.session.commit()
    return engagement


def results_actions() -> list[str]:
    actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.id))
    return [action for action in actions if action.startswith("results.")]


def question(results, code: str):
    return next(q for q in results.questions if q.code == code)


def bar(result, code: str):
    return next(b for b in result.bars if b.code == code)


# --- who sees the staff page ---------------------------------------------------------------


def test_staff_of_the_department_see_the_results(client, staff, survey):
    login(client, staff)
    response = client.get(URL.format(lang="en", id=survey.public_id))
    assert response.status_code == 200
    page = text_of(response)
    assert "10 responses so far." in page
    assert "Do you go there?" in page
    assert "<caption" in response.get_data(as_text=True)


def test_other_departments_are_refused(client, other_staff, survey):
    login(client, other_staff)
    assert client.get(URL.format(lang="fi", id=survey.public_id)).status_code == 403
    publish = f"/fi/staff/surveys/{survey.public_id}/results/publish"
    assert client.post(publish).status_code == 403
    assert db.session.get(Engagement, survey.id).results_published_at is None


def test_anonymous_visitors_are_sent_to_sign_in(client, survey):
    response = client.get(URL.format(lang="fi", id=survey.public_id))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/fi/login?next=")


# --- the right base ----------------------------------------------------------------------


def test_shares_leave_cant_say_out_of_the_base(client, staff, survey):
    happy = question(survey_results(survey, locale="en"), "happy")
    assert (happy.shown, happy.answered, happy.cant_say, happy.base) == (10, 9, 2, 7)
    assert bar(happy, "5").count == 2
    assert bar(happy, "5").share == pytest.approx(2 / 7)
    assert bar(happy, "cant").share is None
    assert happy.stats.mean == pytest.approx((5 + 4 + 5 + 2 + 4 + 3 + 1) / 7)
    login(client, staff)
    page = text_of(client.get(URL.format(lang="en", id=survey.public_id)))
    assert "10 respondents were shown this question. 9 answered it." in page
    assert "2 of them chose “can't say”." in page
    assert "The percentages are of the 7 people who gave an answer." in page
    assert "29%" in page  # 2 of 7


def test_multiple_choice_shares_are_of_respondents(survey):
    when = question(survey_results(survey, locale="en"), "when")
    assert (when.shown, when.answered, when.base) == (6, 5, 5)
    assert bar(when, "morning").count == 4
    assert bar(when, "morning").share == pytest.approx(4 / 5)
    assert bar(when, "evening").share == pytest.approx(3 / 5)
    assert when.text_count == 1  # "yöllä" in the other box


def test_percentages_are_written_the_finnish_way(client, staff, survey):
    login(client, staff)
    page = text_of(client.get(URL.format(lang="fi", id=survey.public_id)))
    assert "80 %" in page  # morning: 4 of 5, with a (non-breaking) space in Finnish
    english = text_of(client.get(URL.format(lang="en", id=survey.public_id)))
    assert "80%" in english


# --- conditions ----------------------------------------------------------------------------


def test_questions_hidden_by_a_condition_do_not_count_as_shown(survey):
    results = survey_results(survey, locale="en")
    assert question(results, "when").shown == 6  # only those who go there saw it
    # any of: happy < 3 (2 and 1) or does not go (4): 2 + 4 − 1 (the "1" does not go either)
    assert question(results, "why").shown == 5
    assert question(results, "ideas").shown == 10


def test_shown_counts_agree_with_the_conditions_evaluated_per_response(survey):
    """The SQL and pandas derivation of "shown" match conditions.visible() on each response."""
    questionnaire = services.questionnaire_of(survey)
    spec = definition(questionnaire.id, questionnaire.version)
    codes = {question_id: code for code, question_id in spec.question_ids.items()}
    expected = dict.fromkeys(codes.values(), 0)
    for submission in db.session.scalars(select(Submission)):
        form = MultiDict()
        for row in db.session.scalars(select(Answer).where(Answer.submission_id == submission.id)):
            code = codes[row.question_id]
            value = row.option_code or row.text
            if row.number is not None:
                value = str(int(row.number))
            form.add(f"q-{code}", value)
        values = {q.code: question_type(q.type).parse(q, form).value for q in spec.questions()}
        for code, shown in visible(spec.pages, values).items():
            expected[code] += shown
    results = survey_results(survey, locale="en")
    assert {q.code: q.shown for q in results.questions} == expected


# --- filters -------------------------------------------------------------------------------


def test_filters_change_the_counts(client, staff, survey):
    paper = survey_results(survey, ResultFilters(channel="paper"), "en")
    assert paper.total == 2
    assert paper.overall == 10
    assert bar(question(paper, "uses"), "no").count == 2
    swedish = survey_results(survey, ResultFilters(locale="sv"), "en")
    assert swedish.total == 1
    aged = survey_results(survey, ResultFilters(bands=(("age", "30-44"),)), "en")
    assert aged.total == 2
    assert question(aged, "why").shown == 1
    login(client, staff)
    response = client.get(URL.format(lang="en", id=survey.public_id) + "?channel=paper")
    page = text_of(response)
    assert "2 of 10 responses match the filters." in page
    assert '<option value="paper" selected>' in response.get_data(as_text=True)
    assert "Age" in page
    assert "30–44 (2)" in page


def test_unknown_filter_values_are_ignored(client, staff, survey):
    login(client, staff)
    response = client.get(URL.format(lang="en", id=survey.public_id) + "?channel=fax&language=de")
    assert response.status_code == 200
    assert "10 responses so far." in text_of(response)


def test_filter_choices_count_bands_however_the_stored_json_is_written(survey):
    youngest, oldest = db.session.scalars(
        select(Submission).where(Submission.engagement_id == survey.id).order_by(Submission.id)
    ).all()[:2]
    youngest.demographics = {"gender": "woman", "age": "18-29"}
    oldest.demographics = {"age": "18-29", "gender": "woman", "area": None}
    db.session.commit()
    facets = {facet.name: facet for facet in survey_results(survey, locale="en").facets}
    assert {(c.value, c.count) for c in facets["age"].choices} == {
        ("18-29", 2),
        ("30-44", 2),
        ("65-74", 1),
    }
    assert {(c.value, c.count) for c in facets["gender"].choices} == {("woman", 2)}
    assert facets["area"].choices == []


def test_the_timeline_counts_responses_per_day(survey):
    results = survey_results(survey, locale="en")
    assert sum(period.count for period in results.timeline) == 10
    assert results.period == "day"


# --- counts kept up to date ----------------------------------------------------------------


def test_new_and_removed_responses_show_on_the_next_view(survey):
    assert survey_results(survey, locale="en").total == 10
    answer(survey, uses="yes", when=["morning"], happy="5")
    db.session.commit()
    updated = survey_results(survey, locale="en")
    assert updated.total == 11
    assert bar(question(updated, "when"), "morning").count == 5
    newest = db.session.scalar(select(Submission.id).order_by(Submission.id.desc()).limit(1))
    oldest = db.session.scalar(select(Submission.id).order_by(Submission.id).limit(1))
    db.session.execute(delete(Answer).where(Answer.submission_id == oldest))
    db.session.execute(delete(Submission).where(Submission.id == oldest))
    db.session.commit()
    recounted = survey_results(survey, locale="en")
    assert recounted.total == 10
    assert bar(question(recounted, "when"), "morning").count == 4
    assert newest > oldest


def test_a_new_process_starts_from_the_kept_tally_and_counts_only_what_came_after(survey):
    assert survey_results(survey, locale="en").total == 10
    kept = {row.key: row for row in frames.stored_tallies(survey.id)}
    assert {key.split(":")[0] for key in kept} == {"survey", "facets"}
    assert all(row.count == 10 for row in kept.values())
    frames.tally_cache().clear()  # as in a restarted worker
    answer(survey, uses="yes", when=["morning"], happy="5")
    db.session.commit()
    updated = survey_results(survey, locale="en")
    assert updated.total == 11
    assert bar(question(updated, "when"), "morning").count == 5
    assert {row.count for row in frames.stored_tallies(survey.id)} == {11}


def test_a_kept_tally_gives_the_same_results_as_counting_again(every_type):
    counted = survey_results(every_type, locale="en")
    frames.tally_cache().clear()
    from_kept = survey_results(every_type, locale="en")
    assert from_kept == counted
    frames.forget_tallies(every_type.id)
    assert frames.stored_tallies(every_type.id) == []
    assert survey_results(every_type, locale="en") == counted


def test_cant_say_only_answers_leave_the_base_of_their_own_question_only(staff):
    """A matrix answered with "can't say" alone is answered but not in the base; a multiple
    choice without a "can't say" option, counted in the same query, keeps every respondent."""
    engagement = create_engagement(
        Kind.SURVEY,
        plan_services.department_by_code("sivistys"),
        t("Kaksi", "Två", "Two"),
        ["fi", "sv", "en"],
        [plan_services.focus_area_by_code("HK-05")],
    )
    engagement.summary = t("a", "b", "c")
    page = services.add_page(services.create_questionnaire(engagement), "p1", t("S", "S", "P"))
    services.add_question(
        page,
        "rate",
        "matrix",
        t("Arvioi", "Bedöm", "Rate"),
        rows=[OptionInput("light", t("Valo", "Ljus", "Light"))],
        settings={"points": 5},
        options=[CANT_SAY],
    )
    services.add_question(
        page,
        "pick",
        "multiple_choice",
        t("Valitse", "Välj", "Pick"),
        options=[OptionInput("a", t("A", "A", "A")), OptionInput("b", t("B", "B", "B"))],
    )
    services.publish(engagement)
    answer(engagement, rate__light="4", pick=["a", "b"])
    answer(engagement, rate__light="cant", pick=["b"])
    answer(engagement, rate__light="cant")
    db.session.commit()
    results = survey_results(engagement, locale="en")
    rate, pick = question(results, "rate"), question(results, "pick")
    assert (rate.answered, rate.cant_say, rate.base) == (3, 2, 1)
    assert (pick.answered, pick.cant_say, pick.base) == (2, 0, 2)


@pytest.fixture
def on_file(tmp_path) -> Iterator[Flask]:
    """The app on an SQLite file (not in memory), which two connections can share."""

    class OnFile(Testing):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'results.sqlite3'}"

    yield from running_app(OnFile)


def test_a_big_whole_count_on_two_connections_gives_the_same_results(on_file, monkeypatch):
    plan_services.import_plan(KEMI_PLAN.read_text(encoding="utf-8"))
    engagement = build_survey()
    answer(engagement, uses="yes", when=["morning", "other"], when__other="x", happy="cant")
    answer(engagement, uses="yes", when=["evening"], happy="2", why="Kylmä")
    answer(engagement, uses="no", happy="5", channel="paper")
    db.session.commit()
    counted_apart = []
    meanwhile = results_module._meanwhile

    def spy(work, apart):
        counted_apart.append(apart)
        return meanwhile(work, apart)

    monkeypatch.setattr(results_module, "_meanwhile", spy)
    monkeypatch.setattr(results_module, "COUNT_APART_FROM", 1)
    apart = survey_results(engagement, locale="en")
    frames.forget_tallies(engagement.id)
    db.session.commit()
    monkeypatch.setattr(results_module, "COUNT_APART_FROM", 10**9)
    together = survey_results(engagement, locale="en")
    assert counted_apart == [True, False]
    assert apart == together
    assert question(apart, "happy").cant_say == 1


def test_a_kept_tally_survives_the_json_round_trip_with_its_types(every_type):
    survey_results(every_type, locale="en")
    for row in frames.stored_tallies(every_type.id):
        tally = frames.decode_tally(row.data)
        assert frames.encode_tally(tally) == row.data
    values = frames.decode_tally(
        next(r for r in frames.stored_tallies(every_type.id) if r.key.startswith("survey")).data
    ).values
    assert sorted(str(day) for day in values["date"].dropna()) == ["2026-03-01", "2026-05-31"]
    assert values["number"].dtype == "float64"


# --- every type ----------------------------------------------------------------------------


@pytest.fixture
def every_type(staff) -> Engagement:
    engagement = create_engagement(
        Kind.SURVEY,
        plan_services.department_by_code("sivistys"),
        t("Kaikki", "Alla", "Everything"),
        ["fi", "sv", "en"],
        [plan_services.focus_area_by_code("HK-05")],
    )
    engagement.summary = t("a", "b", "c")
    questionnaire = services.create_questionnaire(engagement)
    page = services.add_page(questionnaire, "p1", t("Sivu", "Sida", "Page"))
    rows = [
        OptionInput("light", t("Valo", "Ljus", "Light")),
        OptionInput("snow", t("Lumi", "Snö", "Snow")),
    ]
    services.add_question(
        page,
        "rate",
        "matrix",
        t("Arvioi", "Bedöm", "Rate"),
        rows=rows,
        settings={"points": 5},
        options=[CANT_SAY],
    )
    services.add_question(
        page,
        "order",
        "ranking",
        t("Järjestä", "Ordna", "Order"),
        options=[OptionInput("a", t("A", "A", "Alpha")), OptionInput("b", t("B", "B", "Beta"))],
    )
    services.add_question(page, "count", "number", t("Montako?", "Hur många?", "How many?"))
    services.add_question(page, "day", "date", t("Milloin?", "När?", "Which day?"))
    services.add_question(
        page, "nps", "rating", t("Suosittelisitko?", "Rekommendera?", "Recommend?")
    )
    services.add_question(page, "ok", "consent", t("Hyväksyn", "Jag godkänner", "I agree"))
    services.add_question(
        page,
        "where",
        "area",
        t("Alue", "Område", "Area"),
        options=[
            OptionInput("94100", t("94100", "94100", "94100")),
            OptionInput("94200", t("94200", "94200", "94200")),
        ],
    )
    services.add_question(page, "info", "info", t("Tietoa", "Info", "Information"))
    services.publish(engagement)
    answer(
        engagement,
        rate__light="4",
        rate__snow="cant",
        order__a="1",
        order__b="2",
        count="2,5",
        day="1.3.2026",
        nps="9",
        ok="yes",
        where="94100",
    )
    answer(
        engagement,
        rate__light="2",
        rate__snow="5",
        order__a="2",
        order__b="1",
        count="10",
        day="2026-05-31",
        nps="10",
        where="94100",
    )
    answer(engagement, rate__light="3", order__b="1", count="4", nps="0", ok="yes", where="94200")
    db.session.commit()
    return engagement


def test_every_question_type_has_its_figures(client, staff, every_type):
    results = survey_results(every_type, locale="en")
    assert [q.code for q in results.questions] == [
        "rate",
        "order",
        "count",
        "day",
        "nps",
        "ok",
        "where",
    ]  # info text is not a question to report
    rate = question(results, "rate")
    light, snow = rate.matrix
    assert (light.answered, light.base, light.mean) == (3, 3, 3.0)
    assert (snow.answered, snow.cant_say, snow.base, snow.mean) == (2, 1, 1, 5.0)
    assert rate.answered == 3
    order = question(results, "order")
    alpha, beta = order.ranking
    assert (alpha.ranked, alpha.mean_rank, alpha.first) == (2, 1.5, 1)
    assert (beta.ranked, beta.first, order.answered) == (3, 2, 3)
    count = question(results, "count")
    assert (count.stats.median, count.stats.minimum, count.stats.maximum) == (4.0, 2.5, 10.0)
    day = question(results, "day")
    assert (day.answered, day.first_date, day.last_date) == (2, date(2026, 3, 1), date(2026, 5, 31))
    assert question(results, "nps").stats.mean == pytest.approx(19 / 3)
    ok = question(results, "ok")
    assert (bar(ok, "yes").count, bar(ok, "no").count, ok.base) == (2, 1, 3)
    assert bar(question(results, "where"), "94100").share == pytest.approx(2 / 3)
    login(client, staff)
    for lang in ("fi", "sv", "en"):
        response = client.get(URL.format(lang=lang, id=every_type.public_id))
        assert response.status_code == 200, lang
    page = text_of(client.get(URL.format(lang="en", id=every_type.public_id)))
    assert "Alpha 1.5 2 1 33%" in page
    assert "Earliest date" in page


# --- publishing for residents --------------------------------------------------------------


def test_results_are_not_public_until_published(client, staff, survey):
    public = PUBLIC.format(lang="fi", id=survey.public_id)
    assert client.get(public).status_code == 404
    login(client, staff)
    response = client.post(f"/fi/staff/surveys/{survey.public_id}/results/publish")
    assert response.status_code == 302
    assert (
        response.headers["Location"] == f"/fi/staff/surveys/{survey.public_id}/results/publishing"
    )
    assert db.session.get(Engagement, survey.id).results_published_at is not None
    client.post("/fi/logout")
    assert client.get(public).status_code == 200
    # The survey's own page now points residents to the results.
    assert f'href="{public}"' in client.get(f"/fi/e/{survey.public_id}").get_data(as_text=True)
    login(client, staff)
    client.post(f"/fi/staff/surveys/{survey.public_id}/results/unpublish")
    client.post("/fi/logout")
    assert client.get(public).status_code == 404
    assert results_actions() == ["results.publish", "results.unpublish"]


def test_a_draft_cannot_publish_results(client, staff, plan):
    draft = create_engagement(
        Kind.SURVEY, plan_services.department_by_code("sivistys"), t("a", "b", "c"), ["fi"]
    )
    db.session.commit()
    login(client, staff)
    response = client.post(
        f"/fi/staff/surveys/{draft.public_id}/results/publish", follow_redirects=True
    )
    assert "Julkaise ensin kysely" in text_of(response) or "Publish the survey first" in text_of(
        response
    )
    assert db.session.get(Engagement, draft.id).results_published_at is None


def publish_results(engagement: Engagement) -> None:
    from app.core.types import utcnow

    engagement.results_published_at = utcnow()
    db.session.commit()


def test_public_results_suppress_small_groups(client, survey):
    publish_results(survey)
    results = survey_results(survey, locale="en", public=True)
    uses = question(results, "uses")
    # 4 said no: fewer than 5. The 6 who said yes could then be worked out from the total
    # of 10, so that count is suppressed too.
    assert (bar(uses, "yes").count, bar(uses, "no").count) == (None, None)
    assert bar(uses, "no").suppressed
    assert bar(uses, "yes").suppressed
    assert bar(uses, "yes").withheld  # "not shown", not "fewer than 5": it is 6
    assert not bar(uses, "no").withheld
    assert bar(uses, "no").share is None
    happy = question(results, "happy")
    assert bar(happy, "5").count is None
    assert happy.stats is not None  # 7 gave a number: the mean may be shown
    assert question(results, "why").suppressed  # 3 answered, fewer than 5
    assert not results.facets
    assert not results.timeline
    page = text_of(client.get(PUBLIC.format(lang="en", id=survey.public_id)))
    assert "Yes not shown – No fewer than 5 –" in page
    assert "Fewer than 5 people answered this question" in page
    assert "Fewer than 5 people wrote their own answer in the “other” box." in page
    assert "Filter responses" not in page
    assert "Responses by day" not in page


def test_filters_are_never_applied_to_the_public_page(client, survey):
    publish_results(survey)
    response = client.get(PUBLIC.format(lang="en", id=survey.public_id) + "?channel=paper")
    assert "10 people answered the survey." in text_of(response)


def test_a_survey_with_too_few_responses_shows_no_public_figures(client, staff):
    engagement = build_survey()
    answer(engagement, uses="yes", when=["morning"], happy="5")
    publish_results(engagement)
    page = text_of(client.get(PUBLIC.format(lang="en", id=engagement.public_id)))
    assert "Fewer than 5 people answered the survey" in page
    assert "Do you go there?" not in page


def test_a_larger_smallest_group_suppresses_more(client, staff, survey):
    login(client, staff)
    url = f"/en/staff/surveys/{survey.public_id}/results/publishing"
    refused = client.post(url, data={"min_group_size": "2"})
    assert refused.status_code == 422
    assert "error-summary" in refused.get_data(as_text=True)
    assert client.post(url, data={"min_group_size": "7"}).status_code == 302
    assert db.session.get(Engagement, survey.id).min_group_size == 7
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "results.min_group_size"))
    assert entry.details == {"old": 5, "new": 7}
    publish_results(survey)
    results = survey_results(survey, locale="en", public=True)
    assert bar(question(results, "uses"), "yes").count is None  # 6 < 7
    assert question(results, "when").suppressed  # 5 answered


# --- written answers -----------------------------------------------------------------------


def ideas_answer(text: str) -> Answer:
    return db.session.scalar(select(Answer).where(Answer.text == text))


def test_staff_hide_and_edit_written_answers_for_publishing(client, staff, survey):
    login(client, staff)
    texts = f"/en/staff/surveys/{survey.public_id}/results/answers?question=ideas"
    listing = client.get(texts)
    assert listing.status_code == 200
    assert "Soita Mikalle 0401234567" in text_of(listing)
    phone = ideas_answer("Soita Mikalle 0401234567")
    lanes = ideas_answer("Lisää ratoja")
    response = client.post(
        f"/en/staff/surveys/{survey.public_id}/results/answers/hide",
        data={"answer": lanes.id, "hidden": "1", "page": "1"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("question=ideas&page=1#answers")
    edit = f"/en/staff/surveys/{survey.public_id}/results/answers/edit?answer={phone.id}"
    form = client.get(edit)
    assert "Soita Mikalle 0401234567" in form.get_data(as_text=True)
    assert client.post(edit, data={"redacted_text": "Soita [nimi] [puhelin]"}).status_code == 302
    db.session.expire_all()
    assert ideas_answer("Lisää ratoja").is_hidden
    assert ideas_answer("Soita Mikalle 0401234567").redacted_text == "Soita [nimi] [puhelin]"
    assert results_actions() == ["results.answer_hide", "results.answer_redact"]
    # Staff still see the original, marked.
    again = text_of(client.get(texts))
    assert "Soita Mikalle 0401234567" in again
    assert "Hidden from published results" in again
    assert "Published as: Soita [nimi] [puhelin]" in again


def test_residents_see_edited_text_and_not_hidden_text(client, survey):
    for index in range(4):
        answer(survey, uses="no", ideas=f"Idea {index}")
    db.session.commit()
    ideas_answer("Lisää ratoja").is_hidden = True
    ideas_answer("Soita Mikalle 0401234567").redacted_text = "Soita [nimi]"
    publish_results(survey)
    results = survey_results(survey, locale="en", public=True)
    ideas = question(results, "ideas")
    assert ideas.text_count == 5  # 6 written, 1 hidden
    shown = [item.text for item in ideas.texts]
    assert "Lisää ratoja" not in shown
    page = text_of(client.get(PUBLIC.format(lang="en", id=survey.public_id)))
    assert "Soita [nimi]" in page
    assert "0401234567" not in page
    assert "Lisää ratoja" not in page
    listing = client.get(f"/en/e/{survey.public_id}/results/answers?question=ideas")
    assert listing.status_code == 200
    assert "Soita [nimi]" in text_of(listing)
    assert "Lisää ratoja" not in text_of(listing)
    assert "0401234567" not in listing.get_data(as_text=True)


def test_written_answers_of_a_small_question_are_not_public(client, survey):
    publish_results(survey)
    # "why" was answered by 3 people: fewer than 5.
    assert client.get(f"/en/e/{survey.public_id}/results/answers?question=why").status_code == 404
    assert text_page(survey, "why", public=True) is None
    assert text_page(survey, "why").total == 3


def test_staff_cannot_touch_answers_of_another_survey(client, staff, survey):
    other = build_survey()
    answer(other, uses="yes", when=["morning"], ideas="Toinen kysely")
    db.session.commit()
    foreign = ideas_answer("Toinen kysely")
    login(client, staff)
    hide = client.post(
        f"/en/staff/surveys/{survey.public_id}/results/answers/hide",
        data={"answer": foreign.id, "hidden": "1"},
    )
    assert hide.status_code == 404
    edit = f"/en/staff/surveys/{survey.public_id}/results/answers/edit?answer={foreign.id}"
    assert client.get(edit).status_code == 404
    db.session.expire_all()
    assert not ideas_answer("Toinen kysely").is_hidden


def test_written_answers_are_paged(client, staff, survey):
    for index in range(30):
        answer(survey, uses="no", ideas=f"Numero {index}")
    db.session.commit()
    login(client, staff)
    base = f"/en/staff/surveys/{survey.public_id}/results/answers?question=ideas"
    first = text_of(client.get(base))
    assert "Page 1 of 2" in first
    assert "Numero 29" in first
    second = text_of(client.get(base + "&page=2"))
    assert "Numero 0" in second
    assert "Numero 29" not in second
    assert client.get(base.replace("ideas", "nosuch")).status_code == 404


# --- languages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "title", "question_text"),
    [
        ("fi", "Uimahalli", "Käytkö hallissa?"),
        ("sv", "Simhallen", "Går du dit?"),
        ("en", "Swimming hall", "Do you go there?"),
    ],
)
def test_results_pages_speak_each_language(client, staff, survey, lang, title, question_text):
    publish_results(survey)
    public = client.get(PUBLIC.format(lang=lang, id=survey.public_id))
    assert public.status_code == 200
    assert f'<html lang="{lang}">' in public.get_data(as_text=True)
    assert title in text_of(public)
    assert question_text in text_of(public)
    login(client, staff)
    staff_page = client.get(URL.format(lang=lang, id=survey.public_id))
    assert question_text in text_of(staff_page)
    publishing = client.get(f"/{lang}/staff/surveys/{survey.public_id}/results/publishing")
    assert publishing.status_code == 200


def test_charts_have_their_numbers_in_text_and_a_table(client, staff, survey):
    login(client, staff)
    html = client.get(URL.format(lang="en", id=survey.public_id)).get_data(as_text=True)
    assert re.search(r'<svg class="bar"[^>]*aria-hidden="true"', html)
    assert '<th scope="row">' in html
    assert '<th scope="col"' in html
    assert html.count("<caption") >= 4
