"""JSON Schemas: committed and current, draft-07, true to the rule files and to the loader."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from advisor.language.files import check_ruleset, load_ruleset
from advisor.language.json_schema import HEADER_PREFIX, SCHEMA_FILES, render_schemas, stale_files
from advisor.language.loader import load_yaml, parse_yaml

from .test_cli import ROOT, advisor

SCHEMAS = ROOT / "schemas"
RULES = ROOT / "rules"
PROFILES = ROOT / "examples" / "profiles"


def validator(name: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(json.loads((SCHEMAS / SCHEMA_FILES[name]).read_text()))


def errors(name: str, yaml_text: str) -> list[str]:
    data = parse_yaml(yaml_text, "<test>").data
    return sorted(e.message for e in validator(name).iter_errors(data))


def test_committed_schemas_and_file_headers_are_current() -> None:
    stale = stale_files(SCHEMAS, [RULES, PROFILES], load_ruleset(RULES))
    assert [f"{s.path.relative_to(ROOT)}: {s.why}" for s in stale] == [], (
        "run: advisor schema --link rules --link examples/profiles"
    )


def test_schemas_are_valid_draft07() -> None:
    for name in SCHEMA_FILES.values():
        schema = json.loads((SCHEMAS / name).read_text())
        assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
        jsonschema.Draft7Validator.check_schema(schema)
        text = json.dumps(schema)
        assert "$defs" not in text
        assert "prefixItems" not in text


@pytest.mark.parametrize(
    "path",
    [*sorted(RULES.glob("*.yaml")), *sorted(PROFILES.glob("*.yaml"))],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_every_file_names_a_schema_that_accepts_it(path: Path) -> None:
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first.startswith(HEADER_PREFIX)
    schema_path = (path.parent / first[len(HEADER_PREFIX) :]).resolve()
    assert schema_path.parent == SCHEMAS.resolve()
    schema = jsonschema.Draft7Validator(json.loads(schema_path.read_text()))
    assert [e.message for e in schema.iter_errors(load_yaml(path).data)] == []


def test_each_rule_file_kind_gets_its_own_schema() -> None:
    kinds = {
        p.name: p.read_text().split("\n", 1)[0].rsplit("/", 1)[1] for p in RULES.glob("*.yaml")
    }
    assert kinds["indicators.yaml"] == "indicators.schema.json"
    assert kinds["measures.yaml"] == "measures.schema.json"
    assert kinds["signals.yaml"] == "signals.schema.json"
    assert kinds["borders.yaml"] == "rules.schema.json"


RULE = """
rules:
  - id: smuggling-border
    title: Border training against smuggling
    when: {when}
    recommend:
      - {{measure: joint-border-training, priority: {priority}}}
    because: Smuggling scores {{goci.human_smuggling}}.
    source: Strengthening Borders
"""


def test_rule_schema_accepts_text_and_structured_conditions() -> None:
    structured = (
        "{all: [goci.human_smuggling >= 8, {any: [signal trafficking-spike, "
        "{not: local.rival_governments}]}]}"
    )
    for when in ("goci.human_smuggling >= 8", structured):
        assert errors("rules", RULE.format(when=when, priority="high")) == []
        assert errors("rule-file", RULE.format(when=when, priority="high")) == []


def test_rule_schema_refuses_what_the_loader_refuses() -> None:
    assert errors("rules", RULE.format(when="x >= 1", priority="urgent")) == [
        "'urgent' is not one of ['low', 'medium', 'high', 'critical']"
    ]
    # a list without all:/any:, and an empty all:
    assert errors("rules", RULE.format(when="[a.b, c.d]", priority="high"))
    assert errors("rules", RULE.format(when="{all: []}", priority="high"))
    misspelt = RULE.format(when="a.b", priority="high").replace("because:", "becuase:")
    assert errors("rules", misspelt) == [
        "'because' is a required property",
        "Additional properties are not allowed ('becuase' was unexpected)",
    ]
    # a rules file holds rules only; the any-rule-file schema allows every section
    assert errors("rules", "measures: []\n") == [
        "'rules' is a required property",
        "Additional properties are not allowed ('measures' was unexpected)",
    ]
    assert errors("rule-file", "measures: []\nrules: []\n") == []
    assert errors("rule-file", "rulez: []\n") == [
        "Additional properties are not allowed ('rulez' was unexpected)"
    ]


def test_indicator_and_profile_schemas() -> None:
    indicator = (
        "indicators:\n  - {id: fsi.total, title: FSI, type: number, range: [0, 120], "
        "direction: %s}\n"
    )
    assert errors("indicators", indicator % "higher-is-worse") == []
    assert errors("indicators", indicator % "up") == [
        "'up' is not one of ['higher-is-worse', 'higher-is-better', 'neutral']"
    ]
    assert errors("indicators", indicator.replace("[0, 120]", "[0, 60, 120]") % "neutral")
    profile = (
        "country: Libya\n"
        "indicators: {fsi.total: 96.5, migration.departures_to_italy: {2023: 1, 2024: 2}}\n"
    )
    assert errors("profile", profile) == []
    assert errors("profile", profile.replace("country", "contry"))


def test_a_misspelt_indicator_in_a_profile_is_flagged() -> None:
    known = "country: Libya\nindicators: {goci.human_smuggling: 9.5}\nsources: {gti.score: IEP}\n"
    assert errors("profile", known) == []
    assert errors("profile", known.replace("goci.human_smuggling", "goci.human_smugling")) == [
        "Additional properties are not allowed ('goci.human_smugling' was unexpected)"
    ]
    assert errors("profile", known.replace("gti.score", "gti.scor")) == [
        "Additional properties are not allowed ('gti.scor' was unexpected)"
    ]
    # each indicator's type and range too: smuggling is scored 1 to 10
    too_high = ["11 is greater than the maximum of 10.0"]
    assert errors("profile", known.replace("9.5", "11")) == too_high
    assert errors("profile", known.replace("9.5", "high")) == ["'high' is not of type 'number'"]


def test_a_profile_may_name_an_indicator_by_its_alias() -> None:
    # the World Bank's code for rule of law, an alias in rules/indicators.yaml
    by_alias = "country: Libya\nindicators: {wgi.rl: -1.6}\nsources: {wgi.rl: World Bank}\n"
    assert errors("profile", by_alias) == []
    assert errors("profile", by_alias.replace("-1.6", "-4")) == [
        "-4 is less than the minimum of -3.0"
    ]
    alias = validator("profile").schema["properties"]["indicators"]["properties"]["wgi.rl"]
    assert alias["description"].startswith("Alias of wgi.rule_of_law: ")


def test_indicators_are_described_for_completion() -> None:
    schema = json.loads((SCHEMAS / "profile.schema.json").read_text())
    indicators = schema["properties"]["indicators"]["properties"]
    ruleset = load_ruleset(RULES)
    aliases = {alias for spec in ruleset.indicators.values() for alias in spec.aliases}
    assert set(indicators) == set(ruleset.indicators) | aliases
    smuggling = indicators["goci.human_smuggling"]
    assert smuggling["description"] == (
        "GI-TOC human smuggling market score (number, 1 to 10, score 1-10)"
    )
    border = indicators["local.border_control_capacity"]
    assert border["enum"] == ["weak", "partial", "effective"]


def test_rule_files_list_measure_signal_and_indicator_ids() -> None:
    wrong = RULE.format(when="goci.human_smuggling >= 8", priority="high").replace(
        "joint-border-training", "joint-border-trainin"
    )
    (message,) = errors("rules", wrong)
    assert message.startswith("'joint-border-trainin' is not one of [")
    assert "'joint-border-training'" in message
    rules = json.loads((SCHEMAS / "rules.schema.json").read_text())
    measure = rules["definitions"]["Withhold"]["properties"]["measure"]
    assert len(measure["enum"]) == len(measure["enumDescriptions"]) > 0
    text = rules["definitions"]["Condition"]["anyOf"][0]
    assert "signal trafficking-spike" in text["examples"]
    assert "change(migration.departures_to_italy) >= 25%" in text["examples"]
    assert "local.border_control_capacity in [weak, partial, effective]" in text["examples"]


def test_schemas_follow_the_rule_set(tmp_path: Path) -> None:
    ruleset = load_ruleset(RULES)
    for name, text in render_schemas(ruleset).items():
        (tmp_path / name).write_text(text)
    assert stale_files(tmp_path, (), ruleset) == []
    # a rule set with one more measure: the rule schemas no longer list every measure
    more = tmp_path / "catalogue"
    more.mkdir()
    for path in RULES.glob("*.yaml"):
        (more / path.name).write_text(path.read_text())
    with (more / "measures.yaml").open("a") as measures:
        measures.write(
            "  - {id: coast-guard-exchange, title: Coast guard exchange,\n"
            "     area: border-security, description: Exchange of officers.,\n"
            "     outcomes: [Shared practice], horizon: short}\n"
        )
    added = advisor("schema", "--check", "--rules", "catalogue", "--output", ".", cwd=tmp_path)
    assert added.returncode == 1
    assert added.stderr.splitlines() == [
        "rule-file.schema.json: out of date",
        "rules.schema.json: out of date",
        "run: advisor schema --rules catalogue --output .",
    ]


def description_of(schema: dict[str, Any], *path: str) -> str:
    node: Any = schema
    for key in path:
        node = node[key]
    return str(node["description"])


def test_conditions_explain_their_grammar_to_the_editor() -> None:
    schema = json.loads((SCHEMAS / "signals.schema.json").read_text())
    grammar = description_of(schema, "definitions", "Condition")
    for phrase in ("between", "change:", "25% is 0.25", "unknown"):
        assert phrase in grammar
    when = schema["definitions"]["SignalSpec"]["properties"]["when"]
    assert when["allOf"] == [{"$ref": "#/definitions/Condition"}]
    rule = json.loads((SCHEMAS / "rules.schema.json").read_text())
    priority = rule["definitions"]["Recommend"]["properties"]["priority"]
    assert "highest" in priority["description"]  # a $ref's description survives draft-07


def test_schema_command_writes_links_and_checks(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "mixed.yaml").write_text("# a comment stays\nmeasures: []\nrules: []\n")
    (rules / "m.yaml").write_text("measures: []\n")
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "x.yaml").write_text("country: X\n")

    assert advisor("schema", "--check", "--link", "rules", cwd=tmp_path).returncode == 1
    written = advisor("schema", "--link", "rules", "--link", "profiles", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == sorted(SCHEMA_FILES.values())
    assert (rules / "mixed.yaml").read_text() == (
        "# yaml-language-server: $schema=../schemas/rule-file.schema.json\n"
        "# a comment stays\nmeasures: []\nrules: []\n"
    )
    assert (rules / "m.yaml").read_text().startswith(HEADER_PREFIX + "../schemas/measures.")
    assert (
        (tmp_path / "profiles" / "x.yaml")
        .read_text()
        .startswith(HEADER_PREFIX + "../schemas/profile.schema.json\n")
    )
    again = advisor("schema", "--check", "--link", "rules", "--link", "profiles", cwd=tmp_path)
    assert again.returncode == 0, again.stderr

    (tmp_path / "schemas" / "rules.schema.json").write_text("{}\n")
    stale = advisor("schema", "--check", cwd=tmp_path)
    assert stale.returncode == 1
    assert stale.stderr.splitlines() == [
        "schemas/rules.schema.json: out of date",
        "run: advisor schema",
    ]
    missing = advisor("schema", "--link", "nowhere", cwd=tmp_path)
    assert (missing.returncode, missing.stderr) == (2, "nowhere: not a directory\n")


def test_the_example_conditions_offered_to_editors_raise_no_warning(tmp_path: Path) -> None:
    # An analyst who takes a condition from completion must not meet a likely-mistake warning.
    schema = json.loads((SCHEMAS / "rule-file.schema.json").read_text())
    examples = schema["definitions"]["Condition"]["anyOf"][0]["examples"]
    ruleset = load_ruleset(RULES)
    assert len(examples) == len(ruleset.indicators) + len(ruleset.signals)
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    section = next(iter(ruleset.section_sources))
    entries = "".join(
        f"  - id: example-{index}\n    title: Example\n    when: {json.dumps(example)}\n"
        "    recommend: [{measure: joint-border-training, priority: low}]\n"
        f"    because: An example.\n    source: {json.dumps(section)}\n"
        for index, example in enumerate(examples)
    )
    (rules / "examples.yaml").write_text("rules:\n" + entries, encoding="utf-8")
    problems, checked = check_ruleset(rules)
    assert [str(p) for p in problems] == []
    assert checked is not None
    assert len(checked.rules) == len(ruleset.rules) + len(examples)
