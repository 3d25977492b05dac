"""`advisor new`: templates where they belong, scenarios proving both ways, validated."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from advisor.analysis.scaffold import scenario_edit
from advisor.language.files import load_ruleset
from advisor.language.json_schema import HEADER_PREFIX

from .test_cli import ROOT, advisor

SURGE = "goci.human_smuggling >= 8.5 and change(migration.departures_to_italy) >= 10%"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the rules, features, schemas and example profiles to scaffold into."""
    for directory in ("rules", "features", "schemas", "examples"):
        shutil.copytree(ROOT / directory, tmp_path / directory)
    return tmp_path


def test_a_rule_with_its_condition_is_appended_and_specified_both_ways(project: Path) -> None:
    before = (project / "rules" / "borders.yaml").read_text()
    features_before = (project / "features" / "borders.feature").read_text()
    made = advisor(
        "new", "rule", "coast-guard-surge", "--measure", "joint-border-training",
        "--priority", "high", "--when", SURGE, cwd=project,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    # the measure's area (border security) is that of borders.yaml; the file is kept whole
    after = (project / "rules" / "borders.yaml").read_text()
    assert after.startswith(before.rstrip("\n") + "\n\n  - id: coast-guard-surge\n")
    line = after.split("\n").index("  - id: coast-guard-surge") + 1
    assert f"rules/borders.yaml:{line}: new rule coast-guard-surge" in made.stdout
    rule = load_ruleset(project / "rules").rules["coast-guard-surge"]
    assert [a.measure for a in rule.spec.recommend] == ["joint-border-training"]
    assert (
        rule.spec.source
        == "Strengthening Borders: Strategies to Combat Human Trafficking and Smuggling"
    )
    assert "{goci.human_smuggling}, {change(migration.departures_to_italy)}" in rule.spec.because
    # two scenarios with data: one fires, one stays silent just across 8.5
    scenarios = (project / "features" / "borders.feature").read_text()
    assert scenarios.startswith(features_before.rstrip("\n"))
    added = scenarios[len(features_before) :]
    assert "Then the rule coast-guard-surge fires" in added
    assert "Then the rule coast-guard-surge does not fire" in added
    assert "And goci.human_smuggling is 8.5\n" in added
    assert "And goci.human_smuggling is 8.49\n" in added
    assert "<" not in added
    assert "rules: validates with the new rule" in made.stdout
    checked = advisor("check", "--rules", "rules", "--features", "features", cwd=project)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    (row,) = [r for r in checked.stdout.splitlines() if r.startswith("coast-guard-surge ")]
    assert row.split()[2:4] == ["1", "1"]  # fired in one scenario, silent in one


def test_a_rule_without_a_condition_points_at_what_to_write(project: Path) -> None:
    made = advisor(
        "new", "rule", "night-patrols", "--measure", "regional-task-forces", "--file", "maritime",
        cwd=project,
    )  # fmt: skip
    assert made.returncode == 1
    text = (project / "rules" / "maritime.yaml").read_text()
    # a new rule file names its schema, as the others do
    assert text.startswith(HEADER_PREFIX + "../schemas/rules.schema.json\nrules:\n")
    line = text.split("\n").index("    when: INDICATOR >= THRESHOLD") + 1
    assert (
        made.stderr.splitlines()[0]
        == f'rules/maritime.yaml:{line}:11: unknown indicator "INDICATOR"'
    )
    assert "write its condition in place of `when: INDICATOR >= THRESHOLD`" in made.stdout
    stubs = (project / "features" / "maritime.feature").read_text()
    assert stubs.startswith("Feature: Maritime\n")
    assert "And <indicator> is <value just across the threshold>" in stubs
    assert "features/maritime.feature:4: fill the <placeholders>" in made.stdout


def test_an_unknown_measure_or_a_taken_id_writes_nothing(project: Path) -> None:
    before = {p.name: p.read_text() for p in (project / "rules").iterdir()}
    unknown = advisor("new", "rule", "x-y", "--measure", "joint-border-trainin", cwd=project)
    assert (unknown.returncode, unknown.stdout) == (2, "")
    assert unknown.stderr == (
        'nothing written: unknown measure "joint-border-trainin"'
        ' (did you mean "joint-border-training"?)\n'
    )
    taken = advisor(
        "new", "measure", "joint-border-training", "--area", "border-security", cwd=project
    )
    assert taken.stderr == 'nothing written: there is already a measure "joint-border-training"\n'
    refused = advisor("new", "indicator", "Sea State", "--type", "number", cwd=project)
    assert refused.returncode == 2
    assert refused.stderr.startswith("nothing written: id: ")
    assert {p.name: p.read_text() for p in (project / "rules").iterdir()} == before


def test_an_indicator_and_a_measure_go_to_their_catalogues(project: Path) -> None:
    indicators = (project / "rules" / "indicators.yaml").read_text()
    made = advisor(
        "new", "indicator", "local.sea_state", "--type", "category", "--categories", "calm, rough",
        cwd=project,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert (project / "rules" / "indicators.yaml").read_text().startswith(indicators.rstrip("\n"))
    measure = advisor(
        "new", "measure", "coast-guard-exchange", "--area", "border-security", cwd=project
    )
    assert measure.returncode == 0, measure.stderr
    ruleset = load_ruleset(project / "rules")
    assert ruleset.indicators["local.sea_state"].categories == ("calm", "rough")
    assert ruleset.measures["coast-guard-exchange"].area.value == "border-security"
    assert "advisor schema --rules rules (editors learn the id)" in measure.stdout
    # the schemas list ids, so they are now stale until regenerated
    stale = advisor("schema", "--check", cwd=project)
    assert stale.returncode == 1
    assert "schemas/rules.schema.json: out of date" in stale.stderr


def test_a_rule_with_only_a_likely_mistake_is_written_and_the_warning_shown(
    project: Path,
) -> None:
    # change() against 25 without %: a warning, as in `validate`, not a failure
    made = advisor(
        "new", "rule", "surge-typo", "--measure", "joint-border-training",
        "--when", "change(migration.departures_to_italy) >= 25", cwd=project,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    assert "rules: validates with the new rule" in made.stdout
    assert "warning: change(migration.departures_to_italy) compared with 25" in made.stderr
    assert "does not validate" not in made.stdout


def test_the_silent_scenario_of_a_series_rule_sits_just_across_its_threshold(
    tmp_path: Path,
) -> None:
    # change(s.x) >= 25%: the silent series is the nearest one that silences the rule
    # (a change just under 25%), not the first one found (a fall to 0).
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "r.yaml").write_text(
        """
indicators:
  - {id: s.x, title: X, type: series, range: [0, 1000000]}
measures:
  - {id: m, title: M, area: diplomacy, description: d, outcomes: [o], horizon: short}
rules:
  - id: surge
    title: Surge
    when: change(s.x) >= 25%
    recommend: [{measure: m, priority: low}]
    because: b
    source: s
""",
        encoding="utf-8",
    )
    edit = scenario_edit(load_ruleset(rules), "surge", "m", rules / "r.yaml", tmp_path)
    silent = edit.text.split("stays silent just across its threshold")[1]
    rows = [line.split("|")[1:3] for line in silent.splitlines() if "| 20" in line]
    earlier, latest = (float(value) for _, value in rows)
    assert 0.2 < latest / earlier - 1 < 0.25
