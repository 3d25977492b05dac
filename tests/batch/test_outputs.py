"""What `advisor batch` writes: decision lines as `advisor recommend` gives them, or a long
table; the same bytes however many workers; progress and a summary on standard error."""

from __future__ import annotations

import csv
import io
import textwrap
from pathlib import Path
from typing import Any

import orjson
import pytest

from advisor import Advisor
from advisor.batch.progress import Progress
from advisor.cli.main import main
from advisor.decision.detail import compact_content
from advisor.exit_codes import ExitCode

from .conftest import BUNDLED, EXAMPLES, Batch, lines, write_jsonl

STATUS_RULES = """
indicators:
  - {id: x.risk, title: Risk, type: number, range: [0, 10]}
  - {id: x.abuse, title: Abuse reports, type: boolean}
  - {id: x.split, title: Rival governments, type: boolean}
  - {id: x.threat, title: Threat, type: number, range: [0, 10]}
measures:
  - {id: training, title: Training, area: capacity-building, description: d, outcomes: [o],
     horizon: short}
  - {id: tech, title: Technology, area: intelligence, description: d, outcomes: [o],
     horizon: short}
  - {id: radio, title: Radios, area: intelligence, description: d, outcomes: [o],
     horizon: short}
  - {id: boats, title: Boats, area: border-security, description: d, outcomes: [o],
     horizon: short}
rules:
  - id: train
    title: Train
    when: x.threat >= 5
    recommend: [{measure: training, priority: high}, {measure: tech, priority: medium},
                {measure: radio, priority: medium}, {measure: boats, priority: low}]
    because: threat {x.threat}
    source: s
  - id: vetting
    title: Vet
    when: x.risk >= 7 or x.abuse
    safeguard: [{measure: training, requires: Vet every unit.}]
    because: risk {x.risk}
    source: s
  - id: no-tech
    title: No tech
    when: x.risk >= 9 and x.split
    withhold: [{measure: tech, reason: No end-use control.}]
    because: risk {x.risk}
    source: s
  - id: no-radio
    title: No radios
    when: x.risk >= 9 and x.split
    withhold: [{measure: radio, reason: No end-use control.}]
    precautionary: true
    because: risk {x.risk}
    source: s
  - id: no-boats
    title: No boats
    when: x.abuse
    withhold: [{measure: boats, reason: Abuse at sea.}]
    because: abuse {x.abuse}
    source: s
"""


def recommend_json(capsys: pytest.CaptureFixture[str], profile: Path) -> bytes:
    capsys.readouterr()
    assert main(["recommend", str(profile), "--format", "json", "--rules", str(BUNDLED)]) == 0
    return capsys.readouterr().out.encode()


def test_each_line_is_the_recommend_json_of_its_profile_made_compact(
    tmp_path: Path, batch: Batch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    code, err = batch(EXAMPLES, "--output", out)
    assert code == 0, err
    files = sorted(EXAMPLES.rglob("*.yaml"))  # region/ included: a directory is read whole
    written = lines(out)
    assert len(written) == len(files) > 6
    for line, profile in zip(written, files, strict=True):
        indented = recommend_json(capsys, profile)
        assert orjson.dumps(orjson.loads(indented)) == line  # the same content, key order
        assert orjson.loads(indented) == orjson.loads(line)


def test_full_detail_decisions_and_their_resumption(
    tmp_path: Path, batch: Batch, profiles: list[dict[str, Any]]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", profiles[:5])
    compact, full = tmp_path / "compact.jsonl", tmp_path / "full.jsonl"
    assert batch(source, "--output", compact)[0] == 0
    assert batch(source, "--output", full, "--detail", "full", "--workers", 2)[0] == 0
    decisions = [orjson.loads(line) for line in lines(full)]
    assert {d["detail"] for d in decisions} == {"full"}
    assert [orjson.dumps(compact_content(d)) for d in decisions] == lines(compact)
    # a resumption keeps to the detail of what it resumes
    code, err = batch(source, "--output", full, "--resume")
    assert code == ExitCode.USAGE, err
    assert "resume with --detail full" in err
    code, err = batch(source, "--output", tmp_path / "t.csv", "--detail", "full")
    assert code == ExitCode.USAGE
    assert "only JSONL output holds decisions" in err


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_the_bytes_do_not_depend_on_the_workers(
    tmp_path: Path, batch: Batch, profiles: list[dict[str, Any]], suffix: str
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", profiles)
    outputs = []
    for workers, partition in [(1, 100), (2, 3), (3, 7)]:
        out = tmp_path / f"w{workers}{suffix}"
        options = ["--workers", workers, "--partition-size", partition]
        code, err = batch(source, "--output", out, *options)
        assert code == 0, err
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0].count(b"\n") >= len(profiles)


def test_the_long_table_gives_each_measure_its_status(
    tmp_path: Path, write_rules: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = write_rules(**{"r.yaml": textwrap.dedent(STATUS_RULES)})
    source = write_jsonl(
        tmp_path / "in.jsonl",
        [
            # risk 9.5 and abuse: vetting applies, boats withheld; the split is unknown
            {
                "country": "A",
                "period": "2024",
                "indicators": {"x.threat": 6, "x.risk": 9.5, "x.abuse": True},
            },
            # risk 6.9, no abuse report: vetting undecided; no-boats too
            {"country": "B", "indicators": {"x.threat": 6, "x.risk": 6.9, "x.split": False}},
            {"country": "C", "indicators": {"x.threat": 1}},  # nothing: no rows
        ],
    )
    out = tmp_path / "out.csv"
    assert main(["batch", str(source), "-o", str(out), "--rules", str(rules)]) == 0
    with out.open(newline="", encoding="utf-8") as text:
        table = list(csv.reader(text))
    assert table == [
        ["row", "country", "period", "measure", "priority", "status", "rules"],
        ["1", "A", "2024", "training", "high", "recommended", "train"],
        ["1", "A", "2024", "tech", "medium", "possibly-withheld", "train"],
        ["1", "A", "2024", "boats", "", "withheld", "no-boats"],
        ["1", "A", "2024", "radio", "", "withheld-precautionary", "no-radio"],
        ["2", "B", "", "training", "high", "provisional", "train"],
        ["2", "B", "", "radio", "medium", "recommended", "train"],
        ["2", "B", "", "tech", "medium", "recommended", "train"],
        ["2", "B", "", "boats", "low", "possibly-withheld", "train"],
    ]
    parquet = pytest.importorskip("pyarrow.parquet")
    out_parquet = tmp_path / "out.parquet"
    assert main(["batch", str(source), "-o", str(out_parquet), "--rules", str(rules)]) == 0
    rows = parquet.read_table(out_parquet).to_pylist()
    assert [
        [
            str(r["row"]),
            r["country"],
            r["period"] or "",
            r["measure"],
            r["priority"] or "",
            r["status"],
            " ".join(r["rules"]),
        ]
        for r in rows
    ] == table[1:]


def test_csv_and_parquet_tables_hold_the_same_rows(
    tmp_path: Path, batch: Batch, bundled: Advisor, profiles: list[dict[str, Any]]
) -> None:
    parquet = pytest.importorskip("pyarrow.parquet")
    source = write_jsonl(tmp_path / "in.jsonl", profiles)
    assert batch(source, "-o", tmp_path / "out.csv")[0] == 0
    assert batch(source, "-o", tmp_path / "out.parquet")[0] == 0
    with (tmp_path / "out.csv").open(newline="", encoding="utf-8") as text:
        from_csv = list(csv.DictReader(text))
    from_parquet = parquet.read_table(tmp_path / "out.parquet").to_pylist()
    assert len(from_csv) == len(from_parquet) > len(profiles)
    for text_row, typed in zip(from_csv, from_parquet, strict=True):
        assert int(text_row["row"]) == typed["row"]
        assert text_row["rules"].split() == typed["rules"]
        assert text_row["measure"] == typed["measure"]
    # each profile's rows are its decision's measures, recommended ones first, in rank order
    for number, profile in enumerate(profiles, 1):
        decision = bundled.evaluate(profile)
        named = [r["measure"] for r in from_parquet if r["row"] == number]
        assert named == [r.measure for r in decision.recommendations] + [
            w.measure for w in decision.withheld
        ]


def test_output_format_by_suffix_or_option(tmp_path: Path, batch: Batch) -> None:
    profile = EXAMPLES / "libya-2024.yaml"
    code, err = batch(profile, "-o", tmp_path / "out.txt")
    assert code == ExitCode.USAGE
    assert "cannot tell the output format from the suffix" in err
    assert not (tmp_path / "out.txt").exists()
    assert batch(profile, "-o", tmp_path / "out.txt", "--format", "csv")[0] == 0
    assert (tmp_path / "out.txt").read_text().startswith("row,country,period,measure")
    code, err = batch(profile, "-o", tmp_path / "e.jsonl", "--errors", tmp_path / "e.jsonl")
    assert code == ExitCode.USAGE
    assert "--errors and --output name the same file" in err


def test_decisions_to_standard_output(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code = main(["batch", str(EXAMPLES), "-o", "-", "-q", "--rules", str(BUNDLED)])
    captured = capsysbinary.readouterr()
    assert code == 0
    assert captured.err == b""
    assert [orjson.loads(line)["country"] for line in captured.out.splitlines()][:2] == [
        "Algeria",
        "Egypt",
    ]


def test_progress_lines_when_not_a_terminal_and_quiet(
    tmp_path: Path, batch: Batch, profiles: list[dict[str, Any]]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", profiles)
    code, err = batch(
        source,
        "-o",
        tmp_path / "out.jsonl",
        "--partition-size",
        10,
        "--progress-every",
        0,
        "--workers",
        1,
    )
    assert code == 0
    progress = [line for line in err.splitlines() if line.startswith("advisor batch: ")]
    assert [line.split(",")[0] for line in progress] == [
        "advisor batch: 10/40 rows",
        "advisor batch: 20/40 rows",
        "advisor batch: 30/40 rows",
        "advisor batch: 40/40 rows",
    ]
    assert all("rows/s" in line and "left" in line for line in progress)
    assert err.splitlines()[-1].startswith("40 rows in ")
    assert batch(source, "-o", tmp_path / "out.jsonl", "--quiet") == (0, "")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_redraws_one_line() -> None:
    screen = Terminal()
    progress = Progress(screen, 1000, every=60)
    progress._shown -= 1  # as if the last redraw were a second ago
    progress.advance(250)
    assert screen.getvalue().startswith("\r250/1,000 rows, ")
    assert screen.getvalue().endswith(" left\x1b[K")
    assert "\n" not in screen.getvalue()
    progress.finish()
    assert screen.getvalue().endswith("\r\x1b[K")
