"""Analyst observations with their sources: the `local.*` values no index publishes.

A CSV file with the columns `country,period,indicator,value,source`: one observation a
row, for one profile period (an empty period applies to every period), with the
source that supports it (an African Union communiqué, a UN report) written out. A
value is read as in a profile (`true`, `weak`, `49`). A row without a source is
refused: the importer commits nothing an analyst cannot trace.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import yaml

from advisor.indices.countries import CountryTable
from advisor.indices.readings import ImportInputError

__all__ = ["Observation", "read_observations"]

_COLUMNS = ("country", "period", "indicator", "value", "source")


@dataclass(frozen=True)
class Observation:
    iso3: str
    period: str
    indicator: str
    value: bool | int | float | str
    source: str


def read_observations(path: Path, countries: CountryTable) -> list[Observation]:
    """Every row of an observations file; raises `ImportInputError` naming a bad row."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportInputError(f"{path.name}: cannot read the observations: {exc}") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = tuple((name or "").strip().lower() for name in reader.fieldnames or ())
    if header[: len(_COLUMNS)] != _COLUMNS:
        raise ImportInputError(
            f"{path.name}: an observations file has the columns {','.join(_COLUMNS)}"
        )
    rows = [(number, row) for number, row in enumerate(reader, start=2) if any(row.values())]
    codes = countries.require(sorted({(row["country"] or "").strip() for _, row in rows}))
    observations = []
    for number, row in rows:
        where = f"{path.name}:{number}"
        source = (row["source"] or "").strip()
        if not source:
            raise ImportInputError(f"{where}: an observation needs its source")
        observations.append(
            Observation(
                codes[(row["country"] or "").strip()],
                (row["period"] or "").strip(),
                (row["indicator"] or "").strip(),
                _value(row["value"] or "", where),
                source,
            )
        )
    return observations


def _value(text: str, where: str) -> bool | int | float | str:
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        value = None
    if not isinstance(value, bool | int | float | str):
        raise ImportInputError(
            f"{where}: {text!r} is not a value (true, false, a number or a word)"
        )
    return value
