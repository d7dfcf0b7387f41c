"""Exports: one row per response in CSV or XLSX, a codebook, formula cells made harmless, audited."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.core.audit import AuditLog
from app.core.types import utcnow
from app.engagements.models import Engagement, Kind
from app.engagements.services import create_engagement
from app.extensions import db
from app.plan import services as plan_services
from app.questionnaires import export_xlsx, services
from app.questionnaires.demo import load_demo_survey
from app.questionnaires.export import ExportOptions, escape_formula, export_survey
from app.questionnaires.models import Answer, Submission
from app.questionnaires.services import OptionInput
from tests.conftest import login, text_of

BOM = b"\xef\xbb\xbf"


def t(fi: str, sv: str, en: str) -> dict[str, str]:
    return {"fi": fi, "sv": sv, "en": en}


@pytest.fixture
def survey(staff) -> Engagement:
    """A published fi/sv/en survey of the staff member's department with four responses."""
    engagement = create_engagement(
        Kind.SURVEY,
        plan_services.department_by_code("sivistys"),
        t("Koulumatkat", "Skolvägar", "Journeys to school"),
        ["fi", "sv", "en"],
        [plan_services.focus_area_by_code("HK-05")],
    )
    engagement.summary = t("Kerro koulumatkasta.", "Berätta om skolvägen.", "Tell us.")
    questionnaire = services.create_questionnaire(engagement)
    page = services.add_page(questionnaire, "p1", t("Sivu", "Sida", "Page"))
    services.add_question(
        page,
        "mode",
        "single_choice",
        t("Millä kuljet?", "Hur tar du dig?", "How do you travel?"),
        options=[
            OptionInput("walk", t("Kävellen", "Till fots", "On foot")),
            OptionInput("bus", t("Bussilla", "Med buss", "By bus")),
            OptionInput("other", t("Muuten", "Annars", "Other way"), is_other=True),
        ],
    )
    services.add_question(
        page,
        "when",
        "multiple_choice",
        t("Milloin?", "När?", "When?"),
        options=[
            OptionInput("morning", t("Aamulla", "På morgonen", "In the morning")),
            OptionInput("evening", t("Illalla", "På kvällen", "In the evening")),
            OptionInput("other", t("Muulloin", "Annan tid", "Other time"), is_other=True),
        ],
    )
    services.add_question(
        page,
        "safe",
        "matrix",
        t("Arvioi", "Bedöm", "Rate"),
        rows=[
            OptionInput("light", t("Valaistus", "Belysning", "Lighting")),
            OptionInput("winter", t("Talvi", "Vinter", "Winter")),
        ],
        options=[
            OptionInput("cant_say", t("En osaa sanoa", "Vet inte", "Can't say"), is_cant_say=True)
        ],
        settings={"points": 5},
    )
    services.add_question(
        page,
        "rank",
        "ranking",
        t("Tärkein?", "Viktigast?", "Most important?"),
        options=[
            OptionInput("safe", t("Turvallisuus", "Trygghet", "Safety")),
            OptionInput("short", t("Lyhyys", "Korthet", "Shortness")),
        ],
    )
    services.add_question(page, "minutes", "number", t("Minuutit", "Minuter", "Minutes"))
    services.add_question(page, "last", "date", t("Milloin viimeksi?", "Senast?", "Last time?"))
    services.add_question(page, "note", "long_text", t("Kerro", "Berätta", "Tell us"))
    services.publish(engagement)
    db.session.commit()
    answers = [
        (
            "fi",
            "web",
            {
                "q-mode": "walk",
                "q-when": ["morning", "other"],
                "q-when-other": "=HYPERLINK(1)",
                "q-safe-light": "4",
                "q-safe-winter": "cant_say",
                "q-rank-short": "1",
                "q-rank-safe": "2",
                "q-minutes": "2,5",
                "q-last": "31.5.2026",
                "q-note": "=SUM(A1)",
            },
        ),
        ("sv", "paper", {"q-mode": "other", "q-mode-other": "+1", "q-minutes": "-3"}),
        ("en", "web", {"q-mode": "bus", "q-when": ["evening"], "q-note": "-cmd"}),
        ("fi", "phone", {"q-note": "@x"}),
    ]
    for locale, channel, form in answers:
        services.submit(engagement, MultiDict(form), locale=locale, channel=channel)
    first = db.session.scalar(select(Submission).order_by(Submission.id))
    first.demographics = {"age": "30-44", "gender": "woman"}
    db.session.commit()
    return engagement


def export_bytes(engagement: Engagement, **options) -> bytes:
    out = io.BytesIO()
    export_survey(engagement, out, ExportOptions(**options))
    db.session.commit()
    return out.getvalue()


def read_csv(data: bytes, separator: str = ",") -> list[dict[str, str]]:
    assert data.startswith(BOM)
    return list(csv.DictReader(io.StringIO(data[len(BOM) :].decode("utf-8")), delimiter=separator))


def test_csv_is_utf8_with_bom_one_row_per_response_and_no_receipt_code(survey):
    data = export_bytes(survey)
    rows = read_csv(data)
    assert len(rows) == 4
    assert list(rows[0])[:7] == [
        "response_id",
        "submitted_at",
        "channel",
        "language",
        "bg_age",
        "bg_area",
        "bg_gender",
    ]
    assert [row["language"] for row in rows] == ["fi", "sv", "en", "fi"]
    assert [row["channel"] for row in rows] == ["web", "paper", "web", "phone"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", rows[0]["submitted_at"])
    assert (rows[0]["bg_age"], rows[0]["bg_gender"], rows[0]["bg_area"]) == ("30-44", "woman", "")
    receipts = db.session.scalars(select(Submission.receipt_code)).all()
    text = data.decode("utf-8-sig")
    assert not any(code in text for code in receipts)
    assert "receipt" not in text


def test_semicolon_separator_for_finnish_excel_writes_decimal_commas(survey):
    data = export_bytes(survey, separator=";")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith('"response_id";"submitted_at";')
    rows = read_csv(data, ";")
    assert rows[0]["minutes"] == "2,5"
    assert rows[1]["minutes"] == "-3"
    assert read_csv(export_bytes(survey, separator=","))[0]["minutes"] == "2.5"


def test_each_question_type_gets_its_columns(survey):
    rows = read_csv(export_bytes(survey))
    first, second, third, fourth = rows
    assert first["mode"] == "walk"
    assert (first["when_morning"], first["when_evening"], first["when_other"]) == ("1", "0", "1")
    assert (third["when_morning"], third["when_evening"], third["when_other"]) == ("0", "1", "0")
    # Not answered at all is empty, not 0.
    assert (second["when_morning"], fourth["when_evening"]) == ("", "")
    assert second["mode"] == "other"
    assert (first["safe_light"], first["safe_winter"]) == ("4", "cant_say")
    assert (first["rank_short"], first["rank_safe"]) == ("1", "2")
    assert (third["rank_short"], third["rank_safe"]) == ("", "")
    assert first["last"] == "2026-05-31"
    assert "response" not in first


def last_note(engagement: Engagement) -> Answer:
    """The written answer of the last response (it answered only that question)."""
    last = db.session.scalar(select(func.max(Submission.id)))
    return db.session.scalar(select(Answer).where(Answer.submission_id == last))


def test_export_escapes_formula_cells_in_csv_and_keeps_negative_numbers(survey):
    rows = read_csv(export_bytes(survey))
    assert rows[0]["note"] == "'=SUM(A1)"
    assert rows[0]["when_other_text"] == "'=HYPERLINK(1)"
    assert rows[1]["mode_other_text"] == "'+1"
    assert rows[2]["note"] == "'-cmd"
    assert rows[3]["note"] == "'@x"
    assert rows[1]["minutes"] == "-3"
    # Text that arrives some other way than the answering form (which trims whitespace).
    for prefix in ("\t", "\r"):
        last_note(survey).text = prefix + "cmd"
        db.session.commit()
        assert read_csv(export_bytes(survey))[3]["note"] == "'" + prefix + "cmd"


def test_escape_formula_changes_only_text_that_starts_like_a_formula():
    for value in ("=1", "+1", "-1", "@1", "\t1", "\r1"):
        assert escape_formula(value) == "'" + value
    assert escape_formula("1-2") == "1-2"
    assert escape_formula("Kävellen") == "Kävellen"
    assert escape_formula(-3) == -3


def test_a_separator_inside_an_answer_cannot_start_a_new_cell(survey):
    last_note(survey).text = "ok;=1+1,=2+2"
    db.session.commit()
    for separator in (",", ";"):
        text = export_bytes(survey, separator=separator).decode("utf-8-sig")
        assert '"ok;=1+1,=2+2"' in text


def test_xlsx_stores_formula_like_answers_as_text_and_numbers_as_numbers(survey):
    book = openpyxl.load_workbook(io.BytesIO(export_bytes(survey, format="xlsx")))
    assert book.sheetnames == ["data", "codebook"]
    sheet = book["data"]
    headers = [cell.value for cell in sheet[1]]
    rows = [dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 4
    note = rows[0]["note"]
    assert note.value == "=SUM(A1)"
    assert note.data_type == "s"
    assert rows[2]["note"].value == "-cmd"
    assert rows[2]["note"].data_type == "s"
    assert rows[0]["when_other_text"].value == "=HYPERLINK(1)"
    assert rows[0]["minutes"].value == 2.5
    assert rows[1]["minutes"].value == -3
    assert rows[1]["minutes"].data_type == "n"
    assert rows[0]["when_morning"].value == 1
    assert rows[1]["when_morning"].value is None
    codebook = [[cell.value for cell in row] for row in book["codebook"].iter_rows()]
    assert codebook[0][:2] == ["column", "header"]
    assert [
        "mode",
        "Millä kuljet?",
        "mode",
        "Millä kuljet?",
        "single_choice",
        "bus",
        "Bussilla",
    ] in [row[:7] for row in codebook]


@pytest.mark.parametrize(
    ("language", "question", "option", "row_label", "channel", "lang_name"),
    [
        ("fi", "Millä kuljet?", "Kävellen", "Arvioi: Valaistus", "Online", "Finnish"),
        ("sv", "Hur tar du dig?", "Till fots", "Bedöm: Belysning", "Online", "Swedish"),
        ("en", "How do you travel?", "On foot", "Rate: Lighting", "Online", "Finnish"),
    ],
)
def test_headers_and_values_as_labels_in_the_chosen_language(
    survey, language, question, option, row_label, channel, lang_name
):
    data = export_bytes(survey, header_labels=True, value_labels=True, language=language)
    rows = read_csv(data)
    assert rows[0][question] == option
    assert rows[0][row_label] == "4"
    headers = list(rows[0])
    assert question in headers
    assert "mode" not in headers
    if language == "en":
        assert rows[0]["Channel"] == channel
        assert rows[0]["Language"] == lang_name
        assert rows[0]["Rate: Winter"] == "Can't say"
        assert rows[0]["When?: In the morning"] == "1"
        assert rows[1]["How do you travel?"] == "Other way"


def test_values_as_labels_with_codes_as_headers(survey):
    rows = read_csv(export_bytes(survey, value_labels=True, language="sv"))
    assert [row["mode"] for row in rows] == ["Till fots", "Annars", "Med buss", ""]
    assert rows[0]["safe_winter"] == "Vet inte"
    assert rows[0]["when_morning"] == "1"


def test_codebook_explains_every_column_and_code(survey):
    rows = read_csv(export_bytes(survey, format="codebook", language="en"))
    columns = list(dict.fromkeys(row["column"] for row in rows))
    data_headers = list(read_csv(export_bytes(survey))[0])
    assert columns == data_headers
    mode = [row for row in rows if row["column"] == "mode"]
    assert [(row["value"], row["value_label"]) for row in mode] == [
        ("walk", "On foot"),
        ("bus", "By bus"),
        ("other", "Other way"),
    ]
    assert {row["question_text"] for row in mode} == {"How do you travel?"}
    assert {row["type"] for row in mode} == {"single_choice"}
    flags = [(row["value"], row["value_label"]) for row in rows if row["column"] == "when_evening"]
    assert flags == [("1", "chosen"), ("0", "not chosen")]
    assert any(r["column"] == "safe_winter" and r["value"] == "cant_say" for r in rows)
    other = next(row for row in rows if row["column"] == "when_other_text")
    assert other["type"] == "other_text"
    assert other["header"] == "When?: Other time (written answer)"


def test_codebook_values_are_what_the_data_file_holds(survey, plan):
    rows = read_csv(export_bytes(survey, format="codebook", value_labels=True, language="en"))
    assert [r["value"] for r in rows if r["column"] == "mode"] == ["On foot", "By bus", "Other way"]
    assert [r["value"] for r in rows if r["column"] == "when_evening"] == ["1", "0"]
    library = load_demo_survey()
    db.session.commit()
    for value_labels, values in ((False, ["1", "5", "cant_say"]), (True, ["1", "5", "Can't say"])):
        data = export_bytes(library, format="codebook", value_labels=value_labels, language="en")
        scale = [row for row in read_csv(data) if row["column"] == "satisfied"]
        assert [row["value"] for row in scale] == values
        assert [row["value_label"] for row in scale] == ["Unhappy", "Happy", "Can't say"]


def test_codebook_headings_as_labels(survey):
    data = export_bytes(survey, format="codebook", header_labels=True, language="en")
    assert list(read_csv(data)[0])[:2] == ["Column", "Heading"]


def test_a_survey_without_responses_exports_only_the_headings(plan):
    engagement = load_demo_survey()
    db.session.commit()
    data = export_bytes(engagement)
    lines = data.decode("utf-8-sig").splitlines()
    assert len(lines) == 1
    assert lines[0].startswith('"response_id"')
    book = openpyxl.load_workbook(io.BytesIO(export_bytes(engagement, format="xlsx")))
    assert book["data"].max_row == 1


def test_every_export_is_audited(survey):
    export_bytes(survey, format="xlsx", language="sv")
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "survey.export"))
    assert entry.target == f"engagements:{survey.public_id}"
    assert entry.details["format"] == "xlsx"
    assert entry.details["rows"] == 4
    assert entry.details["language"] == "sv"


#: An answer shaped like XlsxWriter's ready-made rich text, closing its cell to add a formula.
CELL_INJECTION = (
    '<r><t>x</t></r></is></c><c r="Z2"><f>HYPERLINK("https://evil.example","Click")</f>'
    '<v>Click</v></c><c r="Z3" t="inlineStr"><is><r><t>y</t></r>'
)


def test_xlsx_text_cannot_write_its_own_cells_or_formulas(survey):
    texts = {
        "=SUM(A1)": CELL_INJECTION,
        "-cmd": " both ends & <b>\ttab ",
        "@x": "ä" * 40_000,
    }
    for answer in db.session.scalars(select(Answer).where(Answer.text.in_(list(texts)))):
        answer.text = texts[answer.text]
    db.session.commit()
    book = openpyxl.load_workbook(io.BytesIO(export_bytes(survey, format="xlsx")))
    sheet = book["data"]
    headers = [cell.value for cell in sheet[1]]
    notes = [row[headers.index("note")] for row in sheet.iter_rows(min_row=2)]
    assert notes[0].value == CELL_INJECTION
    assert notes[2].value == " both ends & <b>\ttab "
    assert notes[3].value == "ä" * 32_767  # Excel's longest text
    assert {cell.data_type for row in sheet.iter_rows() for cell in row} <= {"s", "n"}
    assert sheet.max_column == len(headers)


def test_xlsx_cells_are_written_as_xlsxwriter_writes_them():
    values = [
        "walk",
        " leading",
        "trailing ",
        "two\nlines",
        "ctrl \x01\x08\x0b\x1f end",
        "_x0041_ looks escaped",
        "& < > \" '",
        "åäö € 😀",
        "",
        "=1+1",
        0,
        1,
        -3,
        2.5,
        1e16,
        12_345_678_901_234_567,
        0.1 + 0.2,
        -0.000123,
    ]
    template = io.BytesIO()
    workbook = xlsxwriter.Workbook(template, {"constant_memory": True})
    sheet = workbook.add_worksheet()
    for row, value in enumerate(values, start=1):
        if isinstance(value, str):
            sheet.write_string(row, 1, value)
        else:
            sheet.write_number(row, 1, value)
    workbook.close()
    xml = zipfile.ZipFile(template).read("xl/worksheets/sheet1.xml").decode("utf-8")
    expected = xml[xml.index("<sheetData>") + len("<sheetData>") : xml.index("</sheetData>")]
    frame = pd.DataFrame({"empty": [None] * len(values), "value": pd.Series(values, dtype=object)})
    assert export_xlsx.rows_xml(frame, 1) == expected


def test_xlsx_rows_go_into_the_sheet_and_its_extent():
    template = io.BytesIO()
    workbook = xlsxwriter.Workbook(template, {"constant_memory": True})
    workbook.add_worksheet("data").write_string(0, 0, "heading")
    workbook.add_worksheet("other").write_string(0, 0, "kept")
    workbook.close()
    frame = pd.DataFrame({"a": [1, 2, 3], "b": ["x", None, "z"]})
    out = io.BytesIO()
    rows = (export_xlsx.rows_xml(frame.iloc[start : start + 2], 1 + start) for start in (0, 2))
    export_xlsx.write_with_rows(template.getvalue(), out, rows, last_row=3, last_column=1)
    book = openpyxl.load_workbook(out)
    assert [[cell.value for cell in row] for row in book["data"].iter_rows()] == [
        ["heading", None],
        [1, "x"],
        [2, None],
        [3, "z"],
    ]
    assert book["data"].dimensions == "A1:B4"
    assert book["other"]["A1"].value == "kept"


# --- staff pages -----------------------------------------------------------------------------


def url(engagement: Engagement, lang: str = "fi") -> str:
    return f"/{lang}/staff/surveys/{engagement.public_id}/export"


def test_staff_see_the_export_form(client, survey, staff):
    login(client, staff)
    page = client.get(url(survey, "en"))
    assert page.status_code == 200
    text = text_of(page)
    assert "Export the answers" in text
    assert "4 responses" in text
    assert "Semicolon (;)" in text
    html = page.get_data(as_text=True)
    assert "<legend>What to download</legend>" in html


def test_staff_download_a_csv_and_the_export_is_audited(client, survey, staff):
    login(client, staff)
    response = client.post(
        url(survey),
        data={
            "format": "csv",
            "separator": ";",
            "headers": "labels",
            "values": "labels",
            "language": "sv",
        },
    )
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert re.search(rf"filename={survey.public_id}-answers-\d{{8}}\.csv", disposition)
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Cache-Control"] == "no-store"
    rows = read_csv(response.data, ";")
    assert rows[0]["Hur tar du dig?"] == "Till fots"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "survey.export"))
    assert entry.actor_id == staff.id
    assert entry.details["rows"] == 4


def test_staff_download_an_xlsx(client, survey, coordinator):
    login(client, coordinator)
    response = client.post(
        url(survey),
        data={
            "format": "xlsx",
            "separator": ",",
            "headers": "codes",
            "values": "codes",
            "language": "fi",
        },
    )
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book["data"]["A1"].value == "response_id"


def test_a_bad_choice_shows_the_form_with_an_error(client, survey, staff):
    login(client, staff)
    response = client.post(
        url(survey, "en"),
        data={"format": "pdf", "separator": ",", "headers": "codes", "values": "codes"},
    )
    assert response.status_code == 200
    assert "Check these and try again" in text_of(response)
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == "survey.export")
        )
        == 0
    )


def test_other_departments_are_refused_and_anonymous_visitors_sent_to_sign_in(
    client, survey, other_staff
):
    response = client.get(url(survey))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/fi/login?next=")
    assert client.post(url(survey), data={"format": "csv"}).status_code == 302
    login(client, other_staff)
    assert client.get(url(survey)).status_code == 403
    assert client.post(url(survey), data={"format": "csv"}).status_code == 403


# --- command line ----------------------------------------------------------------------------


def test_cli_export_writes_the_file_and_says_how_many_rows(runner, survey, tmp_path):
    out = tmp_path / "answers.xlsx"
    result = runner.invoke(
        args=["surveys", "export", survey.public_id, "--format", "xlsx", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Wrote 4 responses" in result.output
    assert str(out) in result.output
    assert openpyxl.load_workbook(out)["data"].max_row == 5
    csv_out = tmp_path / "answers.csv"
    result = runner.invoke(
        args=[
            "surveys",
            "export",
            survey.public_id,
            "--out",
            str(csv_out),
            "--separator",
            ";",
            "--headers",
            "labels",
            "--values",
            "labels",
            "--language",
            "en",
        ]
    )
    assert result.exit_code == 0, result.output
    assert read_csv(csv_out.read_bytes(), ";")[0]["How do you travel?"] == "On foot"
    entries = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "survey.export").order_by(AuditLog.id)
    ).all()
    assert [entry.details["format"] for entry in entries] == ["xlsx", "csv"]
    assert all(entry.actor_id is None for entry in entries)


def test_cli_export_reports_an_unknown_id(runner, plan, tmp_path):
    out = tmp_path / "x.csv"
    result = runner.invoke(args=["surveys", "export", "nosuchid", "--out", str(out)])
    assert result.exit_code != 0
    assert "No survey with the id nosuchid" in result.output
    assert not out.exists()


# --- synthetic responses ---------------------------------------------------------------------


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_generate_adds_exactly_n_responses_to_the_demo_survey(runner, plan):
    load_demo_survey()
    db.session.commit()
    result = runner.invoke(args=["demo", "generate", "--responses", "37", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "Added 37 responses" in result.output
    assert count(Submission) == 37
    rows = read_csv(export_bytes(db.session.scalar(select(Engagement))))
    assert len(rows) == 37
    # The display conditions hold: who does not use the library is not asked when.
    for row in rows:
        if row["uses"] == "no":
            assert row["when_morning"] == row["visits"] == ""
    assert {row["language"] for row in rows} <= {"fi", "sv", "en"}


def test_demo_generate_can_create_a_test_survey_whose_answers_fit_it(runner, plan):
    result = runner.invoke(
        args=["demo", "generate", "--responses", "60", "--questions", "20", "--seed", "1"]
    )
    assert result.exit_code == 0, result.output
    engagement = db.session.scalar(select(Engagement))
    assert engagement.public_id in result.output
    assert count(Submission) == 60
    questionnaire = services.questionnaire_of(engagement)
    questions = {q.id: q for page in questionnaire.pages for q in page.questions}
    assert len(questions) == 20
    for answer in db.session.scalars(select(Answer)):
        question = questions[answer.question_id]
        if answer.option_code and question.type not in ("yes_no", "consent"):
            codes = {o.code for o in question.options if o.role == "option"}
            assert answer.option_code in codes, (question.code, answer.option_code)
        if answer.row_code:
            assert answer.row_code in {o.code for o in question.options if o.role == "row"}
        if answer.date:
            assert answer.date <= utcnow().date()
    rows = read_csv(export_bytes(engagement))
    for row in rows:
        if row["q01"] == "no":
            assert row["q02"] == ""
            assert row["q03_a"] == ""
        chosen = [row[f"q03_{code}"] for code in ("a", "b", "c", "d", "other")]
        assert chosen.count("1") <= 3


def test_demo_generate_is_refused_in_production(app, runner, plan):
    load_demo_survey()
    db.session.commit()
    app.config["ENV_NAME"] = "production"
    result = runner.invoke(args=["demo", "generate", "--responses", "5"])
    assert result.exit_code != 0
    assert "not generated in production" in result.output
    assert count(Submission) == 0


def test_demo_generate_reports_an_unknown_survey(runner, plan):
    result = runner.invoke(args=["demo", "generate", "--responses", "5", "--survey", "nope"])
    assert result.exit_code != 0
    assert "No survey with the id nope" in result.output
