"""`advisor overview`: the decisions of a region as one country-by-measure matrix."""

from __future__ import annotations

from pathlib import Path

from advisor import Advisor
from advisor.analysis.overview import Cell, overview, render_overview
from advisor.language.models import Priority
from advisor.language.profile import read_profile

from .test_cli import ROOT, advisor

PROFILES = ROOT / "examples" / "profiles"
REGION = PROFILES / "region"


def row_of(text: str, country: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith(country))
    return line[len(country) :].split()


def column(text: str, measure: str) -> str:
    """The number the legend gives a measure."""
    line = next(line for line in text.splitlines() if f"  {measure}:" in line)
    return line.split()[0]


def test_cells_say_priority_withholding_and_what_is_provisional() -> None:
    assert Cell(Priority.CRITICAL).code == "C"
    assert Cell(Priority.HIGH, provisional=True).code == "H*"
    assert Cell(Priority.MEDIUM, possibly_withheld=True).code == "M?"
    assert Cell(Priority.HIGH, provisional=True, possibly_withheld=True).code == "H*?"
    assert Cell(withheld=True).code == "W"
    assert Cell(withheld=True, precautionary=True).code == "w"
    assert Cell().code == "."


def test_the_region_at_a_glance_as_a_terminal_table() -> None:
    result = advisor("overview", str(PROFILES), str(REGION))
    assert result.returncode == 0, result.stderr
    text = result.stdout
    profiles = len(list(PROFILES.glob("*.yaml"))) + len(list(REGION.glob("*.yaml")))
    assert text.startswith(f"Regional overview: {profiles} profiles, ")
    header = next(line for line in text.splitlines() if line.startswith("Country"))
    training = int(column(text, "security-forces-training"))
    humanitarian = int(column(text, "humanitarian-access-support"))
    surveillance = int(column(text, "entry-point-surveillance"))
    assert header.split()[training] == str(training)
    # Mali: a coup, so training is withheld; a war, so humanitarian access
    mali = row_of(text, "Mali (2024)")
    assert mali[training - 1] == "W"
    assert mali[humanitarian - 1] == "H"
    # Sudan: war and mass displacement make access critical
    assert row_of(text, "Sudan (2024)")[humanitarian - 1] == "C"
    # Syria: nobody says who holds power: surveillance withheld as a precaution
    assert row_of(text, "Syria (2024)")[surveillance - 1] == "w"
    # Ghana: a stable partner, no humanitarian programme
    assert row_of(text, "Ghana (2024)")[humanitarian - 1] == "."
    assert "W withheld, w withheld as a precaution" in text


def test_the_same_matrix_as_markdown() -> None:
    result = advisor("overview", str(REGION), "--format", "markdown")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("## Regional overview: ")
    header = next(line for line in lines if line.startswith("| Country |"))
    assert lines[lines.index(header) + 1].startswith("| --- | --- |")
    rows = [line for line in lines if line.startswith("| ") and line != header]
    kenya = next(line for line in rows if line.startswith("| Kenya (2024) |"))
    assert "H\\*" in kenya  # a provisional safeguard, escaped for markdown
    assert any(line.startswith("1. `") for line in lines)


def test_measures_no_profile_acts_on_are_left_out(tmp_path: Path) -> None:
    built = Advisor.from_directory(ROOT / "rules")
    try:
        decision = built.evaluate(read_profile(REGION / "ghana-2024.yaml"))
        matrix = overview([decision], built.ruleset)
    finally:
        built.close()
    assert set(matrix.measures) == {r.measure for r in decision.recommendations} | {
        w.measure for w in decision.withheld
    }
    assert "Ghana (2024)" in render_overview(matrix)


def test_no_profiles_or_a_refused_profile_is_a_usage_error(tmp_path: Path) -> None:
    empty = advisor("overview", str(tmp_path))
    assert empty.returncode == 2
    assert "no profiles (*.yaml, *.json) here" in empty.stderr
    (tmp_path / "bad.yaml").write_text("country: X\nindicators: {gti.scor: 5}\n", encoding="utf-8")
    refused = advisor("overview", str(tmp_path))
    assert refused.returncode == 2
    assert "indicators.gti.scor: unknown indicator" in refused.stderr
    assert advisor("overview", str(tmp_path / "nowhere")).returncode == 2
