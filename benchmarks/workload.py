"""A seeded, abstract synthetic rule set and its profiles, rendered in the project's rule language.

The same abstract rules are rendered for each competitor (`durable_program`,
`zen_program`); `fired` is a plain Python reference that all of them must
agree with. Thresholds are calibrated, assuming independent uniform
indicators, so that about `TARGET_FIRING` of the rules fire on a profile; the
harness measures and reports the real fraction.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "TARGET_FIRING",
    "Either",
    "Profile",
    "Rule",
    "Signal",
    "SignalUse",
    "Threshold",
    "Workload",
    "fired",
    "generate",
    "profiles",
    "write_rules",
]

TARGET_FIRING = 0.2
SIGNAL_TARGET = 0.5  # probability a signal holds
LOW, HIGH = 0.0, 100.0  # every indicator is uniform over this range
OPS = (">=", ">", "<", "<=")
MEASURES = 20
PRIORITIES = ("low", "medium", "high", "critical")
RULES_PER_FILE = 1000

#: indicator values of one profile, by short key (`i03`)
Profile = dict[str, float]


@dataclass(frozen=True)
class Threshold:
    indicator: int
    op: str
    value: float

    @property
    def key(self) -> str:
        return indicator_key(self.indicator)

    def holds(self, profile: Mapping[str, float]) -> bool:
        x = profile[self.key]
        if self.op == ">=":
            return x >= self.value
        if self.op == ">":
            return x > self.value
        if self.op == "<":
            return x < self.value
        return x <= self.value


@dataclass(frozen=True)
class Either:
    """Any of two or more thresholds."""

    items: tuple[Threshold, ...]


@dataclass(frozen=True)
class SignalUse:
    signal: int
    holds: bool = True  # False: `not signal`


Part = Threshold | Either | SignalUse


@dataclass(frozen=True)
class Signal:
    index: int
    any: bool  # any-of its parts, else all-of; a signal that uses another is all-of
    parts: tuple[Threshold | SignalUse, ...]

    @property
    def id(self) -> str:
        return signal_id(self.index)


@dataclass(frozen=True)
class Rule:
    index: int
    parts: tuple[Part, ...]  # all of them
    measure: int
    priority: str
    withhold: int | None  # a second measure the rule withholds
    safeguard: bool

    @property
    def id(self) -> str:
        return f"r{self.index:05d}"

    @property
    def thresholds(self) -> list[Threshold]:
        found: list[Threshold] = []
        for part in self.parts:
            if isinstance(part, Threshold):
                found.append(part)
            elif isinstance(part, Either):
                found.extend(part.items)
        return found


@dataclass(frozen=True)
class Workload:
    seed: int
    indicators: int
    signals: tuple[Signal, ...]  # dependency order: a signal uses only earlier ones
    rules: tuple[Rule, ...]


def indicator_key(index: int) -> str:
    """The short name competitors use (durable facts, zen context)."""
    return f"i{index:02d}"


def indicator_id(index: int) -> str:
    """The project's indicator id (dotted, as the catalogue requires)."""
    return f"syn.{indicator_key(index)}"


def signal_id(index: int) -> str:
    return f"s{index:02d}"


def sizes_for(rules: int) -> tuple[int, int]:
    """Indicators (20-50) and signals for a rule count: 10 -> 20/4, 10,000 -> 50/32."""
    decades = max(0, round(math.log10(max(rules, 10) / 10)))
    return min(50, 20 + 10 * decades), min(32, 4 * 2**decades)


# ----------------------------------------------------------------- generation


def generate(rules: int, seed: int = 2024) -> Workload:
    rng = random.Random(seed * 1_000_003 + rules)
    indicators, signal_count = sizes_for(rules)
    signals: list[Signal] = []
    chance: list[float] = []  # estimated probability that each signal holds
    for s in range(signal_count):
        first, second = rng.sample(range(indicators), 2)
        if s >= signal_count // 3 and rng.random() < 0.6:
            used = rng.randrange(s)
            q = min(0.95, SIGNAL_TARGET / chance[used])
            signals.append(Signal(s, False, (SignalUse(used), _threshold(rng, first, q))))
            chance.append(chance[used] * q)
        elif rng.random() < 0.5:
            q = math.sqrt(SIGNAL_TARGET)
            signals.append(
                Signal(s, False, (_threshold(rng, first, q), _threshold(rng, second, q)))
            )
            chance.append(q * q)
        else:
            q = 1 - math.sqrt(1 - SIGNAL_TARGET)
            signals.append(Signal(s, True, (_threshold(rng, first, q), _threshold(rng, second, q))))
            chance.append(1 - (1 - q) ** 2)

    rule_list = []
    for r in range(rules):
        count = rng.choices((1, 2, 3), weights=(30, 45, 25))[0]
        chosen = rng.sample(range(indicators), count)
        uses: list[SignalUse] = []
        roll = rng.random()
        if roll < 0.25:
            uses.append(SignalUse(rng.randrange(signal_count)))
        elif roll < 0.32:
            uses.append(SignalUse(rng.randrange(signal_count), holds=False))
        either = count >= 2 and rng.random() < 0.3
        groups = [chosen[:-2], chosen[-2:]] if either else [chosen]
        slots = len(groups[0]) + (1 if either else 0)
        # The thresholds share what is left of the target once the signals are accounted for.
        signal_chance = math.prod(
            chance[u.signal] if u.holds else 1 - chance[u.signal] for u in uses
        )
        q = min(0.97, TARGET_FIRING / signal_chance) ** (1 / slots)
        parts: list[Part] = [_threshold(rng, i, q) for i in groups[0]]
        if either:
            a = 1 - math.sqrt(1 - q)
            parts.append(Either(tuple(_threshold(rng, i, a) for i in groups[1])))
        parts.extend(uses)
        withhold = rng.randrange(MEASURES) if rng.random() < 0.05 else None
        rule_list.append(
            Rule(
                index=r,
                parts=tuple(parts),
                measure=rng.randrange(MEASURES),
                priority=rng.choice(PRIORITIES),
                withhold=withhold,
                safeguard=rng.random() < 0.05,
            )
        )
    return Workload(seed, indicators, tuple(signals), tuple(rule_list))


def _threshold(rng: random.Random, indicator: int, chance: float) -> Threshold:
    """A threshold on a uniform indicator that holds with about `chance`.

    Values end in .25 or .75 and profiles carry one decimal, so no value ever
    equals a threshold: `>=` and `>` cannot disagree between engines.
    """
    op = rng.choice(OPS)
    share = chance if op in ("<", "<=") else 1 - chance
    raw = LOW + share * (HIGH - LOW)
    value = min(HIGH - 0.25, max(LOW + 0.25, math.floor(raw * 2) / 2 + 0.25))
    return Threshold(indicator, op, value)


def profiles(workload: Workload, count: int, seed: int = 11) -> list[Profile]:
    """Complete profiles (every indicator present), so two- and three-valued logic agree."""
    rng = random.Random(seed)
    return [
        {indicator_key(i): round(rng.uniform(LOW, HIGH), 1) for i in range(workload.indicators)}
        for _ in range(count)
    ]


# ----------------------------------------------------------------- reference


def signal_states(workload: Workload, profile: Mapping[str, float]) -> list[bool]:
    states: list[bool] = []
    for signal in workload.signals:
        results = [_part(part, profile, states) for part in signal.parts]
        states.append(any(results) if signal.any else all(results))
    return states


def fired(workload: Workload, profile: Mapping[str, float]) -> set[str]:
    """The rule ids that fire: the reference every engine must match."""
    states = signal_states(workload, profile)
    return {
        rule.id
        for rule in workload.rules
        if all(_part(part, profile, states) for part in rule.parts)
    }


def _part(part: Part, profile: Mapping[str, float], states: list[bool]) -> bool:
    if isinstance(part, Threshold):
        return part.holds(profile)
    if isinstance(part, Either):
        return any(t.holds(profile) for t in part.items)
    return states[part.signal] == part.holds


# ----------------------------------------------------------------- the project's rule language


def advisor_profile(profile: Mapping[str, float]) -> dict[str, Any]:
    """A profile as `Advisor.evaluate` takes it."""
    return {
        "country": "Synthetica",
        "indicators": {f"syn.{key}": value for key, value in profile.items()},
    }


def condition_text(
    parts: tuple[Part, ...] | tuple[Threshold | SignalUse, ...], any_of: bool = False
) -> str:
    texts = [_part_text(part) for part in parts]
    return (" or " if any_of else " and ").join(texts)


def _part_text(part: Part) -> str:
    if isinstance(part, Threshold):
        return f"{indicator_id(part.indicator)} {part.op} {part.value}"
    if isinstance(part, Either):
        return "(" + " or ".join(_part_text(t) for t in part.items) + ")"
    return f"{'' if part.holds else 'not '}signal {signal_id(part.signal)}"


def write_rules(workload: Workload, root: Path) -> Path:
    """The rule files `advisor validate` accepts: a catalogue and the logic."""
    catalogue = {
        "indicators": [
            {
                "id": indicator_id(i),
                "title": f"Synthetic indicator {i}",
                "type": "number",
                "range": [LOW, HIGH],
            }
            for i in range(workload.indicators)
        ],
        "measures": [
            {
                "id": f"m{k:02d}",
                "title": f"Measure {k}",
                "area": "diplomacy",
                "description": f"Synthetic measure {k}.",
                "outcomes": ["A synthetic outcome"],
                "horizon": "medium",
            }
            for k in range(MEASURES)
        ],
    }
    signals = [
        {
            "id": signal.id,
            "title": f"Synthetic signal {signal.index}",
            "when": condition_text(signal.parts, signal.any),
        }
        for signal in workload.signals
    ]
    root.mkdir(parents=True, exist_ok=True)
    (root / "catalogue.yaml").write_text(yaml.safe_dump(catalogue, sort_keys=False))
    (root / "signals.yaml").write_text(yaml.safe_dump({"signals": signals}, sort_keys=False))
    # The loader refuses files over 2 MB: a thousand rules a file stays well under.
    for start in range(0, len(workload.rules), RULES_PER_FILE):
        rules = [_rule_entry(rule) for rule in workload.rules[start : start + RULES_PER_FILE]]
        (root / f"rules-{start // RULES_PER_FILE:03d}.yaml").write_text(
            yaml.safe_dump({"rules": rules}, sort_keys=False, width=1000)
        )
    return root


def _rule_entry(rule: Rule) -> dict[str, Any]:
    first = indicator_id(rule.thresholds[0].indicator)
    entry: dict[str, Any] = {
        "id": rule.id,
        "title": f"Synthetic rule {rule.index}",
        "when": condition_text(rule.parts),
        "recommend": [{"measure": f"m{rule.measure:02d}", "priority": rule.priority}],
    }
    if rule.withhold is not None and rule.withhold != rule.measure:
        entry["withhold"] = [{"measure": f"m{rule.withhold:02d}", "reason": "synthetic"}]
    if rule.safeguard:
        entry["safeguard"] = [{"measure": f"m{rule.measure:02d}", "requires": "Oversight"}]
    entry["because"] = f"{first} stands at {{{first}}}."
    entry["source"] = "benchmarks/workload.py"
    return entry
