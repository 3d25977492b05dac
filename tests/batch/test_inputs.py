"""`advisor batch` reads JSONL, profile files and directories, CSV and Parquet alike; an input
it cannot read refuses the batch before anything is written, a bad row refuses that row."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from advisor import Advisor
from advisor.exit_codes import ExitCode

from .conftest import (
    EXAMPLES,
    Batch,
    lines,
    write_csv,
    write_directory,
    write_jsonl,
    write_parquet,
)


def test_every_input_format_gives_the_same_decisions(
    tmp_path: Path, batch: Batch, bundled: Advisor, profiles: list[dict[str, Any]]
) -> None:
    expected = [bundled.evaluate(profile).to_json_bytes() for profile in profiles]
    inputs = {
        "jsonl": write_jsonl(tmp_path / "in.jsonl", profiles),
        "directory": write_directory(tmp_path / "in", profiles),
        "csv": write_csv(tmp_path / "in.csv", profiles),
        "parquet": write_parquet(tmp_path / "in.parquet", profiles),
    }
    for kind, path in inputs.items():
        out = tmp_path / f"{kind}.jsonl"
        code, err = batch(path, "--output", out, "--workers", 1)
        assert code == ExitCode.SUCCESS, err
        assert lines(out) == expected, kind
    # several inputs are read in the order given, numbered on across them
    out = tmp_path / "all.jsonl"
    code, err = batch(inputs["csv"], inputs["jsonl"], "--output", out, "--workers", 1)
    assert code == 0, err
    assert lines(out) == expected + expected
    assert "80 rows" in err


def test_profile_files_named_one_by_one(tmp_path: Path, batch: Batch, bundled: Advisor) -> None:
    files = sorted(EXAMPLES.glob("*.yaml"))
    out = tmp_path / "out.jsonl"
    assert batch(*files, "--output", out)[0] == 0
    countries = [orjson.loads(line)["country"] for line in lines(out)]
    assert countries == ["Algeria", "Egypt", "Libya", "Libya", "Morocco", "Tunisia"]


def test_a_table_reads_aliases_text_and_empty_cells(
    tmp_path: Path, batch: Batch, bundled: Advisor
) -> None:
    csv_input = tmp_path / "in.csv"
    csv_input.write_text(
        "country,period,wgi.rl,local.rival_governments,local.border_control_capacity,"
        "migration.departures_to_italy@2023,migration.departures_to_italy@2024,"
        "acled.political_violence_events\n"
        "Libya,2024,-1.77,TRUE,weak,51700,36468,\n"
        " Tunisia , ,0.5,false,,,, 12 \n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    code, err = batch(csv_input, "--output", out)
    assert code == 0, err
    libya = {
        "country": "Libya",
        "period": "2024",
        "indicators": {
            "wgi.rule_of_law": -1.77,
            "local.rival_governments": True,
            "local.border_control_capacity": "weak",
            "migration.departures_to_italy": {"2023": 51700, "2024": 36468},
        },
    }
    tunisia = {
        "country": "Tunisia",
        "indicators": {
            "wgi.rule_of_law": 0.5,
            "local.rival_governments": False,
            "acled.political_violence_events": 12,
        },
    }
    assert lines(out) == [bundled.evaluate(p).to_json_bytes() for p in (libya, tunisia)]


def test_unknown_columns_refuse_the_table_with_a_suggestion(tmp_path: Path, batch: Batch) -> None:
    csv_input = tmp_path / "in.csv"
    csv_input.write_text(
        "country,perod,fsi.totl,wgi.rl@2024,migration.departures_to_italy,"
        "gti.score,gti.score\nLibya,2024,96,1,2,3,4\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    code, err = batch(csv_input, "--output", out)
    assert code == ExitCode.USAGE
    assert 'in.csv: column "perod": unknown column (did you mean "period"?)' in err
    assert 'column "fsi.totl": unknown column (did you mean "fsi.total"?)' in err
    assert 'column "wgi.rl@2024": wgi.rule_of_law is not a series; name the column wgi.rl' in err
    assert "migration.departures_to_italy is a series; give a column per period" in err
    assert 'column "gti.score": the same as column "gti.score"' in err
    assert not out.exists()


def test_a_table_whose_series_mixes_periods_is_refused(tmp_path: Path, batch: Batch) -> None:
    csv_input = tmp_path / "in.csv"
    name = "migration.departures_to_italy"
    csv_input.write_text(f"country,{name}@2023,{name}@2024-Q1\nLibya,1,2\n", encoding="utf-8")
    code, err = batch(csv_input, "--output", tmp_path / "out.jsonl")
    assert code == ExitCode.USAGE
    assert f"the columns of series {name} mix periods (quarters: {name}@2024-Q1;" in err


def test_inputs_that_cannot_be_read_refuse_the_batch(tmp_path: Path, batch: Batch) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    (tmp_path / "blank.csv").write_text("", encoding="utf-8")
    (tmp_path / "nocountry.csv").write_text("period,gti.score\n2024,3\n", encoding="utf-8")
    (tmp_path / "broken.parquet").write_bytes(b"not parquet at all")
    out = tmp_path / "out.jsonl"
    code, err = batch(
        tmp_path / "missing.jsonl",
        tmp_path / "empty",
        tmp_path / "notes.txt",
        tmp_path / "blank.csv",
        tmp_path / "nocountry.csv",
        tmp_path / "broken.parquet",
        "--output",
        out,
    )
    assert code == ExitCode.USAGE
    problems = err.strip().splitlines()
    assert len(problems) == 6
    assert problems[0].endswith("missing.jsonl: no such file or directory")
    assert problems[1].endswith("empty: no profile files (*.yaml, *.yml, *.json) here")
    assert "notes.txt: cannot tell what it holds from its suffix" in problems[2]
    assert problems[3].endswith("blank.csv: empty: the first line names the columns")
    assert 'no "country" column' in problems[4]
    assert "broken.parquet: not a Parquet file" in problems[5]
    assert not out.exists()


def test_bad_rows_are_set_aside_and_the_rest_decided(
    tmp_path: Path, batch: Batch, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # inputs are named as given
    good = {"country": "Libya", "period": "2024", "indicators": {"gti.score": 4.73}}
    jsonl = Path("in.jsonl")
    jsonl.write_bytes(
        b"\n".join(
            [
                json.dumps(good).encode(),
                b'{"country": "Libya", "indicators": {"gti.scor": 4.73}}',
                b"",  # blank lines are skipped, not rows
                b'{"country": "Libya", "indicators": {"gti.score": NaN}}',
                b'{"country": "Libya", ',
                b'{"country": "Libya\xff"}',
                json.dumps(good).encode(),
            ]
        )
        + b"\n"
    )
    folder = Path("files")
    folder.mkdir()
    (folder / "a.yaml").write_text("country: Egypt\nindicators: {gti.score: [1\n")
    (folder / "b.yaml").write_text("country: Egypt\n")
    table = Path("in.csv")
    table.write_text("country,gti.score\nMorocco,1,2\nMorocco,x\n", encoding="utf-8")
    out, errors = Path("out.jsonl"), Path("errors.jsonl")
    code, err = batch(jsonl, folder, table, "--output", out, "--errors", errors)
    assert code == ExitCode.PROBLEMS
    decided = [orjson.loads(line)["country"] for line in lines(out)]
    assert decided == ["Libya", "Libya", "Egypt"]
    refused = [json.loads(line) for line in lines(errors)]
    where = [(e["row"], e["input"], e.get("line")) for e in refused]
    assert where == [
        (2, "in.jsonl", 2),
        (3, "in.jsonl", 4),
        (4, "in.jsonl", 5),
        (5, "in.jsonl", 6),
        (7, "files/a.yaml", None),
        (9, "in.csv", 2),
        (10, "in.csv", 3),
    ]
    by_row = {e["row"]: e["problems"] for e in refused}
    assert by_row[2] == [
        {
            "path": "indicators.gti.scor",
            "message": "unknown indicator",
            "code": "unknown-indicator",
            "suggestion": 'did you mean "gti.score"?',
        }
    ]
    assert by_row[3][0]["code"] == "json-syntax"  # NaN is not JSON
    assert by_row[4][0]["code"] == "json-syntax"
    assert by_row[5][0]["code"] == "encoding"
    assert by_row[7][0]["code"] == "yaml-syntax"
    assert by_row[9][0]["message"] == "the row has 3 cells; the header has 2 columns"
    assert by_row[10][0]["path"] == "indicators.gti.score"
    assert "10 rows" in err
    assert "3 decided, 7 refused" in err
    assert "row 2 (in.jsonl:2): indicators.gti.scor: unknown indicator" in err
    # the same, allowed
    code, _ = batch(jsonl, folder, table, "--output", out, "--allow-errors")
    assert code == ExitCode.SUCCESS
    assert [orjson.loads(line)["country"] for line in lines(out)] == decided


def test_parquet_nulls_and_nans_are_missing_and_periods_may_be_numbers(
    tmp_path: Path, batch: Batch, bundled: Advisor
) -> None:
    pyarrow = pytest.importorskip("pyarrow")
    parquet = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "in.parquet"
    data = {
        "country": ["Libya", "Egypt"],
        "period": [2024, None],
        "gti.score": [4.73, float("nan")],
        "acled.political_violence_events": [227, None],
        "local.rival_governments": [True, None],
    }
    parquet.write_table(pyarrow.table(data), path)
    out = tmp_path / "out.jsonl"
    code, err = batch(path, "--output", out)
    assert code == 0, err
    expected = [
        {
            "country": "Libya",
            "period": "2024",
            "indicators": {
                "gti.score": 4.73,
                "acled.political_violence_events": 227,
                "local.rival_governments": True,
            },
        },
        {"country": "Egypt", "indicators": {}},
    ]
    assert lines(out) == [bundled.evaluate(p).to_json_bytes() for p in expected]


def test_the_example_table_holds_the_example_profiles(tmp_path: Path, batch: Batch) -> None:
    # README runs both; a row of examples/tables/country-years.csv is its profile file
    from_files, from_table = tmp_path / "files.jsonl", tmp_path / "table.jsonl"
    north_africa = sorted(EXAMPLES.glob("*.yaml"))  # the table holds the six, not region/
    assert batch(*north_africa, "-o", from_files)[0] == 0
    assert batch(EXAMPLES.parent / "tables" / "country-years.csv", "-o", from_table)[0] == 0
    assert from_table.read_bytes() == from_files.read_bytes()
