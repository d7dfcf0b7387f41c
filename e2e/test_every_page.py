"""Every reachable page, as every role, in fi, sv and en: axe-core, valid HTML, lang, translations,
page weight, and no horizontal scrolling on a 360 px phone."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from e2e.crawler import PageVisit, crawl, validate_html

ROLES = ("anonymous", "staff", "coordinator", "member")


@pytest.fixture(scope="module")
def visits(browser, base_url, report_dir) -> list[PageVisit]:
    found: list[PageVisit] = []
    for role in ROLES:
        found += crawl(browser, base_url, role, report_dir / "html")
    (report_dir / "pages.json").write_text(
        json.dumps([asdict(v) for v in found], indent=1, ensure_ascii=False), encoding="utf-8"
    )
    return found


def test_crawl_reaches_every_kind_of_page_in_every_language(visits):
    # Without the query: the records pages are reached through links that name the year.
    paths = {v.path.partition("?")[0] for v in visits}
    for lang in ("fi", "sv", "en"):
        for expected in (
            "/",
            "/plan",
            "/plan/HK-01",
            "/accessibility",
            "/privacy",
            "/login",
            "/staff/plan",
            "/staff/users",
            "/staff/departments",
            "/staff/departments/sivistys/",
            "/staff/account/password",
            "/e/kirjasto",
            "/e/kirjasto/print",
            "/staff/surveys/kirjasto/",
            "/staff/surveys/kirjasto/settings",
            "/staff/surveys/kirjasto/questions/when",
            "/staff/surveys/kirjasto/entry",
            "/staff/surveys/kirjasto/poster",
            "/e/koulukirjastot",
            "/e/koulukirjastot/comments",
            "/e/koulukirjastot/easy-read",
            "/e/koulukirjastot/young",
            "/e/neuvola-aukiolo",
            "/staff/eva/koulukirjastot/",
            "/staff/eva/koulukirjastot/matrix/preliminary",
            "/staff/eva/koulukirjastot/matrix/preliminary/accessibility",
            "/staff/eva/koulukirjastot/summary",
            "/staff/eva/neuvola-aukiolo/report",
            "/staff/eva/register",
            "/staff/engagements/koulukirjastot/discussion",
            "/staff/engagements/kirjasto/offline",
            "/staff/participation/",
            "/staff/participation/plan-table",
            "/staff/participation/engagements",
            "/staff/participation/teaviisari",
            "/staff/participation/reach",
            "/staff/participation/population",
            "/staff/participation/export",
            "/e/kirjastoraati",
            "/e/kirjastoraati/apply",
            "/e/nuorisoraati",
            "/panel/sign-in",
            "/panel/",
            "/panel/nuorisoraati/",
            "/panel/nuorisoraati/forum/new",
            "/staff/panels/nuorisoraati/",
            "/staff/panels/nuorisoraati/settings",
            "/staff/panels/nuorisoraati/composition",
            "/staff/panels/nuorisoraati/applicants",
            "/staff/panels/nuorisoraati/forum",
            "/staff/panels/nuorisoraati/members",
            "/staff/panels/nuorisoraati/meetings",
            "/staff/panels/nuorisoraati/statements",
            "/staff/engagements/nuorisoraati/discussion",
        ):
            assert f"/{lang}{expected}" in paths
    assert len(visits) > 100


def test_every_page_answers_200(visits):
    assert [(v.role, v.path, v.status) for v in visits if v.status != 200] == []


def test_no_axe_violations_of_wcag_2_1_a_and_aa(visits):
    failing = [(v.role, v.path, v.axe_violations) for v in visits if v.axe_violations]
    assert failing == []


def test_html_is_valid(visits):
    errors = validate_html([v.html_file for v in visits if v.html_file])
    by_page = {v.path: errors[v.html_file] for v in visits if v.html_file in errors}
    assert by_page == {}


def test_html_lang_matches_the_url_language(visits):
    assert [(v.path, v.html_lang) for v in visits if v.html_lang != v.lang] == []


def test_no_visible_text_is_an_untranslated_message(visits):
    assert [(v.path, v.untranslated) for v in visits if v.untranslated] == []


#: Budget for a resident-facing page: HTML, CSS, JS, fonts and images together.
RESIDENT_PAGE_BUDGET = 60 * 1024


def test_resident_pages_stay_under_60_kb_and_need_no_javascript(visits, report_dir):
    by_size = sorted(visits, key=lambda v: v.transferred, reverse=True)
    lines = [f"{v.transferred:>8}  {v.role:<12} {v.path}" for v in by_size]
    (report_dir / "page_weight.txt").write_text(
        "bytes transferred per page, largest first (cache off)\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    summary = {
        "pages": len(visits),
        "median_bytes": by_size[len(by_size) // 2].transferred,
        "largest": [(v.path, v.role, v.transferred) for v in by_size[:5]],
    }
    (report_dir / "weight.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(f"\npage weight: {summary}")
    assert all(v.transferred > 0 for v in visits)
    resident = [v for v in visits if v.role == "anonymous"]
    assert [
        (v.path, v.transferred) for v in resident if v.transferred >= RESIDENT_PAGE_BUDGET
    ] == []
    # Only the printable pages carry a script, and only for a Print button (Ctrl+P works without).
    printable = ("/print", "/poster", "/plan-table")
    assert [
        (v.role, v.path, v.scripts)
        for v in visits
        if v.scripts and not v.path.split("?")[0].endswith(printable)
    ] == []


def test_no_console_errors(visits):
    assert [(v.role, v.path, v.console_errors) for v in visits if v.console_errors] == []


def test_no_horizontal_scrolling_on_a_360_px_phone(visits):
    assert [(v.role, v.path, v.overflow) for v in visits if v.overflow > 0] == []


def test_the_checkers_do_catch_problems(browser, base_url, tmp_path):
    """A page with known faults fails both checks, so a green run means something."""
    from e2e.conftest import new_context
    from e2e.crawler import AXE_JS, AXE_TAGS

    bad = '<!doctype html><html><head><title>x</title></head><body><img src="a.png"><input></body></html>'
    context = new_context(browser, base_url)
    page = context.new_page()
    page.set_content(bad)
    page.add_script_tag(content=AXE_JS)
    result = page.evaluate("t => axe.run(document, {runOnly: {type: 'tag', values: t}})", AXE_TAGS)
    context.close()
    assert {"image-alt", "html-has-lang"} <= {v["id"] for v in result["violations"]}
    broken = tmp_path / "broken.html"
    broken.write_text("<!doctype html><html lang=fi><title>x</title><p><div></p>", encoding="utf-8")
    assert validate_html([str(broken)])
