"""The rule map drawn: Mermaid and DOT text, and SVG through Graphviz.

Mermaid and DOT are text and need nothing installed; SVG runs Graphviz's `dot`.
`graphviz()` raises `GraphvizMissing` (saying how to install it) when `dot` is not
on the PATH, and `to_svg` raises `GraphvizFailed` with dot's message when it fails;
the command line maps them to its exit codes.
"""

from __future__ import annotations

import re
import shutil
import subprocess

from advisor.analysis.rulemap import READS, RECOMMEND, SAFEGUARD, WITHHOLD, RuleMap
from advisor.errors import AdvisorError

__all__ = [
    "INSTALL_GRAPHVIZ",
    "GraphvizFailed",
    "GraphvizMissing",
    "graphviz",
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


class GraphvizMissing(AdvisorError):
    """Graphviz's `dot` is not installed; the message says how to get it."""


class GraphvizFailed(AdvisorError):
    """Graphviz's `dot` ran and failed, or could not be run; the message says why."""


# --------------------------------------------------------------------------- mermaid

_MERMAID_SHAPES = {
    "indicator": ('(["', '"])'),
    "signal": ('{{"', '"}}'),
    "rule": ('["', '"]'),
    "measure": ('("', '")'),
    "junction": ('(("', '"))'),
}
_MERMAID_CLASSES = {
    "indicator": "fill:#e8f0fe,stroke:#4a6fa5",
    "signal": "fill:#fff4d6,stroke:#b8860b",
    "rule": "fill:#e6f4ea,stroke:#2e7d32",
    "measure": "fill:#f3e5f5,stroke:#7b1fa2",
    "junction": "fill:#ffffff,stroke:#555555,stroke-dasharray:3 3",
}
_MERMAID_ARROWS = {READS: "-->", RECOMMEND: "-->", WITHHOLD: "-.->", SAFEGUARD: "==>"}
_MERMAID_LINKS: dict[str, str] = {
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
    opening, closing = _MERMAID_SHAPES["junction"]
    for node in graph.junctions():
        lines.append(f"  {name(node.key)}{opening}{_mermaid_text(node.label)}{closing}")
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
    "junction": 'shape=circle, style=dashed, color="#555555", fontsize=9, margin=0',
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
    for node in graph.junctions():
        label = _dot_text(node.label)
        lines.append(f"  {_dot_text(node.key)} [label={label}, {_DOT_NODES[node.kind]}];")
    for edge in graph.edges:
        attributes = [f"label={_dot_text(edge.label)}"] if edge.label else []
        if _DOT_EDGES[edge.kind]:
            attributes.append(_DOT_EDGES[edge.kind])
        suffix = f" [{', '.join(attributes)}]" if attributes else ""
        lines.append(f"  {_dot_text(edge.source)} -> {_dot_text(edge.target)}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def graphviz() -> str:
    """The path of Graphviz's `dot` program; raises `GraphvizMissing` if it is not installed."""
    program = shutil.which("dot")
    if program is None:
        raise GraphvizMissing(INSTALL_GRAPHVIZ)
    return program


def to_svg(dot_text: str, dot_program: str) -> str:
    """SVG from Graphviz; raises `GraphvizFailed` with dot's message if it fails."""
    try:
        result = subprocess.run(
            [dot_program, "-Tsvg"],
            input=dot_text,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GraphvizFailed(str(exc)) from exc
    if result.returncode != 0:
        raise GraphvizFailed(f"dot failed: {result.stderr.strip()}")
    return result.stdout
