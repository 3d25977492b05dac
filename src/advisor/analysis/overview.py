"""A region at a glance: the decisions of many profiles as one country-by-measure matrix.

Each cell says what one decision does with one measure: its priority, whether it is
withheld (or withheld as a precaution), whether a safeguard on it is only provisional
for lack of data, and whether an undecided rule may yet withhold it. Measures are
numbered in catalogue order and listed under the matrix, so that a row fits a terminal;
`advisor overview` prints it as text or markdown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from advisor.decision.document import Decision
from advisor.language.models import Priority
from advisor.language.ruleset import RuleSet

__all__ = ["LEGEND", "Cell", "OverviewRow", "RegionalOverview", "overview", "render_overview"]

_PRIORITY = {Priority.CRITICAL: "C", Priority.HIGH: "H", Priority.MEDIUM: "M", Priority.LOW: "L"}
LEGEND = (
    "C critical, H high, M medium, L low, . not recommended; W withheld, "
    "w withheld as a precaution (data missing); * with a provisional safeguard "
    "(data missing to settle it); ? may be withheld (a withholding rule lacks data)"
)


@dataclass(frozen=True)
class Cell:
    """What one decision does with one measure."""

    priority: Priority | None = None
    withheld: bool = False
    precautionary: bool = False
    provisional: bool = False
    possibly_withheld: bool = False

    @property
    def code(self) -> str:
        if self.withheld:
            return "w" if self.precautionary else "W"
        if self.priority is None:
            return "."
        marks = ("*" if self.provisional else "") + ("?" if self.possibly_withheld else "")
        return _PRIORITY[self.priority] + marks


@dataclass(frozen=True)
class OverviewRow:
    """One profile's decision: its label ("Mali (2024)") and a cell per measure."""

    label: str
    cells: dict[str, Cell]


@dataclass(frozen=True)
class RegionalOverview:
    """Rows of profiles, columns of the measures any of them recommends or withholds."""

    measures: tuple[str, ...]
    titles: dict[str, str]
    rows: tuple[OverviewRow, ...]


def overview(decisions: Iterable[Decision], ruleset: RuleSet) -> RegionalOverview:
    """The matrix of several decisions made with one rule set."""
    rows = tuple(_row(decision) for decision in decisions)
    acted_on = {measure for row in rows for measure in row.cells}
    measures = tuple(m for m in ruleset.measures if m in acted_on)
    titles = {m: ruleset.measures[m].title for m in measures}
    return RegionalOverview(measures, titles, rows)


def _row(decision: Decision) -> OverviewRow:
    cells = {
        r.measure: Cell(
            priority=r.priority,
            provisional=any(s.status == "provisional" for s in r.safeguards),
            possibly_withheld=bool(r.possibly_withheld_by),
        )
        for r in decision.recommendations
    }
    for w in decision.withheld:
        cells[w.measure] = Cell(withheld=True, precautionary=all(b.precautionary for b in w.by))
    label = f"{decision.country} ({decision.period})" if decision.period else decision.country
    return OverviewRow(label, cells)


def render_overview(matrix: RegionalOverview, markdown: bool = False) -> str:
    """The matrix with its legend: aligned text, or a markdown table."""
    numbers = [str(i) for i in range(1, len(matrix.measures) + 1)]
    body = [
        [row.label, *(row.cells.get(m, Cell()).code for m in matrix.measures)]
        for row in matrix.rows
    ]
    header = ["Country", *numbers]
    width = len(matrix.measures)
    title = f"Regional overview: {len(matrix.rows)} profiles, {width} measures"
    if markdown:
        lines = [f"## {title}", "", _md_row(header), _md_row(["---"] * len(header))]
        lines += [_md_row([row[0], *(c.replace("*", "\\*") for c in row[1:])]) for row in body]
        lines += ["", f"Cells: {LEGEND}.", ""]
        lines += [
            f"{n}. `{m}`: {matrix.titles[m]}" for n, m in zip(numbers, matrix.measures, strict=True)
        ]
    else:
        widths = [max(len(r[c]) for r in [header, *body]) for c in range(len(header))]
        lines = [title, ""]
        lines += [
            "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
            for r in [header, *body]
        ]
        lines += ["", f"Cells: {LEGEND}.", "", "Measures:"]
        lines += [
            f"  {n:>2}  {m}: {matrix.titles[m]}"
            for n, m in zip(numbers, matrix.measures, strict=True)
        ]
    return "\n".join(lines) + "\n"


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"
