"""The analyst's map of a rule set as markdown tables, kept current inside `rules/README.md`.

The tables are generated from the rule files, so they cannot drift from what
the engine runs: `advisor ruledoc [RULES_DIR]` rewrites the blocks
between `<!-- BEGIN GENERATED: name -->` and `<!-- END GENERATED: name -->`
in `RULES_DIR/README.md`; `advisor validate` and `advisor check` say when the
committed file is stale (`analysis/generated.py`), and so does a test.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from advisor.decision.policy import Action, ActionKind, PolicyIndex
from advisor.language.files import load_ruleset
from advisor.language.models import SourceSpec
from advisor.language.ruleset import Rule, RuleSet

__all__ = ["BLOCKS", "refresh", "render_blocks"]


def _link(ruleset: RuleSet, kind: str, item_id: str) -> str:
    location = ruleset.locations[(kind, item_id)]
    return f"[{item_id}]({Path(location.file).name}#L{location.line})"


def _action_link(ruleset: RuleSet, action: Action) -> str:
    """The acting rule's link, with the priority when it recommends."""
    link = _link(ruleset, "rule", action.rule.id)
    return f"{link} ({action.priority.value})" if action.priority else link


def _count(items: list[Any], noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def _cell(items: Iterable[str]) -> str:
    return ", ".join(items) or "none"


def sections_table(ruleset: RuleSet) -> str:
    """Per source document, each section in its order with its rules, signals and measures.

    A rule set without a source catalogue gets one table of the sections its rules name.
    """
    by_section: dict[str, list[Rule]] = defaultdict(list)
    for rule in ruleset.rules.values():
        by_section[rule.spec.source].append(rule)
    if not ruleset.sources:
        return _section_rows(ruleset, sorted(by_section), by_section)
    parts = []
    for source_id, source in ruleset.sources.items():
        cited = [r for title in source.sections for r in by_section[title]]
        parts.append(
            f"{_source_heading(ruleset, source_id, source)} "
            f"{_count(cited, 'rule')} in {_count(list(source.sections), 'section')}:"
        )
        parts.append(_section_rows(ruleset, list(source.sections), by_section))
    return "\n\n".join(parts)


def _source_heading(ruleset: RuleSet, source_id: str, source: SourceSpec) -> str:
    """The document's title (linked when it has an address), who and when, and its entry."""
    title = f"[{source.title}]({source.url})" if source.url else source.title
    about = "".join(f", {part}" for part in (source.publisher, source.year) if part)
    cited = f" {source.citation}" if source.citation else ""
    return f"**{title}**{about} ({_link(ruleset, 'source', source_id)}).{cited}"


def _section_rows(ruleset: RuleSet, titles: list[str], by_section: dict[str, list[Rule]]) -> str:
    """The table of sections: rules citing each, the signals they read, the measures they act on."""
    policy = PolicyIndex(ruleset)
    lines = [
        "| Section | Rules | Signals used | Measures acted on |",
        "|---|---|---|---|",
    ]
    for section in titles:
        rules = by_section.get(section, [])
        signals = sorted(set().union(*(ruleset.signals_read[r.id] for r in rules)))
        measures = sorted({m for r in rules for m in policy.measures_of(r.id)})
        lines.append(
            f"| {section} ({_count(rules, 'rule')}, {_count(signals, 'signal')}, "
            f"{_count(measures, 'measure')}) "
            f"| {_cell(_link(ruleset, 'rule', r.id) for r in rules)} "
            f"| {_cell(_link(ruleset, 'signal', s) for s in signals)} "
            f"| {_cell(measures)} |"
        )
    return "\n".join(lines)


def measures_table(ruleset: RuleSet) -> str:
    """Each measure with the rules that recommend (and at which priority), withhold or guard it."""
    policy = PolicyIndex(ruleset)
    lines = [
        "| Measure | Area | Recommended by (priority) | Withheld by | Safeguards from |",
        "|---|---|---|---|---|",
    ]
    for measure_id, measure in ruleset.measures.items():
        # one column per kind, in ActionKind's order: recommend, withhold, safeguard
        by_kind = [
            _cell(_action_link(ruleset, a) for a in policy.on(measure_id, kind))
            for kind in ActionKind
        ]
        lines.append(
            f"| {_link(ruleset, 'measure', measure_id)}: {measure.title} | {measure.area.value} "
            f"| {' | '.join(by_kind)} |"
        )
    return "\n".join(lines)


def signals_table(ruleset: RuleSet) -> str:
    """Each signal with its condition and the rules that read it."""
    readers: dict[str, list[str]] = defaultdict(list)
    for rule in ruleset.rules.values():
        for signal_id in sorted(ruleset.signals_read[rule.id]):
            readers[signal_id].append(rule.id)
    lines = ["| Signal | Holds when | Read by rules |", "|---|---|---|"]
    for signal_id, signal in ruleset.signals.items():
        when = " ".join(str(signal.spec.when).split()).replace("|", "\\|")
        lines.append(
            f"| {_link(ruleset, 'signal', signal_id)}: {signal.spec.title} | `{when}` "
            f"| {_cell(readers[signal_id])} |"
        )
    return "\n".join(lines)


BLOCKS: dict[str, Callable[[RuleSet], str]] = {
    "sections": sections_table,
    "measures": measures_table,
    "signals": signals_table,
}


def render_blocks(text: str, ruleset: RuleSet) -> str:
    """`text` with every generated block replaced by the current table."""
    for name, build in BLOCKS.items():
        pattern = re.compile(
            rf"(<!-- BEGIN GENERATED: {name} -->\n).*?(<!-- END GENERATED: {name} -->)", re.S
        )
        table = build(ruleset).replace("\\", "\\\\")  # re.sub reads backslashes in templates
        text = pattern.sub(rf"\g<1>{table}\n\g<2>", text)
    return text


def refresh(rules: Path, *, write: bool = True) -> bool:
    """Rewrite the generated blocks of `rules/README.md` (not when `write` is false);
    True if the file changed, or would."""
    readme = rules / "README.md"
    before = readme.read_text(encoding="utf-8")
    after = render_blocks(before, load_ruleset(rules))
    if after != before and write:
        readme.write_text(after, encoding="utf-8")
    return after != before
