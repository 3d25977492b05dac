"""The workload as a zen-engine (GoRules) decision graph.

Input -> an expression node computing every signal in dependency order (a
signal refers to an earlier one as `$.sNN`; `passThrough` keeps the
indicators) -> one decision table with the collect hit policy, one row per
rule: a column per indicator (unary tests such as `>= 55.25`), a column per
signal (`true` / `false`), and one expression column for an any-of clause
across indicators -> output. The result is the list of rows that matched.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import zen

from .workload import Either, SignalUse, Threshold, Workload, indicator_key, signal_id

__all__ = ["ZenProgram", "graph"]

_POSITION = {"x": 0, "y": 0}
_EITHER = "either"


class ZenProgram:
    def __init__(self, workload: Workload) -> None:
        self.content = json.dumps(graph(workload))
        self.decision = zen.ZenEngine().create_decision(self.content)

    def run(self, profile: Mapping[str, float]) -> list[str]:
        """The ids of the rules that fired."""
        result = self.decision.evaluate(dict(profile))["result"]
        return [row["rule"] for row in result]


def graph(workload: Workload) -> dict[str, Any]:
    expressions = [
        {
            "id": f"e{signal.index}",
            "key": signal.id,
            "value": (" or " if signal.any else " and ").join(_expression(p) for p in signal.parts),
        }
        for signal in workload.signals
    ]
    indicators = sorted({t.indicator for r in workload.rules for t in r.thresholds})
    signals = sorted(
        {p.signal for r in workload.rules for p in r.parts if isinstance(p, SignalUse)}
    )
    inputs = [
        {"id": indicator_key(i), "name": indicator_key(i), "field": indicator_key(i)}
        for i in indicators
    ]
    inputs += [{"id": signal_id(s), "name": signal_id(s), "field": signal_id(s)} for s in signals]
    # An empty field makes each cell a full expression over the input.
    inputs.append({"id": _EITHER, "name": "any of", "field": ""})
    rows = []
    for rule in workload.rules:
        row = {column["id"]: "" for column in inputs}
        row["_id"] = rule.id
        for part in rule.parts:
            if isinstance(part, Threshold):
                row[indicator_key(part.indicator)] = f"{part.op} {part.value}"
            elif isinstance(part, Either):
                row[_EITHER] = _expression(part)
            else:
                row[signal_id(part.signal)] = "true" if part.holds else "false"
        row["rule"] = json.dumps(rule.id)
        rows.append(row)
    nodes = [
        {"id": "request", "type": "inputNode", "name": "request", "position": _POSITION},
        {
            "id": "signals",
            "type": "expressionNode",
            "name": "signals",
            "position": _POSITION,
            "content": {"expressions": expressions, "passThrough": True},
        },
        {
            "id": "rules",
            "type": "decisionTableNode",
            "name": "rules",
            "position": _POSITION,
            "content": {
                "hitPolicy": "collect",
                "inputs": inputs,
                "outputs": [{"id": "rule", "name": "rule", "field": "rule"}],
                "rules": rows,
            },
        },
        {"id": "response", "type": "outputNode", "name": "response", "position": _POSITION},
    ]
    edges = [
        {"id": f"edge{k}", "type": "edge", "sourceId": a, "targetId": b}
        for k, (a, b) in enumerate(
            [("request", "signals"), ("signals", "rules"), ("rules", "response")]
        )
    ]
    return {"contentType": "application/vnd.gorules.decision", "nodes": nodes, "edges": edges}


def _expression(part: Threshold | Either | SignalUse) -> str:
    if isinstance(part, Threshold):
        return f"{indicator_key(part.indicator)} {part.op} {part.value}"
    if isinstance(part, Either):
        return "(" + " or ".join(_expression(t) for t in part.items) + ")"
    return f"{'' if part.holds else 'not '}$.{signal_id(part.signal)}"
