"""Languages: landing by browser language, switching on any page, lang attributes, catalogs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.i18n import tr
from tests.conftest import ROOT, text_of

PUBLIC_PAGES = [
    "/{lang}/",
    "/{lang}/plan",
    "/{lang}/plan/HK-01",
    "/{lang}/accessibility",
    "/{lang}/privacy",
    "/{lang}/glossary",
    "/{lang}/login",
    "/{lang}/password/reset",
]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("sv-FI,sv;q=0.9", "/sv/"),
        ("en-GB,en;q=0.8", "/en/"),
        ("fi", "/fi/"),
        ("de-DE", "/fi/"),
        ("", "/fi/"),
    ],
)
def test_front_door_sends_visitor_to_their_browser_language(client, accept, expected):
    response = client.get("/", headers={"Accept-Language": accept} if accept else {})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_public_pages_render_in_every_language_with_right_lang_attribute(client, plan, lang, page):
    response = client.get(page.format(lang=lang))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    # Footer links to the legal pages on every page, in the page's language.
    assert f'href="/{lang}/accessibility"' in html
    assert f'href="/{lang}/privacy"' in html
    assert f'href="/{lang}/glossary"' in html


def test_language_switcher_keeps_the_page(client, plan):
    html = client.get("/fi/plan/SA-07").get_data(as_text=True)
    assert 'href="/sv/plan/SA-07"' in html
    assert 'href="/en/plan/SA-07"' in html
    assert 'aria-current="true"' in html


def test_language_switcher_keeps_query_string(client, plan):
    html = client.get("/fi/login?next=/fi/staff/").get_data(as_text=True)
    assert (
        'href="/sv/login?next=/fi/staff/"' in html
        or 'href="/sv/login?next=%2Ffi%2Fstaff%2F"' in html
    )


def test_unknown_language_prefix_is_not_found(client, plan):
    assert client.get("/de/plan").status_code == 404


def test_interface_text_is_in_the_page_language(client, plan):
    assert "Hyvinvointisuunnitelma" in text_of(client.get("/fi/plan"))
    assert "Välfärdsplan" in text_of(client.get("/sv/plan"))
    assert "Welfare plan" in text_of(client.get("/en/plan"))
    assert "Staff sign-in" not in text_of(client.get("/fi/login"))
    assert "Staff sign-in" not in text_of(client.get("/sv/login"))


def test_tr_falls_back_requested_then_default_then_finnish_then_any(app):
    value = {"fi": "Kysely", "sv": "Enkät"}
    assert tr(value, "sv") == "Enkät"
    assert tr(value, "en") == "Kysely"
    assert tr({"sv": "Enkät", "en": "Survey"}, "fi", default="en") == "Survey"
    assert tr({"sv": "Enkät"}, "en") == "Enkät"
    assert tr(None, "fi") == ""
    assert tr({}, "fi") == ""


def test_fallback_text_is_marked_with_its_own_language(client, plan):
    from app.extensions import db
    from app.plan.services import focus_area_by_code

    area = focus_area_by_code("HK-02")
    area.title = {"fi": "Syrjäytymisen ehkäisy"}
    db.session.commit()
    html = client.get("/en/plan/HK-02").get_data(as_text=True)
    assert re.search(r'<h1 lang="fi">Syrjäytymisen ehkäisy</h1>', html)


# --- catalogs ------------------------------------------------------------------------------

CATALOGS = sorted((ROOT / "translations").glob("*/LC_MESSAGES/messages.po"))


def test_all_three_catalogs_exist():
    assert sorted(path.parts[-3] for path in CATALOGS) == ["en", "fi", "sv"]


def _placeholders(text: str) -> set[str]:
    """Named placeholders: ``%(name)s`` (gettext, Jinja's trans) and ``{name}`` (str.format)."""
    return set(re.findall(r"%\((\w+)\)", text)) | {
        "{" + n + "}" for n in re.findall(r"\{(\w+)\}", text)
    }


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parts[-3])
def test_catalog_is_complete_with_no_fuzzy_or_empty_entries(path: Path):
    with path.open("rb") as handle:
        catalog = read_po(handle)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif not all(strings):
            problems.append(f"untranslated: {message.id!r}")
        else:
            wanted = _placeholders(str(message.id))
            for string in strings:
                if _placeholders(string) != wanted:
                    problems.append(f"placeholders differ: {message.id!r}")
    assert problems == []


def test_catalogs_match_the_source_strings(tmp_path):
    """A string added to or removed from the code without `make i18n-update` fails here."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "--no-location",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as handle:
        source_ids = {message.id for message in read_po(handle) if message.id}
    for path in CATALOGS:
        with path.open("rb") as handle:
            catalog_ids = {message.id for message in read_po(handle) if message.id}
        assert source_ids - catalog_ids == set(), f"missing from {path.parts[-3]}"
        assert catalog_ids - source_ids == set(), f"stale in {path.parts[-3]}"


def test_language_switcher_on_a_form_with_errors_points_to_the_same_form(client, plan):
    html = client.post("/fi/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert 'href="/sv/login"' in html
    assert 'href="/en/login"' in html
