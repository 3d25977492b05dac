"""A rule directory: its files, checked whole into a `RuleSet` (see `validation`)."""

from __future__ import annotations

from pathlib import Path

from advisor.errors import Location, Problem, RuleSetError, errors_among
from advisor.hints import display_path
from advisor.language.loader import load_yaml
from advisor.language.ruleset import RuleSet
from advisor.language.validation.checker import RuleFileChecker

__all__ = ["check_ruleset", "load_ruleset", "rule_files"]


def rule_files(directory: Path) -> list[Path]:
    """The rule files of a directory, recursively, in a stable order."""
    found = [*directory.rglob("*.yaml"), *directory.rglob("*.yml")]
    return sorted(
        p for p in found if not any(part.startswith(".") for part in p.relative_to(directory).parts)
    )


def load_ruleset(directory: Path | str) -> RuleSet:
    """Load and check a rule directory; raises `RuleSetError` listing every problem.

    Warnings alone do not stop it: the rule set loads.
    """
    problems, ruleset = check_ruleset(directory)
    if ruleset is None:
        raise RuleSetError(problems)
    return ruleset


def check_ruleset(directory: Path | str) -> tuple[list[Problem], RuleSet | None]:
    """Every problem of a rule directory (warnings too), sorted; the rule set unless an error."""
    root = Path(directory)
    if not root.is_dir():
        where = Location(display_path(root))
        return [Problem(where, "rule directory not found", "no-rules")], None
    files = rule_files(root)
    if not files:
        where = Location(display_path(root))
        return [Problem(where, "no rule files (*.yaml) here", "no-rules")], None
    collector = RuleFileChecker()
    for path in files:
        collector.add_document(load_yaml(path, display_path(path)))
    ruleset = collector.finish()
    problems = sorted(set(collector.problems))
    return problems, (ruleset if not errors_among(problems) else None)
