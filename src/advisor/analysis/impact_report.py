"""The impact of a rule edit as markdown, for a pull-request comment (`advisor diff`; each
changed decision's section is also what `advisor replay` shows)."""

from __future__ import annotations

from advisor.analysis.impact import ProfileImpact

__all__ = ["impact_lines", "render_markdown"]


def render_markdown(
    impacts: list[ProfileImpact],
    changes: list[str],
    base_label: str,
    head_label: str,
    profiles_label: str,
) -> str:
    changed = [i for i in impacts if i.changed]
    lines = [
        f"## Rule change impact: {len(changed)} of {len(impacts)} profiles change",
        "",
        f"Before: {base_label}. After: {head_label}. Profiles: `{profiles_label}`.",
        "",
        "Rule set: " + ("; ".join(changes) if changes else "no change in meaning") + ".",
    ]
    for impact in changed:
        lines += ["", f"### {impact.title}: `{impact.name}`", "", *impact_lines(impact)]
    unchanged = [i.name for i in impacts if not i.changed]
    if unchanged:
        lines += ["", "No change: " + ", ".join(f"`{name}`" for name in unchanged) + "."]
    return "\n".join(lines) + "\n"


def impact_lines(impact: ProfileImpact) -> list[str]:
    """The body of a changed profile's section: the measures' table with the rules
    responsible, rules that fire differently for no measure, and missing data."""
    if impact.refused:
        return [f"The profile is {impact.refused}."]
    lines: list[str] = []
    if impact.changes:
        lines += [
            "| Measure | Change | Before | After | Rules responsible |",
            "|---|---|---|---|---|",
        ]
        for change in impact.changes:
            rules = "<br>".join(change.rules) or "none"
            lines.append(
                f"| `{change.measure}` | {change.kind} | {change.before} | {change.after} "
                f"| {rules} |"
            )
    if impact.rules_only:
        if impact.changes:
            lines.append("")
        lines.append(
            "Rules that fire differently without changing a measure: "
            + ", ".join(impact.rules_only)
            + "."
        )
    if impact.undetermined:
        if impact.changes or impact.rules_only:
            lines.append("")
        lines.append("Missing data: " + "; ".join(impact.undetermined) + ".")
    return lines
