"""How far a batch has got, on standard error: a line kept up to date on a terminal,
a plain line every so often otherwise (CI logs), nothing with `--quiet`."""

from __future__ import annotations

import time
from typing import TextIO

__all__ = ["Progress"]

#: how often a terminal's line is redrawn (seconds)
REDRAW = 0.2


class Progress:
    """Rows done of `total`, rows per second, and the time left at that pace."""

    def __init__(
        self, stream: TextIO, total: int | None, *, every: float, quiet: bool = False
    ) -> None:
        self._stream = stream
        self._total = total
        self._terminal = stream.isatty()
        self._every = REDRAW if self._terminal else every
        self._quiet = quiet
        self._done = 0
        self._start = time.monotonic()
        self._shown = self._start

    def advance(self, rows: int) -> None:
        self._done += rows
        now = time.monotonic()
        if self._quiet or now - self._shown < self._every:
            return
        self._shown = now
        if self._terminal:
            self._stream.write("\r" + self.line(now) + "\x1b[K")
        else:
            self._stream.write("advisor batch: " + self.line(now) + "\n")
        self._stream.flush()

    def finish(self) -> None:
        """Leave the terminal's line for the summary."""
        if self._terminal and not self._quiet and self._shown != self._start:
            self._stream.write("\r\x1b[K")
            self._stream.flush()

    def line(self, now: float | None = None) -> str:
        elapsed = max((now or time.monotonic()) - self._start, 1e-9)
        rate = self._done / elapsed
        parts = [f"{self._done:,}" + (f"/{self._total:,}" if self._total else "") + " rows"]
        parts.append(f"{rate:,.0f} rows/s")
        if self._total and rate > 0:
            parts.append(_duration((self._total - self._done) / rate) + " left")
        return ", ".join(parts)

    @property
    def seconds(self) -> float:
        return time.monotonic() - self._start


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"
