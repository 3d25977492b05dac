"""A small HTTP/1.1 load generator, run as its own process so it never shares the server's GIL.

    python -m benchmarks.loadgen --port 8000 --path /v1/recommendations --body body.json \
        --concurrency 16 --seconds 5 [--warmup 1]

Each of `concurrency` clients keeps one connection alive and sends the same
POST again as soon as the previous answer is read (a closed loop).

The clients connect one after another during the warm-up, not all at once. The
server's workers share one listening socket, and a worker woken by a burst of
connections accepts every one that is waiting (asyncio's accept loop): sixteen
connections opened together landed, in most runs, all on one of two workers,
whichever woke first, so that "2 workers" measured one worker, or two, by luck.
Connecting while the others already keep the workers busy lets the worker with
a moment to spare accept the next, as it would under ordinary traffic. Raw
asyncio streams rather than an HTTP library: the client costs a few
microseconds a request, so it is not what limits the bare endpoint.
Prints one JSON object: requests, errors, seconds, rps, p50_ms, p99_ms; with
`--latencies FILE`, also writes each measured latency (ns) to FILE, one a line, so
that runs can be pooled (`service.py` splits each target's time in two).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path


def percentile(sorted_values: list[int], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return float(sorted_values[index])


async def _client(
    host: str,
    port: int,
    request: bytes,
    delay: float,
    warm_until: float,
    stop_at: float,
    out: list[int],
) -> int:
    """Connect after `delay` seconds, send requests until `stop_at`; latencies (ns) after
    `warm_until` go to `out`. Errors."""
    errors = 0
    await asyncio.sleep(delay)
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while True:
            start = time.perf_counter_ns()
            if start >= stop_at:
                return errors
            try:
                ok = await _exchange(reader, writer, request)
            except (ConnectionError, asyncio.IncompleteReadError):
                ok = False
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
            end = time.perf_counter_ns()
            if not ok:
                errors += 1
            elif start >= warm_until:
                out.append(end - start)
    finally:
        writer.close()


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> bool:
    """One request and its whole answer; whether the status was 200."""
    writer.write(request)
    status = await reader.readline()
    if not status:
        raise ConnectionError("the server closed the connection")
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status.startswith(b"HTTP/1.1 200")


async def run(
    host: str,
    port: int,
    path: str,
    body: bytes,
    concurrency: int,
    seconds: float,
    warmup: float,
    latencies_out: Path | None = None,
) -> dict[str, float | int]:
    request = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    now = time.perf_counter_ns()
    warm_until = now + int(warmup * 1e9)
    stop_at = warm_until + int(seconds * 1e9)
    latencies: list[int] = []
    # The clients connect one by one over the first half of the warm-up, each while the
    # others already keep the server busy (see the module's docstring).
    stagger = warmup / 2 / concurrency
    errors = await asyncio.gather(
        *(
            _client(host, port, request, i * stagger, warm_until, stop_at, latencies)
            for i in range(concurrency)
        )
    )
    latencies.sort()
    if latencies_out is not None:
        latencies_out.write_text("".join(f"{ns}\n" for ns in latencies))
    return {
        "concurrency": concurrency,
        "requests": len(latencies),
        "errors": sum(errors),
        "seconds": seconds,
        "rps": len(latencies) / seconds,
        "p50_ms": percentile(latencies, 0.50) / 1e6,
        "p99_ms": percentile(latencies, 0.99) / 1e6,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/v1/recommendations")
    parser.add_argument("--body", type=Path, required=True)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--latencies", type=Path, help="write each latency (ns) here")
    args = parser.parse_args(argv)
    result = asyncio.run(
        run(
            args.host,
            args.port,
            args.path,
            args.body.read_bytes(),
            args.concurrency,
            args.seconds,
            args.warmup,
            args.latencies,
        )
    )
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
