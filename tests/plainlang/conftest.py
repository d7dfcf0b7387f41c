"""Fixtures for the plain-language checker: sample texts and the two Finnish paths."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest
from markupsafe import escape

from app.plainlang import Analysis, analyze, voikko

SAMPLES = Path(__file__).parent / "samples"

#: CI sets this so that a missing Voikko fails the run instead of skipping the Voikko tests.
REQUIRE_VOIKKO = os.environ.get("PLAINLANG_REQUIRE_VOIKKO") == "1"


def sample(name: str) -> str:
    return (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")


def require_voikko() -> None:
    if voikko.available():
        return
    reason = f"libvoikko with the Finnish dictionary is not available: {voikko.status()}"
    if REQUIRE_VOIKKO:
        pytest.fail(f"{reason} (PLAINLANG_REQUIRE_VOIKKO=1)")
    pytest.skip(f"{reason}; install with: apt-get install -y libvoikko1 voikko-fi")


@pytest.fixture
def with_voikko(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(voikko.ENV_SWITCH, raising=False)
    require_voikko()


@pytest.fixture
def heuristics(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(voikko.ENV_SWITCH, "0")


@pytest.fixture(params=["voikko", "heuristics"])
def finnish(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """``analyze`` for Finnish on each path; checks that the path asked for is the one used."""
    if request.param == "voikko":
        monkeypatch.delenv(voikko.ENV_SWITCH, raising=False)
        require_voikko()
    else:
        monkeypatch.setenv(voikko.ENV_SWITCH, "0")

    def run(text: str) -> Analysis:
        result = analyze(text, "fi")
        assert result.used_voikko is (request.param == "voikko")
        return result

    return run


# --- the "Check language" page -------------------------------------------------------------------


def page_url(engagement, lang: str = "en") -> str:  # noqa: ANN001 - an Engagement
    return f"/{lang}/staff/engagements/{engagement.public_id}/language"


def section(html: str, lang: str) -> str:
    """The page's section of the texts in ``lang``."""
    found = re.search(rf'<section lang="{lang}".*?</section>', html, re.S)
    assert found, f"no section for {lang}"
    return found.group()


def labels(html: str) -> list[str]:
    """The headings of the texts (escaped as on the page)."""
    return re.findall(r"<h3[^>]*>(.*?)</h3>", html)


def item(html: str, label: str) -> str:
    """The article of the text whose heading is ``label`` (escaped here as on the page)."""
    for article in re.findall(r"<article.*?</article>", html, re.S):
        if re.search(rf"<h3[^>]*>{re.escape(escape(label))}</h3>", article):
            return article
    raise AssertionError(f"no text labelled {label!r}: {labels(html)}")


def item_starting(html: str, start: str) -> str:
    """The article of the only text whose heading starts with ``start`` (escaped here)."""
    found = [
        article
        for article in re.findall(r"<article.*?</article>", html, re.S)
        if re.search(rf"<h3[^>]*>{re.escape(escape(start))}", article)
    ]
    assert len(found) == 1, f"{len(found)} texts start with {start!r}: {labels(html)}"
    return found[0]


def written(article: str) -> str:
    """The checked text of an article as staff wrote it: marks, their note links and the hidden
    words for screen readers taken out, entities unescaped."""
    found = re.search(r'<div class="plainlang-text"[^>]*>(.*?)</div>', article, re.S)
    assert found, "the text is not written in this language"
    inner = re.sub(r"<sup>.*?</sup>", "", found.group(1), flags=re.S)
    inner = re.sub(r'<span class="visually-hidden"[^>]*>.*?</span>', "", inner, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", inner))
