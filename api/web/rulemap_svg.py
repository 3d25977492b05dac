"""The rule map laid out and drawn as SVG in Python, so a page shows it with nothing external.

`advisor graph --format svg` needs Graphviz; the workbench must not. The map
(`advisor.analysis.rulemap`) flows left to right: indicators, then signals and
junctions by depth, then rules, then measures. Each column is ordered by the
barycentre of its neighbours (a few sweeps each way), which keeps edges short
enough for maps of one measure or rule, the maps the workbench draws most.

Meaning is never carried by colour alone: withholding edges are dashed and labelled
"withholds", safeguards thick and labelled "safeguard", recommendations labelled with
their priority; each node says what it is in its tooltip.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from advisor.analysis.rulemap import Node, RuleMap

__all__ = ["Layout", "Placed", "layout", "to_svg"]

_CHAR = 7.0  # average width of a character at the drawing's font size
_PAD = 18.0
_ROW = 40.0
_BOX = 26.0
_GAP = 110.0  # between columns: room for an edge's label
_MARGIN = 16.0
_KIND_NAMES = {
    "indicator": "indicator",
    "signal": "signal",
    "rule": "rule",
    "measure": "measure",
    "junction": "junction",
}


@dataclass(frozen=True)
class Placed:
    node: Node
    column: int
    row: int
    x: float
    y: float
    width: float

    @property
    def text(self) -> str:
        return self.node.label or self.node.id


@dataclass(frozen=True)
class Layout:
    graph: RuleMap
    placed: dict[str, Placed]
    width: float
    height: float


def _columns(graph: RuleMap) -> dict[str, int]:
    """Each node's column: indicators first, measures last, the rest by longest path."""
    incoming: dict[str, list[str]] = {key: [] for key in graph.nodes}
    for edge in graph.edges:
        if edge.source in graph.nodes and edge.target in incoming:
            incoming[edge.target].append(edge.source)
    column: dict[str, int] = {}

    def depth(key: str, trail: frozenset[str]) -> int:
        if key in column:
            return column[key]
        node = graph.nodes[key]
        sources = [s for s in incoming[key] if s not in trail]  # a cycle cannot recur
        found = (
            0
            if node.kind == "indicator" or not sources
            else 1 + max(depth(s, trail | {key}) for s in sources)
        )
        column[key] = found
        return found

    for key in graph.nodes:
        if graph.nodes[key].kind != "measure":
            depth(key, frozenset())
    last = max(column.values(), default=0) + 1
    for key, node in graph.nodes.items():
        if node.kind == "measure":
            column[key] = last
    return column


def _order(graph: RuleMap, column: dict[str, int]) -> list[list[str]]:
    """Nodes by column, each column ordered to keep edges short (barycentre sweeps)."""
    count = max(column.values(), default=-1) + 1
    columns: list[list[str]] = [[] for _ in range(count)]
    for node in sorted(graph.nodes.values(), key=lambda n: (n.group, n.id)):
        columns[column[node.key]].append(node.key)
    neighbours: dict[str, list[str]] = {key: [] for key in graph.nodes}
    for edge in graph.edges:
        if edge.source in neighbours and edge.target in neighbours:
            neighbours[edge.source].append(edge.target)
            neighbours[edge.target].append(edge.source)
    for sweep in range(6):
        forward = sweep % 2 == 0
        indices = range(1, count) if forward else range(count - 2, -1, -1)
        for index in indices:
            side = index - 1 if forward else index + 1
            position = {key: row for row, key in enumerate(columns[side])}

            def centre(key: str, position: dict[str, int] = position) -> float:
                rows = [position[n] for n in neighbours[key] if n in position]
                return sum(rows) / len(rows) if rows else float("inf")

            current = {key: row for row, key in enumerate(columns[index])}
            columns[index].sort(key=lambda k: (centre(k), current[k]))
    return columns


def layout(graph: RuleMap) -> Layout:
    column = _columns(graph)
    columns = _order(graph, column)
    tallest = max((len(c) for c in columns), default=0)
    placed: dict[str, Placed] = {}
    x = _MARGIN
    for index, keys in enumerate(columns):
        widths = [_width(graph.nodes[key]) for key in keys]
        span = max(widths, default=0.0)
        top = _MARGIN + (tallest - len(keys)) * _ROW / 2
        for row, (key, width) in enumerate(zip(keys, widths, strict=True)):
            placed[key] = Placed(graph.nodes[key], index, row, x, top + row * _ROW, width)
        x += span + _GAP
    width = max(x - _GAP + _MARGIN, 2 * _MARGIN)
    height = 2 * _MARGIN + max(tallest - 1, 0) * _ROW + _BOX
    return Layout(graph, placed, width, height)


def _width(node: Node) -> float:
    if node.kind == "junction":
        return len(node.label) * _CHAR + _PAD
    return len(node.label or node.id) * _CHAR + _PAD


def to_svg(drawn: Layout, link: Callable[[Node], str | None], title: str) -> str:
    """The map as a standalone SVG document; `link` gives a node's address, if any."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="rulemap" role="img" '
        f'viewBox="0 0 {drawn.width:.0f} {drawn.height:.0f}" width="{drawn.width:.0f}" '
        f'height="{drawn.height:.0f}" aria-labelledby="rulemap-title">',
        f'<title id="rulemap-title">{escape(title)}</title>',
        _STYLE,
        _MARKERS,
    ]
    for edge in drawn.graph.edges:
        source, target = drawn.placed.get(edge.source), drawn.placed.get(edge.target)
        if source is None or target is None:
            continue
        parts.append(_edge(source, target, edge.kind, edge.label))
    for placed in drawn.placed.values():
        parts.append(_node(placed, link(placed.node)))
    parts.append("</svg>")
    return "\n".join(parts)


#: the drawing's own style, so that the SVG reads the same alone or inside a page
_STYLE = """<style>
.rulemap { font: 12px system-ui, sans-serif; }
.rulemap .node rect { fill: #ffffff; stroke: #4a5563; stroke-width: 1.2; }
.rulemap .node-indicator rect { fill: #eef3f8; }
.rulemap .node-signal rect { fill: #f4eefa; stroke-dasharray: 5 2; }
.rulemap .node-rule rect { fill: #fff8e6; stroke-width: 1.6; }
.rulemap .node-measure rect { fill: #e9f6ec; stroke-width: 2; }
.rulemap .node-junction rect { fill: #ffffff; stroke-dasharray: 3 3; }
.rulemap .node text { fill: #111827; }
.rulemap a:focus .node rect, .rulemap a:hover .node rect { stroke: #1d4ed8; stroke-width: 3; }
.rulemap .edge path { fill: none; stroke: #6b7280; stroke-width: 1.2; }
.rulemap .edge text { fill: #374151; font-size: 11px; paint-order: stroke;
  stroke: #ffffff; stroke-width: 3px; }
.rulemap .edge-recommend path { stroke: #1e40af; stroke-width: 1.6; }
.rulemap .edge-withhold path { stroke: #b91c1c; stroke-dasharray: 6 4; stroke-width: 1.6; }
.rulemap .edge-safeguard path { stroke: #c2410c; stroke-width: 3.2; }
.rulemap .arrow { fill: #6b7280; }
.rulemap .arrow-recommend { fill: #1e40af; }
.rulemap .arrow-withhold { fill: #b91c1c; }
.rulemap .arrow-safeguard { fill: #c2410c; }
</style>"""

_MARKERS = (
    "<defs>"
    + "".join(
        f'<marker id="arrow-{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        f'class="arrow arrow-{kind}"/></marker>'
        for kind in ("reads", "recommend", "withhold", "safeguard")
    )
    + "</defs>"
)


def _edge(source: Placed, target: Placed, kind: str, label: str) -> str:
    x1, y1 = source.x + source.width, source.y + _BOX / 2
    x2, y2 = target.x, target.y + _BOX / 2
    bend = max((x2 - x1) / 2, 30.0)
    path = f"M {x1:.1f} {y1:.1f} C {x1 + bend:.1f} {y1:.1f}, {x2 - bend:.1f} {y2:.1f}, "
    path += f"{x2 - 2:.1f} {y2:.1f}"
    out = (
        f'<g class="edge edge-{escape(kind)}"><path d="{path}" '
        f'marker-end="url(#arrow-{escape(kind)})"/>'
    )
    if label:
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2 - 3
        out += f'<text x="{mx:.1f}" y="{my:.1f}" text-anchor="middle">{escape(label)}</text>'
    return out + "</g>"


def _node(placed: Placed, href: str | None) -> str:
    node = placed.node
    kind = _KIND_NAMES[node.kind]
    tip = f"{kind}: {placed.text}" + (f" ({node.group})" if node.group else "")
    cx, cy = placed.x + placed.width / 2, placed.y + _BOX / 2
    radius = 13 if node.kind == "junction" else 4
    shape = (
        f'<rect x="{placed.x:.1f}" y="{placed.y:.1f}" width="{placed.width:.1f}" '
        f'height="{_BOX:.0f}" rx="{radius}"/>'
    )
    text = f'<text x="{cx:.1f}" y="{cy + 4:.1f}" text-anchor="middle">{escape(placed.text)}</text>'
    body = f"<title>{escape(tip)}</title>{shape}{text}"
    group = f'<g class="node node-{kind}" data-key="{escape(node.key)}">{body}</g>'
    if href is None:
        return group
    return f'<a href="{escape(href)}" aria-label="{escape(tip)}">{group}</a>'
