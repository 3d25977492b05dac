"""JSON Schemas for rule files and situation profiles, so editors check and complete them.

The schemas are generated from the pydantic models in `models.py` and committed
under `schemas/`; each rule file and profile names its schema on its first line::

    # yaml-language-server: $schema=../schemas/rules.schema.json

which the YAML language server (VS Code's YAML extension, and editors built on
it) reads. That server speaks JSON Schema draft-07, so pydantic's 2020-12
output is translated: `$defs` become `definitions`, tuple `prefixItems` become
the draft-07 array form of `items`, and a `$ref` with siblings is wrapped in
`allOf` (draft-07 ignores a `$ref`'s siblings, so descriptions would be lost).

Given the rule set, the schemas also carry its ids, so an editor completes them
and flags a misspelt one while typing: a profile's `indicators` (and `sources`)
get one property per indicator, with its type and range checked and its title,
type, range and unit as description; every `measure` of a rule's recommend,
withhold and safeguard is one of the catalogue's measures; a `when` lists every
indicator and signal as examples and in its description. The schemas then depend
on the rule set, so `advisor schema --check` finds them stale when an id is added,
renamed or removed. What needs more than ids (is the threshold inside the
indicator's range?) is left to `advisor validate`. This module returns the schemas
and what linking would write; `advisor schema` (`advisor.cli.schema`) writes them.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from advisor.language.expressions import EXACT_LIMIT, FUNCTIONS
from advisor.language.loader import parse_yaml
from advisor.language.models import (
    PERIOD_PATTERN,
    IndicatorSpec,
    IndicatorType,
    SituationProfile,
)
from advisor.language.parser import MAX_EXPRESSION_LENGTH
from advisor.language.periods import KINDS as PERIOD_KINDS
from advisor.language.ruleset import RuleSet
from advisor.language.validation.shapes import SECTIONS

__all__ = [
    "HEADER_PREFIX",
    "SCHEMA_FILES",
    "Stale",
    "file_kind",
    "indicator_schema",
    "link_file",
    "profile_maps",
    "render_schemas",
    "stale_files",
]

DRAFT = "http://json-schema.org/draft-07/schema#"
HEADER_PREFIX = "# yaml-language-server: $schema="
ANY_RULE_FILE = "rule-file"
PROFILE = "profile"

#: schema name -> file name under schemas/
SCHEMA_FILES: dict[str, str] = {
    ANY_RULE_FILE: "rule-file.schema.json",
    **{section: f"{section}.schema.json" for section in SECTIONS},
    PROFILE: "profile.schema.json",
}

_SECTION_TEXT = {
    "indicators": "the inputs a situation profile may carry",
    "measures": "the cooperation measures rules may recommend",
    "signals": "named situations derived from indicators, reused by rules",
    "rules": "when a condition holds, recommend, withhold or attach safeguards to measures",
    "sources": "the documents the rules put into practice, and their sections",
}

CONDITION_GRAMMAR = f"""\
A condition: text, or a mapping with exactly one of all (every item holds), \
any (at least one holds) or not (the item does not hold), whose items are conditions.

Text (at most {MAX_EXPRESSION_LENGTH} characters):
  condition  = part {{ "or" part }}
  part       = factor {{ "and" factor }}
  factor     = "not" factor | "(" condition ")" | "signal" SIGNAL-ID | atom
  atom       = operand ("<" | "<=" | ">" | ">=" | "==" | "!=") value
             | operand "between" NUMBER "and" NUMBER      (both ends included)
             | operand "in" "[" value {{ "," value }} "]"   (categories)
             | operand                                    (a boolean indicator that is true)
  operand    = INDICATOR-ID | FUNCTION "(" SERIES-INDICATOR-ID ")"
  value      = NUMBER (25% is 0.25) | true | false | CATEGORY-WORD | "quoted text"
Functions of a series: {"; ".join(f"{name}: {meaning}" for name, meaning in FUNCTIONS.items())}.
An indicator missing from the profile makes its atoms unknown: "and" is false if any part \
is false, "or" is true if any part is true, otherwise the condition is unknown and the rule \
does not fire."""

_CONDITION: dict[str, Any] = {
    "title": "Condition",
    "description": CONDITION_GRAMMAR,
    "anyOf": [
        {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_EXPRESSION_LENGTH,
            "description": "e.g. goci.human_smuggling >= 8 and signal trafficking-spike",
        },
        *(
            {
                "type": "object",
                "properties": {
                    word: {
                        "type": "array",
                        "minItems": 1,
                        "items": {"$ref": "#/definitions/Condition"},
                        "description": meaning,
                    }
                },
                "required": [word],
                "additionalProperties": False,
            }
            for word, meaning in (
                ("all", "Every condition in the list holds."),
                ("any", "At least one condition in the list holds."),
            )
        ),
        {
            "type": "object",
            "properties": {
                "not": {
                    "$ref": "#/definitions/Condition",
                }
            },
            "required": ["not"],
            "additionalProperties": False,
        },
    ],
}


def _draft07(node: Any) -> Any:
    """Pydantic's JSON Schema (2020-12) rewritten in the draft-07 the YAML server reads."""
    if isinstance(node, list):
        return [_draft07(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _draft07(value) for key, value in node.items()}
    if "prefixItems" in out:
        out["items"] = out.pop("prefixItems")
    if "$ref" in out and len(out) > 1:
        out["allOf"] = [{"$ref": out.pop("$ref")}]
    return out


def _model_schema(model: type[BaseModel]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A model's schema and the definitions it refers to, with draft-07 references."""
    schema = model.model_json_schema(ref_template="#/definitions/{model}")
    definitions = schema.pop("$defs", {})
    return schema, definitions


def _with_conditions(definitions: dict[str, Any]) -> None:
    """Give every `when` (typed Any in the models) the condition schema."""
    for definition in list(definitions.values()):
        when = definition.get("properties", {}).get("when")
        if when is not None:
            definition["properties"]["when"] = {
                "description": when.get("description", ""),
                "allOf": [{"$ref": "#/definitions/Condition"}],
            }
            definitions.setdefault("Condition", _CONDITION)


def _rule_file_schema(sections: Iterable[str], title: str, description: str) -> dict[str, Any]:
    definitions: dict[str, Any] = {}
    properties: dict[str, Any] = {}
    for section in sections:
        model = SECTIONS[section]
        schema, defs = _model_schema(model)
        definitions.update(defs)
        definitions[model.__name__] = schema
        properties[section] = {
            "description": f"{section.capitalize()}: {_SECTION_TEXT[section]}.",
            "type": ["array", "null"],
            "items": {"$ref": f"#/definitions/{model.__name__}"},
        }
    _with_conditions(definitions)
    return {
        "$schema": DRAFT,
        "title": title,
        "description": description,
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "definitions": dict(sorted(definitions.items())),
    }


def _schemas(ruleset: RuleSet | None) -> dict[str, dict[str, Any]]:
    schemas = {
        ANY_RULE_FILE: _rule_file_schema(
            SECTIONS,
            "Cooperation Advisor rule file",
            "A rule file: any of the sections indicators, measures, signals and rules. "
            "Check the whole rule set with: advisor validate rules",
        )
    }
    for section in SECTIONS:
        schema = _rule_file_schema(
            [section],
            f"Cooperation Advisor {section} file",
            f"A rule file holding {section}: {_SECTION_TEXT[section]}. "
            "Check the whole rule set with: advisor validate rules",
        )
        schema["required"] = [section]
        schemas[section] = schema
    profile, definitions = _model_schema(SituationProfile)
    schemas[PROFILE] = {
        "$schema": DRAFT,
        **{k: v for k, v in profile.items() if k != "title"},
        "title": "Cooperation Advisor situation profile",
        **({"definitions": definitions} if definitions else {}),
    }
    if ruleset is not None:
        for name, schema in schemas.items():
            _with_ids(schema, ruleset, profile=name == PROFILE)
    return {name: _draft07(schema) for name, schema in schemas.items()}


def render_schemas(ruleset: RuleSet | None = None) -> dict[str, str]:
    """File name -> JSON text of every schema, as committed under `schemas/`.

    With a rule set, the schemas carry its indicator, measure and signal ids; without
    one they describe shape only.
    """
    return {
        SCHEMA_FILES[name]: json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
        for name, schema in _schemas(ruleset).items()
    }


# --------------------------------------------------------------------------- the rule set's ids

#: the definitions whose `measure` names a measure of the catalogue
_MEASURE_REFERENCES = ("Recommend", "Withhold", "Safeguard")


def _with_ids(schema: dict[str, Any], ruleset: RuleSet, *, profile: bool) -> None:
    """Put the rule set's ids where a profile or a rule file names them."""
    if profile:
        properties = schema["properties"]
        for name, described in profile_maps(ruleset).items():
            properties[name] = {**properties[name], **described}
        return
    definitions = schema["definitions"]
    measures = {
        "type": "string",
        "description": "The id of a measure in the catalogue.",
        "enum": list(ruleset.measures),
        # VS Code's and the YAML server's completion show these beside each id
        "enumDescriptions": [m.title for m in ruleset.measures.values()],
    }
    for name in _MEASURE_REFERENCES:
        if name in definitions:
            definitions[name]["properties"]["measure"] = measures
    if "Condition" in definitions:
        definitions["Condition"] = _condition_with_ids(ruleset)


def _condition_with_ids(ruleset: RuleSet) -> dict[str, Any]:
    """The condition schema, its text offering one example per indicator and signal."""
    text, *structured = _CONDITION["anyOf"]
    examples = [_example(spec) for spec in ruleset.indicators.values()]
    examples += [f"signal {signal}" for signal in ruleset.signals]
    known = [f"{spec.id}: {_summary(spec)}" for spec in ruleset.indicators.values()]
    known += [f"signal {s.id}: {s.spec.title}" for s in ruleset.signals.values()]
    ids = "\n\nIndicators and signals of this rule set:\n" + "\n".join(known)
    return {
        **_CONDITION,
        "description": _CONDITION["description"] + ids,
        "anyOf": [{**text, "examples": examples}, *structured],
    }


def profile_maps(ruleset: RuleSet) -> dict[str, dict[str, Any]]:
    """A profile's `indicators` and `sources` objects for the rule set: one property per
    indicator id and alias, no other name. The editor schemas and the OpenAPI schema
    both take them from here."""
    # a profile may name an indicator by one of its aliases (the World Bank's codes)
    named = [(name, spec) for spec in ruleset.indicators.values() for name in _names(spec)]
    return {
        "indicators": {
            "type": "object",
            "properties": {name: _indicator_by_name(name, spec) for name, spec in named},
            "additionalProperties": False,
        },
        "sources": {
            "type": "object",
            "properties": {
                name: {"type": "string", "description": f"Where {spec.title} comes from."}
                for name, spec in named
            },
            "additionalProperties": False,
        },
    }


def _names(spec: IndicatorSpec) -> list[str]:
    """The indicator's id, then its aliases."""
    return [spec.id, *spec.aliases]


def _indicator_by_name(name: str, spec: IndicatorSpec) -> dict[str, Any]:
    schema = indicator_schema(spec)
    if name != spec.id:
        schema["description"] = f"Alias of {spec.id}: {schema['description']}"
    return schema


def indicator_schema(spec: IndicatorSpec) -> dict[str, Any]:
    """The JSON Schema of one indicator's value in a profile, described by its title."""
    described: dict[str, Any] = {"description": f"{spec.title} ({_summary(spec)})"}
    if spec.type is IndicatorType.BOOLEAN:
        return {"type": "boolean", **described}
    if spec.type is IndicatorType.CATEGORY:
        return {"type": "string", "enum": list(spec.categories or ()), **described}
    number: dict[str, Any] = {"type": "integer" if spec.type is IndicatorType.INTEGER else "number"}
    # Without a range, a number is still held to what the engine compares exactly.
    low, high = spec.range or (-EXACT_LIMIT, EXACT_LIMIT)
    number |= {"minimum": low, "maximum": high}
    if spec.type is IndicatorType.SERIES:
        # propertyNames rather than patternProperties: client generators (openapi-python-client)
        # read the values' schema from additionalProperties and drop what it forbids
        return {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": PERIOD_PATTERN},
            "additionalProperties": number,
            # periods of one kind: all years, all quarters, all halves or all months
            "anyOf": [{"propertyNames": {"pattern": pattern}} for pattern in PERIOD_KINDS.values()],
            **described,
        }
    return {**number, **described}


def _summary(spec: IndicatorSpec) -> str:
    """Type, range or categories, and unit: "number, 0 to 10, score 0-10"."""
    parts = [spec.type.value]
    if spec.range is not None:
        parts.append(f"{_number(spec.range[0])} to {_number(spec.range[1])}")
    if spec.categories:
        parts.append(" | ".join(spec.categories))
    if spec.unit:
        parts.append(spec.unit)
    return ", ".join(parts)


def _example(spec: IndicatorSpec) -> str:
    """A condition on the indicator that the rule language accepts."""
    if spec.type is IndicatorType.BOOLEAN:
        return spec.id
    if spec.type is IndicatorType.CATEGORY:
        return f"{spec.id} in [{', '.join(spec.categories or ())}]"
    if spec.type is IndicatorType.SERIES:
        return f"change({spec.id}) >= 25%"
    if spec.range is not None and all(math.isfinite(end) for end in spec.range):
        # inside the range: a comparison at an end of it is a warning (it decides itself)
        middle = (spec.range[0] + spec.range[1]) / 2
        if spec.type is IndicatorType.INTEGER:
            middle = round(middle)
        return f"{spec.id} >= {_number(middle)}"
    return f"{spec.id} >= 0"


def _number(value: float) -> str:
    """As a rule file writes it: 2000000, not 2e+06; -2.5, not -2.50."""
    return str(int(value)) if float(value).is_integer() else str(value)


# --------------------------------------------------------------------------- file headers


def file_kind(text: str) -> str | None:
    """Which schema a YAML file should name: its one section, any rule file, or a profile."""
    data = parse_yaml(text, "<file>").data
    if not isinstance(data, dict) or not data:
        return None
    if "country" in data:
        return PROFILE
    keys = set(data)
    if not keys <= set(SECTIONS):
        return None
    return keys.pop() if len(keys) == 1 else ANY_RULE_FILE


def link_file(path: Path, schemas: Path) -> str | None:
    """The file's text with its first line naming its schema; None if its kind is unclear."""
    text = path.read_text(encoding="utf-8")
    kind = file_kind(text)
    if kind is None:
        return None
    # pathlib gives no relative path between sibling directories; os.path does.
    target = os.path.relpath((schemas / SCHEMA_FILES[kind]).resolve(), path.parent.resolve())
    header = HEADER_PREFIX + Path(target).as_posix()
    lines = text.split("\n")
    if lines and lines[0].startswith(HEADER_PREFIX):
        lines[0] = header
    else:
        lines.insert(0, header)
    return "\n".join(lines)


@dataclass(frozen=True)
class Stale:
    """A file that `advisor schema` would write or change."""

    path: Path
    text: str
    why: str


def stale_files(
    output: Path, linked: Iterable[Path] = (), ruleset: RuleSet | None = None
) -> list[Stale]:
    """Schemas under `output` and file headers under `linked` that are missing or out of date.

    The schemas are compared with those `render_schemas(ruleset)` gives: pass the rule
    set the committed schemas were written for.
    """
    stale: list[Stale] = []
    for name, text in render_schemas(ruleset).items():
        path = output / name
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current != text:
            stale.append(Stale(path, text, "missing" if current is None else "out of date"))
    for directory in linked:
        found = [*directory.rglob("*.yaml"), *directory.rglob("*.yml")]
        for path in sorted(p for p in found if p.is_file()):  # a FIFO would block the read
            linked_text = link_file(path, output)
            if linked_text is not None and linked_text != path.read_text(encoding="utf-8"):
                stale.append(Stale(path, linked_text, "first line does not name its schema"))
    return stale
