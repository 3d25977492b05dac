"""The analyst's workbench, used as an analyst would, in Chromium.

Each test waits for what it looks for (no sleeps, no timings); the fixture checks
that no request left the server and each test saves a screenshot.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from playwright.sync_api import expect

from .conftest import ROOT, TIMEOUT_MS, Visit

MISSPELT = """\
country: Examplia
period: "2024"
indicators:
  gti.scor: 5
  fsi.total: 80
"""


#: the smuggling condition of rules/borders.yaml's smuggling-networks-border-collaboration
SMUGGLING = "- goci.human_smuggling >= 7.75\n"


def field(indicator: str) -> str:
    """The selector of an indicator's input (its id holds dots)."""
    return f'[id="v-{indicator}"]'


def test_libya_2024_recommends_intelligence_sharing_at_critical_citing_9_5(visit: Visit) -> None:
    page = visit.open("/?example=libya-2024")
    measure = page.locator("#measure-intelligence-sharing-framework")
    expect(measure).to_be_visible()
    expect(measure.locator(".tags .badge").first).to_have_text("critical")
    critical = page.locator("section.priority-group", has=page.locator("#group-critical"))
    expect(critical.locator("#measure-intelligence-sharing-framework")).to_have_count(1)
    expect(measure.locator(".because").filter(has_text="9.5/10")).to_have_count(1)
    # each condition with its value, threshold and margin
    row = measure.locator("tr", has_text="goci.human_smuggling >= 7.75").first
    expect(row).to_contain_text("9.5")
    expect(row).to_contain_text("1.75")  # the margin: 9.5 against 7.75
    visit.shoot("decision-libya-2024")


def test_changing_an_indicator_shows_the_change_highlighted(visit: Visit) -> None:
    page = visit.open("/?example=libya-2024")
    page.locator(field("gti.score")).fill("7.6")  # the world's top ten: GTI 7.5 or more
    page.locator("#profile-form button[type=submit]").first.click()
    changes = page.locator("#changes")
    expect(changes).to_be_visible()
    assert "set=gti.score%3D7.6" in page.url
    row = changes.locator("tr.change", has_text="counterterrorism-coordination")
    expect(row).to_contain_text("priority raised")
    expect(row).to_contain_text("terrorism-top-tier")
    expect(changes.locator(".value-changes")).to_contain_text("4.73 → 7.6")
    article = page.locator("#measure-counterterrorism-coordination")
    expect(article).to_have_class(re.compile(r"\bchanged\b"))
    expect(article.locator(".badge.kind")).to_have_text("priority raised")
    expect(page.locator('[id="field-gti.score"]')).to_contain_text("was 4.73")
    visit.shoot("what-if-gti-score-7.6")
    # the link reproduces the view in a new tab, rendered by the server
    again = page.context.new_page()
    again.goto(page.url, wait_until="domcontentloaded")
    expect(
        again.locator("#changes tr.change", has_text="counterterrorism-coordination")
    ).to_be_visible()
    again.close()


def test_a_missing_value_is_a_what_if_too(visit: Visit) -> None:
    page = visit.open("/?example=libya-2024")
    page.locator('[data-clear="v-local.migrant_detention_abuse_reports"]').click()
    page.locator("#profile-form button[type=submit]").first.click()
    changes = page.locator("#changes")
    expect(changes).to_contain_text("local.migrant_detention_abuse_reports")
    expect(changes.locator(".value-changes")).to_contain_text("missing")
    assert "unset=local.migrant_detention_abuse_reports" in page.url
    expect(page.locator(".badge.provisional").first).to_be_visible()


def test_a_misspelt_indicator_is_named_with_its_suggestion(visit: Visit) -> None:
    page = visit.open("/")
    page.locator("#profile-text").fill(MISSPELT)
    page.locator("#paste-form button[type=submit]").click()
    problems = page.locator("#paste-problems")
    expect(problems).to_be_visible()
    expect(problems).to_contain_text("indicators.gti.scor")
    expect(problems).to_contain_text("unknown indicator")
    expect(problems).to_contain_text('did you mean "gti.score"?')
    expect(problems).to_contain_text("line 4, column 3")
    expect(page.locator("#paste-L4")).to_contain_text("did you mean")
    visit.shoot("paste-misspelt-indicator")
    # corrected, it opens as a decision at a link that carries the profile
    page.locator("#profile-text").fill(MISSPELT.replace("gti.scor:", "gti.score:"))
    page.locator("#paste-form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Examplia (2024)")
    assert "profile=" in page.url


def test_compare_libya_2023_with_2024(visit: Visit) -> None:
    page = visit.open("/compare")
    page.locator("#compare-a").select_option("libya-2023")
    page.locator("#compare-b").select_option("libya-2024")
    page.get_by_role("button", name="Compare").click()
    changes = page.locator("#measure-changes")
    expect(changes).to_be_visible()
    assert page.url.endswith("/compare?a=libya-2023&b=libya-2024")
    row = page.locator("#change-joint-border-training")
    expect(row).to_contain_text("priority raised")
    expect(row).to_contain_text("fragmented-smuggling-hub")
    expect(row).to_contain_text("goci.human_smuggling 8.0 → 9.5")
    visit.shoot("compare-libya-2023-2024", full_page=True)


def test_a_rule_edit_is_previewed_and_nothing_is_saved(visit: Visit) -> None:
    rules_file = ROOT / "rules" / "borders.yaml"
    before = rules_file.read_bytes()
    page = visit.open("/rules/smuggling-networks-border-collaboration")
    expect(page.locator(".map-wrap svg")).to_be_visible()
    page.get_by_role("link", name="Edit and preview").click()
    editor = page.locator("#rule-text")
    expect(editor).to_have_value(re.compile("smuggling-networks-border-collaboration"))
    text = editor.input_value()
    # a typo first: the problem is shown beside its line, with a suggestion
    editor.fill(text.replace(SMUGGLING, SMUGGLING.replace("smuggling", "smugling"), 1))
    page.get_by_role("button", name="Preview the edit").click()
    problems = page.locator("#preview-problems")
    expect(problems).to_contain_text("goci.human_smugling")
    expect(problems).to_contain_text('did you mean "goci.human_smuggling"?')
    expect(problems.locator("li.flagged").first).to_contain_text("goci.human_smugling")
    visit.shoot("preview-rule-typo")
    # then a real change: the threshold raised past Libya 2024's 9.5
    editor = page.locator("#rule-text")
    editor.fill(text.replace(SMUGGLING, SMUGGLING.replace("7.75", "9.6"), 1))
    page.get_by_role("button", name="Preview the edit").click()
    impact = page.locator("#impact")
    expect(impact).to_be_visible()
    expect(impact).to_contain_text("changed rule smuggling-networks-border-collaboration (when)")
    expect(impact.locator("#impact-libya-2024")).to_be_visible()
    expect(impact).to_contain_text("smuggling-networks-border-collaboration no longer fires")
    visit.shoot("preview-rule-impact", full_page=True)
    assert rules_file.read_bytes() == before


def test_the_rule_map_of_a_measure_is_drawn_in_the_page(visit: Visit) -> None:
    page = visit.open("/map?measure=surveillance-technology-transfer")
    svg = page.locator(".map-wrap svg.rulemap")
    expect(svg).to_be_visible()
    expect(svg.locator(".edge-withhold")).not_to_have_count(0)
    page.locator(".map-wrap a[href='/rules/surveillance-technology-withheld-fragmented']").click()
    expect(page.locator("h1")).to_contain_text("surveillance")
    expect(page.locator(".lede")).to_contain_text("surveillance-technology-withheld-fragmented")


def test_the_overview_links_each_cell_to_its_decision(visit: Visit) -> None:
    page = visit.open("/overview")
    cell = page.locator("a[href='/?example=libya-2024#measure-intelligence-sharing-framework']")
    expect(cell).to_have_text("critical")
    cell.click()
    expect(page.locator("#measure-intelligence-sharing-framework")).to_be_visible()
    assert page.url.endswith("/?example=libya-2024#measure-intelligence-sharing-framework")


def test_docs_and_redoc_work_offline(visit: Visit) -> None:
    page = visit.open("/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Cooperation Advisor")
    visit.shoot("docs")
    page = visit.open("/redoc")
    heading = page.get_by_role("heading", name="Recommend measures for one situation profile")
    expect(heading.first).to_be_visible()
    visit.shoot("redoc")


def test_the_decision_reads_without_javascript(visit_without_script: Visit) -> None:
    page = visit_without_script.open("/?example=libya-2024")
    expect(page.locator("#measure-intelligence-sharing-framework")).to_contain_text("critical")
    # a what-if link works without the script too: the server renders it
    page = visit_without_script.open("/?example=libya-2024&set=gti.score=7")
    expect(page.locator("#changes")).to_contain_text("gti.score")


def test_a_narrow_screen_has_no_sideways_scrolling(narrow_visit: Visit) -> None:
    page = narrow_visit.open("/?example=libya-2024&set=gti.score=7.6")
    expect(page.locator("#changes")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    narrow_visit.shoot("narrow-what-if")


def test_keyboard_reaches_the_content_first(visit: Visit) -> None:
    page = visit.open("/?example=libya-2024")
    expect(page.locator("#measure-intelligence-sharing-framework")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to content")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_chromium_dump_dom_prints_the_libya_2024_recommendations(
    chromium: str, workbench: object, tmp_path: Path
) -> None:
    url = f"{workbench.base_url}/?example=libya-2024"  # type: ignore[attr-defined]
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", url]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=TIMEOUT_MS / 1000, check=True
    )
    assert 'id="measure-intelligence-sharing-framework"' in done.stdout
    assert "Intelligence-sharing framework" in done.stdout
    assert "Joint training for border security forces" in done.stdout
    assert "9.5/10" in done.stdout
