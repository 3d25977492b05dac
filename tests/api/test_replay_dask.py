"""`advisor replay --scheduler`: the candidate decides on a real Dask cluster on loopback (a
scheduler and one worker started here), and the report is the local run's, byte for byte."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor.exit_codes import ExitCode

from ..batch.test_dask import Cluster
from .logged import BUNDLED, advisor, candidate_rules, fill_through_service
from .test_replay import RAISED


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    running = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        running.start(workers=1)
        yield running
    finally:
        running.stop()


def test_a_dask_replay_reports_what_a_local_one_does(
    cluster: Cluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'decisions.db'}"
    fill_through_service(url)
    candidate = candidate_rules(tmp_path, RAISED)
    common = ("replay", "--database-url", url, "--rules", candidate, "--base", BUNDLED)
    code, local, err = advisor(capsys, *common)
    assert code == ExitCode.SUCCESS, err
    code, remote, err = advisor(capsys, *common, "--scheduler", cluster.address, "--fail-on-change")
    assert code == ExitCode.PROBLEMS, err
    assert remote == local
    assert "1 of 6 logged decisions would change" in remote
