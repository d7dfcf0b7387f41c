"""A customer panel member signs in by link and posts in the forum; staff answer as staff, and the
member corrects their own message. Then a resident applies to the library panel, staff draw the
members, and the drawn applicant accepts with the link from the e-mail."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

from e2e.conftest import latest_link, new_context, sign_in, sign_in_member
from e2e.test_keyboard_journeys import axe_violations

MEMBER = "jasen3@demo.osallistu.fi"


def submit(page: Page) -> None:
    page.click(
        "main form:not([action*='sign-out']):not([action*='logout']) button[type=submit]:not([name=check_language]) >> nth=-1"
    )
    page.wait_for_load_state("load")


def test_member_signs_in_by_link_and_posts_in_the_forum(browser, base_url):
    context = new_context(browser, base_url)
    page = context.new_page()

    # A link that was never sent does not sign anyone in.
    page.goto("/en/panel/sign-in/not-a-real-token")
    expect(page.locator("h1")).to_have_text("The link does not work")

    sign_in_member(page, MEMBER, lang="en")
    expect(page.locator("h1")).to_have_text("My customer panels")
    page.get_by_role("link", name="Youth services panel").click()
    expect(page.get_by_role("heading", name="Forum")).to_be_visible()
    assert axe_violations(page) == []

    # The link is used up: opening it again does not sign in anyone else.
    used = latest_link(MEMBER, "/panel/sign-in/")
    other = new_context(browser, base_url)
    stranger = other.new_page()
    stranger.goto(used)
    expect(stranger.locator("h1")).to_have_text("The link does not work")
    stranger.goto("/en/panel/nuorisoraati/")
    assert "/panel/sign-in" in stranger.url
    other.close()

    # A new discussion: an empty title is refused and the text is kept.
    page.get_by_role("link", name="Start a new discussion").click()
    page.fill("#body", "Could the youth centre have a quiet room for homework?")
    submit(page)
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.input_value("#body") == "Could the youth centre have a quiet room for homework?"
    assert axe_violations(page) == []
    page.fill("#title", "A quiet room")
    submit(page)
    expect(page.locator(".flash, .notice, [role=status]").first).to_be_visible()
    expect(page.locator("h1")).to_have_text("A quiet room")
    expect(page.locator("main")).to_contain_text("quiet room for homework")

    # Keyboard only: reply to the staff discussion.
    page.goto("/en/panel/nuorisoraati/")
    page.get_by_role("link", name="Mitä kesällä?").click()
    page.get_by_role("link", name=re.compile("^Reply")).first.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    page.locator("#body").focus()
    page.keyboard.type("A film night on Fridays, please.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    reply = page.locator("li.comment:not(.comment-staff)", has_text="A film night on Fridays").last
    expect(reply).to_be_visible()

    # The writer may correct it for a while.
    reply.get_by_role("link", name=re.compile("^Edit")).click()
    page.fill("#body", "A film night on Fridays and Saturdays, please.")
    submit(page)
    expect(page.locator("main")).to_contain_text("Fridays and Saturdays")
    expect(page.locator("main")).to_contain_text("(edited)")
    assert axe_violations(page) == []

    # Staff see the new discussion and answer as staff.
    staff_context = new_context(browser, base_url)
    desk = staff_context.new_page()
    sign_in(desk, "staff")
    desk.goto("/en/staff/panels/nuorisoraati/forum")
    desk.get_by_role("link", name="A quiet room").click()
    desk.fill("#body", "Good idea. We will try it in January.")
    submit(desk)
    staff_context.close()

    page.reload()
    page.goto("/en/panel/nuorisoraati/")
    page.get_by_role("link", name="A quiet room").click()
    staff_post = page.locator("li.comment", has_text="We will try it in January")
    expect(staff_post.locator(".badge-staff")).to_be_visible()
    context.close()


def test_resident_applies_staff_draw_and_the_chosen_accept(browser, base_url):
    resident_context = new_context(browser, base_url)
    page = resident_context.new_page()
    page.goto("/en/e/kirjastoraati")
    shown = time.monotonic()
    page.get_by_role("link", name="Apply to the panel").click()
    page.fill("#name", "Journey Applicant")
    page.fill("#email", "applicant@example.org")
    page.check("#consent")
    fast = time.monotonic() - shown < 2.5  # the app's minimum fill time is 3 s
    submit(page)
    if fast:
        # A browser filling the form in a blink looks like a robot: the form comes back with a
        # message and with everything typed kept, and sending it again (as a person would) works.
        expect(page.locator(".error-summary")).to_contain_text("You sent the form very quickly")
        expect(page.locator("#name")).to_have_value("Journey Applicant")
        expect(page.locator("#email")).to_have_value("applicant@example.org")
        expect(page.locator("#consent")).to_be_checked()
        assert axe_violations(page) == []
        page.wait_for_timeout(3000)
        submit(page)
    expect(page.locator("h1")).to_have_text("Thank you for applying")
    resident_context.close()

    # The library panel belongs to another department: the coordinator runs the draw.
    desk_context = new_context(browser, base_url)
    desk = desk_context.new_page()
    sign_in(desk, "coordinator")
    desk.goto("/en/staff/panels/kirjastoraati/applicants")
    assert axe_violations(desk) == []
    desk.get_by_role("button", name="Draw the members").click()
    desk.wait_for_load_state("load")
    expect(desk.get_by_role("heading", name="Targets, pool and selected")).to_be_visible()
    assert axe_violations(desk) == []
    desk.get_by_role("button", name="Send the invitations").click()
    desk.wait_for_load_state("load")
    desk_context.close()

    # One of the drawn applicants accepts with the link from the e-mail and is a member at once.
    chosen_context = new_context(browser, base_url)
    chosen = chosen_context.new_page()
    chosen.goto(latest_link(None, "/panel/invitation/"))
    assert axe_violations(chosen) == []
    # The demo applicants use Finnish: the e-mail's link opens the page in Finnish.
    chosen.click("button[value=accept]")
    chosen.wait_for_url("**/panel/invitation/answered")
    assert axe_violations(chosen) == []
    chosen.click("main a.button")
    expect(chosen.locator("#forum-title")).to_be_visible()
    chosen_context.close()
