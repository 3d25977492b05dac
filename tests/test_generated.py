"""`advisor validate` and `advisor check` name generated files that are out of date."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from advisor import cli, load_ruleset
from advisor.analysis.generated import stale_generated
from advisor.language.json_schema import render_schemas

from .conftest import FIXTURES

STALE_README = """# Rules

<!-- BEGIN GENERATED: sections -->
| Section | Rules | Signals used | Measures acted on |
<!-- END GENERATED: sections -->
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The checked fixture repository with a stale rules/README.md and a stale schemas/."""
    target = tmp_path / "repo"
    shutil.copytree(FIXTURES / "checked", target)
    (target / "rules" / "README.md").write_text(STALE_README, encoding="utf-8")
    schemas = target / "schemas"
    schemas.mkdir()
    for name, text in render_schemas(load_ruleset(target / "rules")).items():
        (schemas / name).write_text(text, encoding="utf-8")
    (schemas / "rules.schema.json").write_text("{}\n", encoding="utf-8")
    monkeypatch.chdir(target)
    return target


README_NOTICE = "rules/README.md: generated tables are out of date (run: advisor ruledoc rules)"
SCHEMA_NOTICE = (
    "schemas: schemas out of date: rules.schema.json (out of date) (run: advisor schema)"
)


def test_stale_readme_and_schemas_are_found_with_the_command_that_renews_them(repo: Path) -> None:
    rules = Path("rules")
    found = stale_generated(rules, load_ruleset(rules))
    assert [str(item) for item in found] == [README_NOTICE, SCHEMA_NOTICE]
    assert [item.command for item in found] == ["advisor ruledoc rules", "advisor schema"]


def test_after_regenerating_nothing_is_stale(repo: Path) -> None:
    assert cli.main(["ruledoc", "rules"]) == 0
    assert cli.main(["schema"]) == 0
    assert stale_generated(Path("rules"), load_ruleset("rules")) == []


def test_without_a_schemas_directory_beside_the_rules_only_the_readme_counts(repo: Path) -> None:
    shutil.rmtree(repo / "schemas")
    found = stale_generated(Path("rules"), load_ruleset("rules"))
    assert [str(item) for item in found] == [README_NOTICE]


def test_validate_reports_stale_files_and_still_succeeds(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["validate", "rules"]) == 0
    captured = capsys.readouterr()
    assert captured.out.endswith("6 rules: no problems\n")
    assert captured.err.splitlines() == [README_NOTICE, SCHEMA_NOTICE]


def test_check_reports_stale_files_and_still_succeeds(repo: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "advisor.cli", "check"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr.splitlines()[:2] == [README_NOTICE, SCHEMA_NOTICE]


def test_the_schema_command_names_the_rules_when_run_from_elsewhere(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # From the folder above: the command must regenerate these schemas from these rules.
    monkeypatch.chdir(repo.parent)
    found = stale_generated(Path("repo/rules"), load_ruleset("repo/rules"))
    commands = [item.command for item in found]
    assert commands[1] == "advisor schema --rules repo/rules --output repo/schemas"
