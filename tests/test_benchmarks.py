"""The benchmark harness stays runnable: the smallest size, end to end, nothing timed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from advisor.cli.main import main as advisor_main

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("zen", reason="the benchmarks need the bench extra (zen-engine)")


def test_synthetic_rules_pass_advisor_validate(tmp_path: Path) -> None:
    from benchmarks import workload

    root = workload.write_rules(workload.generate(100), tmp_path / "rules")
    assert advisor_main(["validate", str(root)]) == 0


def test_harness_runs_on_the_smallest_size(tmp_path: Path) -> None:
    output = tmp_path / "BENCHMARKS.md"
    command = [
        *(sys.executable, "-m", "benchmarks"),
        *("--sizes", "10", "--repetitions", "1", "--profiles", "5", "--quick", "--skip-batch"),
        *("--compile-repetitions", "1", "--memory-evaluations", "200"),
        *("--service-seconds", "0.3", "--service-warmup", "0.2", "--service-workers", "1"),
        *("--output", str(output)),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    report = done.stdout
    assert output.read_text() == report
    for section in ("## Engine", "## Compile", "## Memory", "## Service", "## Targets"):
        assert section in report
    # The engine and compile tables each have a row for the size, with every engine timed.
    rows = [line for line in report.splitlines() if line.startswith("| 10 |")]
    assert len(rows) == 3, report
    cells = [cell.strip() for cell in rows[0].split("|")]
    advisor, durable, zen = cells[6], cells[8], cells[9]
    assert "-" not in (advisor, durable, zen), rows[0]
    agreed = [line for line in report.splitlines() if "fired exactly the reference's rules" in line]
    assert len(agreed) == 1
    assert "on all 5 profiles advisor" in agreed[0]
    assert "durable_rules, zen-engine" in agreed[0]
