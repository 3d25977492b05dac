"""Strict input in the CLI and the core: what is read, how deep, which keys, periods and text.

Anything that could block (a FIFO) runs in a subprocess with a timeout, so that a
regression fails the test instead of hanging the run.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from advisor import Advisor, ProfileError
from advisor.language.files import check_ruleset
from advisor.language.loader import load_yaml
from advisor.language.profile import derive, parse_profile_text, read_profile, read_profile_stream
from advisor.language.reading import InputRefused, json_path, parse_json, read_regular_file

from .conftest import BASIC_RULES, LIBYA_2024

DEEP = 100_000


def advisor_cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "advisor.cli", *args],
        input=None if stdin is None else stdin.decode("latin-1"),
        capture_output=True,
        text=True,
        timeout=120,
    )


def recommend(profile: Path | str) -> subprocess.CompletedProcess[str]:
    return advisor_cli("recommend", str(profile), "--rules", str(BASIC_RULES))


fifos = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")


# -- only regular files are read


@fifos
def test_a_fifo_profile_is_refused_by_name_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "profile.json"
    os.mkfifo(fifo)
    result = recommend(fifo)
    assert result.returncode == 2
    assert f"{fifo}: the profile was refused" in result.stderr
    assert "a FIFO (named pipe), not a regular file" in result.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
@pytest.mark.parametrize("link", [False, True])
def test_a_device_profile_is_refused_by_name(tmp_path: Path, link: bool) -> None:
    # /dev/zero has size 0 by stat and never ends: it used to grow until killed.
    target = Path("/dev/zero")
    if link:
        target = tmp_path / "profile.json"
        target.symlink_to("/dev/zero")
    result = recommend(target)
    assert result.returncode == 2
    assert f"{target}: the profile was refused" in result.stderr
    assert "a character device, not a regular file" in result.stderr


def test_a_directory_is_refused_as_not_a_regular_file(tmp_path: Path) -> None:
    with pytest.raises(ProfileError) as caught:
        read_profile(tmp_path)
    ((path, code),) = [(p.path, p.code) for p in caught.value.problems]
    assert (path, code) == ("$", "not-a-file")


def test_the_size_is_counted_while_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b" " * 101)
    with pytest.raises(InputRefused) as caught:
        read_regular_file(path, limit=100)
    assert caught.value.code == "file-too-large"
    path.write_bytes(b" " * 100)
    assert read_regular_file(path, limit=100) == " " * 100


def test_standard_input_is_read_up_to_the_limit(tmp_path: Path) -> None:
    result = advisor_cli("recommend", "-", "--rules", str(BASIC_RULES), stdin=b"\0" * 1_000_002)
    assert result.returncode == 2
    assert "profile is too large" in result.stderr


@fifos
def test_a_fifo_among_the_rule_files_is_a_problem_naming_it(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(BASIC_RULES, rules)
    os.mkfifo(rules / "x.yaml")
    result = advisor_cli("validate", str(rules))
    assert result.returncode == 1
    assert "x.yaml: a FIFO (named pipe), not a regular file" in result.stdout + result.stderr
    result = recommend_with(rules)
    assert result.returncode == 1
    assert "x.yaml: a FIFO (named pipe)" in result.stdout + result.stderr


def recommend_with(rules: Path) -> subprocess.CompletedProcess[str]:
    profile = rules.parent / "p.json"
    profile.write_text(json.dumps(LIBYA_2024), encoding="utf-8")
    return advisor_cli("recommend", str(profile), "--rules", str(rules))


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_among_the_rule_files_is_a_problem_naming_it(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(BASIC_RULES, rules)
    (rules / "zero.yaml").symlink_to("/dev/zero")
    problems, ruleset = check_ruleset(rules)
    assert ruleset is None
    ((where, code),) = [(str(p.location), p.code) for p in problems if p.severity == "error"]
    assert where.endswith("zero.yaml")
    assert code == "not-a-file"


# -- deep nesting


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.json", "[" * DEEP + "]" * DEEP),
        ("notes.json", '{"country": "X", "notes": ' + '{"a": ' * DEEP + "1" + "}" * DEEP + "}"),
        ("deep.yaml", "[" * DEEP + "]" * DEEP),
        ("block.yaml", "".join(f"{' ' * i}a:\n" for i in range(1_200)) + " " * 1_200 + "1\n"),
        ("shallow.json", "[" * 50 + "]" * 50),
    ],
)
def test_deep_profiles_exit_2_with_a_message(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = recommend(path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "nested" in result.stderr or "nesting" in result.stderr


def test_a_deep_rule_file_is_a_problem(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(BASIC_RULES, rules)
    (rules / "deep.yaml").write_text("rules: " + "[" * DEEP + "]" * DEEP + "\n", encoding="utf-8")
    result = advisor_cli("validate", str(rules))
    assert result.returncode == 1
    assert "deep.yaml:1:" in result.stderr
    assert "nesting depth" in result.stderr
    assert "Traceback" not in result.stderr


def test_json_deeper_than_the_yaml_limit_is_refused_with_its_path() -> None:
    with pytest.raises(InputRefused) as caught:
        parse_json('{"a": ' * 41 + "1" + "}" * 41)
    assert caught.value.code == "too-deep"
    assert json_path(caught.value.path) == ".".join(["a"] * 41)


# -- duplicate keys


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ('{"country": "X", "indicators": {"acled.events": 1, "acled.events": 9}}',
         "indicators.acled.events"),
        ('{"country": "X", "country": "Y"}', "country"),
        ('{"profiles": [{"country": "X"}, {"country": "X", "notes": "", "notes": ""}]}',
         "profiles[1].notes"),
    ],
)  # fmt: skip
def test_duplicate_json_keys_are_refused_with_their_path(text: str, path: str) -> None:
    with pytest.raises(InputRefused) as caught:
        parse_json(text)
    assert (json_path(caught.value.path), caught.value.code) == (path, "duplicate-key")


def test_a_json_profile_with_a_key_twice_exits_2_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"country": "X", "indicators": {"acled.events": 1, "acled.events": 9}}')
    result = recommend(path)
    assert result.returncode == 2
    assert 'indicators.acled.events: duplicate key "acled.events"' in result.stderr


def test_standard_input_refuses_a_key_twice() -> None:
    stream = io.StringIO('{"country": "X", "period": "2024", "period": "2023"}')
    with pytest.raises(ProfileError) as caught:
        read_profile_stream(stream)
    assert [(p.path, p.code) for p in caught.value.problems] == [("period", "duplicate-key")]


def test_yaml_already_refuses_a_key_twice(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("country: X\nindicators:\n  acled.events: 1\n  acled.events: 9\n")
    with pytest.raises(ProfileError) as caught:
        read_profile(path)
    assert [p.code for p in caught.value.problems] == ["duplicate-key"]


# -- text that cannot be encoded


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ('{"country": "X", "notes": "\\udfff"}', "notes"),
        ('{"country": "X", "sources": {"acled.events": "a\\ud800b"}}', "sources.acled.events"),
        ('{"country": "X", "sources": {"\\udfff": "a"}}', "sources.\\udfff"),
        ('{"country": "X", "indicators": {"\\udfff": 1}}', "indicators.\\udfff"),
        ('{"country": "\\udfff"}', "country"),
    ],
)
def test_a_lone_surrogate_is_refused_naming_its_path(text: str, path: str) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile_text(text, "p.json", json_text=True)
    ((got, code),) = [(p.path, p.code) for p in caught.value.problems]
    assert (got, code) == (path, "unencodable-text")
    str(caught.value).encode("utf-8")  # the message itself can be printed


def test_a_surrogate_pair_is_one_character_and_fine() -> None:
    profile = parse_profile_text(
        '{"country": "X", "notes": "\\ud83d\\ude00"}', "p.json", json_text=True
    )
    assert profile.notes == "\U0001f600"


# -- periods


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor.from_directory(BASIC_RULES)


def series_problems(advisor: Advisor, series: dict[str, int]) -> list[tuple[str, str]]:
    profile = {"country": "X", "indicators": {"migration.departures": series}}
    with pytest.raises(ProfileError) as caught:
        advisor.observe(profile)
    return [(p.path, p.code) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("period", "shown"),
    [("2024\n", "2024\\n"), (" 2024", " 2024"), ("2024 ", "2024 "), ("2024-Q1\n", "2024-Q1\\n")],
)
def test_periods_are_matched_exactly(advisor: Advisor, period: str, shown: str) -> None:
    problems = series_problems(advisor, {"2023": 1, period: 2})
    assert problems == [(f"indicators.migration.departures.{shown}", "period")]


def test_a_bad_period_says_what_a_period_looks_like(advisor: Advisor) -> None:
    with pytest.raises(ProfileError) as caught:
        advisor.observe({"country": "X", "indicators": {"migration.departures": {"2024\n": 1}}})
    (problem,) = caught.value.problems
    assert problem.message.startswith("'2024\\n' is not a period: a period is a year (2024)")


@pytest.mark.parametrize(
    "series",
    [
        {"2023": 1, "2024": 2, "2024-Q1": 3},
        {"2024-H1": 1, "2024-Q3": 2},
        {"2024-05": 1, "2024": 2},
    ],
)
def test_a_series_uses_one_kind_of_period(advisor: Advisor, series: dict[str, int]) -> None:
    assert series_problems(advisor, series) == [
        ("indicators.migration.departures", "mixed-periods")
    ]


def test_the_latest_of_quarters_is_the_last_quarter(advisor: Advisor) -> None:
    series = {"2024-Q2": 2, "2023-Q4": 5, "2024-Q1": 7}
    observations = advisor.observe({"country": "X", "indicators": {"migration.departures": series}})
    checked = observations.indicators["migration.departures"]
    assert isinstance(checked, dict)
    assert list(checked) == ["2023-Q4", "2024-Q1", "2024-Q2"]
    assert derive("latest", checked) == 2


def test_the_profile_period_is_matched_exactly(advisor: Advisor) -> None:
    with pytest.raises(ProfileError) as caught:
        advisor.observe({"country": "X", "period": "2024\n"})
    assert [p.path for p in caught.value.problems] == ["period"]


def test_rule_files_are_still_read(tmp_path: Path) -> None:
    doc = load_yaml(BASIC_RULES / "rules.yaml")
    assert doc.problems == []
    assert doc.data["indicators"]
