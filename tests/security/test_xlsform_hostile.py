"""The XLSForm importer, fed through the staff upload page: workbooks with hostile names and
texts, and files that are not workbooks at all. Never a 500: a clear message and nothing created,
or a draft whose texts are the cells' texts (cleaned as documented) and whose codes fit the rules.

The hand-made broken files (not a zip, .xls, a zip bomb, a DOCTYPE, a formula…) are in
``tests/questionnaires/test_xlsform.py``; this adds random ones and a few more tricks.
"""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from flask_babel import force_locale
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import select

from app.engagements.models import Engagement
from app.extensions import db
from app.questionnaires import xlsform
from app.questionnaires.builder import CODE_PATTERN
from app.questionnaires.models import Question, Questionnaire
from tests.conftest import text_of
from tests.questionnaires.data.xlsforms import LIIKUNTA, small_form, workbook
from tests.security.hostile import (
    assert_not_500,
    assert_shown_safely,
    count,
    hostile_text,
    survey_text_as_stored,
)

URL = "/en/staff/departments/sivistys/surveys/import"
#: openpyxl refuses to write these; Excel cannot hold them either.
cell_text = hostile_text.map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text))


def upload(client, data: bytes, name: str = "kysely.xlsx"):
    return client.post(
        URL,
        data={"file": (io.BytesIO(data), name), "focus_areas": ["HK-05"]},
        content_type="multipart/form-data",
    )


def as_read(text: str) -> str:
    """A cell's text as the importer reads it: line ends unified, control characters removed,
    NFC, stripped (the same cleaning as a survey's long answer)."""
    return survey_text_as_stored(text, multiline=True)


def assert_refused_clearly(response) -> None:
    assert response.status_code == 200
    shown = text_of(response)
    assert "Check these and try again" in shown
    assert "%(" not in shown


def _refusal_expected(title, name, label, choice, choice_label) -> bool:
    """Whether the importer must refuse this workbook (and not just note something)."""
    cells = (title, name, label, choice, choice_label)
    return (
        any(cell.startswith("=") for cell in cells)  # a formula
        or any(len(as_read(cell)) > xlsform.MAX_CELL_CHARS for cell in cells)
        or any("\ufffe" in cell or "\uffff" in cell for cell in cells)  # not XML: unreadable
        or not as_read(name)
        or not as_read(choice)
        or as_read(name) == "pick"  # the name twice
        or as_read(choice) == "b"  # the choice twice
    )


@given(title=cell_text, name=cell_text, label=cell_text, choice=cell_text, choice_label=cell_text)
@example(
    title="<script>alert(1)</script>",
    name="'; DROP TABLE questions; --",
    label="{{ 7*7 }} ${other}",
    choice="\u202eRTL",
    choice_label="e\u0301\u0301 🙂",
)
@example(title='=HYPERLINK("x")', name="q", label="L", choice="c", choice_label="C")
@example(title="T", name="q", label="a\ufffe", choice="c", choice_label="C")
def test_hostile_names_and_texts_are_refused_clearly_or_imported_exactly(
    app, staff_client, title, name, label, choice, choice_label
):
    data = workbook(
        {
            "survey": [
                ["type", "name", "label"],
                ["text", name, label],
                ["select_one colours", "pick", "Pick one"],
            ],
            "choices": [["list_name", "name", "label"], ["colours", choice, choice_label]]
            + [["colours", "b", "Blue"]],
            "settings": [["form_title"], [title]],
        }
    )
    engagements = count(Engagement)
    response = upload(staff_client, data)
    assert_not_500(response)
    if response.status_code != 302:
        assert_refused_clearly(response)
        assert _refusal_expected(title, name, label, choice, choice_label)
        assert count(Engagement) == engagements
        return
    assert not _refusal_expected(title, name, label, choice, choice_label)
    engagement = db.session.scalar(select(Engagement).order_by(Engagement.id.desc()))
    assert engagement.title == {"fi": as_read(title) or "kysely"}
    questions = db.session.scalars(
        select(Question)
        .join(Questionnaire, Questionnaire.id == Question.questionnaire_id)
        .where(Questionnaire.engagement_id == engagement.id)
        .order_by(Question.position)
    ).all()
    assert questions[0].text == {"fi": as_read(label) or as_read(name)}
    options = [option for question in questions for option in question.options]
    codes = [question.code for question in questions] + [option.code for option in options]
    assert all(CODE_PATTERN.match(code) for code in codes), codes
    assert {"fi": as_read(choice_label) or as_read(choice)} in [o.label for o in options]
    report = staff_client.get(response.headers["Location"]).get_data(as_text=True)
    assert_shown_safely(report, engagement.title["fi"])


def _valid() -> bytes:
    return small_form([["text", "q", "Kysymys"], ["integer", "n", "Montako?"]])


@given(data=st.binary(max_size=4096))
@example(data=b"PK\x03\x04")
@example(data=b"PK\x05\x06" + b"\0" * 18)
@example(data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
def test_random_bytes_are_refused_with_a_message(app, staff_client, data):
    response = upload(staff_client, data)
    assert_not_500(response)
    assert_refused_clearly(response)
    assert count(Engagement) == 0


@given(
    cut=st.integers(min_value=0),
    flips=st.lists(st.tuples(st.integers(0), st.integers(0, 255)), max_size=8),
)
def test_truncated_or_damaged_workbooks_never_fail(app, staff_client, cut, flips):
    original = LIIKUNTA.read_bytes()
    damaged = bytearray(original[: cut % (len(original) + 1)])
    for position, value in flips:
        if damaged:
            damaged[position % len(damaged)] = value
    engagements = count(Engagement)
    response = upload(staff_client, bytes(damaged))
    assert_not_500(response)
    if response.status_code == 302:
        assert count(Engagement) == engagements + 1
    else:
        assert_refused_clearly(response)
        assert count(Engagement) == engagements


def _members(data: bytes) -> dict[str, bytes]:
    source = zipfile.ZipFile(io.BytesIO(data))
    return {info.filename: source.read(info) for info in source.infolist()}


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _patched(data: bytes, part: str, local: int, central: int, value: int, size: str) -> bytes:
    """The zip with a field of ``part``'s local header and central directory entry rewritten
    (``local`` and ``central``: the field's offsets; ``size``: "H" or "I")."""
    raw = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(part)
    struct.pack_into(f"<{size}", raw, info.header_offset + local, value)
    entry = raw.find(b"PK\x01\x02")
    while entry != -1:
        length = struct.unpack_from("<H", raw, entry + 28)[0]
        if bytes(raw[entry + 46 : entry + 46 + length]) == part.encode():
            struct.pack_into(f"<{size}", raw, entry + central, value)
        entry = raw.find(b"PK\x01\x02", entry + 4)
    return bytes(raw)


def _shared_strings_bomb() -> bytes:
    members = _members(_valid())
    members["xl/sharedStrings.xml"] = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si><t>"
        + b"a" * (xlsform.MAX_UNPACKED_BYTES + 1)
        + b"</t></si></sst>"
    )
    return _zip(members)


def _shared_strings_liar() -> bytes:
    members = _members(_valid())
    members["xl/sharedStrings.xml"] = b"<sst>" + b"<si><t>a</t></si>" * 2_000_000 + b"</sst>"
    # The uncompressed size, written as 1 000 bytes: reading stops there and the CRC fails.
    return _patched(_zip(members), "xl/sharedStrings.xml", 22, 24, 1000, "I")


def _doctype_in_shared_strings() -> bytes:
    members = _members(_valid())
    members["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b"<sst><si><t>&lol2;</t></si></sst>"
    )
    return _zip(members)


def _external_entity() -> bytes:
    members = _members(_valid())
    members["xl/workbook.xml"] = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e SYSTEM '
        '"file:///etc/passwd">]><workbook>&e;</workbook>'
    ).encode("utf-16")
    return _zip(members)


def _too_many_parts() -> bytes:
    members = _members(_valid())
    members.update({f"xl/media/image{n}.png": b"" for n in range(xlsform.MAX_ZIP_MEMBERS)})
    return _zip(members)


def _path_traversal_part() -> bytes:
    members = _members(_valid())
    members["../../etc/passwd"] = b"root:x:0:0"
    members["xl/../../../evil.xml"] = b"<x/>"
    return _zip(members)


def _encrypted() -> bytes:
    """The survey sheet marked as encrypted (general purpose flag bit 0)."""
    return _patched(_valid(), "xl/worksheets/sheet1.xml", 6, 8, 0x1, "H")


def _formula_in_a_choice() -> bytes:
    return small_form(
        [["select_one l", "q", "Valitse"]], [["l", "a", '=HYPERLINK("http://x","A")']]
    )


def _huge_sheet_claim() -> bytes:
    members = _members(_valid())
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    members["xl/worksheets/sheet1.xml"] = sheet.replace(
        "<dimension ref=", '<dimension ref="A1:XFD1048576" old='
    ).encode()
    return _zip(members)


def _too_wide() -> bytes:
    return workbook({"survey": [["type", "name", "label", *[f"c{n}" for n in range(200)]]]})


#: (make the file, the message's code, or None when importing it is fine too)
TRICKS = {
    "shared_strings_bomb": (_shared_strings_bomb, "unpacked_too_large"),
    "size_liar": (_shared_strings_liar, "broken"),
    "doctype_in_shared_strings": (_doctype_in_shared_strings, "doctype"),
    "external_entity_utf16": (_external_entity, "doctype"),
    "too_many_parts": (_too_many_parts, "too_many_parts"),
    "path_traversal_part": (_path_traversal_part, None),
    "encrypted": (_encrypted, "broken"),
    "formula_in_a_choice": (_formula_in_a_choice, "formula"),
    "huge_sheet_claim": (_huge_sheet_claim, None),
    "too_wide": (_too_wide, "too_many_columns"),
}
#: The parameters of each expected message.
PARAMS = {
    "unpacked_too_large": {"max": xlsform.MAX_UNPACKED_BYTES // (1024 * 1024)},
    "formula": {"cell": "C2"},
    "too_many_columns": {"max": xlsform.MAX_COLUMNS},
}


@pytest.mark.parametrize("case", sorted(TRICKS))
def test_hostile_workbooks_get_their_message_and_create_nothing(app, staff_client, case):
    make, expected = TRICKS[case]
    engagements = count(Engagement)
    response = upload(staff_client, make())
    assert_not_500(response)
    if expected is None:
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert_refused_clearly(response)
        return
    assert_refused_clearly(response)
    with force_locale("en"):
        message = xlsform.Note(expected, params=PARAMS.get(expected, {})).message
    assert message in text_of(response)
    assert count(Engagement) == engagements
