"""Staff launch and close an EVA hearing: screening → the change → alternatives → impact areas →
preliminary assessment → questionnaire → publish; a resident answers and comments; staff close
the hearing, answer back per impact area, record the decision; the resident sees the outcome."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import new_context, sign_in
from e2e.test_keyboard_journeys import axe_violations

TITLE = "Opening hours of the Ajos health station"


def submit(page: Page) -> None:
    page.click(
        "main form:not([action*='logout']) button[type=submit]:not([name=check_language]) >> nth=-1"
    )
    page.wait_for_load_state("load")


def test_staff_launch_and_close_an_eva_hearing(browser, base_url):
    staff_context = new_context(browser, base_url)
    page = staff_context.new_page()
    sign_in(page, "staff")
    page.goto("/en/staff/departments/sivistys/")
    page.get_by_role("link", name=re.compile("New EVA")).click()
    page.wait_for_url("**/eva/new")

    # Screening: no trigger and no reason is refused with a message, typed text kept.
    page.fill("#title-en", TITLE)
    for locale in ("fi", "sv"):
        if page.is_checked(f"#languages-{('fi', 'sv').index(locale)}"):
            page.uncheck(f"#languages-{('fi', 'sv').index(locale)}")
    page.check("#languages-2")
    page.check("#focus_areas-0")
    submit(page)
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.input_value("#title-en") == TITLE
    assert axe_violations(page) == []
    page.check("#triggers-0")  # significant effect on residents
    page.check("#triggers-5")  # the service network
    submit(page)
    page.wait_for_url(re.compile(r".*/en/staff/eva/[a-z0-9]+/$"))
    overview = page.url
    public_id = overview.rstrip("/").rsplit("/", 1)[1]

    # The change.
    page.goto(f"/en/staff/eva/{public_id}/change")
    page.fill("#summary-en", "The health station would open later on Mondays.")
    page.fill("#proposal-en", "Open at 10 instead of 8 on Mondays from March.")
    page.fill("#rationale-en", "Few people come before 10 on Mondays.")
    page.fill("#decision_maker-en", "The welfare committee")
    page.fill("#decision_due", "2027-03-01")
    page.fill("#use_of_input-en", "We read every answer and tell the committee what you said.")
    page.fill("#closes_at", "2027-02-01T16:00")
    # Check the language first: advice under the text, the typed text kept, nothing saved yet.
    page.fill(
        "#rationale-en", "In respect of the utilisation, few people come before 10 on Mondays."
    )
    page.get_by_role("button", name="Check language").click()
    page.wait_for_load_state("load")
    expect(page.locator(".plainlang-checked")).to_contain_text("Nothing is saved yet")
    advice = page.locator("#rationale-en-language")
    expect(advice.locator("mark").first).to_have_text("In respect of")
    expect(advice.locator(".plainlang-notes")).to_contain_text("utilisation")
    assert page.input_value("#proposal-en") == "Open at 10 instead of 8 on Mondays from March."
    assert axe_violations(page) == []
    page.fill("#rationale-en", "Few people come before 10 on Mondays.")
    submit(page)
    expect(page.locator(".error-summary")).to_have_count(0)
    expect(page.locator(".plainlang-checked")).to_have_count(0)

    # The alternative besides keeping the current state.
    page.goto(f"/en/staff/eva/{public_id}/alternatives/VE1")
    page.fill("#label-en", "Open later on Mondays")
    submit(page)

    # Two relevant impact areas, then the preliminary assessment of each.
    page.goto(f"/en/staff/eva/{public_id}/areas")
    page.get_by_label("Health", exact=True).check()
    page.get_by_label("Accessibility", exact=True).check()
    submit(page)
    page.goto(f"/en/staff/eva/{public_id}/matrix/preliminary")
    assert axe_violations(page) == []
    for area in ("health", "accessibility"):
        page.goto(f"/en/staff/eva/{public_id}/matrix/preliminary/{area}")
        page.check("#ve0-direction-2")  # 0: no change
        page.check("#ve1-direction-1")  # −: negative
        page.check("#ve1-significance-0")
        page.check("#ve1-groups-0")
        page.fill("#ve1-evidence-en", "Visit counts of 2026.")
        submit(page)
        expect(page.locator(".error-summary")).to_have_count(0)

    # The questionnaire from the matrix, then publish.
    page.goto(overview)
    page.get_by_role("button", name=re.compile("questionnaire", re.I)).click()
    page.wait_for_load_state("load")
    page.goto(overview)
    page.get_by_role("button", name=re.compile("Publish")).click()
    page.wait_for_load_state("load")
    expect(page.locator("main")).to_contain_text("published")

    # A resident reads the hearing, answers without an account and comments.
    resident_context = new_context(browser, base_url, java_script_enabled=False)
    resident = resident_context.new_page()
    resident.goto(f"/en/e/{public_id}")
    expect(resident.locator("main")).to_contain_text("Open later on Mondays")
    expect(resident.locator("main")).to_contain_text("negative")
    resident.get_by_role("link", name="Start answering").click()
    resident.wait_for_url(f"**/en/e/{public_id}/respond")
    resident.get_by_role("radio", name="For the worse").first.check()
    for _ in range(3):
        button = resident.get_by_role("button", name=re.compile("^(Next|Send)"))
        label = button.first.inner_text()
        button.first.click()
        resident.wait_for_load_state("load")
        if label.startswith("Send"):
            break
    resident.wait_for_url(lambda url: "/thanks" in url)
    resident.goto(f"/en/e/{public_id}")
    resident.fill("#nickname", "Neighbour")
    resident.fill("#body", "Mondays at 8 are the only time I can come before work.")
    resident.get_by_role("button", name=re.compile("comment", re.I)).click()
    resident.wait_for_load_state("load")
    expect(resident.locator("main")).to_contain_text("the only time I can come")

    # Staff close the hearing early and read the summary.
    page.goto(f"/en/staff/surveys/{public_id}/close")
    submit(page)
    page.goto(f"/en/staff/eva/{public_id}/summary")
    expect(page.locator("main")).to_contain_text("Worse")
    assert axe_violations(page) == []

    # How the input changed the assessment, then the decision.
    page.goto(f"/en/staff/eva/{public_id}/response")
    for area in ("health", "accessibility"):
        page.check(f"input[name=adoption_{area}][value=partly]")
        page.fill(f"#reason_{area}-en", "We keep Monday mornings open twice a month.")
    page.fill("#final_proposal-en", "Open at 10 on Mondays, at 8 on two Mondays a month.")
    page.check("input[name=proposed][value=VE1]")
    submit(page)
    expect(page.locator(".error-summary")).to_have_count(0)
    page.goto(f"/en/staff/eva/{public_id}/decision")
    page.fill("#decision_body", "Hyvinvointilautakunta")
    page.fill("#decision_date", "2027-03-01")
    page.fill("#decision_section", "12")
    page.fill("#decision_url", "https://kemi.example/minutes/12")
    page.fill("#outcome-en", "Mondays open at 10, and at 8 twice a month because of your answers.")
    submit(page)
    expect(page.locator(".error-summary")).to_have_count(0)

    # The resident sees what was done with the input.
    resident.goto(f"/en/e/{public_id}")
    main = resident.locator("main")
    expect(main).to_contain_text("at 8 twice a month because of your answers")
    expect(main).to_contain_text("We keep Monday mornings open twice a month.")
    expect(main).to_contain_text("§ 12")
    resident_context.close()
    staff_context.close()
