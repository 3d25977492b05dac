"""What the workbench reads beside the rule directory: example profiles and feature files.

A rule repository keeps `examples/profiles/` and `features/` next to `rules/` (the layout
`advisor check` and `advisor diff` assume); the workbench offers those profiles as
examples and lists the scenarios that test each rule. Either folder may be absent: the
workbench then offers no examples, or no scenarios.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from advisor import ProfileError, SituationProfile, read_profile
from advisor.language.profile import PROFILE_SUFFIXES

__all__ = ["ExampleProfile", "Scenario", "Workspace"]

#: an example's name is its file name without the suffix: lowercase words and digits
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,80}$")
_SCENARIO = re.compile(r"^\s*(Scenario(?: Outline| Template)?|Example):\s*(.*?)\s*$")
_FEATURE = re.compile(r"^\s*(Feature|Rule|Background):")


@dataclass(frozen=True)
class ExampleProfile:
    name: str
    path: Path

    def read(self) -> SituationProfile:
        """The profile; `ProfileError` if the file is not a readable profile."""
        return read_profile(self.path)


@dataclass(frozen=True)
class Scenario:
    """A scenario of a feature file, with the text of its steps and examples."""

    file: str
    line: int
    name: str
    text: str

    def mentions(self, word: str) -> bool:
        """Whether the scenario names `word` (a rule or measure id) as a whole word."""
        return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", self.text) is not None


class Workspace:
    """The folders beside a rule directory."""

    def __init__(self, rules_dir: Path) -> None:
        root = rules_dir.resolve().parent
        self.examples_dir = root / "examples" / "profiles"
        self.features_dir = root / "features"

    def examples(self) -> list[ExampleProfile]:
        """The example profiles, by name (none when the folder is absent)."""
        if not self.examples_dir.is_dir():
            return []
        found = [
            ExampleProfile(path.stem, path)
            for path in sorted(self.examples_dir.iterdir())
            if path.suffix.lower() in PROFILE_SUFFIXES and _NAME.match(path.stem)
        ]
        return found

    def example(self, name: str) -> ExampleProfile | None:
        return next((e for e in self.examples() if e.name == name), None)

    def readable_examples(self) -> list[tuple[ExampleProfile, SituationProfile]]:
        """Each example that reads as a profile (a broken file is left out, not fatal)."""
        readable = []
        for example in self.examples():
            try:
                readable.append((example, example.read()))
            except ProfileError:
                continue
        return readable

    def scenarios(self) -> list[Scenario]:
        """Every scenario of the feature files, read as text (steps and example tables)."""
        if not self.features_dir.is_dir():
            return []
        found: list[Scenario] = []
        for path in sorted(self.features_dir.rglob("*.feature")):
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                continue
            found += _scenarios(path.relative_to(self.features_dir.parent).as_posix(), lines)
        return found


def _scenarios(file: str, lines: list[str]) -> list[Scenario]:
    found: list[Scenario] = []
    current: tuple[int, str] | None = None
    body: list[str] = []

    def close() -> None:
        if current is not None:
            found.append(Scenario(file, current[0], current[1], "\n".join(body)))

    for number, line in enumerate(lines, start=1):
        heading = _SCENARIO.match(line)
        if heading or _FEATURE.match(line):
            close()
            current, body = ((number, heading.group(2)) if heading else None), []
        elif current is not None and not line.lstrip().startswith("#"):
            body.append(line)
    close()
    return found
