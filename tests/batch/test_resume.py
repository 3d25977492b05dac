"""Ctrl-C leaves a whole output; `--resume` skips what it holds and finishes the same bytes."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson
import pytest

from advisor import load_ruleset
from advisor.cli.main import main
from advisor.exit_codes import ExitCode
from benchmarks.country_years import country_years

from .conftest import BUNDLED, ROOT, Batch, lines, write_jsonl

BAD = {"country": "Nowhere", "indicators": {"gti.scor": 1}}


def with_bad_rows(profiles: list[dict[str, Any]], every: int) -> list[dict[str, Any]]:
    return [BAD if n % every == every - 1 else p for n, p in enumerate(profiles)]


def test_ctrl_c_then_resume_gives_the_bytes_of_an_uninterrupted_run(
    tmp_path: Path, batch: Batch
) -> None:
    rows = with_bad_rows(country_years(load_ruleset(BUNDLED), 4000), every=97)
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    command = [
        *(sys.executable, "-m", "advisor.cli", "batch", str(source), "--output", str(out)),
        *("--errors", str(errors), "--rules", str(BUNDLED), "--workers", "2"),
    ]
    run = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not (out.exists() and out.stat().st_size) and run.poll() is None:
            assert time.monotonic() < deadline, "no decision written"
            time.sleep(0.01)
        run.send_signal(signal.SIGINT)
        _, err = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 130, err
    assert "interrupted" in err
    assert "--resume" in err
    interrupted = lines(out)
    assert 0 < len(interrupted) < 3900
    assert out.read_bytes().endswith(b"\n")
    assert all(orjson.loads(line)["decision_version"] == 2 for line in interrupted)

    resumed = subprocess.run(
        [*command, "--resume"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert resumed.returncode == ExitCode.PROBLEMS, resumed.stderr  # the bad rows
    assert "resumed: rows 1 to" in resumed.stderr
    fresh, fresh_errors = tmp_path / "fresh.jsonl", tmp_path / "fresh-errors.jsonl"
    batch(source, "--output", fresh, "--errors", fresh_errors, "--workers", 1)
    assert out.read_bytes() == fresh.read_bytes()
    assert errors.read_bytes() == fresh_errors.read_bytes()
    assert len(lines(errors)) == 4000 // 97


def table_of(path: Path) -> Any:
    if path.suffix == ".parquet":
        return pytest.importorskip("pyarrow.parquet").read_table(path).to_pylist()
    return path.read_bytes()


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_resume_goes_on_from_what_an_earlier_run_wrote(
    tmp_path: Path, batch: Batch, profiles: list[dict[str, Any]], suffix: str
) -> None:
    rows = with_bad_rows(profiles, every=7)
    source, out = tmp_path / "in.jsonl", tmp_path / f"out{suffix}"
    errors = tmp_path / "errors.jsonl"
    write_jsonl(source, rows[:23])  # the run that was stopped had done 23 rows
    assert batch(source, "-o", out, "--errors", errors)[0] == ExitCode.PROBLEMS
    write_jsonl(source, rows)
    code, err = batch(source, "-o", out, "--errors", errors, "--resume", "--allow-errors")
    assert code == 0, err
    assert "resumed: rows 1 to" in err
    fresh, fresh_errors = tmp_path / f"fresh{suffix}", tmp_path / "fresh-errors.jsonl"
    assert batch(source, "-o", fresh, "--errors", fresh_errors, "--allow-errors")[0] == 0
    assert table_of(out) == table_of(fresh)
    assert errors.read_bytes() == fresh_errors.read_bytes()


def test_resume_after_a_hard_stop_drops_what_was_cut_short(
    tmp_path: Path, batch: Batch, profiles: list[dict[str, Any]]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", profiles)
    fresh = tmp_path / "fresh.jsonl"
    fresh_table = tmp_path / "fresh.csv"
    assert batch(source, "-o", fresh)[0] == 0
    assert batch(source, "-o", fresh_table)[0] == 0
    # a decision line cut in the middle
    out = tmp_path / "out.jsonl"
    out.write_bytes(fresh.read_bytes()[: len(fresh.read_bytes()) // 2])
    assert batch(source, "-o", out, "--resume")[0] == 0
    assert out.read_bytes() == fresh.read_bytes()
    # a table whose last profile lost some of its rows
    table = tmp_path / "out.csv"
    table.write_bytes(b"\n".join(fresh_table.read_bytes().split(b"\n")[:25]) + b"\n")
    assert batch(source, "-o", table, "--resume")[0] == 0
    assert table.read_bytes() == fresh_table.read_bytes()


def test_resume_refuses_an_output_that_is_not_this_batchs(
    tmp_path: Path,
    batch: Batch,
    profiles: list[dict[str, Any]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", profiles)
    out = tmp_path / "out.jsonl"
    assert batch(source, "-o", out)[0] == 0
    before = out.read_bytes()
    other = write_jsonl(tmp_path / "other.jsonl", profiles[::-1])
    code, err = batch(other, "-o", out, "--resume")
    assert code == ExitCode.USAGE
    assert "cannot resume" in err
    assert "run without --resume to start again" in err
    assert "row 1 (" in err
    fewer = write_jsonl(tmp_path / "fewer.jsonl", profiles[:5])
    code, err = batch(fewer, "-o", out, "--resume")
    assert code == ExitCode.USAGE
    assert "it holds 35 decision(s) more than the inputs give" in err
    assert out.read_bytes() == before
    # another rule set: the bundled one without its governance rules
    rules = tmp_path / "rules"
    rules.mkdir()
    for path in BUNDLED.glob("*.yaml"):
        if path.name != "governance.yaml":
            (rules / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    capsys.readouterr()
    assert main(["batch", str(source), "-o", str(out), "--resume", "--rules", str(rules)]) == 2
    assert "it was written with rule set sha256:" in capsys.readouterr().err
    assert out.read_bytes() == before
