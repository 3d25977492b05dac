"""A decision log filled the way the service fills it, for the commands that read it back."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from advisor.api import Settings, create_app
from advisor.api.decision_log import DecisionLog, LoggedDecision
from fastapi.testclient import TestClient

from advisor.cli.main import main

from .conftest import LOCAL

ROOT = Path(__file__).resolve().parent.parent.parent
BUNDLED = ROOT / "rules"
EXAMPLES = ROOT / "examples" / "profiles"
#: an address where nothing listens: a PostgreSQL server out of reach
UNREACHABLE = "postgresql+psycopg://advisor@127.0.0.1:1/advisor?connect_timeout=5"


def fill_through_service(url: str) -> list[dict[str, Any]]:
    """The example profiles decided by the service under the bundled rules, each logged;
    the answers, in the order given."""
    settings = Settings(rules_dir=BUNDLED, database_url=url, reload_interval=0)
    answers = []
    with TestClient(create_app(settings), client=LOCAL) as client:
        for path in sorted(EXAMPLES.glob("*.yaml")):
            response = client.post("/v1/recommendations", json=yaml.safe_load(path.read_text()))
            assert response.status_code == 200, response.text
            answers.append(response.json())
    return answers


def record_copy(url: str, decision_id: str, new_id: str, at: datetime) -> LoggedDecision:
    """A logged decision recorded again under another id and time (`DecisionLog.record`)."""
    log = DecisionLog(url)
    try:
        found = log.get(decision_id)
        assert found is not None
        copy = dataclasses.replace(found, id=new_id, recorded_at=at)
        log.record([copy])
        return copy
    finally:
        log.close()


def candidate_rules(tmp_path: Path, change: tuple[str, str] | None = None) -> Path:
    """A copy of the bundled rules, with one text in borders.yaml replaced."""
    target = tmp_path / "candidate"
    shutil.copytree(BUNDLED, target)
    if change is not None:
        borders = target / "borders.yaml"
        text = borders.read_text()
        assert text.count(change[0]) == 1
        borders.write_text(text.replace(change[0], change[1]))
    return target


def advisor(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    """`advisor ARGS...` in this process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:  # argparse refusing the command line
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
