"""The pytest plugin: collects `.feature` files, runs them against a rule set, records coverage.

Registered through the `pytest11` entry point "advisor", so it loads in every
pytest run of an environment where the package is installed. It collects
`.feature` files only when given a rule directory (`--advisor-rules DIR` or the
`advisor_rules` ini setting), so it leaves alone projects that bind their own
features, and feature files kept as test fixtures.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd.parser import Feature, Scenario, Step

from advisor.analysis.coverage import ScenarioRecord, write_records
from advisor.decide import Advisor
from advisor.errors import RuleSetError
from advisor.hints import display_path

from .case import Case, StepProblem
from .collect import FeatureFile
from .vocabulary import closest_step

# The step definitions are fixtures: registering the module as a plugin makes them visible.
pytest_plugins = ["advisor.bdd.steps"]

_OPTIONS = {
    "rules": "rule directory the features run against; .feature files are collected only with it",
    "profiles": 'directory of the profiles named by "Given the ... profile" (sub-folders too)',
}
_DEFAULTS = {"rules": "", "profiles": "examples/profiles"}


@dataclass(frozen=True)
class _Failure:
    """The step that failed, where it is, and why."""

    feature: str
    step: Step
    message: str
    #: a step or the engine raised something unexpected
    bug: bool = False

    def render(self) -> str:
        step = f"{self.step.keyword.strip()} {self.step.name}"
        detail = self.message.replace("\n", "\n  ")
        return f"{self.feature}:{self.step.line_number}: {step}\n  {detail}"


_CASE = pytest.StashKey[Case]()
_SCENARIO = pytest.StashKey[tuple[str, int, str]]()
_FAILURE = pytest.StashKey[_Failure]()
_RECORDS = pytest.StashKey[list[ScenarioRecord]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("advisor", "Cooperation Advisor features")
    for name, text in _OPTIONS.items():
        default = f" (default: {_DEFAULTS[name]})" if _DEFAULTS[name] else ""
        group.addoption(f"--advisor-{name}", metavar="DIR", help=text + default)
        parser.addini(f"advisor_{name}", text + default, default=_DEFAULTS[name])
    group.addoption(
        "--advisor-coverage",
        metavar="FILE",
        help="write, as JSON, which rules fired and which stayed silent in each passing scenario",
    )


def _path(config: pytest.Config, name: str) -> Path | None:
    """An option is relative to where pytest was started; an ini value, to the rootdir."""
    option = config.getoption(f"--advisor-{name}")
    if option:
        return config.invocation_params.dir / str(option)
    value = config.getini(f"advisor_{name}")
    return config.rootpath / str(value) if value else None


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_RECORDS] = []


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".feature" and _path(parent.config, "rules") is not None:
        feature: pytest.Collector = FeatureFile.from_parent(parent, path=file_path)
        return feature
    return None


@pytest.fixture(scope="session")
def advisor_rules(pytestconfig: pytest.Config) -> Iterator[Advisor]:
    """The rule set, compiled once for the whole run: compiling is the slow part."""
    directory = _path(pytestconfig, "rules")
    if directory is None:
        pytest.fail("no rule directory: give --advisor-rules DIR", pytrace=False)
    try:
        advisor = Advisor.from_directory(directory)
    except RuleSetError as exc:
        pytest.fail(f"the rule files have problems:\n{exc}", pytrace=False)
    yield advisor
    advisor.close()


@pytest.fixture
def advisor_case(
    request: pytest.FixtureRequest, advisor_rules: Advisor, pytestconfig: pytest.Config
) -> Case:
    """The profile this scenario builds and the decision it gets."""
    profiles = _path(pytestconfig, "profiles")
    assert profiles is not None  # it has a default
    case = Case(advisor_rules, profiles)
    request.node.stash[_CASE] = case
    return case


def pytest_bdd_before_scenario(
    request: pytest.FixtureRequest, feature: Feature, scenario: Scenario
) -> None:
    where = display_path(Path(feature.filename))
    request.node.stash[_SCENARIO] = (where, scenario.line_number, scenario.name)


def pytest_bdd_before_step_call(
    request: pytest.FixtureRequest,
    feature: Feature,
    scenario: Scenario,
    step: Step,
    step_func: Callable[..., object],
    step_func_args: dict[str, object],
) -> None:
    # Where a step vouches for an undetermined rule, `advisor check` points at that step.
    case = request.node.stash.get(_CASE, None)
    if case is not None:
        case.step_at = (step.line_number, step.indent + 1)


def pytest_bdd_step_error(
    request: pytest.FixtureRequest,
    feature: Feature,
    scenario: Scenario,
    step: Step,
    step_func: Callable[..., object],
    step_func_args: dict[str, object],
    exception: Exception,
) -> None:
    bug = not isinstance(exception, StepProblem)
    message = f"{type(exception).__name__}: {exception}" if bug else str(exception)
    where = display_path(Path(feature.filename))
    request.node.stash[_FAILURE] = _Failure(where, step, message, bug)


def pytest_bdd_step_func_lookup_error(
    request: pytest.FixtureRequest,
    feature: Feature,
    scenario: Scenario,
    step: Step,
    exception: Exception,
) -> None:
    hint = closest_step(step.type, step.name)
    message = "no step of the advisor's vocabulary reads like this" + (
        f' (did you mean "{step.type.capitalize()} {hint}"?)' if hint else ""
    )
    request.node.stash[_FAILURE] = _Failure(display_path(Path(feature.filename)), step, message)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when != "call":
        return report
    failure = item.stash.get(_FAILURE, None)
    if report.failed and failure is not None:
        text = failure.render()
        if failure.bug:  # not the feature's fault: keep the traceback below the step
            text += "\n\n" + report.longreprtext
        report.longrepr = text
    case = item.stash.get(_CASE, None)
    where = item.stash.get(_SCENARIO, None)
    if report.passed and case is not None and where is not None:
        feature, line, name = where
        item.config.stash[_RECORDS].extend(
            ScenarioRecord(item.nodeid, feature, line, name, outcome, gaps)
            for outcome, gaps in zip(case.evaluations, case.gaps, strict=True)
        )
    return report


def pytest_sessionfinish(session: pytest.Session) -> None:
    target: Any = session.config.getoption("--advisor-coverage")
    if target:
        records: list[ScenarioRecord] = session.config.stash[_RECORDS]
        write_records(session.config.invocation_params.dir / str(target), records)
