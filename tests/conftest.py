"""Shared fixtures: small rule sets on disk and advisors built from them."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from advisor import Advisor

FIXTURES = Path(__file__).parent / "fixtures"
BASIC_RULES = FIXTURES / "basic"

WriteRules = Callable[..., Path]


@pytest.fixture(scope="session")
def basic_advisor() -> Iterator[Advisor]:
    advisor = Advisor.from_directory(BASIC_RULES)
    yield advisor
    advisor.close()


@pytest.fixture
def write_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WriteRules:
    """Write files into ./rules of a fresh working directory: write_rules(**{"a.yaml": ...})."""
    monkeypatch.chdir(tmp_path)

    def write(**files: str) -> Path:
        root = tmp_path / "rules"
        root.mkdir(exist_ok=True)
        for name, text in files.items():
            (root / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return root

    return write


def catalogue() -> str:
    """The basic fixture's rule file, to start a variant from."""
    return (BASIC_RULES / "rules.yaml").read_text(encoding="utf-8")


LIBYA_2024 = {
    "country": "Libya",
    "period": "2024",
    "indicators": {
        "goci.human_smuggling": 9.5,
        "wgi.rule_of_law": -1.77,
        "fsi.p3_human_rights": 9.4,
        "migration.departures": {"2022": 53000, "2023": 51700, "2024": 36468},
        "local.rival_governments": True,
        "local.border_control": "weak",
        "acled.events": 227,
    },
}
