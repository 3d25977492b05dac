"""`advisor batch --scheduler`: the same batch on a real Dask cluster on loopback, a scheduler
and two worker processes started here; the output is byte for byte a local run's."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from advisor import load_ruleset
from advisor.batch.cluster import DaskPool
from advisor.batch.evaluate import RulePackage, evaluate_rows
from advisor.exit_codes import ExitCode
from benchmarks.country_years import country_years

from .conftest import BUNDLED, Batch, write_jsonl

distributed = pytest.importorskip("distributed", reason="needs the dask extra")

DASK = Path(sys.executable).with_name("dask")
HERE = Path(__file__).resolve().parent


@dataclass
class Cluster:
    """A `dask scheduler` and its `dask worker`s, each in its own process group."""

    root: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    address: str = ""

    def start(
        self, workers: int, env: dict[str, str] | None = None, preload: Path | None = None
    ) -> None:
        scheduler_file = self.root / "scheduler.json"
        self._spawn(
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(scheduler_file),
        )
        deadline = time.monotonic() + 120
        while not scheduler_file.exists() or not scheduler_file.stat().st_size:
            self._check_alive(deadline)
            time.sleep(0.05)
        self.address = json.loads(scheduler_file.read_text())["address"]
        for number in range(workers):
            extra = ["--preload", str(preload)] if preload and number == 0 else []
            self._spawn(
                "worker",
                "--scheduler-file",
                str(scheduler_file),
                "--nthreads",
                "1",
                "--no-dashboard",
                "--name",
                f"w{number}",
                "--local-directory",
                str(self.root / f"w{number}"),
                *extra,
                env=env,
            )
        if workers:
            with distributed.Client(self.address, timeout=60) as client:
                client.wait_for_workers(workers, timeout=120)

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)

    def log(self, number: int) -> str:
        return (self.root / f"{number}.log").read_text(errors="replace")

    def _spawn(self, *args: str, env: dict[str, str] | None = None) -> None:
        log = (self.root / f"{len(self.processes)}.log").open("wb")
        self.processes.append(
            subprocess.Popen(
                [str(DASK), *args],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})},
                start_new_session=True,
            )
        )

    def _check_alive(self, deadline: float) -> None:
        for number, process in enumerate(self.processes):
            assert process.poll() is None, self.log(number)
        assert time.monotonic() < deadline, "the Dask scheduler did not start"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    running = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        running.start(workers=2)
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    profiles = country_years(load_ruleset(BUNDLED), 600, seed=5)
    profiles[17] = {"country": "Nowhere", "indicators": {"gti.scor": 1}}
    return profiles


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_a_dask_run_writes_the_bytes_of_a_local_run(
    tmp_path: Path, batch: Batch, cluster: Cluster, rows: list[dict[str, Any]], suffix: str
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    local, remote = tmp_path / f"local{suffix}", tmp_path / f"dask{suffix}"
    local_errors, remote_errors = tmp_path / "local-errors.jsonl", tmp_path / "dask-errors.jsonl"
    assert batch(source, "-o", local, "--errors", local_errors, "--workers", 1)[0] == 1
    code, err = batch(
        source,
        "-o",
        remote,
        "--errors",
        remote_errors,
        "--scheduler",
        cluster.address,
        "--partition-size",
        25,
    )
    assert code == ExitCode.PROBLEMS, err
    assert "600 rows" in err
    assert remote.read_bytes() == local.read_bytes()
    assert remote_errors.read_bytes() == local_errors.read_bytes()


def test_the_workers_compile_the_rule_set_once_each(
    cluster: Cluster, batch: Batch, tmp_path: Path, rows: list[dict[str, Any]]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", rows[:200])
    assert (
        batch(
            source,
            "-o",
            tmp_path / "out.jsonl",
            "--scheduler",
            cluster.address,
            "--partition-size",
            10,
            "--allow-errors",
        )[0]
        == 0
    )

    def compiled() -> list[str]:
        from advisor.batch import evaluate

        return sorted(evaluate._ADVISORS)

    with distributed.Client(cluster.address, timeout=60) as client:
        per_worker = client.run(compiled)
    hashes = {h for found in per_worker.values() for h in found}
    assert hashes == {load_ruleset(BUNDLED).content_hash}
    assert len(per_worker) == 2


def free_port() -> int:
    """A loopback port nothing listens on (bound, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_scheduler_is_refused_and_nothing_written(
    tmp_path: Path, batch: Batch
) -> None:
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    address = f"tcp://127.0.0.1:{free_port()}"
    code, err = batch(
        BUNDLED.parent / "examples" / "profiles",
        "-o",
        out,
        "--errors",
        errors,
        "--scheduler",
        address,
        "--connect-timeout",
        1,
    )
    assert code == ExitCode.USAGE
    assert f"cannot reach the Dask scheduler at {address}" in err
    assert not out.exists()
    assert not errors.exists()


def test_a_worker_that_dies_mid_run_costs_nothing(
    tmp_path: Path, batch: Batch, rows: list[dict[str, Any]]
) -> None:
    marker = tmp_path / "died"
    dying = Cluster(tmp_path / "cluster")
    dying.root.mkdir()
    try:
        dying.start(workers=2, env={"DIE_ONCE_MARKER": str(marker)}, preload=HERE / "die_once.py")
        source = write_jsonl(tmp_path / "in.jsonl", rows)
        local, remote = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
        assert batch(source, "-o", local, "--workers", 1, "--allow-errors")[0] == 0
        code, err = batch(
            source,
            "-o",
            remote,
            "--scheduler",
            dying.address,
            "--partition-size",
            20,
            "--allow-errors",
        )
    finally:
        dying.stop()
    assert code == 0, err
    assert marker.exists(), "the worker did not die: the test tested nothing"
    assert remote.read_bytes() == local.read_bytes()


def test_a_scheduler_without_workers_is_refused(tmp_path: Path, batch: Batch) -> None:
    lonely = Cluster(tmp_path / "cluster")
    lonely.root.mkdir()
    out = tmp_path / "out.jsonl"
    try:
        lonely.start(workers=0)
        code, err = batch(
            BUNDLED.parent / "examples" / "profiles",
            "-o",
            out,
            "--scheduler",
            lonely.address,
            "--connect-timeout",
            1,
        )
    finally:
        lonely.stop()
    assert code == ExitCode.USAGE
    assert f"the Dask scheduler at {lonely.address} has no workers" in err
    assert not out.exists()


def test_a_partition_the_scheduler_cancels_is_submitted_again(
    cluster: Cluster, rows: list[dict[str, Any]]
) -> None:
    # When a worker dies, the scheduler may forget a task ("cancelled: already forgotten"):
    # the partition is submitted again, with the rule set scattered again, not lost.
    package, advisor = RulePackage.from_directory(BUNDLED)
    advisor.close()
    payloads = [("json", json.dumps(row)) for row in rows[:20]]
    pool = DaskPool(cluster.address, package, "decisions", 30)
    try:
        task = pool.submit(payloads)
        pool._client.cancel([task._future])  # as the scheduler does when it forgets it
        again = task.result(timeout=120)
    finally:
        pool.close()
    assert again == evaluate_rows(package, payloads, "decisions")
