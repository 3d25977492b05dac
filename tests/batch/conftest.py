"""Profiles written in each input format `advisor batch` reads, and the command run in-process."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor import Advisor, load_ruleset
from advisor.cli.main import main
from benchmarks.country_years import country_years

ROOT = Path(__file__).resolve().parent.parent.parent
BUNDLED = ROOT / "rules"
EXAMPLES = ROOT / "examples" / "profiles"

Batch = Callable[..., tuple[int, str]]


@pytest.fixture(scope="session")
def bundled() -> Iterator[Advisor]:
    advisor = Advisor.from_directory(BUNDLED)
    yield advisor
    advisor.close()


@pytest.fixture(scope="session")
def profiles() -> list[dict[str, Any]]:
    """Forty varied country-years over the bundled catalogue."""
    return country_years(load_ruleset(BUNDLED), 40)


@pytest.fixture
def batch(capsys: pytest.CaptureFixture[str]) -> Batch:
    """`advisor batch ARGS... --rules rules`, in this process: (exit code, standard error)."""

    def run(*args: Any) -> tuple[int, str]:
        capsys.readouterr()
        code = main(["batch", *map(str, args), "--rules", str(BUNDLED)])
        return code, capsys.readouterr().err

    return run


def write_jsonl(path: Path, profiles: Sequence[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(p) + "\n" for p in profiles), encoding="utf-8")
    return path


def write_directory(path: Path, profiles: Sequence[dict[str, Any]]) -> Path:
    """A file per profile, in name order; every third one JSON, the others YAML."""
    path.mkdir()
    for number, profile in enumerate(profiles):
        if number % 3 == 2:
            (path / f"{number:03}.json").write_text(json.dumps(profile), encoding="utf-8")
        else:
            (path / f"{number:03}.yaml").write_text(yaml.safe_dump(profile), encoding="utf-8")
    return path


def table(profiles: Sequence[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """The profiles as table rows: a column per indicator, one per period of a series."""
    rows = []
    for profile in profiles:
        row: dict[str, Any] = {"country": profile["country"], "period": profile.get("period")}
        for name, value in profile["indicators"].items():
            if isinstance(value, dict):
                row |= {f"{name}@{period}": point for period, point in value.items()}
            else:
                row[name] = value
        rows.append(row)
    columns = list(dict.fromkeys(c for row in rows for c in row))
    return columns, rows


def write_csv(path: Path, profiles: Sequence[dict[str, Any]]) -> Path:
    columns, rows = table(profiles)

    def text(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        return "" if value is None else str(value)

    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows([text(row.get(c)) for c in columns] for row in rows)
    return path


def write_parquet(path: Path, profiles: Sequence[dict[str, Any]]) -> Path:
    """Typed columns: a column of whole numbers as int64, of fractions as double, of both
    as text (so that 49 stays 49 and 48.0 stays 48.0), missing values as nulls."""
    pyarrow = pytest.importorskip("pyarrow")
    parquet = pytest.importorskip("pyarrow.parquet")
    columns, rows = table(profiles)
    arrays = {}
    for column in columns:
        values = [row.get(column) for row in rows]
        kinds = {type(v) for v in values if v is not None}
        if kinds == {int, float}:
            values = [None if v is None else str(v) for v in values]
        arrays[column] = pyarrow.array(values)
    parquet.write_table(pyarrow.table(arrays), path)
    return path


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines()
