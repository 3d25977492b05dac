"""The two levels of detail of a decision: the compact one (the default, what the service
answers and logs) is the full one without the rule set's texts, and nothing else differs."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from advisor import Advisor
from advisor.decision.document import Decision
from advisor.decision.render import render_decision
from advisor.language.profile import read_profile

ROOT = Path(__file__).parent.parent
PROFILES = sorted((ROOT / "examples" / "profiles").rglob("*.yaml"))
#: the size issue 12 set for the Libya 2024 decision's compact JSON (46,386 bytes before it)
LIBYA_2024_LIMIT = 15_500


@pytest.fixture(scope="module")
def advisor() -> Iterator[Advisor]:
    built = Advisor.from_directory(ROOT / "rules")
    yield built
    built.close()


def without_rule_set_texts(full: dict[str, Any]) -> dict[str, Any]:
    """What the compact decision should be: the full one without the rule set's own texts."""
    out = copy.deepcopy(full)
    del out["detail"]
    for rec in out["recommendations"]:
        for key in ("description", "outcomes", "horizon"):
            del rec[key]
        for guard in rec.get("safeguards", []):
            del guard["requires"]
    for withheld in out["withheld"]:
        for by in withheld["by"]:
            by.pop("reason", None)  # a rule may give none
    for signal in out["signals"]:
        del signal["title"], signal["conditions"]
    for said in out["rules"].values():
        del said["title"], said["source"], said["conditions"]
    return out


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_the_compact_decision_is_the_full_one_without_the_rule_sets_texts(
    advisor: Advisor, path: Path
) -> None:
    observations = advisor.observe(read_profile(path), path.name)
    compact = advisor.evaluate(observations)
    full = advisor.evaluate(observations, detail="full")
    assert (compact.detail, full.detail) == ("compact", "full")
    assert orjson.loads(compact.to_json_bytes()) == without_rule_set_texts(
        orjson.loads(full.to_json_bytes())
    )
    # the service answers the full form and logs the compact one it derives
    assert full.compact().to_json_bytes() == compact.to_json_bytes()
    assert compact.compact() is compact
    # each form reads back as itself, through the schema
    for decision in (compact, full):
        assert Decision.from_json(decision.to_json_bytes()).to_json_bytes() == (
            decision.to_json_bytes()
        )


def test_values_are_those_the_explained_rules_and_holding_signals_read(
    advisor: Advisor,
) -> None:
    full = advisor.evaluate(read_profile(ROOT / "examples/profiles/libya-2024.yaml"), detail="full")
    read = {
        c.reads: c.value
        for explained in [*full.rules.values(), *full.signals]
        for c in explained.conditions
        if c.reads is not None and c.value is not None
    }
    assert dict(full.values) == read
    assert list(full.values) == sorted(read)


def test_the_libya_2024_decision_is_compact(advisor: Advisor) -> None:
    profile = read_profile(ROOT / "examples/profiles/libya-2024.yaml")
    size = len(advisor.evaluate(profile).to_json_bytes())
    assert size <= LIBYA_2024_LIMIT, f"{size:,} bytes"


def test_the_report_needs_the_full_decision(advisor: Advisor) -> None:
    profile = read_profile(ROOT / "examples/profiles/libya-2024.yaml")
    with pytest.raises(ValueError, match='detail="full"'):
        render_decision(advisor.evaluate(profile))
    assert "safeguard (" in render_decision(advisor.evaluate(profile, detail="full"))


def test_a_decision_logged_before_detail_levels_reads_back() -> None:
    """Logs written before the compact form (every text inlined, defaults written out)
    stay readable: `advisor replay` and the service read them with the current model."""
    logged = (ROOT / "tests/fixtures/decision-libya-2024-before-detail.json").read_bytes()
    decision = Decision.from_json(logged)
    assert len(decision.recommendations) == 24
    assert "fragmented-state-intelligence-sharing" in decision.fired
    guard = decision.recommendations[0].safeguards[0]
    assert (guard.status, guard.requires is not None) == ("applied", True)
