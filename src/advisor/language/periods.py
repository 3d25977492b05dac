"""Periods of a series: matched exactly, and of one kind per series.

A series is ordered by its periods as text, which is right only when they are
all of one kind: `2024-Q1` sorts after `2024`, so a series mixing the two would
take the quarter as its latest value. And `"2024\\n"` or `" 2024"` is not the
year 2024, nor a period of its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from advisor.errors import ProfileProblem
from advisor.language.models import PERIOD_PATTERN

__all__ = ["KINDS", "NOT_A_PERIOD", "PERIOD", "is_period", "mixed_kinds", "period_kind"]

#: a period as profiles write it; use `is_period` (`fullmatch`): `$` also matches before a
#: final newline
PERIOD = re.compile(PERIOD_PATTERN)
NOT_A_PERIOD = (
    "a period is a year (2024), a quarter (2024-Q1), a half (2024-H1) or a month (2024-05)"
)
#: each kind of period, and the pattern of its periods (JSON Schema says one kind per series)
KINDS = {
    "years": r"^\d{4}$",
    "quarters": r"^\d{4}-Q[1-4]$",
    "halves": r"^\d{4}-H[12]$",
    "months": r"^\d{4}-(0[1-9]|1[0-2])$",
}
_KIND_OF = [(kind, re.compile(pattern)) for kind, pattern in KINDS.items()]


def is_period(text: str) -> bool:
    """Whether `text` is a period, exactly: no space or line break around it."""
    return PERIOD.fullmatch(text) is not None


def period_kind(period: str) -> str:
    """years, quarters, halves or months (of a text that `is_period`)."""
    return next(kind for kind, pattern in _KIND_OF if pattern.fullmatch(period))


def mixed_kinds(path: str, periods: Iterable[str]) -> ProfileProblem | None:
    """A problem when a series' periods are not all of one kind, naming an example of each."""
    examples: dict[str, str] = {}
    for period in sorted(periods):
        examples.setdefault(period_kind(period), period)
    if len(examples) < 2:
        return None
    kinds = " and ".join(f"{kind} ({json.dumps(example)})" for kind, example in examples.items())
    return ProfileProblem(
        path,
        f"the series mixes {kinds}: its latest period would be a guess",
        "mixed-periods",
        "give every period of a series as the same kind: all years, all quarters, "
        "all halves or all months",
    )
