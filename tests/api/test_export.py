"""`advisor decisions export`: the log as JSON Lines or Parquet, filtered as the listing is,
each decision exactly as stored; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from advisor.api.decision_log import DecisionLog
from advisor.api.decision_query import DecisionFilter, DecisionQuery

from advisor import Decision
from advisor.exit_codes import ExitCode

from .logged import UNREACHABLE, advisor, fill_through_service, record_copy

FIELDS = ["decision_id", "recorded_at", "ruleset", "token", "country", "profile", "decision"]
OLD = datetime(2024, 3, 1, 12, tzinfo=UTC)
OLDER = datetime(2023, 6, 1, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def filled(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A log of the six example decisions from the service, and two older copies."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'decisions.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    answers = fill_through_service(url)
    record_copy(url, answers[0]["decision_id"], "00000000-0000-4000-8000-000000000001", OLD)
    record_copy(url, answers[1]["decision_id"], "00000000-0000-4000-8000-000000000002", OLDER)
    return url


def listed(url: str, where: DecisionFilter | None = None) -> list[str]:
    """The ids GET /v1/decisions lists, in its order."""
    where = where or DecisionFilter()
    log = DecisionLog(url)
    try:
        return [d.id for d in DecisionQuery(log.engine).page(where, 500).decisions]
    finally:
        log.close()


def test_each_exported_line_holds_the_decision_as_stored(
    filled: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "decisions.jsonl"
    code, _, err = advisor(capsys, "decisions", "export", "--database-url", filled, "-o", output)
    assert code == ExitCode.SUCCESS, err
    assert "exported 8 decision(s)" in err
    lines = output.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["decision_id"] for line in lines] == listed(filled)
    log = DecisionLog(filled)
    try:
        for line in lines:
            exported = json.loads(line)
            assert list(exported) == FIELDS
            stored = log.get(exported["decision_id"])
            assert stored is not None
            # the stored text spliced in as is, not serialised again
            assert line.endswith(f',"profile":{stored.profile},"decision":{stored.decision}}}')
            assert exported["ruleset"] == stored.ruleset
            assert exported["country"] == stored.country
            assert datetime.fromisoformat(exported["recorded_at"]) == stored.recorded_at
            assert Decision.from_json(json.dumps(exported["decision"])).country == stored.country
    finally:
        log.close()


def test_the_filters_are_the_listings(
    filled: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def exported(*filters: str) -> list[str]:
        output = tmp_path / "out.jsonl"
        code, _, err = advisor(
            capsys, "decisions", "export", "--database-url", filled, *filters, "-o", output
        )
        assert code == ExitCode.SUCCESS, err
        return [json.loads(line)["decision_id"] for line in output.read_text().splitlines()]

    everything = listed(filled)
    assert exported("--until", "2024-06-01") == everything[-2:]
    assert exported("--since", "2024-01-01", "--until", "2024-06-01") == [everything[-2]]
    assert exported("--since", "2023-06-01T00:00:00Z", "--until", "2024-03-01T12:00:00+00:00") == [
        everything[-1]
    ]
    libya = exported("--country", "Libya")
    assert libya == listed(filled, DecisionFilter(country="Libya"))
    assert len(libya) == 2
    ruleset = json.loads((tmp_path / "out.jsonl").read_text().splitlines()[0])["ruleset"]
    assert exported("--ruleset", ruleset) == everything
    assert exported("--ruleset", "sha256:other") == []


def test_a_parquet_export_has_the_same_rows(
    filled: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    output = tmp_path / "decisions.parquet"
    code, _, err = advisor(
        capsys, "decisions", "export", "--database-url", filled, "--country", "Libya", "-o", output
    )
    assert code == ExitCode.SUCCESS, err
    table = pq.read_table(output).to_pylist()
    assert [row["decision_id"] for row in table] == listed(filled, DecisionFilter(country="Libya"))
    assert list(table[0]) == FIELDS
    log = DecisionLog(filled)
    try:
        for row in table:
            stored = log.get(row["decision_id"])
            assert stored is not None
            assert (row["profile"], row["decision"]) == (stored.profile, stored.decision)
            assert row["recorded_at"] == stored.recorded_at
    finally:
        log.close()


def test_the_log_is_read_page_by_page_in_the_listings_order(filled: str) -> None:
    log = DecisionLog(filled)
    try:
        records = DecisionQuery(log.engine).records(DecisionFilter(), batch=3)
        assert [r.id for r in records] == listed(filled)
    finally:
        log.close()


def test_bad_usage_exits_2_and_an_unreachable_database_4(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out.jsonl"

    def export(*args: object) -> tuple[int, str]:
        code, _, err = advisor(capsys, "decisions", "export", *args)
        return code, err

    missing = tmp_path / "missing.db"
    code, err = export("--database-url", f"sqlite:///{missing}", "-o", output)
    assert (code, "no such database file") == (ExitCode.USAGE, err.split(": ")[-1].strip())
    assert not missing.exists()
    empty = tmp_path / "empty.db"
    empty.touch()
    code, err = export("--database-url", f"sqlite:///{empty}", "-o", output)
    assert code == ExitCode.USAGE
    assert "no decision log" in err
    code, err = export("--database-url", f"sqlite:///{empty}", "--since", "soon", "-o", output)
    assert code == ExitCode.USAGE
    assert "--since" in err
    code, err = export("--database-url", UNREACHABLE, "-o", output)
    assert code == ExitCode.EXTERNAL
    assert "cannot be read" in err
    code, err = export("--database-url", f"sqlite:///{empty}", "-o", tmp_path / "no" / "x.jsonl")
    assert code == ExitCode.USAGE
    assert "no such directory" in err
    assert list(tmp_path.iterdir()) == [empty]  # nothing written, nothing half-written
