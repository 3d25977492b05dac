"""A rule directory: its files, checked whole into a `RuleSet` (see `validation`)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from advisor.errors import Location, Problem, RuleSetError, errors_among
from advisor.hints import display_path
from advisor.language.loader import load_yaml, parse_yaml
from advisor.language.ruleset import RuleSet
from advisor.language.validation.checker import RuleFileChecker

__all__ = ["check_ruleset", "load_ruleset", "rule_files", "rule_texts", "ruleset_from_texts"]


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


def rule_texts(directory: Path | str) -> dict[str, str]:
    """The text of each rule file of a directory, by the name problems give it.

    With `ruleset_from_texts`, a rule set travels as its content: a process that has
    no rule files (a Dask worker) builds the very rule set the files give here.
    Raises `RuleSetError` for a file it cannot read.
    """
    root = Path(directory)
    texts: dict[str, str] = {}
    for path in rule_files(root):
        name = display_path(path)
        try:
            texts[name] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problem = Problem(Location(name), f"cannot read: {exc}", "unreadable")
            raise RuleSetError([problem]) from None
    return texts


def ruleset_from_texts(texts: Mapping[str, str]) -> RuleSet:
    """The rule set of rule files given as name -> text; raises `RuleSetError` as
    `load_ruleset` does."""
    collector = RuleFileChecker()
    for name, text in texts.items():
        collector.add_document(parse_yaml(text, name))
    ruleset = collector.finish()
    problems = sorted(set(collector.problems))
    if ruleset is None or errors_among(problems) or not texts:
        raise RuleSetError(problems or [Problem(Location("<rules>"), "no rule files", "no-rules")])
    return ruleset
