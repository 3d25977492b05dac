"""The rule-set holder and watcher: atomic swaps, failed reloads, the last good copy, siblings."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from advisor.api import Settings, create_app
from advisor.api.holder import LAST_GOOD, RuleSetHolder
from advisor.api.watcher import RuleSetWatcher
from fastapi.testclient import TestClient

from advisor import RuleSetError

from ..conftest import LIBYA_2024
from .conftest import LOCAL

BREAK = ("wgi.rule_of_law <= -1.5", "wgi.rule_of_lw <= -1.5")
DIALOGUE = "{measure: political-dialogue, priority: medium}"


def edit(rules_dir: Path, old: str, new: str) -> None:
    path = rules_dir / "rules.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_failed_reload_keeps_serving_and_reports(rules_dir: Path) -> None:
    holder = RuleSetHolder(rules_dir)
    good = holder.current
    edit(rules_dir, *BREAK)
    assert holder.changed_on_disk()
    outcome = holder.reload()
    assert not outcome.ok
    assert holder.current is good
    assert outcome.failure is not None
    (problem,) = outcome.failure.problems
    assert str(problem).endswith(
        'rules.yaml:60:38: unknown indicator "wgi.rule_of_lw" (did you mean "wgi.rule_of_law"?)'
    )
    assert holder.last_failure == outcome.failure
    assert not holder.changed_on_disk()  # the same broken files are not retried every poll
    edit(rules_dir, BREAK[1], BREAK[0])
    assert holder.reload().ok
    assert holder.last_failure is None


def test_reload_logs_the_problems(rules_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    holder = RuleSetHolder(rules_dir)
    edit(rules_dir, *BREAK)
    holder.reload()
    assert "rules.yaml:60:38: unknown indicator" in caplog.text


def test_worker_started_on_broken_files_serves_the_last_good_copy(
    rules_dir: Path, tmp_path: Path
) -> None:
    keep = tmp_path / "keep"
    first = RuleSetHolder(rules_dir, keep)
    assert (keep / LAST_GOOD / "rules.yaml").is_file()
    edit(rules_dir, *BREAK)
    replacement = RuleSetHolder(rules_dir, keep)
    assert replacement.current.fallback
    assert replacement.current.content_hash == first.current.content_hash
    assert replacement.last_failure is not None
    edit(rules_dir, BREAK[1], BREAK[0])
    assert replacement.changed_on_disk()
    assert replacement.reload().ok
    assert not replacement.current.fallback


def test_without_a_good_copy_a_broken_start_fails(rules_dir: Path, tmp_path: Path) -> None:
    edit(rules_dir, *BREAK)
    with pytest.raises(RuleSetError):
        RuleSetHolder(rules_dir, tmp_path / "keep")


def test_watcher_reloads_on_a_save(rules_dir: Path) -> None:
    holder = RuleSetHolder(rules_dir)
    watcher = RuleSetWatcher(holder, interval=0.05, runtime_dir=None)
    before = holder.current.content_hash
    watcher.start()
    try:
        edit(rules_dir, DIALOGUE, DIALOGUE.replace("medium", "high"))
        deadline = time.monotonic() + 10
        while holder.current.content_hash == before and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        watcher.stop()
    assert holder.current.content_hash != before


def test_reload_everywhere_reaches_sibling_workers(rules_dir: Path, tmp_path: Path) -> None:
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    here = RuleSetWatcher(RuleSetHolder(rules_dir), interval=0, runtime_dir=runtime)
    sibling_holder = RuleSetHolder(rules_dir)
    sibling = RuleSetWatcher(sibling_holder, interval=0, runtime_dir=runtime)
    assert sibling.poll() is None  # nothing changed yet
    loaded_at = sibling_holder.current.loaded_at
    here.reload_everywhere()
    assert here.poll() is None  # its own request is not repeated
    outcome = sibling.poll()
    assert outcome is not None
    assert outcome.ok
    assert sibling_holder.current.loaded_at > loaded_at
    assert sibling.poll() is None


def test_requests_during_reloads_see_one_rule_set_or_the_other(settings: Settings) -> None:
    """Each answer's priorities match the rule set its `ruleset` hash names, never a mix."""
    rules = settings.rules_dir / "rules.yaml"
    variants = {
        "medium": rules.read_text(encoding="utf-8"),
        "high": rules.read_text(encoding="utf-8").replace(
            DIALOGUE, DIALOGUE.replace("medium", "high")
        ),
    }
    expected: dict[str, str] = {}
    answers: list[dict[str, object]] = []
    stop = threading.Event()
    with TestClient(create_app(settings), client=LOCAL) as client:
        holder = client.app.state.services.holder  # type: ignore[attr-defined]
        for priority, text in variants.items():
            rules.write_text(text, encoding="utf-8")
            assert holder.reload().ok
            expected[holder.current.content_hash] = priority

        def ask() -> None:
            while not stop.is_set():
                response = client.post("/v1/recommendations", json=LIBYA_2024)
                assert response.status_code == 200
                answers.append(response.json())

        askers = [threading.Thread(target=ask) for _ in range(4)]
        for thread in askers:
            thread.start()
        rounds, deadline = 0, time.monotonic() + 60
        while time.monotonic() < deadline:
            rules.write_text(variants["medium" if rounds % 2 else "high"], encoding="utf-8")
            holder.reload()
            rounds += 1
            answered = {a["ruleset"] for a in list(answers)}
            if rounds >= 30 and len(answers) >= 40 and answered == set(expected):
                break
        stop.set()
        for thread in askers:
            thread.join()
    seen = set()
    for answer in answers:
        priorities = {r["measure"]: r["priority"] for r in answer["recommendations"]}  # type: ignore[attr-defined]
        assert priorities["political-dialogue"] == expected[answer["ruleset"]]  # type: ignore[index]
        seen.add(answer["ruleset"])
    assert len(answers) >= 40
    assert seen == set(expected)
