"""`POST /v1/recommendations` under `advisor serve` against a bare FastAPI endpoint.

Both servers run with the same uvicorn settings (see `bare_server.py`) on
loopback, both at once (an idle one costs nothing); the load generator is a
separate process (`loadgen.py`). For each concurrency each target's time is
split in two runs, in the order bare, advisor, advisor, bare, and each target's
figures pool its two runs: load from other processes on the machine that rises
or falls during the measurement then weighs on both targets alike, rather than
on whichever ran second. A target that does not start is reported as not
available with the reason, and the rest of the benchmark goes on.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .loadgen import percentile

__all__ = ["ServiceResult", "measure_service"]

PATH = "/v1/recommendations"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0


@dataclass
class ServiceResult:
    workers: int
    seconds: float
    #: (target, concurrency) -> the load generator's figures
    runs: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    #: target -> why it could not be measured
    unavailable: dict[str, str] = field(default_factory=dict)


def measure_service(
    root: Path, concurrencies: list[int], seconds: float, warmup: float, workers: int
) -> ServiceResult:
    """Start both servers, load each in turn, stop them."""
    result = ServiceResult(workers, seconds)
    profile = yaml.safe_load((root / "examples/profiles/libya-2024.yaml").read_text())
    with tempfile.TemporaryDirectory(prefix="advisor-bench-") as scratch:
        body = Path(scratch) / "body.json"
        body.write_text(json.dumps(profile))
        commands = {
            "bare FastAPI": lambda port: [
                *_python("-m", "benchmarks.bare_server"),
                *("--port", str(port), "--workers", str(workers)),
            ],
            "advisor serve": lambda port: [
                *_python("-c", "import sys; from advisor.cli.main import main; sys.exit(main())"),
                "serve",
                *("--rules", str(root / "rules"), "--host", "127.0.0.1"),
                *("--port", str(port), "--workers", str(workers)),
                *("--database-url", f"sqlite:///{scratch}/decisions.db"),
            ],
        }
        with contextlib.ExitStack() as stack:
            ports: dict[str, int] = {}
            for target, command in commands.items():
                port = _free_port()
                log = Path(scratch) / f"{target.split()[0]}.log"
                try:
                    process = stack.enter_context(_server(command(port), root, log))
                    _wait_ready(process, port, body.read_bytes(), log)
                except RuntimeError as exc:
                    result.unavailable[target] = str(exc)
                    continue
                ports[target] = port
            for concurrency in concurrencies:
                runs: dict[str, list[dict[str, Any]]] = {target: [] for target in ports}
                for target in [*ports, *reversed(ports)]:  # ABBA: a drift hits both alike
                    latencies = Path(scratch) / f"latencies-{len(runs[target])}-{target}"
                    runs[target].append(
                        _load(
                            root, ports[target], body, concurrency, seconds / 2, warmup, latencies
                        )
                    )
                for target, halves in runs.items():
                    result.runs[(target, concurrency)] = _pooled(halves, concurrency, seconds)
    return result


def _pooled(runs: list[dict[str, Any]], concurrency: int, seconds: float) -> dict[str, Any]:
    """One target's runs as one: requests and errors summed, percentiles over every latency."""
    failed = [run for run in runs if "failed" in run]
    if failed:
        return failed[0]
    latencies = sorted(
        int(line) for run in runs for line in Path(run["latencies"]).read_text().split()
    )
    return {
        "concurrency": concurrency,
        "requests": len(latencies),
        "errors": sum(int(run["errors"]) for run in runs),
        "seconds": seconds,
        "rps": len(latencies) / seconds,
        "p50_ms": percentile(latencies, 0.50) / 1e6,
        "p99_ms": percentile(latencies, 0.99) / 1e6,
    }


def _python(*args: str) -> list[str]:
    return [sys.executable, *args]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def _server(command: list[str], root: Path, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A server process in its own process group, stopped (with its workers) on exit."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=root,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_ready(process: subprocess.Popen[bytes], port: int, body: bytes, log: Path) -> None:
    """Until one POST is answered 200; RuntimeError with the server's last words otherwise."""
    deadline = time.monotonic() + START_TIMEOUT
    last = "no answer"
    while time.monotonic() < deadline and process.poll() is None:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{PATH}",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                if response.status == 200:
                    return
                last = f"status {response.status}"
        except urllib.error.HTTPError as exc:
            last = f"status {exc.code}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.2)
    tail = log.read_text(errors="replace").strip().splitlines()[-3:] if log.exists() else []
    if process.poll() is not None:
        last = f"exited with {process.returncode}"
    raise RuntimeError(f"not ready ({last}): " + " / ".join(tail))


def _load(
    root: Path,
    port: int,
    body: Path,
    concurrency: int,
    seconds: float,
    warmup: float,
    latencies: Path,
) -> dict[str, Any]:
    command = [
        *_python("-m", "benchmarks.loadgen"),
        *("--port", str(port), "--path", PATH, "--body", str(body)),
        *("--concurrency", str(concurrency), "--seconds", str(seconds)),
        *("--warmup", str(warmup), "--latencies", str(latencies)),
    ]
    done = subprocess.run(
        command, cwd=root, capture_output=True, text=True, timeout=seconds + warmup + 60
    )
    if done.returncode != 0:
        return {"failed": done.stderr.strip().splitlines()[-1:] or ["load generator failed"]}
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "latencies": str(latencies)}
