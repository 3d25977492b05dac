"""The engine at scale and under threads: it must agree with the reference evaluator."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor import Advisor, EngineError
from advisor.engine import driver, limits
from advisor.language.expressions import signal_refs, truth
from advisor.language.profile import check_profile, parse_profile

from .conftest import BASIC_RULES, LIBYA_2024
from .synthetic import random_profile, write_synthetic_rules


@pytest.fixture(scope="module")
def large_advisor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Advisor]:
    # Rulesets are capped low here so that 1,500 rules need several of them (as
    # 10,000 do at the real cap): each carries the signals its rules need.
    root = write_synthetic_rules(tmp_path_factory.mktemp("large") / "rules", rules=1500)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(limits, "MAX_RULES_PER_RULESET", 400)
        advisor = Advisor.from_directory(root)
    yield advisor
    advisor.close()


def reference_fired(advisor: Advisor, profile: dict[str, object]) -> set[str]:
    """What should fire, by plain Python three-valued evaluation (no engine)."""
    observed = check_profile(parse_profile(profile), advisor.ruleset)
    states: dict[str, bool | None] = {}
    for sid, signal in advisor.ruleset.signals.items():
        states[sid] = truth(signal.condition, observed.values, states)
    return {
        rule_id
        for rule_id, rule in advisor.ruleset.rules.items()
        if truth(rule.condition, observed.values, states) is True
    }


def test_rule_set_larger_than_one_durable_ruleset(large_advisor: Advisor) -> None:
    plan = large_advisor.plan
    assert len(plan.rulesets) >= 4
    assert all(len(r.actions) <= 400 for r in plan.rulesets)
    assert sum(len(r.groups) for r in plan.rulesets) > 10
    assert all(g.stack_bound <= limits.STACK_BUDGET for r in plan.rulesets for g in r.groups)
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


def test_conditions_all_matching_one_profile_stay_within_the_alpha_stack(tmp_path: Path) -> None:
    # 150 thresholds on one indicator, all met by one value: one fact meeting them
    # all would overflow the core's 64-entry alpha stack (error 303), so the
    # packing spreads them over groups, each bounded by the network model.
    thresholds = range(1, 151)
    rules = "\n".join(
        f"  - {{id: r{k}, title: R{k}, when: x.v >= {k}, because: b, source: s,"
        f" recommend: [{{measure: m, priority: low}}]}}"
        for k in thresholds
    )
    (tmp_path / "rules.yaml").write_text(
        "indicators:\n  - {id: x.v, title: X, type: number}\n"
        "measures:\n  - {id: m, title: M, area: diplomacy, description: d,"
        " outcomes: [o], horizon: short}\n"
        f"rules:\n{rules}\n",
        encoding="utf-8",
    )
    advisor = Advisor.from_directory(tmp_path)
    try:
        groups = [g for r in advisor.plan.rulesets for g in r.groups]
        assert len(groups) >= 3
        assert all(g.stack_bound <= limits.STACK_BUDGET for g in groups)
        decision = advisor.evaluate({"country": "X", "indicators": {"x.v": 1000}})
        assert len(decision.fired) == 150
        assert len(advisor.evaluate({"country": "X", "indicators": {"x.v": 75}}).fired) == 75
    finally:
        advisor.close()
    # Without the bound the same rules in one group overflow the core's stack: the
    # limit is real, and the engine error is reported, not a crash.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(limits, "STACK_BUDGET", 1000)
        unbounded = Advisor.from_directory(tmp_path)
    try:
        assert len([g for r in unbounded.plan.rulesets for g in r.groups]) == 2  # sentinel, rules
        with pytest.raises(EngineError, match="303"):
            unbounded.evaluate({"country": "X", "indicators": {"x.v": 1000}})
        # the failed session was deleted; the next evaluation starts a clean one
        assert unbounded.evaluate({"country": "X", "indicators": {"x.v": 2}}).fired == ["r1", "r2"]
        # A session that has evaluated once skips the sentinel; failing then (before any
        # action of that evaluation started) must still delete it cleanly, and recover.
        for _ in range(3):
            with pytest.raises(EngineError, match="303"):
                unbounded.evaluate({"country": "X", "indicators": {"x.v": 1000}})
            assert unbounded.evaluate({"country": "X", "indicators": {"x.v": 1}}).fired == ["r1"]
            assert unbounded.evaluate({"country": "X", "indicators": {"x.v": 3}}).fired == [
                "r1",
                "r2",
                "r3",
            ]
    finally:
        unbounded.close()


def test_an_engine_dropped_while_the_lock_is_held_is_deleted_later(tmp_path: Path) -> None:
    # The garbage collector can finalise an engine inside run(), in the thread that
    # holds the engine lock: deleting it must not wait for that lock (a deadlock).
    working = Advisor.from_directory(BASIC_RULES)
    dropped = Advisor.from_directory(BASIC_RULES)
    handles = set(dropped._engine._handles)
    try:
        with driver._LOCK:
            closer = threading.Thread(target=dropped.close)
            closer.start()
            closer.join(timeout=10)
            assert not closer.is_alive()  # returned without the lock
            assert handles <= set(driver._QUEUED)
        working.evaluate(LIBYA_2024)  # the next holder of the lock deletes them
        assert not handles & set(driver._QUEUED)
    finally:
        working.close()


def test_each_signal_is_compiled_only_where_a_rule_needs_it(large_advisor: Advisor) -> None:
    signals = large_advisor.ruleset.signals

    def closure(ids: set[str]) -> set[str]:
        pending, found = list(ids), set()
        while pending:
            sid = pending.pop()
            if sid not in found:
                found.add(sid)
                pending += [ref.signal for ref in signal_refs(signals[sid].condition)]
        return found

    extras: list[set[str]] = []
    for compiled in large_advisor.plan.rulesets:
        kinds = {action.kind for action in compiled.actions.values()}
        assert kinds <= {"rule", "signal"}
        rules = {a.target for a in compiled.actions.values() if a.kind == "rule"}
        present = {a.target for a in compiled.actions.values() if a.kind == "signal"}
        read = {
            ref.signal
            for rule_id in rules
            for ref in signal_refs(large_advisor.ruleset.rules[rule_id].condition)
        }
        assert closure(read) <= present
        extras.append(present - closure(read))
    # A signal no rule of a ruleset reads is there only because no rule anywhere
    # reads it (the decision still lists it), and then in one ruleset only.
    unread = [sid for extra in extras for sid in extra]
    assert len(unread) == len(set(unread))
    every_read = closure(
        {
            ref.signal
            for rule in large_advisor.ruleset.rules.values()
            for ref in signal_refs(rule.condition)
        }
    )
    assert not set(unread) & every_read
