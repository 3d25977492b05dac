"""The rule map: indicators -> signals -> rules -> measures, as nodes and edges.

Nodes are grouped: indicators by their source (the part of the id before the
first dot, e.g. fsi), signals together, rules by the file that defines them, measures by
area. Edges from an indicator carry the threshold the condition applies to it
(`>= 9`, `between 5 and 8`), so the map shows where the lines are drawn. A
rule's edge to a measure is labelled with the priority it recommends, or is
drawn dashed red when it withholds the measure and thick orange when it
attaches a safeguard. `rulemap_render` draws the map as Mermaid, DOT or SVG.

What feeds a rule or signal directly must all hold (the top of a condition is an
`all`). An `any`, and a `not` over more than one atom or a signal, get a junction
node of their own between what they join and the rule ("any of 2", "not", and "all
of 2" for an `all` inside them), so alternatives never look like requirements. A
`not` over a single atom stays on the edge's label (`not > -1.5`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from advisor.decision.policy import ActionKind, PolicyIndex
from advisor.language.expressions import AllOf, AnyOf, Atom, Condition, Not, SignalRef
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
#: junctions (any, not) are drawn between the groups, in no group of their own
KINDS = ("indicator", "signal", "rule", "measure", "junction")


@dataclass(frozen=True)
class Node:
    kind: str  # indicator, signal, rule, measure, junction
    id: str
    group: str
    #: what the node shows, when not its id (a junction's "any of 2")
    label: str = ""

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
        """Nodes by group, groups in the order indicators, signals, rules, measures.

        Junctions are in no group (see `junctions`).
        """
        ordered = sorted(self.nodes.values(), key=lambda n: (KINDS.index(n.kind), n.group, n.id))
        found: dict[str, list[Node]] = {}
        for node in ordered:
            if node.kind != "junction":
                found.setdefault(node.group, []).append(node)
        return found

    def junctions(self) -> list[Node]:
        """The any / all / not junctions, in the order they were built."""
        return [node for node in self.nodes.values() if node.kind == "junction"]


# --------------------------------------------------------------------------- building


def _label(atom: Atom, negated: bool) -> str:
    """The atom's text with its indicator left out: the edge already comes from it."""
    operand = atom.operand
    text = atom.text.replace(operand.key, operand.function or "", 1).strip()
    return f"not {text}".strip() if negated else text


class _Reads:
    """The edges into one rule or signal from what its condition reads, with junctions."""

    def __init__(self, graph: RuleMap, owner: str) -> None:
        self.graph, self.owner = graph, owner
        self.labels: dict[tuple[str, str], list[str]] = {}  # (source, target) -> labels
        self.count = 0

    def draw(self, condition: Condition, target: str, joins_all: bool = True) -> None:
        """Edges from what `condition` reads into `target`; `joins_all`: target needs all."""
        if isinstance(condition, AllOf) and joins_all:
            for item in condition.items:
                self.draw(item, target)
        elif isinstance(condition, AllOf | AnyOf):
            word = "all" if isinstance(condition, AllOf) else "any"
            junction = self._junction(f"{word} of {len(condition.items)}", target)
            for item in condition.items:
                self.draw(item, junction, joins_all=word == "all")
        elif isinstance(condition, Not) and isinstance(condition.item, SignalRef):
            self._edge(f"signal:{condition.item.signal}", target, "not")
        elif isinstance(condition, Not) and isinstance(condition.item, Atom):
            self._atom(condition.item, target, negated=True)
        elif isinstance(condition, Not):
            self.draw(condition.item, self._junction("not", target), joins_all=False)
        elif isinstance(condition, SignalRef):
            self._edge(f"signal:{condition.signal}", target, "")
        else:
            self._atom(condition, target, negated=False)

    def edges(self) -> list[Edge]:
        return [
            Edge(source, target, READS, "; ".join(filter(None, labels)))
            for (source, target), labels in self.labels.items()
        ]

    def _junction(self, label: str, target: str) -> str:
        self.count += 1
        node = Node("junction", f"{self.owner}/{self.count}", "", label)
        self.graph.nodes[node.key] = node
        self._edge(node.key, target, "")
        return node.key

    def _atom(self, atom: Atom, target: str, *, negated: bool) -> None:
        self._edge(f"indicator:{atom.operand.indicator}", target, _label(atom, negated))

    def _edge(self, source: str, target: str, label: str) -> None:
        labels = self.labels.setdefault((source, target), [])
        if label not in labels:
            labels.append(label)


def _reads(graph: RuleMap, condition: Condition, target: str) -> list[Edge]:
    reads = _Reads(graph, target)
    reads.draw(condition, target)
    return reads.edges()


def build_map(ruleset: RuleSet) -> RuleMap:
    """The whole rule set as a map."""
    graph = RuleMap()
    policy = PolicyIndex(ruleset)
    for signal in ruleset.signals.values():
        node = Node("signal", signal.id, "signals")
        graph.nodes[node.key] = node
        graph.edges += _reads(graph, signal.condition, node.key)
    for rule in ruleset.rules.values():
        node = Node("rule", rule.id, f"rules: {Path(rule.location.file).name}")
        graph.nodes[node.key] = node
        graph.edges += _reads(graph, rule.condition, node.key)
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
