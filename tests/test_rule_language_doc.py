"""Every example in docs/rule-language.md is checked, so the reference cannot drift.

The document's fenced blocks, each one checked:

* ```yaml: a complete rule file. It is loaded as `rules/example.yaml` beside a
  catalogue gathered from all the document's examples (less what the example
  defines itself), and must have no problem; a block with `country:` is a
  situation profile and must fit that catalogue.
* ```yaml after `<!-- check: problems -->`, then ```text: a rule file with
  mistakes (or likely mistakes: warnings), and exactly what `advisor validate`
  prints for it; the block is written to the file the messages name.
* ```yaml after `<!-- check: same as above -->`: its rules and signals parse to
  the same conditions as those of the same ids in the block before.
* ```sh: each `advisor ...` line parses on the real command line.
* ```gherkin: a feature, run by `advisor check` against the project's rules as
  `features/example.feature`. Followed by ```text, what its failing step prints;
  otherwise every scenario passes.
* tables headed `| Condition | Profile | Result |`: each condition is evaluated
  by the engine on the profile, and must hold, not hold, or be unknown as stated.
"""

from __future__ import annotations

import itertools
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor import Advisor, check_ruleset, load_ruleset
from advisor.cli.main import _parser
from advisor.cli.report import problem_text
from advisor.language.loader import parse_yaml
from advisor.language.profile import check_profile, parse_profile

ROOT = Path(__file__).parent.parent

DOC = Path(__file__).parent.parent / "docs" / "rule-language.md"
SECTIONS = ("indicators", "measures", "signals", "sources", "rules")


@dataclass(frozen=True)
class Block:
    language: str
    text: str
    line: int  # where the block's first line is in the document
    marker: str  # the `<!-- check: ... -->` right before it, if any


def blocks(text: str) -> list[Block]:
    found = []
    pattern = re.compile(
        r"(?:<!-- check: (?P<marker>[^>]*?) -->\n\n?)?^```(?P<lang>\w*)\n(?P<body>.*?)^```$",
        re.M | re.S,
    )
    for match in pattern.finditer(text):
        line = text.count("\n", 0, match.start("body")) + 1
        found.append(Block(match["lang"], match["body"], line, match["marker"] or ""))
    return found


DOC_TEXT = DOC.read_text(encoding="utf-8")
BLOCKS = blocks(DOC_TEXT)


def data(block: Block) -> Any:
    doc = parse_yaml(block.text, f"docs line {block.line}")
    assert doc.problems == [], doc.problems
    return doc.data


def example_blocks(profiles: bool) -> list[Block]:
    """The rule files (or the profiles) meant to be right."""
    return [
        block
        for block in BLOCKS
        if block.language == "yaml"
        and block.marker != "problems"
        and ("country" in data(block)) is profiles
    ]


def rule_blocks() -> list[Block]:
    return example_blocks(profiles=False)


def gathered_catalogue() -> dict[str, dict[str, Any]]:
    """Indicators, measures, signals and sources from every example; one definition per id."""
    entries: dict[str, dict[str, Any]] = {section: {} for section in SECTIONS[:4]}
    for block in rule_blocks():
        for section, items in data(block).items():
            for item in items if section in entries else []:
                first = entries[section].setdefault(item["id"], item)
                assert first == item, f"line {block.line}: {item['id']} defined differently"
    return entries


CATALOGUE = gathered_catalogue()


def write_rule_set(root: Path, block: Block, name: str = "example.yaml") -> Path:
    """The block as a rule file, beside the catalogue less the ids the block defines."""
    rules = root / "rules"
    target = root / name if "/" in name else rules / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(block.text, encoding="utf-8")
    own = parse_yaml(block.text, "example").data  # a problem example may not parse
    defined = {
        (section, item.get("id"))
        for section, items in (own.items() if isinstance(own, dict) else [])
        if isinstance(items, list)
        for item in items
        if isinstance(item, dict)
    }
    rest = {
        section: [item for key, item in items.items() if (section, key) not in defined]
        for section, items in CATALOGUE.items()
    }
    text = yaml.safe_dump({k: v for k, v in rest.items() if v}, sort_keys=False)
    (rules / "zz-catalogue.yaml").write_text(text, encoding="utf-8")
    return rules


def ids(block: Block) -> str:
    return f"line-{block.line}"


def test_the_document_has_examples_of_every_kind() -> None:
    kinds = {(b.language, b.marker) for b in BLOCKS}
    assert kinds == {
        ("yaml", ""),
        ("yaml", "problems"),
        ("yaml", "same as above"),
        ("text", ""),
        ("sh", ""),
        ("gherkin", ""),
    }
    assert len(condition_rows()) >= 30


def test_every_block_is_one_the_tests_check() -> None:
    for previous, block in itertools.pairwise([None, *BLOCKS]):
        assert block is not None
        if block.language == "text":
            assert previous is not None, block.line
            assert previous.marker == "problems" or previous.language == "gherkin", block.line
        else:
            assert block.language in ("yaml", "sh", "gherkin"), block.line


@pytest.mark.parametrize("block", list(rule_blocks()), ids=ids)
def test_rule_file_examples_load(block: Block, tmp_path: Path) -> None:
    problems, ruleset = check_ruleset(write_rule_set(tmp_path, block))
    assert [str(p) for p in problems] == []
    assert ruleset is not None


def test_same_as_above_examples_mean_the_same(tmp_path: Path) -> None:
    checked = 0
    for previous, block in itertools.pairwise(BLOCKS):
        if block.marker != "same as above":
            continue
        sets = []
        for n, b in enumerate((previous, block)):
            sets.append(load_ruleset(write_rule_set(tmp_path / str(checked) / str(n), b)))
        before, after = sets
        own = {item["id"] for items in data(block).values() for item in items}
        for item in own:
            if item in after.rules:
                assert after.rules[item].condition == before.rules[item].condition, item
            else:
                assert after.signals[item].condition == before.signals[item].condition, item
        checked += 1
    assert checked >= 2


PROBLEM_BLOCKS = [
    (block, BLOCKS[i + 1]) for i, block in enumerate(BLOCKS) if block.marker == "problems"
]


@pytest.mark.parametrize(
    ("block", "expected"), PROBLEM_BLOCKS, ids=[ids(b) for b, _ in PROBLEM_BLOCKS]
)
def test_problem_examples_print_what_the_document_says(
    block: Block, expected: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert expected.language == "text"
    lines = expected.text.splitlines()
    name = lines[0].split(":", 1)[0]
    assert name.startswith("rules/")
    monkeypatch.chdir(tmp_path)
    rules = write_rule_set(tmp_path, block, name)
    problems, _ = check_ruleset(rules.relative_to(tmp_path))
    assert problem_text(problems).splitlines() == lines  # as `advisor validate` prints them


@pytest.mark.parametrize("block", example_blocks(profiles=True), ids=ids)
def test_profile_examples_fit_the_catalogue(block: Block, tmp_path: Path) -> None:
    ruleset = load_ruleset(write_rule_set(tmp_path, Block("yaml", "{}\n", 0, "")))
    observations = check_profile(parse_profile(data(block)), ruleset)
    assert observations.indicators


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.language == "sh"], ids=ids)
def test_command_examples_parse(block: Block) -> None:
    commands = [line for line in block.text.splitlines() if line.startswith("advisor ")]
    assert commands, block.line
    for command in commands:
        _parser().parse_args(shlex.split(command)[1:])


GHERKIN = [
    (block, following if following.language == "text" else None)
    for block, following in itertools.pairwise([*BLOCKS, Block("", "", 0, "")])
    if block.language == "gherkin"
]


@pytest.mark.parametrize(("block", "expected"), GHERKIN, ids=[ids(b) for b, _ in GHERKIN])
def test_gherkin_examples_run_as_the_document_says(
    block: Block, expected: Block | None, tmp_path: Path
) -> None:
    (tmp_path / "features").mkdir()
    (tmp_path / "features/example.feature").write_text(block.text, encoding="utf-8")
    rules, profiles = str(ROOT / "rules"), str(ROOT / "examples/profiles")
    result = subprocess.run(
        [sys.executable, "-m", "advisor.cli", "check", "--rules", rules, "--profiles", profiles],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    summary = next(
        line for line in result.stdout.splitlines() if re.search(r"\d+ (passed|failed) in ", line)
    )
    if expected is None:
        assert "failed" not in summary, result.stdout
    else:
        assert summary.startswith("1 failed"), result.stdout
        assert expected.text in result.stdout


# --------------------------------------------------------------------------- condition tables


@dataclass(frozen=True)
class Row:
    condition: str
    profile: dict[str, Any]
    result: str
    line: int


def condition_rows() -> list[Row]:
    rows = []
    in_table = False
    for number, line in enumerate(DOC_TEXT.splitlines(), 1):
        if line.startswith("| Condition | Profile | Result |"):
            in_table = True
            continue
        if not line.startswith("|"):
            in_table = False
        if not in_table or line.startswith("|---"):
            continue
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        assert len(cells) == 3, line
        condition, profile, result = cells
        assert re.fullmatch("`.+`", condition), line
        values = {} if profile == "nothing" else parse_yaml(profile.strip("`"), "row").data
        assert isinstance(values, dict), line
        outcome = next(
            (word for word in ("does not hold", "holds", "unknown") if result.startswith(word)),
            None,
        )
        assert outcome is not None, line
        text = condition[1:-1].replace("\\|", "|")
        rows.append(Row(text, values, outcome, number))
    return rows


ROWS = condition_rows()


@pytest.fixture(scope="module")
def table_advisor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Advisor]:
    """One rule per table row, whose condition is the row's."""
    measure = next(iter(CATALOGUE["measures"]))
    # a section the document's `sources` example declares, as every rule must cite one
    section = next(iter(CATALOGUE["sources"].values()))["sections"][0]
    rules = [
        {
            "id": f"row-{row.line}",
            "title": "A row of the reference",
            "when": row.condition,
            "recommend": [{"measure": measure, "priority": "low"}],
            "because": "The reference says so.",
            "source": section,
        }
        for row in ROWS
    ]
    root = tmp_path_factory.mktemp("rows")
    block = Block("yaml", yaml.safe_dump({"rules": rules}), 0, "")
    advisor = Advisor.from_directory(write_rule_set(root, block))
    yield advisor
    advisor.close()


@pytest.mark.parametrize("row", ROWS, ids=[f"line-{r.line}" for r in ROWS])
def test_condition_tables_state_what_the_engine_decides(row: Row, table_advisor: Advisor) -> None:
    decision = table_advisor.evaluate({"country": "Examplia", "indicators": row.profile})
    rule = f"row-{row.line}"
    if rule in decision.fired:
        found = "holds"
    elif rule in set(decision.undetermined):
        found = "unknown"
    else:
        found = "does not hold"
    assert found == row.result, f"docs/rule-language.md:{row.line}: {row.condition}"
