"""Run a rule repository's Gherkin features in a child pytest, and read what they covered.

The features run with only pytest-bdd and the advisor plugin loaded and none of
the host project's pytest configuration, so a rule repository's CI gets the
same result as a developer's machine. The child's report goes to the terminal
as it runs; the caller gets pytest's verdict and each rule's coverage.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from advisor.analysis.coverage import RuleCoverage, read_records, rule_coverage
from advisor.language.ruleset import RuleSet

__all__ = ["ScenarioRun", "run_features"]

# pytest's own exit codes: 0 all passed, 1 some failed; the others mean nothing ran
_PYTEST_OK, _PYTEST_FAILED = 0, 1
_NOT_RUN = {2: "a feature file could not be read (see above)", 5: "no scenario found"}


@dataclass(frozen=True)
class ScenarioRun:
    """pytest's exit code, and each rule's coverage when the scenarios ran."""

    pytest_code: int
    coverage: list[RuleCoverage] = field(default_factory=list)

    @property
    def ran(self) -> bool:
        """The scenarios ran (whether or not they all passed)."""
        return self.pytest_code in (_PYTEST_OK, _PYTEST_FAILED)

    @property
    def passed(self) -> bool:
        return self.pytest_code == _PYTEST_OK

    @property
    def why_not_run(self) -> str:
        """Why nothing ran, in words ("" when the scenarios ran)."""
        if self.ran:
            return ""
        return _NOT_RUN.get(self.pytest_code, f"pytest stopped with exit code {self.pytest_code}")

    @property
    def input_at_fault(self) -> bool:
        """Nothing ran because of the features themselves (unreadable, or no scenario)."""
        return self.pytest_code in _NOT_RUN

    @property
    def uncovered(self) -> list[RuleCoverage]:
        return [c for c in self.coverage if not c.covered]


def run_features(
    ruleset: RuleSet,
    rules: Path,
    features: Path,
    profiles: Path,
    junit_xml: Path | None = None,
) -> ScenarioRun:
    """Run the features against the rules in `rules` (loaded as `ruleset`)."""
    with tempfile.TemporaryDirectory(prefix="advisor-check-") as scratch:
        record_file = Path(scratch) / "coverage.json"
        command = _pytest_command(Path(scratch), rules, features, profiles, record_file)
        if junit_xml is not None:
            command += ["--junit-xml", str(junit_xml)]
        # Only the two plugins the command names: nothing else installed may change the run.
        env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
        code = subprocess.run(command, env=env, check=False).returncode
        run = ScenarioRun(code)
        if not run.ran:
            return run
        return ScenarioRun(code, rule_coverage(ruleset, read_records(record_file)))


def _pytest_command(
    scratch: Path, rules: Path, features: Path, profiles: Path, record_file: Path
) -> list[str]:
    # An empty ini keeps the host project's pytest settings (addopts, strict markers) out.
    ini = scratch / "pytest.ini"
    ini.write_text("[pytest]\n", encoding="utf-8")
    return [
        sys.executable,
        "-m",
        "pytest",
        str(features),
        "-c",
        str(ini),
        "--rootdir",
        os.getcwd(),
        "-p",
        "pytest-bdd",
        "-p",
        "advisor",
        "-p",
        "no:cacheprovider",
        "-q",
        "--advisor-rules",
        str(rules),
        "--advisor-profiles",
        str(profiles),
        "--advisor-coverage",
        str(record_file),
    ]
