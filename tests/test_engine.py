"""The engine at scale and under threads: it must agree with the reference evaluator."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import pytest

from advisor import Advisor
from advisor.expressions import evaluate
from advisor.profile import check_profile, parse_profile

from .synthetic import random_profile, write_synthetic_rules


@pytest.fixture(scope="module")
def large_advisor(tmp_path_factory: pytest.TempPathFactory) -> Advisor:
    root = write_synthetic_rules(tmp_path_factory.mktemp("large") / "rules", rules=1500)
    return Advisor.from_directory(root)


def reference_fired(advisor: Advisor, profile: dict[str, object]) -> set[str]:
    """What should fire, by plain Python three-valued evaluation (no engine)."""
    observed = check_profile(parse_profile(profile), advisor.ruleset)
    states: dict[str, bool | None] = {}
    for sid, signal in advisor.ruleset.signals.items():
        states[sid] = evaluate(signal.condition, observed.values, states)
    return {
        rule_id
        for rule_id, rule in advisor.ruleset.rules.items()
        if evaluate(rule.condition, observed.values, states) is True
    }


def test_rule_set_larger_than_one_durable_ruleset(large_advisor: Advisor) -> None:
    plan = large_advisor.plan
    assert len(plan.rulesets) > 10
    assert all(r.stack_bound <= 60 for r in plan.rulesets)
    rng = random.Random(11)
    fired_counts = []
    for _ in range(150):
        profile = random_profile(rng)
        decision = large_advisor.evaluate(profile)
        assert set(decision.fired) == reference_fired(large_advisor, profile)
        fired_counts.append(len(decision.fired))
    # the comparison means something only if rules fire, and not all of them
    assert 0 < sum(fired_counts) / len(fired_counts) < 1500


def test_eight_threads_give_the_single_threaded_decisions(large_advisor: Advisor) -> None:
    rng = random.Random(5)
    profiles = [random_profile(rng, missing=0.2) for _ in range(240)]
    expected = [large_advisor.evaluate(p).to_json() for p in profiles]
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for index in range(offset, len(profiles), 8):
                results[index] = large_advisor.evaluate(profiles[index]).to_json()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [results[i] for i in range(len(profiles))] == expected


def test_reload_builds_a_new_engine_and_frees_the_old(tmp_path: Path) -> None:
    root = write_synthetic_rules(tmp_path / "rules", rules=80)
    profile = random_profile(random.Random(3))
    decisions = set()
    for _ in range(30):  # rulesets are created and deleted in the C core each time
        advisor = Advisor.from_directory(root)
        decisions.add(advisor.evaluate(profile).to_json())
        advisor.close()
    assert len(decisions) == 1
