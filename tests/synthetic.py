"""Synthetic rule sets and profiles in the project's own rule language, for scale tests."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml


def write_synthetic_rules(
    root: Path, *, rules: int, indicators: int = 30, signals: int = 12, seed: int = 7
) -> Path:
    """A rule set with threshold rules, any/all/not, and signals that chain and are negated."""
    rng = random.Random(seed)
    ids = [f"syn.i{i:02d}" for i in range(indicators)]
    catalogue: dict[str, Any] = {
        "indicators": [
            {"id": i, "title": f"Indicator {i}", "type": "number", "range": [0, 10]} for i in ids
        ]
        + [
            {"id": "syn.flag", "title": "A flag", "type": "boolean"},
            {"id": "syn.series", "title": "A series", "type": "series", "range": [0, 1000]},
        ],
        "measures": [
            {
                "id": f"m{k}",
                "title": f"Measure {k}",
                "area": "diplomacy",
                "description": "d",
                "outcomes": ["o"],
                "horizon": "short",
            }
            for k in range(20)
        ],
    }

    def atom() -> str:
        kind = rng.random()
        if kind < 0.1:
            return "syn.flag"
        if kind < 0.2:
            return f"change(syn.series) >= {rng.choice([-0.5, 0, 0.25])}"
        if kind < 0.3:
            low = rng.randint(0, 7)
            return f"{rng.choice(ids)} between {low} and {low + rng.randint(1, 3)}"
        return f"{rng.choice(ids)} {rng.choice(['>=', '<', '>', '<='])} {rng.randint(1, 9)}.5"

    signal_defs = []
    for s in range(signals):
        parts = [atom(), atom()]
        if s >= 3 and rng.random() < 0.6:
            parts[1] = f"signal s{rng.randrange(s)}"
        signal_defs.append(
            {"id": f"s{s}", "title": f"Signal {s}", "when": {"any" if s % 2 else "all": parts}}
        )
    rule_defs = []
    for r in range(rules):
        parts: list[Any] = [atom(), atom()]
        roll = rng.random()
        if roll < 0.3:
            parts.append(f"signal s{rng.randrange(signals)}")
        elif roll < 0.4:
            parts.append({"not": f"signal s{rng.randrange(signals)}"})
        elif roll < 0.5:
            parts.append({"any": [atom(), f"signal s{rng.randrange(signals)}"]})
        rule_defs.append(
            {
                "id": f"r{r:05d}",
                "title": f"Rule {r}",
                "when": {"all": parts},
                "recommend": [
                    {
                        "measure": f"m{rng.randrange(20)}",
                        "priority": rng.choice(["low", "medium", "high", "critical"]),
                    }
                ],
                "because": "synthetic",
                "source": "synthetic",
            }
        )
    root.mkdir(parents=True, exist_ok=True)
    (root / "catalogue.yaml").write_text(yaml.safe_dump(catalogue, sort_keys=False))
    (root / "logic.yaml").write_text(
        yaml.safe_dump({"signals": signal_defs, "rules": rule_defs}, sort_keys=False)
    )
    return root


def random_profile(
    rng: random.Random, indicators: int = 30, missing: float = 0.1
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for i in range(indicators):
        if rng.random() >= missing:
            values[f"syn.i{i:02d}"] = rng.choice([rng.randint(0, 10), round(rng.uniform(0, 10), 2)])
    if rng.random() >= missing:
        values["syn.flag"] = rng.random() < 0.5
    if rng.random() >= missing:
        values["syn.series"] = {
            str(2020 + y): rng.randint(0, 1000) for y in range(rng.randint(1, 4))
        }
    return {"country": "Synthetica", "indicators": values}
