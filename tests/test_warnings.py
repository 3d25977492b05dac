"""Likely mistakes are warnings: located like errors, printed, but the rule set still loads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from advisor.api.holder import LAST_GOOD, RuleSetHolder

from advisor import Advisor, check_ruleset, cli, load_ruleset
from advisor.exit_codes import ExitCode

from .conftest import BASIC_RULES, WriteRules
from .test_checks import CATALOGUE, rule


def warnings_of(root: Path) -> list[str]:
    """The printed problems of a rule set that loads all the same."""
    problems, ruleset = check_ruleset(root)
    assert ruleset is not None
    assert all(not p.is_error for p in problems)
    return [str(p) for p in problems]


def test_change_compared_with_a_number_above_one_without_percent(write_rules: WriteRules) -> None:
    root = write_rules(**{"c.yaml": CATALOGUE, "r.yaml": rule("change(migration.departures) > 25")})
    assert warnings_of(root) == [
        "rules/r.yaml:4:42: warning: change(migration.departures) compared with 25: change() is "
        "a fraction, so 25 means +2,500% (did you mean 25%?)"
    ]


@pytest.mark.parametrize(
    "when",
    [
        "change(migration.departures) > 25%",  # written as a percentage
        "change(migration.departures) >= 0.25",  # written as a fraction
        "change(migration.departures) >= 150%",  # above 100%, but with the %
        "change(migration.departures) between -50% and 1",
    ],
)
def test_change_written_as_a_fraction_or_percentage_is_clean(
    write_rules: WriteRules, when: str
) -> None:
    root = write_rules(**{"c.yaml": CATALOGUE, "r.yaml": rule(f"'{when}'")})
    assert warnings_of(root) == []


def test_change_between_warns_for_each_bound_without_percent(write_rules: WriteRules) -> None:
    text = rule("'change(migration.departures) between 2 and 300%'")
    root = write_rules(**{"c.yaml": CATALOGUE, "r.yaml": text})
    assert warnings_of(root) == [
        "rules/r.yaml:4:49: warning: change(migration.departures) compared with 2: change() is "
        "a fraction, so 2 means +200% (did you mean 2%?)"
    ]


@pytest.mark.parametrize(
    ("when", "outcome"),
    [
        ("goci.human_smuggling > 10", "can never hold"),
        ("goci.human_smuggling < 1", "can never hold"),
        ("goci.human_smuggling >= 1", "holds for every value"),
        ("goci.human_smuggling <= 10", "holds for every value"),
        ("goci.human_smuggling between 1 and 10", "holds for every value"),
    ],
)
def test_a_threshold_at_an_end_of_the_range_that_decides_the_atom(
    write_rules: WriteRules, when: str, outcome: str
) -> None:
    root = write_rules(**{"c.yaml": CATALOGUE, "r.yaml": rule(when)})
    assert warnings_of(root) == [
        f'rules/r.yaml:4:11: warning: "{when}" {outcome}: "goci.human_smuggling" ranges from '
        "1 to 10 (check the operator and the threshold against the indicator's scale)"
    ]


def test_an_end_of_the_range_with_an_operator_that_can_go_either_way_is_clean(
    write_rules: WriteRules,
) -> None:
    when = "goci.human_smuggling >= 10 or goci.human_smuggling <= 1"
    root = write_rules(**{"c.yaml": CATALOGUE, "r.yaml": rule(when)})
    assert warnings_of(root) == []


def test_a_threshold_out_of_range_prints_in_plain_decimal(write_rules: WriteRules) -> None:
    root = write_rules(**{"c.yaml": CATALOGUE, "r.yaml": rule("goci.human_smuggling >= 2000000")})
    problems, ruleset = check_ruleset(root)
    assert ruleset is None
    assert [str(p) for p in problems] == [
        'rules/r.yaml:4:11: threshold 2000000 is outside the range of "goci.human_smuggling" '
        "(1 to 10) (check the indicator's scale in the catalogue)"
    ]


def test_a_rule_set_with_only_warnings_loads_and_evaluates(write_rules: WriteRules) -> None:
    root = write_rules(**{"c.yaml": CATALOGUE, "r.yaml": rule("goci.human_smuggling >= 1")})
    advisor = Advisor(load_ruleset(root))
    try:
        decision = advisor.evaluate({"country": "X", "indicators": {"goci.human_smuggling": 2}})
    finally:
        advisor.close()
    assert [r.measure for r in decision.recommendations] == ["joint-border-training"]


def test_validate_prints_warnings_and_passes_unless_strict(
    write_rules: WriteRules, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_rules(**{"c.yaml": CATALOGUE, "r.yaml": rule("change(migration.departures) > 25")})
    assert cli.main(["validate", str(root)]) == ExitCode.SUCCESS
    printed = capsys.readouterr()
    assert printed.err.splitlines()[-1] == "1 warning(s) in the rule files"
    assert printed.err.startswith("rules/r.yaml:4:42: warning: change(migration.departures)")
    assert printed.out.endswith("1 rules: no problems (1 warning(s) above)\n")
    assert cli.main(["validate", str(root), "--strict"]) == ExitCode.PROBLEMS
    assert "1 warning(s) in the rule files (--strict: warnings fail)" in capsys.readouterr().err


def test_errors_and_warnings_are_counted_apart(
    write_rules: WriteRules, capsys: pytest.CaptureFixture[str]
) -> None:
    when = "change(migration.departures) > 25 and goci.human_smugling >= 8"
    root = write_rules(**{"c.yaml": CATALOGUE, "r.yaml": rule(when)})
    assert cli.main(["validate", str(root)]) == ExitCode.PROBLEMS
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1] == "1 problem(s) and 1 warning(s) in the rule files"
    assert lines[0].startswith("rules/r.yaml:4:42: warning: ")
    assert lines[1].startswith('rules/r.yaml:4:49: unknown indicator "goci.human_smugling"')


def test_check_strict_fails_on_warnings_before_running_features(
    write_rules: WriteRules, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = write_rules(**{"c.yaml": CATALOGUE, "r.yaml": rule("change(migration.departures) > 25")})
    args = ["check", "--rules", str(root), "--features", str(tmp_path / "none"), "--strict"]
    assert cli.main(args) == ExitCode.PROBLEMS
    assert "warning: change(migration.departures)" in capsys.readouterr().err
    # Without --strict the warnings are printed and the check goes on (here to the features).
    assert cli.main(args[:-1]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "1 warning(s) in the rule files" in err
    assert "no feature files" in err


def test_the_service_reloads_and_keeps_a_rule_set_with_only_warnings(tmp_path: Path) -> None:
    rules_dir = tmp_path / "rules"
    shutil.copytree(BASIC_RULES, rules_dir)
    keep = tmp_path / "keep"
    holder = RuleSetHolder(rules_dir, keep)
    path = rules_dir / "rules.yaml"
    text = path.read_text(encoding="utf-8")
    assert "change(migration.departures) >= 25%" in text
    path.write_text(text.replace(">= 25%", ">= 25"), encoding="utf-8")
    problems, _ = check_ruleset(rules_dir)
    assert [p.severity for p in problems] == ["warning"]
    outcome = holder.reload()
    assert outcome.ok
    assert outcome.changed
    kept = (keep / LAST_GOOD).resolve()
    assert load_ruleset(kept).content_hash == holder.current.content_hash
