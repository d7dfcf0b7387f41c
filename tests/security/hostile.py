"""Hostile text for property-based tests, and what the app promises to do with it.

The strategies mix full Unicode (control characters included, surrogates excluded: a browser
cannot send them) with payloads aimed at HTML, SQL, Jinja, spreadsheets, terminals and
bidirectional text. The ``*_as_stored`` functions are models of the app's documented cleaning,
written out here so a change in what the app stores shows up as a failing test.
"""

from __future__ import annotations

import html as html_lib
import re
import unicodedata

from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import func, select

from app.extensions import db

#: One of each kind of trouble; the long ones test limits and the page that shows them again.
PAYLOADS: tuple[str, ...] = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    "'; DROP TABLE responses; --",
    "' OR '1'='1",
    "{{ 7*7 }}",
    "{% raw %}",
    "{{ config }}",
    "${7*7}",
    "%(name)s %s %d",
    '=HYPERLINK("http://x")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-1+1",
    "=1+1",
    "\tcmd",
    "\u202eRTL",
    "\u2066isolate\u2069",
    "e\u0301\u0301",
    "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    "🙂" * 500,
    "👩‍👩‍👧‍👦",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\r\n",
    "line one\r\nline two\rline three",
    "_x0041_",
    "&amp; &lt;",
    "\ufeffBOM",
    "\u200b",
    "\uffff\ufffe",
    " ",
    "",
    "x" * 100_000,
)

_unicode = st.characters(exclude_categories=["Cs"])
_short_text = st.text(_unicode, max_size=20)

#: Random text of every kind, payloads alone or between random text, and payloads strung together.
hostile_text = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(_unicode, max_size=300),
    st.builds(lambda a, p, b: a + p + b, _short_text, st.sampled_from(PAYLOADS), _short_text),
    st.lists(st.sampled_from(PAYLOADS[:-1]), min_size=2, max_size=5).map("".join),
)

#: Markup from the payloads that must never reach a page unescaped.
_MARKUP = ("<script", "<img src=x", "<svg onload")


# --- what the app stores -------------------------------------------------------------------

_SURVEY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def survey_text_as_stored(raw: str, multiline: bool) -> str:
    """A survey answer (app.questionnaires.types.clean_text): CR LF and CR as LF, C0 controls but
    tab and newline and DEL removed, NFC, one line joined with spaces, stripped."""
    text = _SURVEY_CONTROL.sub("", raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = unicodedata.normalize("NFC", text)
    if not multiline:
        text = " ".join(text.split("\n"))
    return text.strip()


_POST_UNWANTED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def post_as_stored(raw: str) -> str:
    """A comment, forum post or report note (app.discussion.services.clean_body): newlines unified,
    C0/C1 controls and bidirectional overrides removed, NFC, trailing spaces of lines and more
    than two blank lines in a row removed, stripped."""
    text = _POST_UNWANTED.sub("", raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{4,}", "\n\n\n", text)
    return text.strip()


def line_as_stored(raw: str) -> str:
    """A nickname or forum title (clean_line): a post's cleaning, whitespace runs as one space."""
    return re.sub(r"\s+", " ", post_as_stored(raw)).strip()


_PANEL_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def panel_text_as_stored(raw: str) -> str:
    """A panel application's motivation (app.panels.services._clean_text): C0 controls but tab,
    newline and carriage return, DEL and bidirectional overrides removed, NFC, stripped."""
    return unicodedata.normalize("NFC", _PANEL_CONTROL.sub("", raw)).strip()


# --- what a page must show ------------------------------------------------------------------


def escaped(text: str) -> str:
    """``text`` as Jinja writes it into a page."""
    return str(escape(text))


def assert_shown_safely(html: str, text: str, shown: str | None = None) -> None:
    """The page holds ``text`` escaped (``shown``: after a filter such as nl2br), never as
    markup, and template syntax in it was not run."""
    assert (shown if shown is not None else escaped(text)) in html
    for markup in _MARKUP:
        if markup in text:
            assert markup not in html
    if "{{ 7*7 }}" in text:
        assert "{{ 7*7 }}" in html


def assert_not_500(response) -> None:
    assert response.status_code < 500, response.status_code


# --- sending forms and counting rows ------------------------------------------------------------

_INPUT = re.compile(r"<input\b[^>]*>")
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')


def hidden_fields(response) -> dict[str, str]:
    """The hidden inputs of a page's forms (CSRF token, the robot guard's time stamp…)."""
    fields = {}
    for tag in _INPUT.findall(response.get_data(as_text=True)):
        attributes = dict(_ATTRIBUTE.findall(tag))
        if attributes.get("type") == "hidden" and "name" in attributes:
            fields[attributes["name"]] = html_lib.unescape(attributes.get("value", ""))
    return fields


def send_form(client, url: str, data: dict):
    """Open the form's page as a browser would, then send it with its hidden fields."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return client.post(url, data={**hidden_fields(page), **data})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def newest(model):
    return db.session.scalar(select(model).order_by(model.id.desc()))
