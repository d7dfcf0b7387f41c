"""Journeys done with the keyboard only: Tab, Shift+Tab, Enter and Space, no mouse."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import DEMO_PASSWORD, USERS
from e2e.crawler import AXE_JS, AXE_TAGS

MAX_TABS = 60


def focused(page: Page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || '').trim(),
                    id: el.id, href: el.getAttribute('href') || '',
                    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2};
        }"""
    )


def tab_to(page: Page, matches, backwards: bool = False) -> dict:  # noqa: ANN001
    """Press Tab (or Shift+Tab) until the focused element matches; fail if it never does."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        element = focused(page)
        if matches(element):
            assert element["outline"], f"focus is not visible on {element}"
            return element
    raise AssertionError("could not reach the element with the keyboard")


def axe_violations(page: Page) -> list[str]:
    page.add_script_tag(content=AXE_JS)
    result = page.evaluate("t => axe.run(document, {runOnly: {type: 'tag', values: t}})", AXE_TAGS)
    return [v["id"] for v in result["violations"]]


def test_resident_switches_language_and_reads_the_plan(page: Page):
    page.goto("/fi/")
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["href"] == "#main"
    assert skip["outline"]
    tab_to(page, lambda el: el["text"] == "På svenska")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sv/")
    assert page.evaluate("document.documentElement.lang") == "sv"
    tab_to(page, lambda el: el["text"] == "Välfärdsplan")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sv/plan")
    expect(page.locator("h1")).to_contain_text("Välfärdsplanens åtgärder")
    expect(page.locator("main")).to_contain_text("Kommuninvånare som mår bra")
    # Into a focus area, then back to Finnish on the same page.
    tab_to(page, lambda el: el["href"] == "/sv/plan/SA-02")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sv/plan/SA-02")
    tab_to(page, lambda el: el["text"] == "Suomeksi", backwards=True)
    page.keyboard.press("Enter")
    page.wait_for_url("**/fi/plan/SA-02")
    expect(page.locator("h1")).to_have_text("Kiusaamisen ehkäiseminen")


def test_skip_link_moves_focus_to_the_content(page: Page):
    page.goto("/en/plan")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_staff_fail_once_then_sign_in_and_out(page: Page):
    page.goto("/en/")
    tab_to(page, lambda el: el["text"] == "Staff sign-in")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/login")
    tab_to(page, lambda el: el["id"] == "email")
    page.keyboard.type(USERS["staff"])
    page.keyboard.press("Tab")
    page.keyboard.type("not the password")
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("The e-mail address or password is wrong.")
    assert page.input_value("#email") == USERS["staff"]
    assert page.get_attribute("#password", "aria-invalid") == "true"
    assert axe_violations(page) == []
    # The error summary links to the field it names.
    tab_to(page, lambda el: el["href"] == "#password")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "password"
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/en/staff/departments/sivistys/" in url)
    expect(page.locator("main")).to_contain_text("You are signed in.")
    tab_to(page, lambda el: el["tag"] == "button" and el["text"] == "Sign out")
    page.keyboard.press("Space")
    page.wait_for_url("**/en/")
    expect(page.locator("main")).to_contain_text("You are signed out.")
    page.goto("/en/staff/")
    page.wait_for_url("**/en/login?next=*")


def test_resident_reads_the_plan_with_javascript_off(browser, base_url):
    from e2e.conftest import new_context

    context = new_context(browser, base_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/en/")
    page.get_by_role("link", name="På svenska").click()
    page.wait_for_url("**/sv/")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Välfärdsplan"
    ).click()
    page.wait_for_url("**/sv/plan")
    page.get_by_role("link", name="Förebygga mobbning").click()
    page.wait_for_url("**/sv/plan/SA-02")
    expect(page.locator("main")).to_contain_text("Inget är öppet just nu")
    context.close()


def test_resident_answers_the_survey_by_keyboard_with_javascript_off(browser, base_url):
    """The whole answering flow: Tab to each field, Space to tick, type, Enter to go on."""
    from e2e.conftest import new_context

    context = new_context(browser, base_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/fi/e/kirjasto")
    tab_to(page, lambda el: el["text"] == "Aloita")
    page.keyboard.press("Enter")
    page.wait_for_url("**/fi/e/kirjasto/respond")
    expect(page.locator(".progress")).to_have_text("Sivu 1 / 3")
    tab_to(page, lambda el: el["id"] == "q-uses-0")  # Kyllä
    page.keyboard.press("Space")
    tab_to(page, lambda el: el["text"] == "Seuraava")
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    # "When" appeared because of the yes; it is required, so the page asks for it.
    expect(page.locator(".error-summary")).to_be_visible()
    tab_to(page, lambda el: el["href"] == "#q-when-0")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "q-when-0"
    tab_to(page, lambda el: el["id"] == "q-when-2")  # Illalla
    page.keyboard.press("Space")
    tab_to(page, lambda el: el["id"] == "q-visits")
    page.keyboard.type("2,5")
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    expect(page.locator(".progress")).to_have_text("Sivu 2 / 3")
    # A radio group is one Tab stop; arrow keys move and select within it.
    tab_to(page, lambda el: el["id"] == "q-satisfied-0")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert focused(page)["id"] == "q-satisfied-3"  # 4
    tab_to(page, lambda el: el["text"] == "Seuraava")
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    expect(page.locator(".progress")).to_have_text("Sivu 3 / 3")
    tab_to(page, lambda el: el["id"] == "q-ideas")
    page.keyboard.type("Lisää iltoja, kiitos!")
    tab_to(page, lambda el: el["text"] == "Lähetä vastaukset")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/fi/e/kirjasto/thanks" in url)
    expect(page.locator(".code")).to_have_text(re.compile(r"^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$"))
    context.close()
