"""A decision as a readable text report for the terminal."""

from __future__ import annotations

import textwrap

from advisor.decision.document import Decision
from advisor.decision.explain import format_margin, format_value
from advisor.decision.model import ConditionResult, Recommendation

__all__ = ["render_decision"]


def _condition(result: ConditionResult) -> str:
    mark = {True: "+", False: "-", None: "?"}[result.holds]
    text = f"[{mark}] {result.condition}"
    if result.reads is not None and result.value is None:
        text += f"  (no data for {result.reads})"
    elif result.reads is not None:
        text += f"  (value {format_value(result.reads, result.value)}"
        if result.margin is not None:
            text += f", margin {format_margin(result.reads, result.margin)}"
        text += ")"
    return text


def render_decision(decision: Decision, width: int = 100) -> str:
    """The decision as text: title, recommendations and why, withheld, signals, sensitivity.
    It reads the rule set's texts: `decision` must be the full one (`detail="full"`)."""
    if decision.detail != "full":
        raise ValueError('render_decision needs a decision evaluated with detail="full"')
    lines = [
        *_title(decision),
        *_recommendation_table(decision),
        *_recommendation_reasons(decision, width),
        *_withheld(decision, width),
        *_signals_and_gaps(decision),
        *_sensitivity(decision),
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _title(decision: Decision) -> list[str]:
    title = f"Cooperation Advisor: {decision.country}"
    if decision.period:
        title += f" ({decision.period})"
    return [title, "=" * len(title), f"rule set {decision.ruleset[:19]}", ""]


def _recommendation_table(decision: Decision) -> list[str]:
    lines = [f"Recommendations ({len(decision.recommendations)})"]
    if decision.recommendations:
        rows = [
            (str(i), r.priority.value, r.measure, r.area.value, str(len(r.rules)), _marks(r))
            for i, r in enumerate(decision.recommendations, 1)
        ]
        header = ("#", "priority", "measure", "area", "rules", "safeguards")
        widths = [max(len(row[c]) for row in [header, *rows]) for c in range(len(header))]
        fmt = "  ".join(f"{{:<{w}}}" for w in widths)
        lines.append(fmt.format(*header))
        lines.append(fmt.format(*("-" * w for w in widths)))
        lines += [fmt.format(*row) for row in rows]
    else:
        lines.append("  none")
    lines.append("")
    return lines


def _marks(rec: Recommendation) -> str:
    """What the table says beside a measure: its safeguards, and whether it may be withheld."""
    marks = []
    applied = sum(1 for g in rec.safeguards if g.status == "applied")
    provisional = len(rec.safeguards) - applied
    if applied:
        marks.append(f"{applied} safeguard{'s' if applied > 1 else ''}")
    if provisional:
        marks.append(f"{provisional} PROVISIONAL safeguard{'s' if provisional > 1 else ''}")
    if rec.possibly_withheld_by:
        marks.append("MAY BE WITHHELD")
    return ", ".join(marks)


def _recommendation_reasons(decision: Decision, width: int) -> list[str]:
    lines: list[str] = []
    for index, rec in enumerate(decision.recommendations, 1):
        lines.append(f"{index}. {rec.title} [{rec.priority.value}]")
        for ref in rec.rules:
            rule = decision.rules[ref.rule]
            wrapped = textwrap.wrap(f"{ref.rule}: {rule.because}", width - 6)
            lines += ["   - " + wrapped[0], *("     " + w for w in wrapped[1:])]
            lines += ["       " + _condition(c) for c in rule.conditions if c.holds]
        for guard in rec.safeguards:
            if guard.status == "applied":
                lines.append(f"   ! safeguard ({guard.rule}): {guard.requires}")
            else:
                lines.append(
                    f"   ? provisional safeguard ({guard.rule}, undecided for lack of "
                    f"{', '.join(guard.missing)}): {guard.requires}"
                )
        for maybe in rec.possibly_withheld_by:
            lines.append(
                f"   ? may be withheld by {maybe.rule} (undecided for lack of "
                f"{', '.join(maybe.missing)})"
            )
    if decision.recommendations:
        lines.append("")
    return lines


def _withheld(decision: Decision, width: int) -> list[str]:
    if not decision.withheld:
        return []
    lines = [f"Withheld ({len(decision.withheld)})"]
    for withheld in decision.withheld:
        lines.append(f"  {withheld.measure}: withheld by " + ", ".join(w.rule for w in withheld.by))
        for by in withheld.by:
            texts = [by.reason] if by.reason else []
            if by.precautionary:
                texts.append(
                    f"As a precaution, while {by.rule} cannot be decided: collecting "
                    f"{', '.join(by.missing)} may release it."
                )
            else:
                texts.append(decision.rules[by.rule].because)
            for text in texts:
                lines += ["     " + w for w in textwrap.wrap(text, width - 6)]
    lines.append("")
    return lines


def _signals_and_gaps(decision: Decision) -> list[str]:
    lines = ["Signals that hold: " + (", ".join(s.signal for s in decision.signals) or "none")]
    if decision.undetermined:
        lines.append("")
        lines.append(f"Undetermined for lack of data ({len(decision.undetermined)})")
        for rule_id in decision.undetermined:
            missing = decision.rules[rule_id].missing
            lines.append(f"  {rule_id}: missing " + ", ".join(missing))
    if decision.data_gaps:
        lines.append("")
        lines.append("Data gaps (indicators whose absence hides the most rules)")
        for gap in decision.data_gaps:
            lines.append(f"  {gap.indicator}: {len(gap.rules)} rule(s)")
    return lines


def _sensitivity(decision: Decision) -> list[str]:
    if decision.sensitivity is None:
        return []
    lines = ["", "Sensitivity (one indicator changed at a time)"]
    for measure in decision.sensitivity:
        lines.append(f"  {measure.measure} [{measure.priority.value}]")
        if not measure.changes:
            lines.append("    no single change removes or raises it")
        for change in measure.changes:
            outcome = (
                "removes it" if change.priority is None else f"raises it to {change.priority.value}"
            )
            now = format_value(change.indicator, change.now)
            to = format_value(change.indicator, change.to)
            where = f"{change.indicator} in {change.period}" if change.period else change.indicator
            lines.append(f"    {where} {now} -> {to}: {outcome} ({', '.join(change.rules)})")
    return lines
