"""Missing data is not false: undetermined safeguard and withholding rules stay in view
(provisional safeguards, possible and precautionary withholding), everywhere the analyst looks."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor import Advisor, Decision
from advisor.analysis.impact import compare
from advisor.decide import validate_directory
from advisor.decision.render import render_decision

from .conftest import WriteRules

RULES = """
indicators:
  - {id: x.risk, title: Human-rights risk, type: number, range: [0, 10]}
  - {id: x.abuse, title: Abuse reports, type: boolean}
  - {id: x.split, title: Rival governments, type: boolean}
  - {id: x.threat, title: Threat, type: number, range: [0, 10]}
measures:
  - {id: training, title: Training, area: capacity-building, description: d, outcomes: [o],
     horizon: short}
  - {id: tech, title: Technology, area: intelligence, description: d, outcomes: [o],
     horizon: short}
rules:
  - id: train
    title: Train
    when: x.threat >= 5
    recommend: [{measure: training, priority: high}, {measure: tech, priority: medium}]
    because: threat {x.threat}
    source: s
  - id: vetting
    title: Vet
    when: x.risk >= 7 or x.abuse
    safeguard: [{measure: training, requires: Vet every unit.}]
    because: risk {x.risk}
    source: s
  - id: no-tech
    title: No tech
    when: x.risk >= 9 and x.split
    withhold: [{measure: tech, reason: No end-use control.}]
    because: risk {x.risk}, split {x.split}
    source: s
"""


@pytest.fixture
def rules(write_rules: WriteRules) -> Path:
    return write_rules(**{"r.yaml": RULES})


@pytest.fixture
def advisor(rules: Path) -> Iterator[Advisor]:
    advisor = Advisor.from_directory(rules)
    yield advisor
    advisor.close()


def decide(advisor: Advisor, **indicators: object) -> Decision:
    """The full decision: these tests read the safeguards' and withholdings' texts too."""
    return advisor.evaluate({"country": "X", "indicators": indicators}, detail="full")


def recommendation(decision: Decision, measure: str):  # type: ignore[no-untyped-def]
    return next(r for r in decision.recommendations if r.measure == measure)


def test_an_undecidable_safeguard_is_attached_as_provisional(advisor: Advisor) -> None:
    # risk 6.9 does not settle "x.risk >= 7 or x.abuse": the abuse report would
    decision = decide(advisor, **{"x.threat": 6, "x.risk": 6.9, "x.split": False})
    (guard,) = recommendation(decision, "training").safeguards
    assert (guard.rule, guard.status, guard.missing) == ("vetting", "provisional", ["x.abuse"])
    assert guard.requires == "Vet every unit."
    assert decision.undetermined == ["vetting"]
    # the same rule, decided, applies it; decided false, nothing is attached
    applied = decide(advisor, **{"x.threat": 6, "x.risk": 6.9, "x.abuse": True})
    assert [(g.status, g.missing) for g in recommendation(applied, "training").safeguards] == [
        ("applied", [])
    ]
    cleared = decide(advisor, **{"x.threat": 6, "x.risk": 6.9, "x.abuse": False})
    assert recommendation(cleared, "training").safeguards == []


def test_a_withholding_that_cannot_be_decided_is_shown_not_applied(advisor: Advisor) -> None:
    decision = decide(advisor, **{"x.threat": 6, "x.risk": 9.5, "x.abuse": True})
    tech = recommendation(decision, "tech")
    assert [(m.rule, m.missing) for m in tech.possibly_withheld_by] == [("no-tech", ["x.split"])]
    assert decision.withheld == []
    text = render_decision(decision)
    assert "MAY BE WITHHELD" in text
    assert "? may be withheld by no-tech (undecided for lack of x.split)" in text


def test_missing_lists_only_what_could_still_decide_the_rule(advisor: Advisor) -> None:
    # "x.risk >= 9 and x.split": with risk 9.5 only x.split could decide it; with no risk,
    # both could. An `or` already true needs nothing.
    assert decide(advisor, **{"x.risk": 9.5}).rules["no-tech"].missing == ["x.split"]
    assert decide(advisor, **{"x.threat": 1}).rules["no-tech"].missing == ["x.risk", "x.split"]
    # "x.risk >= 7 or x.abuse" with risk 3: only the abuse report is worth collecting
    decision = decide(advisor, **{"x.risk": 3})
    assert decision.rules["vetting"].missing == ["x.abuse"]
    assert [g.indicator for g in decision.data_gaps if "vetting" in g.rules] == ["x.abuse"]


def test_a_precautionary_rule_withholds_while_undetermined(write_rules: WriteRules) -> None:
    cautious = RULES.replace(
        "withhold: [{measure: tech, reason: No end-use control.}]",
        "withhold: [{measure: tech, reason: No end-use control.}]\n    precautionary: true",
    )
    advisor = Advisor.from_directory(write_rules(**{"r.yaml": cautious}))
    try:
        decision = decide(advisor, **{"x.threat": 6, "x.risk": 9.5})
        settled = decide(advisor, **{"x.threat": 6, "x.risk": 9.5, "x.split": False})
        unrecommended = decide(advisor, **{"x.threat": 1, "x.risk": 9.5})
    finally:
        advisor.close()
    assert "tech" not in [r.measure for r in decision.recommendations]
    (withheld,) = decision.withheld
    (by,) = withheld.by
    assert (by.rule, by.precautionary, by.missing) == ("no-tech", True, ["x.split"])
    assert by.reason == "No end-use control."
    assert withheld.overridden == ["train"]
    assert "As a precaution, while no-tech cannot be decided" in render_decision(decision)
    # the data that settles the rule releases the measure
    assert settled.withheld == []
    assert "tech" in [r.measure for r in settled.recommendations]
    # nothing recommends it: nothing to withhold
    assert unrecommended.withheld == []


def test_precautionary_without_a_withhold_is_an_error_with_its_place(
    write_rules: WriteRules,
) -> None:
    broken = RULES.replace(
        "safeguard: [{measure: training, requires: Vet every unit.}]",
        "safeguard: [{measure: training, requires: Vet every unit.}]\n    precautionary: true",
    )
    root = write_rules(**{"r.yaml": broken})
    problems, ruleset = validate_directory(root)
    assert ruleset is None
    (problem,) = problems
    line = broken.splitlines().index("    precautionary: true")  # the file drops the first \n
    assert (problem.location.line, problem.location.column) == (
        line,
        len("    precautionary: ") + 1,
    )
    assert problem.code == "precautionary-without-withhold"
    assert "remove `precautionary`" in str(problem)


def test_the_json_and_the_cli_table_show_provisional_safeguards(
    rules: Path, tmp_path: Path
) -> None:
    profile = tmp_path / "p.json"
    profile.write_text(
        json.dumps({"country": "X", "indicators": {"x.threat": 6, "x.risk": 6.9}}),
        encoding="utf-8",
    )
    command = [
        sys.executable,
        "-m",
        "advisor.cli",
        "recommend",
        str(profile),
        "--rules",
        str(rules),
    ]
    as_json = subprocess.run([*command, "--format", "json"], capture_output=True, text=True)
    assert as_json.returncode == 0, as_json.stderr
    training = json.loads(as_json.stdout)["recommendations"][0]
    # compact (the default): the requirement is the rule set's text, referred to by rule id
    assert training["safeguards"] == [
        {"rule": "vetting", "status": "provisional", "missing": ["x.abuse"]}
    ]
    full = subprocess.run([*command, "--format", "json", "--detail", "full"], capture_output=True)
    assert full.returncode == 0, full.stderr
    assert json.loads(full.stdout)["recommendations"][0]["safeguards"] == [
        {
            "rule": "vetting",
            "requires": "Vet every unit.",
            "status": "provisional",
            "missing": ["x.abuse"],
        }
    ]
    table = subprocess.run(command, capture_output=True, text=True).stdout
    row = next(line for line in table.splitlines() if " training " in line)
    assert row.rstrip().endswith("1 PROVISIONAL safeguard")


def test_a_safeguard_turning_provisional_is_a_change_in_the_diff(
    advisor: Advisor, rules: Path, tmp_path: Path
) -> None:
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "x.json").write_text(
        json.dumps({"country": "X", "indicators": {"x.threat": 6, "x.risk": 6.9}}),
        encoding="utf-8",
    )
    # the edit makes "vetting" read a value the profile lacks only through its `or`
    edited = rules.parent / "edited"
    edited.mkdir()
    (edited / "r.yaml").write_text(
        (rules / "r.yaml").read_text().replace("x.risk >= 7 or x.abuse", "x.risk >= 6"),
        encoding="utf-8",
    )
    head = Advisor.from_directory(edited)
    try:
        (impact,) = compare(head, advisor, [profiles / "x.json"])
    finally:
        head.close()
    (change,) = impact.changes
    assert change.measure == "training"
    assert (change.kind, change.before, change.after) == (
        "safeguards",
        "high; safeguards from `vetting`",
        "high; safeguards from `vetting (provisional)`",
    )
