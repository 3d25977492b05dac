"""Stage 6 of validation: what a rule does (measures known, listed once, not contradicted)
and what its `because` cites (only values the rule reads)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from advisor.errors import Problem
from advisor.hints import did_you_mean
from advisor.language.models import MeasureSpec, Recommend, RuleSpec, Safeguard, Withhold
from advisor.language.templates import PLACEHOLDER
from advisor.language.validation.shapes import Entry

__all__ = ["check_actions", "check_because"]


def check_actions(
    entry: Entry, measures: Mapping[str, MeasureSpec], problems: list[Problem]
) -> None:
    """Every measure a rule names is known and named once per kind; none both given and withheld."""
    spec: RuleSpec = entry.spec
    groups: list[tuple[str, Sequence[Recommend | Withhold | Safeguard]]] = [
        ("recommend", spec.recommend),
        ("withhold", spec.withhold),
        ("safeguard", spec.safeguard),
    ]
    for kind, actions in groups:
        seen: set[str] = set()
        for index, action in enumerate(actions):
            where = entry.doc.locate((*entry.path, kind, index, "measure"))
            if action.measure not in measures:
                problems.append(
                    Problem(
                        where,
                        f'unknown measure "{action.measure}"',
                        "unknown-measure",
                        did_you_mean(action.measure, measures),
                    )
                )
            elif action.measure in seen:
                problems.append(
                    Problem(
                        where,
                        f'measure "{action.measure}" is listed twice under {kind}',
                        "duplicate-action",
                    )
                )
            seen.add(action.measure)
    recommended = {a.measure for a in spec.recommend}
    for action in spec.withhold:
        if action.measure in recommended:
            where = entry.doc.locate((*entry.path, "withhold"))
            problems.append(
                Problem(
                    where,
                    f'the rule both recommends and withholds "{action.measure}"',
                    "contradiction",
                )
            )


def check_because(entry: Entry, readable: set[str], problems: list[Problem]) -> None:
    """Placeholders in `because` must name a value the rule reads (itself or via signals)."""
    where = entry.doc.locate((*entry.path, "because"))
    for match in PLACEHOLDER.finditer(entry.spec.because):
        name = match.group(1).strip()
        if name not in readable:
            problems.append(
                Problem(
                    where,
                    f'"{{{name}}}" in because is not read by this rule\'s condition',
                    "unknown-placeholder",
                    did_you_mean(name, readable) or "cite one of: " + ", ".join(sorted(readable))
                    if readable
                    else None,
                )
            )
