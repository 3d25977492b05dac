"""Templates for a new rule, indicator or measure, and the scenarios that specify a rule.

`advisor new` (`advisor.cli.new`) writes what these functions return. Each entry is
appended to the section of the file where it belongs, the rest of the file (its
comments too) kept as it was: a rule goes to the rule file where most rules acting on
measures of its measure's area live (or `--file`), an indicator or measure to the
file that already holds that section. Fields the analyst must write are marked
`TODO`; the new entry is checked with the models before anything is written, so an
id the language refuses is refused here.

A rule gets two scenarios in the feature file of the same name: one where it fires,
and one where it stays silent *with the values it reads present* (one of them just
across its threshold), so the silence is proven with data, not by a missing value.
With the rule's condition known the values are found by the witness search
(`analysis.witness`) and the sensitivity candidates (`analysis.candidates`);
otherwise the scenarios hold `<placeholders>`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from advisor.analysis.candidates import candidates, thresholds
from advisor.analysis.witness import Witness, find_witness
from advisor.errors import AdvisorError
from advisor.hints import did_you_mean
from advisor.language.expressions import SignalRef, atoms, truth
from advisor.language.loader import parse_yaml
from advisor.language.models import (
    Area,
    IndicatorSpec,
    IndicatorType,
    MeasureSpec,
    Priority,
    RuleSpec,
)
from advisor.language.parser import ExpressionError, parse_expression
from advisor.language.profile import operand_values
from advisor.language.ruleset import RuleSet

__all__ = [
    "COUNTRY",
    "PLACEHOLDER_CONDITION",
    "Edit",
    "ScaffoldRefused",
    "indicator_edit",
    "measure_edit",
    "rule_edit",
    "scenario_edit",
]

#: the condition of a rule scaffolded without `--when`: validation points at it
PLACEHOLDER_CONDITION = "INDICATOR >= THRESHOLD"


class ScaffoldRefused(AdvisorError):
    """The entry cannot be written: an unknown measure, an id taken, an id refused."""


@dataclass(frozen=True)
class Edit:
    """A file's whole new text, and the line where the new entry starts (1-based)."""

    path: Path
    text: str
    line: int


# --------------------------------------------------------------------------- rule files


def rule_edit(
    ruleset: RuleSet,
    rules: Path,
    rule_id: str,
    measure: str,
    *,
    file: str | None = None,
    when: str | None = None,
    priority: Priority = Priority.MEDIUM,
) -> Edit:
    """A commented rule recommending `measure`, appended to its rule file."""
    _refuse_taken(rule_id, "rule", ruleset.rules)
    if measure not in ruleset.measures:
        hint = did_you_mean(measure, ruleset.measures)
        raise ScaffoldRefused(f'unknown measure "{measure}"' + (f" ({hint})" if hint else ""))
    path = rules / _yaml_name(file) if file else _rule_file(ruleset, rules, measure)
    fields: dict[str, Any] = {"id": rule_id, "title": "TODO", "when": when or PLACEHOLDER_CONDITION}
    fields |= {"recommend": [{"measure": measure, "priority": priority.value}]}
    _check(RuleSpec, {**fields, "because": "TODO", "source": "TODO"})
    source = _common_source(ruleset, path)
    entry = f"""\
  - id: {rule_id}
    title: TODO what the rule does, as a sentence
    description: >-
      TODO why the thresholds are where they are, with the published figures
      they rest on (edition, how many countries lie beyond each threshold).
    # text such as "goci.human_smuggling >= 8 and signal weak-border-control", or
    # all: / any: / not: lists of conditions (docs/rule-language.md)
    when: {when or PLACEHOLDER_CONDITION}
    recommend:
      - {{measure: {measure}, priority: {priority.value}}}  # low | medium | high | critical
    # withhold: [{{measure: ..., reason: ...}}] and safeguard: [{{measure: ..., requires: ...}}]
    because: >-
      TODO the reason as a decision states it, citing the values read:
      {_citations(when)}
    source: {_quoted(source or "TODO the document the rule rests on")}
"""
    return _append(path, "rules", entry)


def indicator_edit(
    ruleset: RuleSet,
    rules: Path,
    indicator_id: str,
    kind: IndicatorType,
    *,
    categories: tuple[str, ...] = (),
) -> Edit:
    """A commented indicator of the given type, appended to the catalogue of indicators."""
    _refuse_taken(indicator_id, "indicator", ruleset.indicators)
    words = list(categories) if kind is IndicatorType.CATEGORY else None
    _check(IndicatorSpec, {"id": indicator_id, "title": "TODO", "type": kind, "categories": words})
    lines = [
        f"  - id: {indicator_id}",
        "    title: TODO the indicator's name as its publisher gives it",
        "    description: >-",
        "      TODO what it measures and on which scale, and which edition the values come from.",
        f"    type: {kind.value}",
        "    unit: TODO unit or scale, e.g. score 0-10",
    ]
    if words is not None:
        lines.append(f"    categories: [{', '.join(words)}]")
    elif kind is not IndicatorType.BOOLEAN:
        lines.append(
            "    # range: [LOW, HIGH]  # the published scale: thresholds outside it are refused"
        )
    lines += [
        "    direction: neutral  # higher-is-worse | higher-is-better | neutral",
        "    source: TODO the publisher",
    ]
    return _append(_section_file(rules, "indicators"), "indicators", "\n".join(lines) + "\n")


def measure_edit(ruleset: RuleSet, rules: Path, measure_id: str, area: Area) -> Edit:
    """A commented measure in the given area, appended to the catalogue of measures."""
    _refuse_taken(measure_id, "measure", ruleset.measures)
    fields = {"id": measure_id, "title": "TODO", "area": area, "description": "TODO"}
    _check(MeasureSpec, {**fields, "outcomes": ["TODO"], "horizon": "medium"})
    entry = f"""\
  - id: {measure_id}
    title: TODO the measure's name as a reader sees it
    area: {area.value}
    description: TODO what the measure is.
    outcomes:
      - TODO what it is expected to achieve
    horizon: medium  # short | medium | long
"""
    return _append(_section_file(rules, "measures"), "measures", entry)


def _refuse_taken(item: str, kind: str, known: Mapping[str, object]) -> None:
    if item in known:
        raise ScaffoldRefused(f'there is already a {kind} "{item}"')


def _check(model: type[Any], fields: dict[str, Any]) -> None:
    """Refuse, before writing, what the rule language would refuse in the entry."""
    try:
        model.model_validate(fields)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors()
        )
        raise ScaffoldRefused(problems) from exc


def _yaml_name(file: str) -> str:
    """`maritime`, `maritime.yaml` and `rules/maritime.yaml` all name rules/maritime.yaml."""
    name = Path(file).name
    return name if name.endswith((".yaml", ".yml")) else f"{name}.yaml"


def _rule_file(ruleset: RuleSet, rules: Path, measure: str) -> Path:
    """The file holding most rules acting on measures of the measure's area."""
    area = ruleset.measures[measure].area
    votes: Counter[str] = Counter()
    for rule in ruleset.rules.values():
        spec = rule.spec
        acted = [a.measure for a in spec.recommend]
        acted += [a.measure for a in spec.withhold] + [a.measure for a in spec.safeguard]
        if any(ruleset.measures[m].area is area for m in acted):
            votes[Path(rule.location.file).name] += 1
    if votes:
        return rules / max(sorted(votes), key=lambda name: votes[name])
    return rules / f"{area.value}.yaml"


def _section_file(rules: Path, section: str) -> Path:
    """The first rule file holding the section, or `<section>.yaml`."""
    for path in sorted(p for p in rules.glob("*.yaml") if p.is_file()):  # no FIFO: it blocks
        data = parse_yaml(path.read_text(encoding="utf-8"), path.name).data
        if isinstance(data, dict) and section in data:
            return path
    return rules / f"{section}.yaml"


def _common_source(ruleset: RuleSet, path: Path) -> str:
    """The source most rules of the file cite: a new rule there most likely shares it."""
    cited = Counter(
        rule.spec.source
        for rule in ruleset.rules.values()
        if Path(rule.location.file).name == path.name and rule.spec.source
    )
    return cited.most_common(1)[0][0] if cited else ""


def _citations(when: str | None) -> str:
    """`{x}` for every value the condition reads, `{change(x)}` for a function of a series."""
    if when is None:
        return "{INDICATOR}"
    try:
        condition = parse_expression(when)
    except ExpressionError as exc:
        raise ScaffoldRefused(f"--when: {exc}") from exc
    keys = [leaf.operand.key for leaf in atoms(condition) if not isinstance(leaf, SignalRef)]
    return ", ".join(f"{{{key}}}" for key in dict.fromkeys(keys)) or "TODO"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _append(path: Path, section: str, entry: str) -> Edit:
    """The file with the entry at the end of its section (a new section, or file, if none)."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(f"{section}:")), None)
    if start is not None and lines[start].split("#")[0].strip() == f"{section}: []":
        lines[start] = f"{section}:"  # an empty flow list becomes a block one
    if start is None:
        lines += ["", f"{section}:"] if lines else [f"{section}:"]
        end = len(lines)
    else:
        # the section ends where the next top-level key starts
        ahead = (i for i in range(start + 1, len(lines)) if lines[i][:1] not in ("", " ", "#"))
        end = next(ahead, len(lines))
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
    new = [*lines[:end], "", *entry.rstrip("\n").split("\n"), *lines[end:]]
    return Edit(path, "\n".join(new) + "\n", end + 2)


# --------------------------------------------------------------------------- feature files

#: the country of a scaffolded scenario: the feature files' made-up one
COUNTRY = "Examplia"


def scenario_edit(
    ruleset: RuleSet | None, rule_id: str, measure: str, rule_file: Path, features: Path
) -> Edit:
    """Two scenarios for the rule in the feature file named like its rule file.

    `ruleset` is the rule set with the new rule; None (or no values found) gives
    scenarios with placeholders to fill.
    """
    path = features / f"{rule_file.stem}.feature"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if not text:
        text = f"Feature: {rule_file.stem.capitalize()}\n  TODO what these rules are for.\n"
    fires, silent = _witnesses(ruleset, rule_id) if ruleset is not None else (None, None)
    scenarios = [
        "  # scaffolded by advisor new rule: name each situation; keep values a source makes",
        "  # plausible; the silent one needs every value the rule reads, one just across",
        f"  Scenario: {rule_id} fires",
        *_givens(fires, "<value that fires>"),
        "    When the profile is evaluated",
        f"    Then the rule {rule_id} fires",
        f"    And {measure} is recommended",
        "",
        f"  Scenario: {rule_id} stays silent just across its threshold",
        *_givens(silent, "<value just across the threshold>"),
        "    When the profile is evaluated",
        f"    Then the rule {rule_id} does not fire",
    ]
    lines = text.rstrip("\n").split("\n")
    return Edit(path, "\n".join([*lines, "", *scenarios]) + "\n", len(lines) + 2)


def _givens(witness: Witness | None, placeholder: str) -> list[str]:
    if witness is None:
        return ["    Given an empty profile for <Country>", f"    And <indicator> is {placeholder}"]
    lines = [f"    Given an empty profile for {COUNTRY}"]
    for indicator, value in sorted(witness.items()):
        if isinstance(value, Mapping):
            lines.append(f"    And {indicator} by period:")
            rows = [("period", "value"), *((p, _gherkin(v)) for p, v in sorted(value.items()))]
            width = max(len(row[1]) for row in rows)
            lines += [f"      | {p:<6} | {v:<{width}} |" for p, v in rows]
        else:
            lines.append(f"    And {indicator} is {_gherkin(value)}")
    return lines


def _gherkin(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _witnesses(ruleset: RuleSet, rule_id: str) -> tuple[Witness | None, Witness | None]:
    """Values that fire the rule, and the same with one value moved just across, silencing it."""
    found_fires = find_witness(ruleset, rule_id, True)
    if found_fires is None:
        return None, None
    fires = _tidy(ruleset, rule_id, found_fires)
    conditions = [s.condition for s in ruleset.signals.values()]
    found = thresholds([*conditions, *(r.condition for r in ruleset.rules.values())])
    for indicator in sorted(fires):
        spec = ruleset.indicators[indicator]
        tried = candidates(spec, found.get(indicator, ()), range_ends=False)
        now = fires[indicator]
        for value in sorted(tried, key=lambda v: _distance(now, v)):
            silent = {**fires, indicator: value}
            if _outcome(ruleset, rule_id, silent) is False:
                return fires, silent
    return fires, None


def _tidy(ruleset: RuleSet, rule_id: str, witness: Witness) -> Witness:
    """The series of a firing witness with rounder numbers, where the rule still fires.

    Series are built by dividing by a change (`candidates.series_candidates`): 13636.354545
    reads worse in a scenario than 13636.
    """
    tidy = dict(witness)
    for indicator, value in witness.items():
        if not isinstance(value, Mapping):
            continue
        for period, number in value.items():
            for rounded in (round(number), round(number, 1), round(number, 2)):
                series = {**tidy[indicator], period: rounded}  # type: ignore[dict-item]
                if _outcome(ruleset, rule_id, {**tidy, indicator: series}) is True:
                    tidy[indicator] = series
                    break
    return tidy


def _outcome(ruleset: RuleSet, rule_id: str, witness: Witness) -> bool | None:
    values = operand_values(ruleset, witness)
    return truth(ruleset.rules[rule_id].condition, values, ruleset.signal_states(values))


def _distance(now: object, value: object) -> float:
    numbers = (int, float)
    if isinstance(now, numbers) and isinstance(value, numbers) and not isinstance(now, bool):
        return abs(float(value) - float(now))
    if isinstance(now, Mapping) and isinstance(value, Mapping):
        # two series: the relative change summed over their periods (a period only one
        # of them has counts fully), so the nearest silencing series is tried first
        return sum(
            abs(float(value[p]) - float(now[p])) / max(abs(float(now[p])), 1.0)
            if p in now and p in value
            else 1.0
            for p in {*now, *value}
        )
    return 0.0 if not isinstance(value, Mapping) else 1.0
