"""`advisor check` on a rule repository of its own (rules/, features/, no Python), as CI runs it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from .conftest import FIXTURES

ROOT = Path(__file__).resolve().parent.parent
REPOSITORY = FIXTURES / "checked"


def check(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "advisor.cli", "check", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the fixture repository: only rule files and feature files."""
    target = tmp_path / "repo"
    shutil.copytree(REPOSITORY, target)
    assert {p.suffix for p in target.rglob("*") if p.is_file()} == {".yaml", ".feature"}
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def remove_scenario(path: Path, title: str) -> None:
    text = path.read_text(encoding="utf-8")
    start = text.index(f"  Scenario: {title}")
    end = text.find("\n  Scenario", start + 1)
    path.write_text(text[:start] + (text[end + 1 :] if end >= 0 else ""), encoding="utf-8")


def test_a_repository_with_only_rules_and_features_passes(repo: Path, tmp_path: Path) -> None:
    junit = tmp_path / "scenarios.xml"
    result = check(repo, "--junit-xml", str(junit))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "14 passed" in result.stdout
    table = result.stdout[result.stdout.index("rule  ") :].splitlines()
    # silent counts only false outcomes; undetermined ones are a column of their own
    assert table[0].split() == [
        "rule",
        "defined",
        "at",
        "fired",
        "silent",
        "(false)",
        "undetermined",
    ]
    rows = {line.split()[0]: line.split()[1:] for line in table[1:-1]}
    assert rows["surge-response"] == ["rules/borders.yaml:18:5", "1", "1", "0"]
    # the scenario "Without a rule-of-law figure" shows it undetermined, not silent
    assert rows["smuggling-border"] == ["rules/borders.yaml:2:5", "1", "1", "1"]
    assert len(rows) == 6
    assert table[-1].startswith("6 of 6 rules covered both ways (100%)")
    assert result.stderr == ""
    cases = ET.parse(junit).getroot().iter("testcase")
    assert len(list(cases)) == 14


def test_removing_the_only_scenario_where_a_rule_fires_fails(repo: Path) -> None:
    remove_scenario(repo / "features/borders.feature", "Departures up by a quarter")
    result = check(repo)
    assert result.returncode == 1
    assert "13 passed" in result.stdout
    assert "UNCOVERED" in next(ln for ln in result.stdout.splitlines() if "surge-response" in ln)
    assert result.stderr.splitlines() == [
        'rules/borders.yaml:18:5: rule "surge-response" never fires in a passing scenario'
        " (add one where it fires)",
        "advisor check failed: 1 of 6 rules not covered both ways",
    ]


def test_removing_the_only_scenario_where_a_rule_stays_silent_fails(repo: Path) -> None:
    remove_scenario(repo / "features/surveillance.feature", "Human-rights risk just under 7")
    result = check(repo)
    assert result.returncode == 1
    assert (
        'rules/surveillance.yaml:10:5: rule "surveillance-safeguard" never stays silent'
        in result.stderr
    )


def test_removing_a_rule_fails_the_scenarios_that_rely_on_it(repo: Path) -> None:
    rules = repo / "rules/borders.yaml"
    text = rules.read_text(encoding="utf-8")
    start = text.index("  - id: smuggling-border\n")
    rules.write_text(text[:start] + text[text.index("  - id: fragile-borders") :], encoding="utf-8")
    result = check(repo)
    assert result.returncode == 1
    out = result.stdout
    assert (
        "features/borders.feature:12:"
        " Then joint-border-training is recommended with high priority\n"
        "  joint-border-training is not recommended: the rules that recommend it did not fire:"
        " fragile-borders (undetermined: local.border_control, local.rival_governments missing)"
    ) in out
    assert (
        "features/borders.feature:20: Then the rule smuggling-border does not fire\n"
        '  unknown rule "smuggling-border"'
    ) in out
    assert "Traceback" not in out + result.stderr
    assert "advisor check failed: some scenarios fail" in result.stderr


def test_a_threshold_moved_past_its_boundary_scenario_fails(repo: Path) -> None:
    edit(repo / "rules/surveillance.yaml", "fsi.p3_human_rights >= 7", "fsi.p3_human_rights >= 7.5")
    result = check(repo)
    assert result.returncode == 1
    assert (
        "features/surveillance.feature:14:"
        " And surveillance-transfer carries a safeguard from surveillance-safeguard\n"
        "  surveillance-transfer carries no safeguard from surveillance-safeguard (false);"
        " none at all"
    ) in result.stdout
    assert "1 failed, 13 passed" in result.stdout


def test_unknown_names_and_steps_name_the_line_and_a_suggestion(repo: Path) -> None:
    feature = repo / "features/misspelt.feature"
    feature.write_text(
        "Feature: Misspelt\n"
        "  Scenario: Every kind of name, misspelt\n"
        "    Given goci.human_smugling is 8\n"
        "  Scenario: A measure\n"
        "    When the profile is evaluated\n"
        "    Then joint-border-trainin is not recommended\n"
        "  Scenario: A signal\n"
        "    When the profile is evaluated\n"
        "    Then the signal departure-surg does not hold\n"
        "  Scenario: A step\n"
        "    When the profile is evaluated\n"
        "    Then joint-border-training is recomended with high priority\n"
        "  Scenario: A profile\n"
        "    Given the Examplia 2024 profile\n",
        encoding="utf-8",
    )
    result = check(repo, "--profiles", "profiles")
    assert result.returncode == 1
    out = result.stdout
    for expected in [
        "features/misspelt.feature:3: Given goci.human_smugling is 8\n"
        '  unknown indicator "goci.human_smugling" (did you mean "goci.human_smuggling"?)',
        "features/misspelt.feature:6: Then joint-border-trainin is not recommended\n"
        '  unknown measure "joint-border-trainin" (did you mean "joint-border-training"?)',
        "features/misspelt.feature:9: Then the signal departure-surg does not hold\n"
        '  unknown signal "departure-surg" (did you mean "departure-surge"?)',
        "features/misspelt.feature:12:"
        " Then joint-border-training is recomended with high priority\n"
        "  no step of the advisor's vocabulary reads like this"
        ' (did you mean "Then <measure> is recommended with <priority> priority"?)',
        "features/misspelt.feature:14: Given the Examplia 2024 profile\n"
        '  no profile "Examplia 2024" in profiles/ (looked for examplia-2024.yaml)',
    ]:
        assert expected in out
    assert "Traceback" not in out + result.stderr
    assert "5 failed, 14 passed" in out


def test_invalid_rules_are_listed_like_validate_and_nothing_runs(repo: Path) -> None:
    edit(repo / "rules/surveillance.yaml", "goci.human_smuggling >= 8", "goci.human_smugling >= 8")
    result = check(repo)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        'rules/surveillance.yaml:4:11: unknown indicator "goci.human_smugling"'
        ' (did you mean "goci.human_smuggling"?)',
        "1 problem(s) in the rule files",
    ]


def test_a_missing_features_directory_is_a_usage_error(repo: Path) -> None:
    result = check(repo, "--features", "specs")
    assert result.returncode == 2
    assert result.stderr == "specs: no feature files (*.feature) here\n"


def test_the_project_rule_set_is_covered_both_ways() -> None:
    result = check(ROOT, "--rules", "rules", "--features", "features")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(100%)" in result.stdout


def test_a_silent_scenario_that_is_only_undetermined_fails_and_does_not_cover(repo: Path) -> None:
    # The analyst's row meant to sit just under the rule of law threshold lacks its value.
    feature = repo / "features/borders.feature"
    edit(feature, "    And wgi.rule_of_law is -0.99\n", "")
    # and the one just under a surge has a single period, so no change can be computed
    edit(
        feature, "      | 2023   | 40,000 |\n      | 2024   | 49,999 |", "      | 2024   | 49,999 |"
    )
    result = check(repo)
    assert result.returncode == 1
    assert (
        "features/borders.feature:19: Then the rule smuggling-border does not fire\n"
        "  the rule smuggling-border does not fire only because it"
        " is undetermined: wgi.rule_of_law is missing, not false (add a value, or say"
        ' "Then the rule smuggling-border is undetermined")'
    ) in result.stdout
    assert (
        "Then the signal departure-surge does not hold\n"
        "  the signal departure-surge does not hold only because it is undetermined:"
        " change(migration.departures) is missing, not false (add a value, or say"
        ' "Then the signal departure-surge is undetermined")'
    ) in result.stdout
    assert "2 failed, 12 passed" in result.stdout


def test_a_rule_silent_only_for_lack_of_data_is_not_covered(repo: Path) -> None:
    # Left: the scenario that shows it undetermined, which is not silence.
    remove_scenario(repo / "features/borders.feature", "Rule of law just better than -1.0")
    result = check(repo)
    assert result.returncode == 1
    row = next(ln for ln in result.stdout.splitlines() if ln.startswith("smuggling-border"))
    assert row.split()[1:] == ["rules/borders.yaml:2:5", "1", "0", "1", "UNCOVERED"]
    assert result.stderr.splitlines() == [
        'rules/borders.yaml:2:5: rule "smuggling-border" is silent only for lack of data, which'
        " is not silence: give the missing values, just on the other side of its threshold,"
        " in one of these scenarios",
        "  features/borders.feature:18:5: undetermined, not false: add wgi.rule_of_law",
        "advisor check failed: 1 of 6 rules not covered both ways",
    ]


def test_a_failing_scenario_names_the_condition_that_failed(repo: Path) -> None:
    edit(
        repo / "rules/borders.yaml",
        "goci.human_smuggling >= 8 and",
        "goci.human_smuggling >= 8.5 and",
    )
    feature = repo / "features/borders.feature"
    edit(feature, "    And the reason for joint-border-training cites 8\n", "")
    edit(
        feature,
        "| true              | weak           | fires         |",
        "| false | weak | fires |",
    )
    result = check(repo)
    assert result.returncode == 1
    out = result.stdout
    assert (
        "features/borders.feature:12: Then joint-border-training is recommended with high"
        " priority\n"
        "  joint-border-training is not recommended: the rules that recommend it did not fire:\n"
        "    - fragile-borders (undetermined: local.border_control, local.rival_governments"
        " missing): signal fragmented is undetermined;"
        " local.border_control in [weak, partial] is undetermined (local.border_control is"
        " missing)\n"
        "    - smuggling-border (false): goci.human_smuggling >= 8.5 is false"
        " (value 8, needs >= 8.5); wgi.rule_of_law <= -1.0 is true (value -1, needs <= -1)\n"
    ) in out
    assert (
        "Then the rule fragile-borders fires\n"
        "  the rule fragile-borders did not fire (false): signal fragmented does not hold;"
        " local.border_control in [weak, partial] is true (value weak, needs one of weak, partial)"
    ) in out
