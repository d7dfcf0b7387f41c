"""XLSForm workbooks for the import tests.

``liikunta.xlsx`` beside this file is a real three-language form (fi/sv/en) written by
``build_liikunta()`` with xlsxwriter, as Excel-like tools write it. Rebuild it with::

    .venv/bin/python -m tests.questionnaires.data.xlsforms

The other workbooks are small, made on the fly with openpyxl (a second writer) by ``workbook()``.
"""

from __future__ import annotations

import io
from pathlib import Path

import xlsxwriter
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
LIIKUNTA = HERE / "liikunta.xlsx"

FI, SV, EN = "Suomi (fi)", "Svenska (sv)", "English (en)"

LIIKUNTA_SURVEY = [
    [
        "type",
        "name",
        f"label::{FI}",
        f"label::{SV}",
        f"label::{EN}",
        f"hint::{FI}",
        f"hint::{SV}",
        f"hint::{EN}",
        "required",
        "relevant",
        "constraint",
        f"constraint_message::{FI}",
        "appearance",
    ],
    [
        "note",
        "intro",
        "Kyselyyn vastaaminen vie noin viisi minuuttia.",
        "Det tar cirka fem minuter att svara.",
        "Answering takes about five minutes.",
    ],
    [
        "begin group",
        "visits",
        "Käynnit",
        "Besök",
        "Visits",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "field-list",
    ],
    [
        "select_one kylla_ei",
        "uses",
        "Käytätkö kaupungin liikuntapaikkoja?",
        "Använder du stadens idrottsplatser?",
        "Do you use the city's sports facilities?",
        "",
        "",
        "",
        "yes",
    ],
    [
        "select_multiple paikat",
        "places",
        "Mitä liikuntapaikkoja käytät?",
        "Vilka idrottsplatser använder du?",
        "Which sports facilities do you use?",
        "Valitse kaikki sopivat.",
        "Välj alla som passar.",
        "Choose all that apply.",
        "TRUE()",
        "${uses} = 'kylla'",
    ],
    [
        "integer",
        "times",
        "Montako kertaa kuukaudessa käyt?",
        "Hur många gånger i månaden går du dit?",
        "How many times a month do you go?",
        "",
        "",
        "",
        "",
        "selected(${places}, 'uimahalli') or selected(${places}, 'kuntosali')",
        ". >= 0 and . <= 60",
        "Kirjoita luku 0–60.",
    ],
    [
        "date",
        "last_visit",
        "Milloin kävit viimeksi?",
        "När var du där senast?",
        "When did you last go?",
        "",
        "",
        "",
        "no",
        "${uses} != ''",
    ],
    ["end group"],
    ["begin group", "rating", "Arvio", "Bedömning", "Rating"],
    [
        "select_one arvosana",
        "grade",
        "Kuinka tyytyväinen olet liikuntapaikkoihin?",
        "Hur nöjd är du med idrottsplatserna?",
        "How happy are you with the sports facilities?",
        "",
        "",
        "",
        "yes",
        "",
        "",
        "",
        "minimal",
    ],
    [
        "select_one syyt or_other",
        "reason",
        "Miksi liikut?",
        "Varför motionerar du?",
        "Why do you exercise?",
    ],
    [
        "text",
        "improve",
        "Mitä parantaisit?",
        "Vad skulle du förbättra?",
        "What would you improve?",
        "Älä kirjoita nimiä.",
        "Skriv inte namn.",
        "Please do not write names.",
        "",
        "${times} > 4",
        "",
        "",
        "multiline",
    ],
    ["end group"],
    ["begin group", "background", "Taustatiedot", "Bakgrund", "About you"],
    [
        "integer",
        "age",
        "Ikäsi",
        "Din ålder",
        "Your age",
        "Vuosina.",
        "I år.",
        "In years.",
        "",
        "",
        ". >= 15 and . <= 120",
    ],
    [
        "text",
        "postcode",
        "Postinumerosi",
        "Ditt postnummer",
        "Your postcode",
        "",
        "",
        "",
        "",
        "",
        "string-length(.) <= 5",
    ],
    [
        "acknowledge",
        "consent",
        "Ymmärrän, että vastaukseni käsitellään nimettöminä.",
        "Jag förstår att mina svar behandlas anonymt.",
        "I understand that my answers are handled anonymously.",
        "",
        "",
        "",
        "yes",
    ],
    ["end group"],
]

LIIKUNTA_CHOICES = [
    ["list_name", "name", f"label::{FI}", f"label::{SV}", f"label::{EN}"],
    ["kylla_ei", "kylla", "Kyllä", "Ja", "Yes"],
    ["kylla_ei", "ei", "Ei", "Nej", "No"],
    ["paikat", "uimahalli", "Uimahalli", "Simhall", "Swimming hall"],
    ["paikat", "kuntosali", "Kuntosali", "Gym", "Gym"],
    ["paikat", "jaahalli", "Jäähalli", "Ishall", "Ice rink"],
    ["paikat", "ladut", "Ladut", "Skidspår", "Ski tracks"],
    ["arvosana", 1, "1 – Huono", "1 – Dålig", "1 – Poor"],
    ["arvosana", 2, "2", "2", "2"],
    ["arvosana", 3, "3", "3", "3"],
    ["arvosana", 4, "4", "4", "4"],
    ["arvosana", 5, "5 – Erinomainen", "5 – Utmärkt", "5 – Excellent"],
    ["syyt", "terveys", "Terveys", "Hälsa", "Health"],
    ["syyt", "ystavat", "Ystävät", "Vänner", "Friends"],
    ["syyt", "hauskuus", "Hauskuus", "Det är roligt", "Fun"],
]

LIIKUNTA_SETTINGS = [
    [
        f"form_title::{FI}",
        f"form_title::{SV}",
        f"form_title::{EN}",
        "form_id",
        "version",
        "default_language",
        "summary::fi",
        "summary::sv",
        "summary::en",
    ],
    [
        "Liikuntapaikat Kemissä",
        "Idrottsplatser i Kemi",
        "Sports facilities in Kemi",
        "liikunta_2026",
        "2026052001",
        FI,
        "Kerro, miten käytät kaupungin liikuntapaikkoja.",
        "Berätta hur du använder stadens idrottsplatser.",
        "Tell us how you use the city's sports facilities.",
    ],
]


def build_liikunta() -> bytes:
    """The real multi-language form, written with xlsxwriter."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    for name, rows in (
        ("survey", LIIKUNTA_SURVEY),
        ("choices", LIIKUNTA_CHOICES),
        ("settings", LIIKUNTA_SETTINGS),
    ):
        sheet = book.add_worksheet(name)
        for row_number, row in enumerate(rows):
            for column, value in enumerate(row):
                if value != "":
                    sheet.write(row_number, column, value, bold if row_number == 0 else None)
    book.close()
    return buffer.getvalue()


def workbook(sheets: dict[str, list[list]]) -> bytes:
    """A workbook with these sheets (rows of cell values), written with openpyxl.

    A string starting with ``=`` becomes a formula cell, as in Excel.
    """
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def small_form(survey_rows: list[list], choices: list[list] | None = None, **settings) -> bytes:
    """A one-language form: survey rows under ``type, name, label, required, relevant, …``."""
    sheets = {
        "survey": [
            ["type", "name", "label", "required", "relevant", "constraint", "appearance"],
            *survey_rows,
        ]
    }
    if choices is not None:
        sheets["choices"] = [["list_name", "name", "label"], *choices]
    if settings:
        sheets["settings"] = [list(settings), list(settings.values())]
    return workbook(sheets)


if __name__ == "__main__":
    LIIKUNTA.write_bytes(build_liikunta())
    print(f"Wrote {LIIKUNTA}")
