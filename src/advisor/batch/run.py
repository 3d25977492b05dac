"""One batch, start to end: inputs checked, the earlier run's output read (`--resume`), the
pool started, then the rows evaluated and written in order until the end or Ctrl-C.

Everything that can refuse the batch as a whole (an input, the output's format, an
output that cannot be resumed, a scheduler out of reach) does so before the output is
opened, so a refused batch writes nothing.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO, TextIO

from advisor.decide import Advisor
from advisor.decision.model import Detail

from .evaluate import RulePackage
from .inputs import Source, open_inputs, read_rows
from .outputs import TABLE_COLUMNS, CsvWriter, DecisionLines, ErrorLines, Format, Writer
from .pools import InlinePool, Pool, ProcessPool, Stopped, in_order
from .progress import Progress
from .resume import Resumed, Written, resume, written
from .rows import Refused, Row, Shape, partitions

__all__ = ["Batch", "BatchOptions", "Tally"]


@dataclass(frozen=True)
class BatchOptions:
    inputs: list[Path]
    output: Path
    format: Format
    errors: Path | None = None
    workers: int = 1
    scheduler: str | None = None
    resume: bool = False
    partition_size: int = 100
    connect_timeout: float = 10.0
    #: JSONL only: the decisions' level of detail (`decision.model`)
    detail: Detail = "compact"


@dataclass
class Tally:
    """What the batch did; on resumption, the rows of the earlier run count too."""

    decided: int = 0
    refused: int = 0
    #: rows an earlier run did (`--resume`), and how many of them were refused
    skipped: int = 0
    refused_before: int = 0
    interrupted: bool = False
    seconds: float = 0.0
    first_refusals: list[tuple[Row, Refused]] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return self.refused + self.refused_before


class Batch:
    """A batch over one rule set; `run` does it."""

    def __init__(self, rules: RulePackage, advisor: Advisor, options: BatchOptions) -> None:
        self.rules = rules
        self.advisor = advisor
        self.options = options
        self.shape: Shape = "table"
        if options.format == "jsonl":
            self.shape = "full decisions" if options.detail == "full" else "decisions"

    def run(self, log: TextIO, *, quiet: bool = False, every: float = 10.0) -> Tally:
        """Raises `InputError`, `ResumeError`, `ClusterError`, `OSError` before writing;
        `EngineError`, `ClusterError` or `InputError` later, the output left whole."""
        options = self.options
        sources = open_inputs(options.inputs, self.advisor.ruleset)
        if options.format == "parquet":
            from .parquet import require_pyarrow

            require_pyarrow()
        done = self._written()
        rows = read_rows(sources)
        resumed = resume(done, rows, self.advisor, options.detail) if done else Resumed()
        total = None if quiet else _count(sources) - resumed.skipped
        tally = Tally(skipped=resumed.skipped, refused_before=len(resumed.refused))
        pool = self._pool()
        try:
            writer, errors = self._open(done, resumed)
        except BaseException:
            pool.close()
            raise
        progress = Progress(log, total, every=every, quiet=quiet)
        try:
            with _stop_on_interrupt() as stopping:
                self._loop(pool, rows, writer, errors, progress, tally, stopping)
        except Stopped:
            tally.interrupted = True
        finally:
            progress.finish()
            tally.seconds = progress.seconds
            pool.close()
            writer.close()
            if errors is not None:
                errors.close()
        return tally

    def _loop(
        self,
        pool: Pool,
        rows: Iterator[Row],
        writer: Writer,
        errors: ErrorLines | None,
        progress: Progress,
        tally: Tally,
        stopping: list[bool],
    ) -> None:
        chunks = partitions(rows, self.options.partition_size)
        for chunk, results in in_order(pool, chunks, lambda: stopping[0]):
            for row, result in zip(chunk, results, strict=True):
                if isinstance(result, Refused):
                    tally.refused += 1
                    if errors is not None:
                        errors.add(row, result)
                    if len(tally.first_refusals) < 3:
                        tally.first_refusals.append((row, result))
                else:
                    tally.decided += 1
                    writer.add(row, result)
            writer.flush()
            if errors is not None:
                errors.flush()
            progress.advance(len(chunk))

    def _written(self) -> Written | None:
        output = self.options.output
        if not self.options.resume or not output.exists():
            return None
        return written(output, self.options.format)

    def _pool(self) -> Pool:
        options = self.options
        if options.scheduler is not None:
            from .cluster import DaskPool

            return DaskPool(options.scheduler, self.rules, self.shape, options.connect_timeout)
        if options.workers <= 1:
            return InlinePool(self.rules, self.shape)
        return ProcessPool(self.rules, self.shape, options.workers)

    def _open(self, done: Written | None, resumed: Resumed) -> tuple[Writer, ErrorLines | None]:
        options = self.options
        errors = None
        if options.errors is not None:
            errors = ErrorLines(options.errors.open("wb"))
            for row, refused in resumed.refused:
                errors.add(row, refused)
            errors.flush()
        try:
            return _writer(options.output, options.format, done), errors
        except BaseException:
            if errors is not None:
                errors.close()
            raise


def _writer(output: Path, fmt: Format, done: Written | None) -> Writer:
    if fmt == "parquet":
        from .parquet import ParquetWriter

        return ParquetWriter(output, done.kept if done else None)
    stream: IO[bytes]
    if str(output) == "-":
        stream = sys.stdout.buffer
    elif fmt == "jsonl" and done is not None:
        stream = output.open("r+b")
        stream.truncate(done.keep_bytes)
        stream.seek(0, os.SEEK_END)
    elif fmt == "csv" and done is not None:
        _rewrite_csv(output, done.kept)
        return CsvWriter(output.open("ab"), header=False)
    else:
        stream = output.open("wb")
    if fmt == "jsonl":
        return DecisionLines(stream)
    return CsvWriter(stream, header=True)


def _rewrite_csv(output: Path, kept: list[list[str]]) -> None:
    """The table as far as it is kept, written whole beside OUT, then moved onto it."""
    text = io.StringIO()
    table = csv.writer(text, lineterminator="\n")
    table.writerow(TABLE_COLUMNS)
    table.writerows(kept)
    partial = output.with_name(output.name + ".partial")
    partial.write_bytes(text.getvalue().encode("utf-8"))
    os.replace(partial, output)


def _count(sources: list[Source]) -> int:
    return sum(source.count() for source in sources)


class _stop_on_interrupt:
    """While inside: the first Ctrl-C asks the batch to stop after the partition in hand
    (`stopping[0]`); a second one stops it at once."""

    def __enter__(self) -> list[bool]:
        self.stopping = [False]
        self._previous = signal.getsignal(signal.SIGINT)
        if threading.current_thread() is not threading.main_thread():
            return self.stopping  # only the main thread receives signals

        def ask(signum: int, frame: FrameType | None) -> None:
            self.stopping[0] = True
            signal.signal(signal.SIGINT, signal.default_int_handler)

        signal.signal(signal.SIGINT, ask)
        return self.stopping

    def __exit__(self, *exc: object) -> None:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, self._previous)
