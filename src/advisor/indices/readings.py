"""What a published file yields: one value of one indicator, for one country and year.

Every reading carries the sentence a profile's `sources` map gives for it (publisher,
edition, file name, rank where the publisher gives one) and the edition it belongs
to, which a profile's notes list. File names only, never a path on this machine.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from advisor.errors import AdvisorError

__all__ = [
    "ImportInputError",
    "Reading",
    "Unreadable",
    "cell_number",
    "cell_text",
    "normalise_header",
    "year_in_name",
]


class ImportInputError(AdvisorError):
    """A file the importer cannot use, or a country or column it cannot find; says which."""


@dataclass(frozen=True)
class Reading:
    """One published value, as a profile will carry it."""

    iso3: str
    indicator: str
    #: the year the value stands for in a profile: an index's edition, a count's year
    year: int
    value: float
    #: where it comes from, as the profile's `sources` map says it
    source: str
    #: the edition, as the profile's notes list it ("FSI 2024", "ACLED 2024 (snapshot ...)")
    edition: str


@dataclass(frozen=True)
class Unreadable:
    """A year of an indicator that a file holds but that cannot be trusted, and why.

    Only an error when a profile needs that year: the file's other years stay usable.
    """

    indicator: str
    year: int
    problem: str


_HEADER_JUNK = re.compile(r"[^a-z0-9]+")
_YEAR = re.compile(r"(?<!\d)(20\d\d|19\d\d)(?!\d)")


def normalise_header(cell: object) -> str:
    """A header cell compared loosely: `Criminality avg,` and `criminality avg` are alike."""
    return _HEADER_JUNK.sub(" ", str(cell or "").lower()).strip()


def cell_text(cell: object) -> str:
    """A cell as text, trimmed; an empty cell is ""."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def cell_number(cell: object) -> float | None:
    """A cell's number; None for an empty cell or the publishers' marks for no data.

    Raises ValueError for anything else, so that a shifted column is noticed.
    """
    if isinstance(cell, bool):
        raise ValueError(f"{cell!r} is not a number")
    if isinstance(cell, int | float):
        number = float(cell)
    else:
        text = cell_text(cell).replace(",", "")
        if text in ("", "..", "NA", "N/A", "n/a", "-", "#N/A"):
            return None
        number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{cell!r} is not a finite number")
    return number


def year_in_name(name: str) -> int | None:
    """The one year a file or sheet name gives (`fsi-2024.xlsx`, `2023_dataset`), if any."""
    years = set(_YEAR.findall(name))
    return int(years.pop()) if len(years) == 1 else None
