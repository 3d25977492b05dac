"""`advisor replay`: the logged decisions decided again under a candidate rule set, and the
report of what would change (a threshold raised in a copy of the bundled rules)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from advisor.exit_codes import ExitCode

from .logged import BUNDLED, UNREACHABLE, advisor, candidate_rules, fill_through_service

#: the joint border training rule needs human smuggling of 8.75, not 7.75: Libya 2023 (8.0)
#: loses its high priority for joint border training; Libya 2024 (9.5) keeps it
RAISED = ("        - goci.human_smuggling >= 7.75\n", "        - goci.human_smuggling >= 8.75\n")
RULE = "smuggling-networks-border-collaboration"


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[dict[str, Any]]]:
    """A SQLite log of the six example decisions, given by the service."""
    url = f"sqlite:///{tmp_path_factory.mktemp('replay') / 'decisions.db'}"
    return url, fill_through_service(url)


@pytest.fixture(scope="module")
def raised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return candidate_rules(tmp_path_factory.mktemp("raised"), RAISED)


def replay(
    capsys: pytest.CaptureFixture[str], url: str, rules: Path, *args: object
) -> tuple[int, str, str]:
    return advisor(
        capsys, "replay", "--database-url", url, "--rules", rules, "--base", BUNDLED, *args
    )


def test_a_raised_threshold_shows_the_change_and_the_rule_responsible(
    logged: tuple[str, list[dict[str, Any]]],
    raised: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, answers = logged
    code, report, err = replay(capsys, url, raised)
    assert code == ExitCode.SUCCESS, err
    assert report.startswith("## Replay: 1 of 6 logged decisions would change\n")
    assert f"changed rule `{RULE}` (when)" in report
    # the counts come first: per measure, then per country
    assert report.index("### Changes per measure") < report.index("### Per country")
    assert "| `joint-border-training` | priority lowered | 1 |" in report
    assert "| Libya | 2 | 1 |" in report
    assert "| Tunisia | 1 | 0 |" in report
    libya_2023 = next(a for a in answers if a["country"] == "Libya" and a["period"] == "2023")
    section = report[report.index("### Libya (2023)") :]
    assert section.startswith(f"### Libya (2023): decision `{libya_2023['decision_id']}`")
    assert (
        "| `joint-border-training` | priority lowered | high | medium "
        f"| `{RULE}` no longer fires (recommended high) |"
    ) in section
    assert "other rule set" not in report  # every decision was logged under the base


def test_fail_on_change_exits_1_only_when_something_changes(
    logged: tuple[str, list[dict[str, Any]]],
    raised: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, _ = logged
    output = tmp_path / "report.md"
    code, shown, _ = replay(capsys, url, raised, "--fail-on-change", "--output", output)
    assert (code, shown) == (ExitCode.PROBLEMS, "")
    assert "1 of 6 logged decisions would change" in output.read_text()
    unchanged = candidate_rules(tmp_path)
    code, report, err = replay(capsys, url, unchanged, "--fail-on-change")
    assert code == ExitCode.SUCCESS, err
    assert report.startswith("## Replay: 0 of 6 logged decisions would change\n")
    assert "no change in meaning" in report
    assert "### Changes per measure" not in report


def test_the_filters_choose_the_decisions_replayed(
    logged: tuple[str, list[dict[str, Any]]], raised: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, answers = logged
    _, report, _ = replay(capsys, url, raised, "--country", "Libya")
    assert "1 of 2 logged decisions" in report
    assert "Decisions: country Libya." in report
    code, report, _ = replay(capsys, url, raised, "--country", "Tunisia", "--fail-on-change")
    assert (code, report.splitlines()[0]) == (
        ExitCode.SUCCESS,
        "## Replay: 0 of 1 logged decisions would change",
    )
    _, report, _ = replay(capsys, url, raised, "--ruleset", answers[0]["ruleset"])
    assert "1 of 6 logged decisions" in report
    _, report, _ = replay(capsys, url, raised, "--until", "2000-01-01")
    assert "0 of 0 logged decisions" in report


def test_a_profile_the_candidate_refuses_is_a_change(
    logged: tuple[str, list[dict[str, Any]]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = logged
    candidate = candidate_rules(tmp_path)
    indicators = candidate / "indicators.yaml"
    text = indicators.read_text()
    block = text.index("  - id: goci.human_smuggling\n")
    bound = text.index("    range: [1, 10]\n", block)
    # a narrower range: the 9.5 of Libya 2024 is out of it
    indicators.write_text(text[:bound] + "    range: [1, 9]\n" + text[bound + 19 :])
    code, report, err = replay(capsys, url, candidate, "--country", "Libya", "--fail-on-change")
    assert code == ExitCode.PROBLEMS, err
    assert "1 of 2 logged decisions would change" in report
    section = report[report.index("### Libya (2024)") :]
    assert (
        "The profile is refused by the candidate rule set: `indicators.goci.human_smuggling`"
        in (section)
    )


def test_bad_usage_exits_2_and_an_unreachable_log_4(
    logged: tuple[str, list[dict[str, Any]]],
    raised: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, _ = logged
    broken = candidate_rules(tmp_path, (RAISED[0], RAISED[0].replace("smuggling", "smugling")))
    code, report, err = replay(capsys, url, broken)
    assert (code, report) == (ExitCode.USAGE, "")
    assert "borders.yaml" in err
    assert "human_smugling" in err
    code, _, err = replay(capsys, f"sqlite:///{tmp_path / 'none.db'}", raised)
    assert code == ExitCode.USAGE
    assert "no such database file" in err
    code, _, err = replay(capsys, url, tmp_path / "nowhere")
    assert code == ExitCode.USAGE
    assert "--rules" in err
    code, _, err = replay(capsys, url, raised, "--scheduler", "localhost")
    assert code == ExitCode.USAGE
    assert "--scheduler" in err
    code, _, err = replay(capsys, UNREACHABLE, raised)
    assert code == ExitCode.EXTERNAL
    assert "cannot be read" in err
