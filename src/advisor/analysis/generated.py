"""Generated files beside a rule set that no longer match it, and the command that renews each.

Two kinds of file are generated from what analysts write and committed:
the tables of `RULES_DIR/README.md` (`advisor ruledoc`) and the JSON Schemas
editors read (`advisor schema`, into `schemas/` beside the rule directory, as
in this repository). `advisor validate` and `advisor check` report them here,
where analysts look, rather than only in a test; they are notices, not
problems: a stale table does not change a decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from advisor.analysis.ruledoc import render_blocks
from advisor.hints import display_path
from advisor.language.json_schema import stale_files
from advisor.language.ruleset import RuleSet

__all__ = ["StaleFile", "stale_generated"]


@dataclass(frozen=True)
class StaleFile:
    """A generated file (or directory of them) out of date, and how to regenerate it."""

    path: Path
    why: str
    command: str

    def __str__(self) -> str:
        return f"{display_path(self.path)}: {self.why} (run: {self.command})"


def stale_generated(rules: Path, ruleset: RuleSet) -> list[StaleFile]:
    """The rule directory's README tables and its schemas, where they exist and are stale."""
    found = []
    readme = rules / "README.md"
    if readme.is_file():
        text = readme.read_text(encoding="utf-8")
        if render_blocks(text, ruleset) != text:
            found.append(
                StaleFile(
                    readme,
                    "generated tables are out of date",
                    f"advisor ruledoc {display_path(rules)}",
                )
            )
    # Only where a schemas directory sits beside the rules: a rule set elsewhere
    # (a test's, an analyst's scratch copy) has no schemas of its own to keep.
    schemas = rules.resolve().parent / "schemas"
    if schemas.is_dir():
        stale = stale_files(schemas, ruleset=ruleset)
        if stale:
            names = ", ".join(f"{item.path.name} ({item.why})" for item in stale)
            command = _schema_command(rules, schemas)
            found.append(StaleFile(schemas, f"schemas out of date: {names}", command))
    return found


def _schema_command(rules: Path, schemas: Path) -> str:
    """`advisor schema` with the options that name these folders, where not the defaults."""
    command = "advisor schema"
    if display_path(rules) != "rules":
        command += f" --rules {display_path(rules)}"
    if display_path(schemas) != "schemas":
        command += f" --output {display_path(schemas)}"
    return command
