"""The `advisor` command as a user runs it: a real process, real files."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from advisor import EngineError, cli, decide
from advisor.exit_codes import ExitCode

from .conftest import BASIC_RULES, WriteRules, catalogue

ROOT = Path(__file__).resolve().parent.parent


def advisor(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "advisor.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_version() -> None:
    result = advisor("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("advisor ")


def test_recommend_bundled_example_as_table() -> None:
    result = advisor("recommend", "examples/profiles/libya-2024.yaml")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Cooperation Advisor: Libya (2024)")
    assert "joint-border-training" in result.stdout
    assert "Withheld" in result.stdout


def test_recommend_json_is_the_decision_and_is_stable() -> None:
    first = advisor("recommend", "examples/profiles/libya-2024.yaml", "--format", "json")
    second = advisor("recommend", "examples/profiles/libya-2024.yaml", "--format", "json")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    decision = json.loads(first.stdout)
    assert decision["country"] == "Libya"
    assert decision["ruleset"].startswith("sha256:")
    assert decision["recommendations"]


def test_validate_clean_and_broken(write_rules: WriteRules) -> None:
    ok = advisor("validate", str(BASIC_RULES))
    assert ok.returncode == 0
    assert "5 rules: no problems" in ok.stdout
    root = write_rules(
        **{"rules.yaml": catalogue().replace("wgi.rule_of_law <= -1.5", "wgi.rule_of_lw <= -1.5")}
    )
    broken = advisor("validate", "rules", cwd=root.parent)
    assert broken.returncode == 1
    assert broken.stderr.splitlines()[0] == (
        'rules/rules.yaml:60:38: unknown indicator "wgi.rule_of_lw" '
        '(did you mean "wgi.rule_of_law"?)'
    )


def test_profile_problems_exit_2_naming_the_field(tmp_path: Path) -> None:
    profile = tmp_path / "p.json"
    profile.write_text(
        json.dumps(
            {"country": "X", "indicators": {"goci.human_smuggling": 12, "wgi.rule_of_lav": -1}}
        )
    )
    result = advisor("recommend", str(profile), "--rules", str(BASIC_RULES))
    assert result.returncode == 2
    assert "indicators.goci.human_smuggling: 12 is outside the range 1 to 10" in result.stderr
    assert (
        'indicators.wgi.rule_of_lav: unknown indicator (did you mean "wgi.rule_of_law"?)'
        in result.stderr
    )


def test_nan_in_json_profile_is_refused(tmp_path: Path) -> None:
    profile = tmp_path / "p.json"
    profile.write_text('{"country": "X", "indicators": {"goci.human_smuggling": NaN}}')
    result = advisor("recommend", str(profile), "--rules", str(BASIC_RULES))
    assert result.returncode == 2
    assert "NaN is not a number a profile can carry" in result.stderr


def test_broken_rules_stop_recommend_with_exit_1(write_rules: WriteRules) -> None:
    root = write_rules(**{"rules.yaml": "rules: [\n"})
    result = advisor(
        "recommend",
        str(ROOT / "examples/profiles/libya-2024.yaml"),
        "--rules",
        "rules",
        cwd=root.parent,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("rules/rules.yaml:2:1: YAML syntax error")


def test_an_engine_refusal_exits_3_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The checks keep rule sets inside the engine's limits, so a refusal is a bug; it
    # cannot be provoked with real rules, hence the stand-in that refuses.
    def refuse(*_: object) -> None:
        raise EngineError("the engine refused a compiled ruleset: 106")

    monkeypatch.setattr(decide, "NativeEngine", refuse)
    profile = tmp_path / "p.json"
    profile.write_text('{"country": "X"}', encoding="utf-8")
    assert cli.main(["validate", str(BASIC_RULES)]) == 3
    assert cli.main(["recommend", str(profile), "--rules", str(BASIC_RULES)]) == 3
    errors = capsys.readouterr().err
    assert errors.count("internal engine error (please report it): the engine refused") == 2
    assert "Traceback" not in errors


def test_exit_codes_keep_their_values() -> None:
    # CI scripts, hooks and the README rely on these numbers.
    assert [(code.name, int(code)) for code in ExitCode] == [
        ("SUCCESS", 0),
        ("PROBLEMS", 1),
        ("USAGE", 2),
        ("INTERNAL", 3),
        ("EXTERNAL", 4),
        ("INTERRUPTED", 130),
    ]


def test_ruledoc_regenerates_the_tables_and_checks_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    readme = rules / "README.md"
    current = readme.read_text(encoding="utf-8")
    stale = current.replace("| none | none |", "| stale | none |", 1)
    assert stale != current
    readme.write_text(stale, encoding="utf-8")

    assert cli.main(["ruledoc", str(rules), "--check"]) == 1
    assert readme.read_text(encoding="utf-8") == stale  # --check writes nothing
    assert capsys.readouterr().err.splitlines() == [
        f"{readme}: out of date",
        f"run: advisor ruledoc {rules}",
    ]
    assert cli.main(["ruledoc", str(rules)]) == 0
    assert readme.read_text(encoding="utf-8") == current
    assert capsys.readouterr().out == f"{readme}: updated\n"
    assert cli.main(["ruledoc", str(rules), "--check"]) == 0
    assert cli.main(["ruledoc", str(rules)]) == 0
    assert capsys.readouterr().out == f"{readme}: already current\n"
    assert cli.main(["ruledoc", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"{tmp_path / 'README.md'}: file not found\n"


def test_only_the_command_line_parses_arguments_or_prints() -> None:
    # Library modules return data; advisor.cli reads the command line and prints.
    offending = []
    for path in sorted((ROOT / "src" / "advisor").rglob("*.py")):
        if "cli" in path.relative_to(ROOT / "src" / "advisor").parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            imported = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                imported = [node.module or ""]
            printing = isinstance(node, ast.Call) and ast.unparse(node.func) in (
                "print",
                "sys.stdout.write",
                "sys.stderr.write",
                "sys.exit",
            )
            if "argparse" in imported or printing:
                offending.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offending == []


def recommend_stdin(text: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "advisor.cli", "recommend", "-", *args],
        input=text,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("as_json", [False, True])
def test_recommend_reads_the_profile_from_standard_input(as_json: bool) -> None:
    path = ROOT / "examples" / "profiles" / "libya-2024.yaml"
    text = path.read_text(encoding="utf-8")
    if as_json:
        text = json.dumps(yaml.safe_load(text))
    from_file = advisor("recommend", str(path), "--format", "json")
    from_stdin = recommend_stdin(text, "--format", "json")
    assert from_stdin.returncode == 0, from_stdin.stderr
    assert json.loads(from_stdin.stdout) == json.loads(from_file.stdout)


def test_a_profile_refused_on_standard_input_is_named_so() -> None:
    result = recommend_stdin("[]")
    assert result.returncode == ExitCode.USAGE
    assert result.stderr.splitlines() == [
        "standard input: the profile was refused:",
        "  $: a list: use the batch endpoint (POST /v1/recommendations/batch)"
        " or one profile per file",
    ]
