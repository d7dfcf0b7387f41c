"""Browser checks: the app under gunicorn on a fresh SQLite database, driven by Debian's Chromium.

Run with `make e2e`. Nothing downloads a browser: Playwright launches /usr/bin/chromium
(override with CHROMIUM=/path). A report of every page visited is written to e2e-report/.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REPORT_DIR = ROOT / "e2e-report"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
DEMO_PASSWORD = "osallistu-demo"  # noqa: S105 (the demo users' published password)
USERS = {
    "staff": "sivistys@demo.osallistu.fi",
    "coordinator": "koordinaattori@demo.osallistu.fi",
    # A member of the demo youth services panel: signs in with a magic link, no password.
    "member": "jasen2@demo.osallistu.fi",
}
#: The app's SQLite file, set by ``base_url``: the journeys read sign-in links from its outbox.
DATABASE: dict[str, Path] = {}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback only)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the app did not answer at {url}")


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """gunicorn serving the app on a fresh database with the Kemi plan and demo users."""
    data = tmp_path_factory.mktemp("e2e")
    DATABASE["file"] = data / "e2e.sqlite3"
    env = {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "FLASK_CONFIG": "development",
        "SECRET_KEY": "e2e-only",
        "DATABASE_URL": f"sqlite:///{data / 'e2e.sqlite3'}",
        "MAIL_FILE_DIR": str(data / "outbox"),
        # The journeys fail a sign-in on purpose; the crawl signs in once per role.
        "LOGIN_RATE_LIMIT": "30 per minute",
    }
    for command in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run(
            [BIN / "flask", *command],
            cwd=ROOT,
            env=env,
            check=True,  # noqa: S603
            capture_output=True,
        )
    port = _free_port()
    # The server's log goes to a file: a pipe nobody reads fills up and then blocks the server.
    log = (data / "gunicorn.log").open("wb")
    server = subprocess.Popen(  # noqa: S603
        [BIN / "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{url}/healthz")
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def report_dir() -> Path:
    shutil.rmtree(REPORT_DIR, ignore_errors=True)
    (REPORT_DIR / "html").mkdir(parents=True)
    return REPORT_DIR


def new_context(browser: Browser, base_url: str, **kwargs: object) -> BrowserContext:
    # bypass_csp lets the test inject axe-core; the pages themselves keep their CSP.
    context = browser.new_context(base_url=base_url, bypass_csp=True, locale="fi-FI", **kwargs)
    context.set_default_timeout(15000)
    return context


def latest_link(to: str | None, marker: str) -> str:
    """The path of the newest link containing ``marker`` in an e-mail queued to ``to`` (or to
    anyone, when ``to`` is None)."""
    with sqlite3.connect(DATABASE["file"]) as connection:
        row = connection.execute(
            "SELECT body_text FROM outbox WHERE (? IS NULL OR to_address = ?) AND body_text LIKE ?"
            " ORDER BY id DESC LIMIT 1",
            (to, to, f"%{marker}%"),
        ).fetchone()
    assert row is not None, f"no e-mail to {to} with {marker}"
    match = re.search(r"https?://[^/\s]+(/\S*" + re.escape(marker) + r"\S*)", row[0])
    assert match is not None, row[0]
    return match.group(1)


def sign_in_member(page: Page, email: str = USERS["member"], lang: str = "fi") -> None:
    """Ask for a sign-in link, take it from the outbox and press Sign in, as a member would."""
    page.goto(f"/{lang}/panel/sign-in")
    page.fill("#email", email)
    page.click("main button[type=submit]")
    page.wait_for_url("**/panel/sign-in/sent")
    page.goto(latest_link(email, "/panel/sign-in/"))
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/panel/$"))


def sign_in(page: Page, role: str) -> None:
    if role == "member":
        sign_in_member(page)
        return
    page.goto("/fi/login")
    page.fill("#email", USERS[role])
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/**")


@pytest.fixture
def context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    context = new_context(browser, base_url)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()
