"""The catalogues and rules of the serving rule set, each with where it is defined."""

from __future__ import annotations

from fastapi import APIRouter

from advisor import Location

from ..access.deps import ACCESS_ERRORS, Signed
from ..deps import Serving
from ..errors import ApiError, LocationOut
from ..holder import ServingRuleSet
from ..rule_paths import relative_location
from ..schemas import (
    IndicatorOut,
    IndicatorsOut,
    MeasureOut,
    MeasuresOut,
    RuleOut,
    RulesOut,
    SignalOut,
    SignalsOut,
    location_out,
)
from ._responses import errors

router = APIRouter(prefix="/v1", tags=["rule set"], dependencies=[Signed], responses=ACCESS_ERRORS)


@router.get("/indicators", summary="The indicator catalogue")
def indicators(serving: Serving) -> IndicatorsOut:
    ruleset = serving.advisor.ruleset
    where = ruleset.locations
    return IndicatorsOut(
        ruleset=ruleset.content_hash,
        indicators=[
            IndicatorOut.model_validate(
                {**spec.model_dump(), "location": _where(serving, where[("indicator", i)])}
            )
            for i, spec in ruleset.indicators.items()
        ],
    )


@router.get("/measures", summary="The measure catalogue")
def measures(serving: Serving) -> MeasuresOut:
    ruleset = serving.advisor.ruleset
    where = ruleset.locations
    return MeasuresOut(
        ruleset=ruleset.content_hash,
        measures=[
            MeasureOut.model_validate(
                {**spec.model_dump(), "location": _where(serving, where[("measure", m)])}
            )
            for m, spec in ruleset.measures.items()
        ],
    )


@router.get("/signals", summary="The signals, in dependency order")
def signals(serving: Serving) -> SignalsOut:
    ruleset = serving.advisor.ruleset
    return SignalsOut(
        ruleset=ruleset.content_hash,
        signals=[
            SignalOut.model_validate(
                {**signal.spec.model_dump(), "location": _where(serving, signal.location)}
            )
            for signal in ruleset.signals.values()
        ],
    )


@router.get("/rules", summary="The rules")
def rules(serving: Serving) -> RulesOut:
    return RulesOut(
        ruleset=serving.content_hash,
        rules=[_rule(serving, rule_id) for rule_id in serving.advisor.ruleset.rules],
    )


@router.get("/rules/{rule_id}", summary="One rule", responses=errors(e404="No rule has this id."))
def rule(rule_id: str, serving: Serving) -> RuleOut:
    if rule_id not in serving.advisor.ruleset.rules:
        raise ApiError(404, "not-found", f'no rule "{rule_id}" in the rule set being served')
    return _rule(serving, rule_id)


def _rule(serving: ServingRuleSet, rule_id: str) -> RuleOut:
    rule = serving.advisor.ruleset.rules[rule_id]
    return RuleOut.model_validate(
        {
            **rule.spec.model_dump(),
            "location": _where(serving, rule.location),
            "reads": sorted(rule.indicators),
        }
    )


def _where(serving: ServingRuleSet, location: Location) -> LocationOut:
    return relative_location(location_out(location), serving.directory)
