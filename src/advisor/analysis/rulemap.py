"""The rule map: indicators -> signals -> rules -> measures, as nodes and edges.

Nodes are grouped: indicators by their source (the part of the id before the
first dot, e.g. fsi), signals together, rules by the file that defines them, measures by
area. Edges from an indicator carry the threshold the condition applies to it
(`>= 9`, `between 5 and 8`), so the map shows where the lines are drawn. A
rule's edge to a measure is labelled with the priority it recommends, or is
drawn dashed red when it withholds the measure and thick orange when it
attaches a safeguard. `rulemap_render` draws the map as Mermaid, DOT or SVG.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from advisor.decision.policy import ActionKind, PolicyIndex
from advisor.language.expressions import AllOf, AnyOf, Atom, Condition, Not, SignalRef, signal_refs
from advisor.language.ruleset import RuleSet

__all__ = [
    "KINDS",
    "READS",
    "RECOMMEND",
    "SAFEGUARD",
    "WITHHOLD",
    "Edge",
    "Node",
    "RuleMap",
    "build_map",
    "focus",
]

READS = "reads"
#: the kinds of a rule's edges to measures are the policy's kinds of action
RECOMMEND, WITHHOLD, SAFEGUARD = ActionKind.RECOMMEND, ActionKind.WITHHOLD, ActionKind.SAFEGUARD
_ACTION_LABELS = {WITHHOLD: "withholds", SAFEGUARD: "safeguard"}
KINDS = ("indicator", "signal", "rule", "measure")


@dataclass(frozen=True)
class Node:
    kind: str  # indicator, signal, rule, measure
    id: str
    group: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class Edge:
    source: str  # node keys
    target: str
    kind: str  # reads, recommend, withhold, safeguard
    label: str = ""


@dataclass
class RuleMap:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    #: catalogued indicators that no signal or rule reads (not drawn)
    unread: list[str] = field(default_factory=list)

    def groups(self) -> dict[str, list[Node]]:
        """Nodes by group, groups in the order indicators, signals, rules, measures."""
        ordered = sorted(self.nodes.values(), key=lambda n: (KINDS.index(n.kind), n.group, n.id))
        found: dict[str, list[Node]] = {}
        for node in ordered:
            found.setdefault(node.group, []).append(node)
        return found


# --------------------------------------------------------------------------- building


def _thresholds(condition: Condition, negated: bool = False) -> Iterable[tuple[Atom, bool]]:
    """Each atom with whether it sits under an odd number of `not`s."""
    if isinstance(condition, AllOf | AnyOf):
        for item in condition.items:
            yield from _thresholds(item, negated)
    elif isinstance(condition, Not):
        yield from _thresholds(condition.item, not negated)
    elif not isinstance(condition, SignalRef):
        yield condition, negated


def _label(atom: Atom, negated: bool) -> str:
    """The atom's text with its indicator left out: the edge already comes from it."""
    operand = atom.operand
    text = atom.text.replace(operand.key, operand.function or "", 1).strip()
    return f"not {text}".strip() if negated else text


def _reads(condition: Condition, target: str) -> list[Edge]:
    labels: dict[str, list[str]] = {}
    for atom, negated in _thresholds(condition):
        key = f"indicator:{atom.operand.indicator}"
        label = _label(atom, negated)
        if label not in labels.setdefault(key, []):
            labels[key].append(label)
    edges = [
        Edge(key, target, READS, "; ".join(filter(None, found))) for key, found in labels.items()
    ]
    signals = sorted({f"signal:{ref.signal}" for ref in signal_refs(condition)})
    return edges + [Edge(key, target, READS) for key in signals]


def build_map(ruleset: RuleSet) -> RuleMap:
    """The whole rule set as a map."""
    graph = RuleMap()
    policy = PolicyIndex(ruleset)
    for signal in ruleset.signals.values():
        node = Node("signal", signal.id, "signals")
        graph.nodes[node.key] = node
        graph.edges += _reads(signal.condition, node.key)
    for rule in ruleset.rules.values():
        node = Node("rule", rule.id, f"rules: {Path(rule.location.file).name}")
        graph.nodes[node.key] = node
        graph.edges += _reads(rule.condition, node.key)
        for action in policy.of(rule.id):
            label = action.priority.value if action.priority else _ACTION_LABELS[action.kind]
            graph.edges.append(Edge(node.key, f"measure:{action.measure}", action.kind, label))
    for measure_id, measure in ruleset.measures.items():
        node = Node("measure", measure_id, f"measures: {measure.area.value}")
        graph.nodes[node.key] = node
    read = {e.source.split(":", 1)[1] for e in graph.edges if e.source.startswith("indicator:")}
    for indicator_id in sorted(read):
        node = Node("indicator", indicator_id, f"indicators: {indicator_id.split('.')[0]}")
        graph.nodes[node.key] = node
    graph.unread = sorted(set(ruleset.indicators) - read)
    return graph


def focus(graph: RuleMap, measures: Iterable[str] = (), rules: Iterable[str] = ()) -> RuleMap:
    """Only the given measures and rules and what feeds them (a rule keeps its measures too)."""
    keep = {f"measure:{m}" for m in measures} | {f"rule:{r}" for r in rules}
    pending = list(keep)
    while pending:
        key = pending.pop()
        for edge in graph.edges:
            # Upstream only: a measure pulls in the rules acting on it, a rule what it reads.
            if edge.target == key and edge.source not in keep:
                keep.add(edge.source)
                pending.append(edge.source)
    # A focused rule's own measures, but not the other rules acting on them.
    keep |= {e.target for e in graph.edges if e.source in {f"rule:{r}" for r in rules}}
    return RuleMap(
        {k: n for k, n in graph.nodes.items() if k in keep},
        [e for e in graph.edges if e.source in keep and e.target in keep],
    )
