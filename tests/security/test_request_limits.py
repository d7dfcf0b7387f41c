"""Requests no form should get: too large, file names that climb out of a folder, ids too large
for the database, and addresses that try to leave the site.

The baseline (one 413 on the sign-in page, one form without a CSRF token) is in
``tests/core/test_security.py``; CSRF on the public forms is in ``test_csrf.py``.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from app.core.security import parse_id
from app.discussion.models import Post
from app.engagements.models import Engagement
from app.extensions import db
from app.panels import forum
from app.panels.models import PanelApplication
from app.questionnaires.models import ResponseDraft, Submission
from tests.conftest import text_of
from tests.discussion.conftest import HEARING_ID
from tests.panels.test_members import sign_in_as
from tests.questionnaires.data.xlsforms import small_form
from tests.security.hostile import assert_shown_safely, count, send_form

TOO_LARGE = {
    "fi": "Tiedosto tai teksti on liian suuri",
    "sv": "Filen eller texten är för stor",
    "en": "The file or text is too large",
}
#: Over MAX_CONTENT_LENGTH (4 MB). Shorter texts that are still too long for a field are refused
#: by the form with its own message (test_hostile_input.py sends 100 000 characters).
HUGE = "x" * (4 * 1024 * 1024 + 1)


def assert_too_large(response, lang: str) -> None:
    assert response.status_code == 413
    assert f'<html lang="{lang}">' in response.get_data(as_text=True)
    assert TOO_LARGE[lang] in text_of(response)


# --- 413 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_oversized_answers_comments_and_applications_get_the_translated_413_page(
    app, answered_survey, hearing, applying_panel, lang
):
    client = app.test_client()
    before = [count(model) for model in (Submission, ResponseDraft, Post, PanelApplication)]
    sent = {
        f"/{lang}/e/{answered_survey.public_id}/respond": {
            "page": "p1",
            "q-note": HUGE,
            "action": "submit",
        },
        f"/{lang}/e/{HEARING_ID}/comments": {"body": HUGE, "nickname": "Maija"},
        f"/{lang}/e/raati/apply": {
            "name": "Maija",
            "email": "maija@example.org",
            "motivation": HUGE,
            "consent": "y",
        },
    }
    for url, data in sent.items():
        assert_too_large(client.post(url, data=data), lang)
    after = [count(model) for model in (Submission, ResponseDraft, Post, PanelApplication)]
    assert after == before


def test_oversized_upload_gets_the_413_page_and_creates_nothing(staff_client):
    response = staff_client.post(
        "/sv/staff/departments/sivistys/surveys/import",
        data={"file": (io.BytesIO(b"PK" + b"\0" * (4 * 1024 * 1024)), "kysely.xlsx")},
        content_type="multipart/form-data",
    )
    assert_too_large(response, "sv")
    assert count(Engagement) == 0


# --- file names and paths --------------------------------------------------------------------

TRAVERSAL_NAMES = [
    "../../../../tmp/osallistu-traversal.xlsx",
    "..\\..\\..\\osallistu-traversal.xlsx",
    "/etc/osallistu-traversal.xlsx",
    "C:\\Windows\\osallistu-traversal.xlsx",
    "%2e%2e%2f%2e%2e%2fosallistu-traversal.xlsx",
    "<script>alert(1)</script>.xlsx",
    "....//....//osallistu-traversal.xlsx",
]


#: Where a file name that climbs out of a folder would end up: nothing may appear there.
ESCAPED_TO = [Path("/tmp/osallistu-traversal.xlsx"), Path("/etc/osallistu-traversal.xlsx")]  # noqa: S108


def _files_under(folder: str) -> set[Path]:
    return set(Path(folder).rglob("*")) if os.path.isdir(folder) else set()


@pytest.mark.parametrize("name", TRAVERSAL_NAMES)
def test_uploaded_file_name_is_never_a_path_and_is_shown_escaped(app, staff_client, name):
    kept = _files_under(app.instance_path)
    response = staff_client.post(
        "/en/staff/departments/sivistys/surveys/import",
        data={
            "file": (io.BytesIO(small_form([["text", "q", "Kysymys"]])), name),
            "focus_areas": ["HK-05"],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302  # imported: the name only becomes the draft's title
    engagement = db.session.scalar(select(Engagement))
    title = engagement.title["fi"]
    # (A backslash quotes the next character in the multipart header, so the parser drops it.)
    assert title.replace("\\", "") == re.sub(r"\.xlsx$", "", name).replace("\\", "")
    assert_shown_safely(
        staff_client.get(response.headers["Location"]).get_data(as_text=True), title
    )
    assert not any(path.exists() for path in ESCAPED_TO)
    assert _files_under(app.instance_path) == kept


@pytest.mark.parametrize("name", TRAVERSAL_NAMES[:4])
def test_population_upload_name_is_never_a_path(app, coordinator_client, name):
    kept = _files_under(app.instance_path)
    response = coordinator_client.post(
        "/en/staff/participation/population",
        data={"file": (io.BytesIO(b"area;age;n\n94100;18-29;10\n"), name.replace("xlsx", "csv"))},
        content_type="multipart/form-data",
    )
    assert response.status_code < 500
    assert not any(path.with_suffix(".csv").exists() for path in ESCAPED_TO)
    assert _files_under(app.instance_path) == kept


ZIP_SLIP = ("../../../../tmp/osallistu-zip-slip.txt", "/tmp/osallistu-zip-slip-absolute.txt")  # noqa: S108


def test_zip_member_named_like_a_path_is_never_written_anywhere(app, staff_client):
    source = zipfile.ZipFile(io.BytesIO(small_form([["text", "q", "Kysymys"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            archive.writestr(info, source.read(info))
        for name in ZIP_SLIP:
            archive.writestr(name, b"escaped")
    response = staff_client.post(
        "/en/staff/departments/sivistys/surveys/import",
        data={"file": (io.BytesIO(buffer.getvalue()), "kysely.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 302)
    for name in ZIP_SLIP:
        assert not (Path(app.instance_path) / name).resolve().exists()
        assert not Path("/tmp", Path(name).name).exists()  # noqa: S108


@pytest.mark.parametrize(
    "path",
    [
        "/static/../config.py",
        "/static/..%2fconfig.py",
        "/static/%2e%2e/config.py",
        "/static/..%5cconfig.py",
        "/static/css/../../../config.py",
        "/static/%2e%2e%2f%2e%2e%2fconfig.py",
        "/fi/e/..%2f..%2fconfig.py",
        "/fi/e/%2e%2e",
        "/fi/e/%00/respond",
        "/fi/panel/invitation/..%2f..%2fconfig.py",
        "/fi/panel/sign-in/%2e%2e%2f%2e%2e",
    ],
)
def test_paths_that_climb_out_of_a_folder_are_not_found(client, plan, path):
    response = client.get(path)
    assert response.status_code in (400, 404, 410)
    assert "SECRET_KEY" not in response.get_data(as_text=True)


def test_download_names_never_come_from_what_residents_or_staff_typed(
    staff_client, answered_survey
):
    answered_survey.title = {"fi": "../../x", "sv": "../../x", "en": "../../x"}
    db.session.commit()
    for fmt in ("csv", "xlsx", "codebook"):
        response = staff_client.post(
            f"/en/staff/surveys/{answered_survey.public_id}/export",
            data={
                "format": fmt,
                "separator": ";",
                "headers": "codes",
                "values": "codes",
                "language": "fi",
            },
        )
        disposition = response.headers["Content-Disposition"]
        assert re.fullmatch(
            r"attachment; filename=[A-Za-z0-9]+-(answers|codebook)-\d{8}\.(csv|xlsx)", disposition
        ), disposition


# --- ids too large for the database ------------------------------------------------------------

BIG = "9" * 30


def test_ids_too_large_for_the_database_are_not_found_instead_of_failing(
    app, hearing, forum_panel, members
):
    client = app.test_client()
    comments = f"/en/e/{HEARING_ID}/comments"
    assert client.get(f"{comments}/{BIG}/report").status_code == 404
    assert client.post(f"{comments}/{BIG}/report", data={"reason": "spam"}).status_code == 404
    assert client.get(f"{comments}?reply_to={BIG}").status_code == 200
    replied = send_form(client, comments, {"body": "A comment.", "parent_id": BIG})
    assert replied.status_code == 302  # an id that cannot exist is read as no reply target
    assert db.session.scalar(select(Post).order_by(Post.id.desc())).parent_id is None

    sign_in_as(client, members[0])
    thread, _post = forum.start_thread(forum_panel, "Aihe", "Viesti.", "fi", member=members[0])
    db.session.commit()
    for url in (
        f"/en/panel/raati/forum/{BIG}",
        f"/en/panel/raati/forum/posts/{BIG}/edit",
        f"/en/panel/raati/forum/posts/{BIG}/report",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/en/panel/raati/forum/{thread.id}?reply_to={BIG}").status_code == 200
    sent = client.post(
        f"/en/panel/raati/forum/{thread.id}", data={"body": "Vastaus.", "parent_id": BIG}
    )
    assert sent.status_code == 302  # an id that cannot exist is read as no reply target


def test_staff_written_answer_pages_refuse_ids_too_large(staff_client, answered_survey):
    base = f"/en/staff/surveys/{answered_survey.public_id}/results/answers"
    assert staff_client.get(f"{base}/edit?answer={BIG}").status_code == 404
    assert staff_client.post(f"{base}/hide", data={"answer": BIG}).status_code == 404


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (str(2**31 - 1), 2**31 - 1),
        ("42", 42),
        (str(2**31), None),
        (BIG, None),
        ("-1", None),
        ("0", None),
        ("1e3", None),
        ("", None),
        (None, None),
        ("<script>", None),
    ],
)
def test_only_ids_the_database_can_hold_are_read_from_forms(raw, expected):
    assert parse_id(raw) == expected
