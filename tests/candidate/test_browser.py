"""The candidate's page in a real browser: Debian's chromium through Playwright's
`executable_path` (never `playwright install`), axe-core on every page (WCAG 2.1 AA, zero
violations), the self-schedule flow done with the keyboard alone, the grid and the
accommodations form filled in as a person would. Set LOOPBOT_SCREENSHOTS=docs/screenshots
to write the screenshots the README shows (phone and desktop width)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.candidate.pages import link_in
from tests.scenario.flows import RECRUITER, candidate

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH (apt-get install chromium; .ci/run does)"
)
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SHOTS = os.environ.get("LOOPBOT_SCREENSHOTS")


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    opened = context.new_page()
    yield opened
    context.close()


def accessible(page) -> None:
    results = axe_module.Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()


def shoot(page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=f"{SHOTS}/candidate-{name}-{label}.png", full_page=True)
    page.set_viewport_size(PHONE)


def _box(make_sandbox, candidate_env, mode: str, **extra):
    box = make_sandbox(**candidate_env(LOOPBOT_CANDIDATE_SCHEDULING=mode, **extra))
    box.schedule_loop(RECRUITER, candidate())
    return box


def test_self_schedule_with_the_keyboard_alone(make_sandbox, candidate_env, sink, page):
    box = _box(make_sandbox, candidate_env, "self_schedule", LOOPBOT_CANDIDATE_AUTO_CONFIRM="1")
    url = box.url + link_in(sink.wait_for(1)[0])
    page.goto(url)
    accessible(page)
    shoot(page, "pick-a-time")
    # Tab to the first time, arrow to the second, Tab to the button, Enter.
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "start":
            break
    page.keyboard.press("ArrowDown")
    chosen = page.evaluate("document.activeElement.value")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "done=booked" in page.url
    assert page.get_by_role("status").inner_text().startswith("You are booked")
    assert page.get_by_role("heading", name="Your itinerary").is_visible()
    accessible(page)
    shoot(page, "itinerary")
    box.settle()
    stage = box.stage(box.loop_id("Ada Lovelace"), "recruiter_screen")
    [(interview, _)] = box.interviews(stage.id)
    assert interview.start_at.isoformat() == chosen


def test_fill_the_grid_and_tell_us_about_accommodations(make_sandbox, candidate_env, sink, page):
    box = _box(make_sandbox, candidate_env, "availability")
    url = box.url + link_in(sink.wait_for(1)[0])
    page.goto(url)
    accessible(page)
    shoot(page, "availability")
    # A mistake first: the error is announced, linked and marked on the field.
    page.get_by_label("Or type it, in your own words").fill("Tue 9-5")
    page.get_by_role("button", name="Send my availability").click()
    assert page.get_by_role("alert").is_visible()
    assert (
        page.get_by_label("Or type it, in your own words").get_attribute("aria-invalid") == "true"
    )
    accessible(page)
    page.get_by_label("Or type it, in your own words").fill("")
    first_day = page.locator("fieldset").first
    for hour in ("14:00–15:00", "15:00–16:00", "16:00–17:00"):
        first_day.get_by_label(hour).check()
    page.get_by_role("button", name="Send my availability").click()
    assert "done=proposed" in page.url
    accessible(page)
    page.get_by_label("What would help (optional)").fill("I use a screen reader")
    page.get_by_label("Extra time for each interview").select_option("15")
    page.get_by_role("button", name="Tell us").click()
    assert "done=accommodations" in page.url
    accessible(page)
    box.settle()
    loop = box.loop(box.loop_id("Ada Lovelace"))
    assert loop.accommodations == "I use a screen reader"
    assert loop.extra_minutes_per_interview == 15
    assert box.stage(loop.id, "recruiter_screen").proposal["kind"] == "plan"


def test_a_bad_link_page_is_accessible_too(make_sandbox, candidate_env, sink, page):
    box = _box(make_sandbox, candidate_env, "availability")
    response = page.goto(box.url + "/c/not-a-real-link")
    assert response.status == 404
    accessible(page)
    shoot(page, "bad-link")
