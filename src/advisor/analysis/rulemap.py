"""The rule map: indicators -> signals -> rules -> measures, as Mermaid, DOT or SVG.

Nodes are grouped: indicators by their source (the part of the id before the
first dot, e.g. fsi), signals together, rules by the file that defines them, measures by
area. Edges from an indicator carry the threshold the condition applies to it
(`>= 9`, `between 5 and 8`), so the map shows where the lines are drawn. A
rule's edge to a measure is labelled with the priority it recommends, or is
drawn dashed red when it withholds the measure and thick orange when it
attaches a safeguard.

Mermaid and DOT are text and need nothing installed; SVG runs Graphviz's `dot`
(exit 2 with how to install it when it is missing, 3 when it fails).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from advisor.errors import RuleSetError
from advisor.hints import did_you_mean
from advisor.language.expressions import AllOf, AnyOf, Atom, Condition, Not, SignalRef, signal_refs
from advisor.language.files import load_ruleset
from advisor.language.ruleset import RuleSet

__all__ = [
    "INSTALL_GRAPHVIZ",
    "Edge",
    "Node",
    "RuleMap",
    "add_graph_parser",
    "build_map",
    "focus",
    "run_graph",
    "to_dot",
    "to_mermaid",
    "to_svg",
]

INSTALL_GRAPHVIZ = (
    "--format svg needs Graphviz's dot program, which is not installed. Install it with "
    "'apt-get install graphviz' (Debian, Ubuntu), 'brew install graphviz' (macOS) or from "
    "https://graphviz.org/download/, or use --format mermaid or --format dot, "
    "which need nothing installed."
)

READS, RECOMMEND, WITHHOLD, SAFEGUARD = "reads", "recommend", "withhold", "safeguard"
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
    for signal in ruleset.signals.values():
        node = Node("signal", signal.id, "signals")
        graph.nodes[node.key] = node
        graph.edges += _reads(signal.condition, node.key)
    for rule in ruleset.rules.values():
        node = Node("rule", rule.id, f"rules: {Path(rule.location.file).name}")
        graph.nodes[node.key] = node
        graph.edges += _reads(rule.condition, node.key)
        for recommend in rule.spec.recommend:
            target = f"measure:{recommend.measure}"
            graph.edges.append(Edge(node.key, target, RECOMMEND, recommend.priority.value))
        for withhold in rule.spec.withhold:
            graph.edges.append(Edge(node.key, f"measure:{withhold.measure}", WITHHOLD, "withholds"))
        for safeguard in rule.spec.safeguard:
            target = f"measure:{safeguard.measure}"
            graph.edges.append(Edge(node.key, target, SAFEGUARD, "safeguard"))
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


# --------------------------------------------------------------------------- mermaid

_MERMAID_SHAPES = {
    "indicator": ('(["', '"])'),
    "signal": ('{{"', '"}}'),
    "rule": ('["', '"]'),
    "measure": ('("', '")'),
}
_MERMAID_CLASSES = {
    "indicator": "fill:#e8f0fe,stroke:#4a6fa5",
    "signal": "fill:#fff4d6,stroke:#b8860b",
    "rule": "fill:#e6f4ea,stroke:#2e7d32",
    "measure": "fill:#f3e5f5,stroke:#7b1fa2",
}
_MERMAID_ARROWS = {READS: "-->", RECOMMEND: "-->", WITHHOLD: "-.->", SAFEGUARD: "==>"}
_MERMAID_LINKS = {
    WITHHOLD: "stroke:#d00000,stroke-width:2px,color:#d00000",
    SAFEGUARD: "stroke:#e69500,stroke-width:3px,color:#a86400",
}


class _Names:
    """Identifiers safe for Mermaid and DOT, derived from ids, unique."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def __call__(self, key: str) -> str:
        if key not in self.names:
            base = re.sub(r"[^A-Za-z0-9]+", "_", key)
            name, n = base, 1
            while name in self.names.values():
                n += 1
                name = f"{base}_{n}"
            self.names[key] = name
        return self.names[key]


def _mermaid_text(text: str) -> str:
    # Entity codes keep quotes and angle brackets from being read as syntax or HTML.
    return (
        text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    )


def to_mermaid(graph: RuleMap) -> str:
    """A Mermaid flowchart (paste it into a ```mermaid block on GitHub or GitLab)."""
    name = _Names()
    lines = ["flowchart LR"]
    if graph.unread:
        lines.append("  %% indicators read by no rule: " + ", ".join(graph.unread))
    for index, (group, nodes) in enumerate(graph.groups().items()):
        lines.append(f'  subgraph group_{index}["{_mermaid_text(group)}"]')
        for node in nodes:
            opening, closing = _MERMAID_SHAPES[node.kind]
            lines.append(f"    {name(node.key)}{opening}{_mermaid_text(node.id)}{closing}")
        lines.append("  end")
    styled: dict[str, list[str]] = {}
    for index, edge in enumerate(graph.edges):
        arrow = _MERMAID_ARROWS[edge.kind]
        label = f'|"{_mermaid_text(edge.label)}"|' if edge.label else ""
        lines.append(f"  {name(edge.source)} {arrow}{label} {name(edge.target)}")
        if edge.kind in _MERMAID_LINKS:
            styled.setdefault(edge.kind, []).append(str(index))
    for kind, indexes in styled.items():
        lines.append(f"  linkStyle {','.join(indexes)} {_MERMAID_LINKS[kind]}")
    for kind, style in _MERMAID_CLASSES.items():
        members = [name(n.key) for n in graph.nodes.values() if n.kind == kind]
        if members:
            lines.append(f"  classDef {kind} {style}")
            lines.append(f"  class {','.join(members)} {kind}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- dot

_DOT_NODES = {
    "indicator": 'shape=ellipse, style=filled, fillcolor="#e8f0fe", color="#4a6fa5"',
    "signal": 'shape=hexagon, style=filled, fillcolor="#fff4d6", color="#b8860b"',
    "rule": 'shape=box, style=filled, fillcolor="#e6f4ea", color="#2e7d32"',
    "measure": 'shape=box, style="rounded,filled", fillcolor="#f3e5f5", color="#7b1fa2"',
}
_DOT_EDGES = {
    READS: "",
    RECOMMEND: "",
    WITHHOLD: 'style=dashed, color="#d00000", fontcolor="#d00000", penwidth=2',
    SAFEGUARD: 'style=bold, color="#e69500", fontcolor="#a86400", penwidth=3',
}


def _dot_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(graph: RuleMap) -> str:
    """A Graphviz DOT digraph (render with `dot -Tsvg`, or paste into any DOT viewer)."""
    lines = [
        "digraph rule_map {",
        "  rankdir=LR;",
        '  graph [fontname="Helvetica", fontsize=12];',
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    if graph.unread:
        lines.append("  // indicators read by no rule: " + ", ".join(graph.unread))
    for index, (group, nodes) in enumerate(graph.groups().items()):
        lines.append(f"  subgraph cluster_{index} {{")
        lines.append(f'    label={_dot_text(group)}; style=rounded; color="#999999";')
        for node in nodes:
            lines.append(
                f"    {_dot_text(node.key)} [label={_dot_text(node.id)}, {_DOT_NODES[node.kind]}];"
            )
        lines.append("  }")
    for edge in graph.edges:
        attributes = [f"label={_dot_text(edge.label)}"] if edge.label else []
        if _DOT_EDGES[edge.kind]:
            attributes.append(_DOT_EDGES[edge.kind])
        suffix = f" [{', '.join(attributes)}]" if attributes else ""
        lines.append(f"  {_dot_text(edge.source)} -> {_dot_text(edge.target)}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_svg(dot_text: str, dot_program: str) -> str:
    """SVG from Graphviz; raises `RuntimeError` with dot's message if it fails."""
    result = subprocess.run(
        [dot_program, "-Tsvg"],
        input=dot_text,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"dot failed: {result.stderr.strip()}")
    return result.stdout


# --------------------------------------------------------------------------- command line


def add_graph_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    graph = commands.add_parser(
        "graph",
        help="draw the rule map: indicators -> signals -> rules -> measures",
    )
    graph.add_argument(
        "--rules",
        type=Path,
        default=Path("rules"),
        metavar="DIR",
        help="rule directory (default: rules)",
    )
    graph.add_argument(
        "--format",
        choices=("mermaid", "dot", "svg"),
        default="mermaid",
        help="mermaid and dot are text; svg needs Graphviz (default: mermaid)",
    )
    graph.add_argument(
        "--measure",
        action="append",
        default=[],
        metavar="ID",
        help="only this measure and the rules, signals and indicators that feed it (repeatable)",
    )
    graph.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="ID",
        help="only this rule, what feeds it and the measures it acts on (repeatable)",
    )
    graph.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write to FILE instead of the terminal"
    )


#: exit code when an external program (Graphviz) fails; 3 is kept for engine errors
EXIT_TOOL = 4


def run_graph(args: argparse.Namespace) -> int:
    dot_program = shutil.which("dot")
    if args.format == "svg" and dot_program is None:
        print(INSTALL_GRAPHVIZ, file=sys.stderr)
        return 2
    try:
        ruleset = load_ruleset(args.rules)
    except RuleSetError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) in the rule files", file=sys.stderr)
        return 1
    unknown = [
        f'unknown {kind} "{item}"' + (f" ({hint})" if (hint := did_you_mean(item, known)) else "")
        for kind, items, known in (
            ("measure", args.measure, ruleset.measures),
            ("rule", args.rule, ruleset.rules),
        )
        for item in items
        if item not in known
    ]
    if unknown:
        print("\n".join(unknown), file=sys.stderr)
        return 2
    graph = build_map(ruleset)
    if args.measure or args.rule:
        graph = focus(graph, args.measure, args.rule)
    if args.format == "mermaid":
        text = to_mermaid(graph)
    elif args.format == "dot":
        text = to_dot(graph)
    else:
        assert dot_program is not None
        try:
            text = to_svg(to_dot(graph), dot_program)
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
            print(exc, file=sys.stderr)
            return EXIT_TOOL
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0
