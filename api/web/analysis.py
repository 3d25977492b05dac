"""The work behind the read-only workbench endpoints: nothing here is recorded in the log.

Profiles are checked and evaluated with the serving rule set, exactly as
`POST /v1/recommendations` does; comparisons use the same analysis as `advisor diff`
(`advisor.analysis.impact`). Runs in a worker thread: the engine is synchronous.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisor import Decision, ProfileError
from advisor.analysis.impact import compare_decisions
from advisor.decision.model import Detail
from advisor.language.profile import Observations, parse_profile

from ..errors import ApiError, problem_out
from ..holder import ServingRuleSet
from .wire import (
    ComparisonOut,
    ExampleOut,
    ExampleOutcome,
    ExamplesOut,
    OverviewCell,
    OverviewOut,
    OverviewRow,
    ProfileCheck,
    RuleUsageOut,
    ScenarioOut,
    ValueChange,
    changes_out,
)
from .workspace import Workspace

__all__ = [
    "check",
    "compare",
    "decide",
    "example_profile",
    "examples",
    "overview",
    "rule_usage",
]


def examples(workspace: Workspace) -> ExamplesOut:
    return ExamplesOut(
        examples=[
            ExampleOut(
                name=example.name,
                country=profile.country,
                period=profile.period,
                indicators=len(profile.indicators),
            )
            for example, profile in workspace.readable_examples()
        ]
    )


def example_profile(workspace: Workspace, name: str) -> dict[str, Any]:
    example = workspace.example(name)
    if example is None:
        raise ApiError(404, "not-found", f'no example profile "{name}"')
    try:
        profile = example.read()
    except ProfileError as exc:
        raise ApiError(
            404, "not-found", f'the example profile "{name}" does not read as a profile: {exc}'
        ) from None
    document: dict[str, Any] = profile.model_dump(mode="json", exclude_defaults=True)
    return document


def observe(serving: ServingRuleSet, document: Any, prefix: str = "") -> Observations:
    """The profile checked against the catalogue; 422 naming each problem's path."""
    try:
        return serving.advisor.observe(parse_profile(document))
    except ProfileError as exc:
        raise ApiError(
            422,
            "invalid-profile",
            "the profile does not fit the indicator catalogue",
            [problem_out(p, prefix) for p in exc.problems],
        ) from None


def check(serving: ServingRuleSet, document: Any) -> ProfileCheck:
    observations = observe(serving, document)
    return ProfileCheck(
        country=observations.country,
        period=observations.period,
        indicators=sorted(observations.indicators),
    )


def decide(
    serving: ServingRuleSet,
    document: Any,
    *,
    detail: Detail = "compact",
    sensitivity: bool = False,
) -> bytes:
    """The decision's JSON as `POST /v1/recommendations` answers it, without its
    `decision_id`: evaluated, not recorded (a view is not a decision acted on)."""
    observations = observe(serving, document)
    decision = serving.advisor.evaluate(observations, detail=detail, sensitivity=sensitivity)
    return decision.to_json_bytes()


def compare(serving: ServingRuleSet, document: Any) -> ComparisonOut:
    """`{"a": profile, "b": profile}`: both decided, and what changes from a to b."""
    if not isinstance(document, dict) or set(document) != {"a", "b"}:
        raise ApiError(
            422,
            "invalid-comparison",
            'a comparison is an object with two profiles, "a" and "b"',
            [],
        )
    problems = []
    observed: list[Observations] = []
    for side in ("a", "b"):
        try:
            observed.append(observe(serving, document[side], side))
        except ApiError as exc:
            problems += exc.problems
    if problems:
        raise ApiError(422, "invalid-profile", "a profile does not fit the catalogue", problems)
    advisor = serving.advisor
    a, b = (advisor.evaluate(o) for o in observed)
    impact = compare_decisions("b", advisor.ruleset, a, advisor.ruleset, b)
    return ComparisonOut(
        ruleset=serving.content_hash,
        a=a.model,
        b=b.model,
        changes=changes_out(impact),
        rules_only=impact.rules_only,
        undetermined=impact.undetermined,
        values=_value_changes(observed[0].indicators, observed[1].indicators),
    )


def _value_changes(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[ValueChange]:
    def plain(value: Any) -> Any:
        return dict(value) if isinstance(value, Mapping) else value

    return [
        ValueChange(indicator=i, before=plain(a.get(i)), after=plain(b.get(i)))
        for i in sorted(a.keys() | b.keys())
        if plain(a.get(i)) != plain(b.get(i))
    ]


def _decide_examples(
    serving: ServingRuleSet, workspace: Workspace
) -> list[tuple[str, Observations, Decision]]:
    """Each readable example that fits the catalogue, decided (the others left out)."""
    decided = []
    for example, profile in workspace.readable_examples():
        try:
            observations = serving.advisor.observe(profile)
        except ProfileError:
            continue
        decided.append((example.name, observations, serving.advisor.evaluate(observations)))
    return decided


def rule_usage(serving: ServingRuleSet, workspace: Workspace, rule_id: str) -> RuleUsageOut:
    rule = serving.advisor.ruleset.rules.get(rule_id)
    if rule is None:
        raise ApiError(404, "not-found", f'no rule "{rule_id}" in the rule set being served')
    spec = rule.spec
    measures = {r.measure for r in spec.recommend}
    measures |= {w.measure for w in spec.withhold} | {s.measure for s in spec.safeguard}
    scenarios = []
    for scenario in workspace.scenarios():
        names_rule = scenario.mentions(rule_id)
        if names_rule or any(scenario.mentions(m) for m in measures):
            scenarios.append(
                ScenarioOut(
                    file=scenario.file,
                    line=scenario.line,
                    name=scenario.name,
                    names_rule=names_rule,
                )
            )
    scenarios.sort(key=lambda s: (not s.names_rule, s.file, s.line))
    outcomes = []
    for name, observations, decision in _decide_examples(serving, workspace):
        status = (
            "fired"
            if rule_id in decision.fired
            else "undetermined"
            if rule_id in decision.undetermined
            else "silent"
        )
        outcomes.append(
            ExampleOutcome(
                example=name,
                country=observations.country,
                period=observations.period,
                status=status,
            )
        )
    return RuleUsageOut(rule=rule_id, scenarios=scenarios, examples=outcomes)


def overview(serving: ServingRuleSet, workspace: Workspace) -> OverviewOut:
    """Every example by every measure it is recommended or withheld: the region at a glance."""
    rows = []
    seen: set[str] = set()
    for name, observations, decision in _decide_examples(serving, workspace):
        cells = [
            OverviewCell(
                measure=r.measure,
                state=r.priority.value,
                provisional=any(s.status == "provisional" for s in r.safeguards),
                possibly_withheld=bool(r.possibly_withheld_by),
            )
            for r in decision.recommendations
        ]
        cells += [OverviewCell(measure=w.measure, state="withheld") for w in decision.withheld]
        seen |= {cell.measure for cell in cells}
        rows.append(
            OverviewRow(
                example=name,
                country=observations.country,
                period=observations.period,
                cells=cells,
            )
        )
    measures = [m for m in serving.advisor.ruleset.measures if m in seen]
    return OverviewOut(ruleset=serving.content_hash, measures=measures, rows=rows)
