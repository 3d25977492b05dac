"""`advisor serve` as a real process, for the end-to-end tests.

The server binds port 0 itself and the tests read the port it got from its
start-up line: a port picked by the tests and bound later by the server could be
taken by anything in between.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx

__all__ = ["WITHOUT_FILE_OVERRIDE", "Server", "advisor_server"]

#: util-linux's setpriv, dropping root's power to write files whatever their permissions
WITHOUT_FILE_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]

#: what `advisor serve` logs once it listens (api/serve.py)
_LISTENING = re.compile(r" on http://[^\s/]+:(\d+) with \d+ worker")


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path
    #: every worker pid seen answering (to clean up if the supervisor itself must be killed)
    workers: set[int] = field(default_factory=set)
    #: sent with the helper's own requests (a token, when the test made one)
    headers: dict[str, str] = field(default_factory=dict)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def worker_names(self, count: int, timeout: float = 60) -> set[str]:
        """Ask /v1/ruleset on fresh connections until `count` distinct workers have answered."""
        seen: set[str] = set()
        deadline = time.monotonic() + timeout
        while len(seen) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"saw workers {seen}, wanted {count}:\n{self.output()}")
            with contextlib.suppress(httpx.TransportError):
                response = httpx.get(
                    f"{self.base_url}/v1/ruleset", headers=self.headers, timeout=10
                )
                if response.status_code == 200:
                    seen.add(response.json()["worker"])
        return seen

    def worker_pids(self, count: int, timeout: float = 60) -> set[int]:
        """The PIDs of the live workers, once `count` distinct ones have answered.

        The service shows no PIDs, so they are the supervisor's worker children in /proc.
        """
        self.worker_names(count, timeout)
        pids = _worker_children(self.process.pid)
        self.workers |= pids
        return pids


@contextlib.contextmanager
def advisor_server(
    workdir: Path,
    rules: Path,
    database_url: str,
    workers: int = 2,
    reload_interval: float = 0.2,
    host: str = "127.0.0.1",
    headers: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
    honour_permissions: bool = False,
) -> Iterator[Server]:
    """Start `advisor serve`, wait until every worker answers, stop it (SIGTERM) at the end.

    `headers` go with the helper's own /v1 requests (a token, once the test made one).
    `honour_permissions`: when the tests run as root, run the server without the
    capabilities that let root ignore file permissions (as a deployment's service user
    would be), so that a file made read-only is read-only to it.
    """
    log = workdir / f"server-{os.getpid()}-{time.monotonic_ns()}.log"
    env = {**os.environ, "ADVISOR_RELOAD_INTERVAL": str(reload_interval), **(env or {})}
    command = [sys.executable, "-m", "advisor.cli", "serve", "--rules", str(rules)]
    command += ["--host", host, "--port", "0", "--workers", str(workers)]
    command += ["--database-url", database_url]
    if honour_permissions and os.geteuid() == 0:
        command = [*WITHOUT_FILE_OVERRIDE, *command]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=workdir, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    server = Server("", process, log, headers=dict(headers or {}))
    try:
        # bound to every interface: the helper's own requests come from loopback
        near = "127.0.0.1" if host == "0.0.0.0" else host
        server.base_url = f"http://{near}:{_wait_for_port(server)}"
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise AssertionError(
                    f"advisor serve exited {process.returncode}:\n{server.output()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"advisor serve did not become ready:\n{server.output()}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{server.base_url}/readyz", timeout=5).status_code == 200:
                    break
            time.sleep(0.2)
        server.worker_pids(workers)
        yield server
    finally:
        _stop(server)


def _wait_for_port(server: Server) -> int:
    deadline = time.monotonic() + 90
    while (found := _LISTENING.search(server.output())) is None:
        if server.process.poll() is not None:
            raise AssertionError(
                f"advisor serve exited {server.process.returncode}:\n{server.output()}"
            )
        if time.monotonic() > deadline:
            raise AssertionError(f"advisor serve did not say where it listens:\n{server.output()}")
        time.sleep(0.1)
    return int(found.group(1))


def _stop(server: Server) -> None:
    process = server.process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
            for pid in server.workers:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def _worker_children(supervisor: int) -> set[int]:
    """Live processes the supervisor spawned as workers (not its resource tracker)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # "pid (comm) state ppid ...": comm may hold spaces, so split after its ")"
            fields = stat.read_text().rpartition(")")[2].split()
            if int(fields[1]) != supervisor or fields[0] == "Z":
                continue
            cmdline = (stat.parent / "cmdline").read_bytes()
            if b"spawn_main" in cmdline:
                found.add(int(stat.parent.name))
    return found
