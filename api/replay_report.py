"""A replay as markdown for a pull request: the counts first (per measure, per country),
then each changed decision with the rules responsible, as `advisor diff` shows them."""

from __future__ import annotations

from advisor.analysis.impact import ruleset_changes
from advisor.analysis.impact_report import impact_lines

from .replay import Replay

__all__ = ["render_replay"]


def render_replay(found: Replay, candidate_label: str, base_label: str, selection: str) -> str:
    """`selection` says which decisions were read (the filters), in words."""
    changes = ruleset_changes(found.base, found.candidate)
    lines = [
        f"## Replay: {len(found.changes)} of {found.replayed} logged decisions would change",
        "",
        f"Before: each decision as logged (what was answered). After: {candidate_label} "
        f"(`{found.candidate.content_hash}`). Decisions: {selection}.",
        "",
        f"Rule set against {base_label}: "
        + ("; ".join(changes) if changes else "no change in meaning")
        + ".",
    ]
    other = sum(found.other_rulesets.values())
    if other:
        lines += [
            "",
            f"{other} of the decisions were logged under another rule set than {base_label} "
            f"({', '.join(f'`{h}`' for h in sorted(found.other_rulesets))}): their rules "
            "responsible are looked up in the base rule set and may be incomplete.",
        ]
    lines += _measure_counts(found) + _country_counts(found)
    for change in found.changes:
        impact = change.impact
        recorded = f"{change.recorded_at:%Y-%m-%dT%H:%M:%SZ}"
        lines += [
            "",
            f"### {impact.title}: decision `{change.decision_id}`, recorded {recorded}",
            "",
            *impact_lines(impact),
        ]
    if found.unreadable:
        listed = ", ".join(f"`{d}` ({why})" for d, why in found.unreadable)
        lines += ["", f"Not replayed (not a readable version-2 decision): {listed}."]
    return "\n".join(lines) + "\n"


def _measure_counts(found: Replay) -> list[str]:
    if not found.per_measure:
        return []
    lines = ["", "### Changes per measure", "", "| Measure | Change | Decisions |", "|---|---|--:|"]
    for (measure, kind), count in sorted(found.per_measure.items()):
        lines.append(f"| `{measure}` | {kind} | {count} |")
    return lines


def _country_counts(found: Replay) -> list[str]:
    if not found.replayed:
        return []
    lines = ["", "### Per country", "", "| Country | Replayed | Changed |", "|---|--:|--:|"]
    for country, count in sorted(found.per_country.items()):
        lines.append(f"| {country} | {count} | {found.changed_per_country[country]} |")
    return lines
