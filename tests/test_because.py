"""`because` placeholders: braces checked, located at the placeholder, values rendered honestly."""

from __future__ import annotations

from advisor import Advisor, load_ruleset
from advisor.decision.explain import format_margin, format_value
from advisor.decision.explainer import Because
from advisor.decision.render import render_decision
from advisor.errors import Location
from advisor.language.loader import SourceDocument, parse_yaml
from advisor.language.templates import locate_in_text

from .conftest import WriteRules
from .test_checks import CATALOGUE, problems_of, rule

SURGE = "change(migration.departures) >= 25%"


def folded(*lines: str) -> str:
    """A `because: >-` block (the style of the bundled rules) as rule() takes it."""
    return ">-\n" + "\n".join(f"      {line}" for line in lines)


def test_an_unclosed_brace_points_at_the_brace(write_rules: WriteRules) -> None:
    because = folded("Departures rose by {change(migration.departures)}", "to {latest(migration.")
    root = write_rules(**{"c.yaml": CATALOGUE, "r.yaml": rule(f"'{SURGE}'", because=because)})
    assert problems_of(root) == [
        "rules/r.yaml:8:10: an unclosed '{' in because (close it: {indicator})"
    ]


def test_a_closing_brace_without_an_opening_one(write_rules: WriteRules) -> None:
    because = "'Smuggling {goci.human_smuggling}/10 }'"
    root = write_rules(
        **{"c.yaml": CATALOGUE, "r.yaml": rule("goci.human_smuggling >= 8", because=because)}
    )
    assert problems_of(root) == [
        "rules/r.yaml:6:51: a '}' in because with no '{' (remove it, or open it with '{')"
    ]


def test_an_indicator_not_read_points_at_the_placeholder_in_a_folded_block(
    write_rules: WriteRules,
) -> None:
    because = folded(
        "Departures rose by {change(migration.departures)};", "smuggling {goci.human_smuggling}/10."
    )
    root = write_rules(**{"c.yaml": CATALOGUE, "r.yaml": rule(f"'{SURGE}'", because=because)})
    assert problems_of(root) == [
        'rules/r.yaml:8:17: "{goci.human_smuggling}" in because is not read by this rule\'s '
        "condition (cite one of: change(migration.departures))"
    ]


def test_another_function_of_a_series_the_rule_reads_is_allowed_and_rendered(
    write_rules: WriteRules,
) -> None:
    because = (
        "'{latest(migration.departures)} departures, {change(migration.departures)} on before'"
    )
    root = write_rules(**{"c.yaml": CATALOGUE, "r.yaml": rule(f"'{SURGE}'", because=because)})
    advisor = Advisor(load_ruleset(root))
    try:
        profile = {
            "country": "X",
            "indicators": {"migration.departures": {"2022": 20000, "2023": 36468}},
        }
        decision = advisor.evaluate(profile, detail="full")
    finally:
        advisor.close()
    (recommendation,) = decision.recommendations
    assert decision.rules[recommendation.rules[0].rule].because == (
        "36,468 departures, +82.3% on before"
    )
    # The margin of a change() is in percentage points, like its value in percent.
    assert "(value +82.3%, margin +57.3 points)" in render_decision(decision)


def test_a_series_cited_without_a_function(write_rules: WriteRules) -> None:
    because = "'Departures {migration.departures}'"
    root = write_rules(**{"c.yaml": CATALOGUE, "r.yaml": rule(f"'{SURGE}'", because=because)})
    assert problems_of(root) == [
        'rules/r.yaml:6:26: "{migration.departures}" is a series by period '
        "(cite latest(migration.departures) or change(migration.departures))"
    ]


def test_a_missing_value_reads_as_missing_not_as_a_value() -> None:
    text = "{acled.events} events, {goci.human_smuggling}/10, {latest(migration.departures)}"
    rendered = Because(text).render({"goci.human_smuggling": 9.5}, {"goci.human_smuggling": 9.5})
    assert rendered == (
        "(no data: acled.events) events, 9.5/10, (no data: latest(migration.departures))"
    )


def test_margins_of_change_are_percentage_points_and_small_margins_are_not_rounded_away() -> None:
    assert format_margin("change(migration.departures)", 0.18287) == "+18.3 points"
    assert format_margin("latest(migration.departures)", 21468) == "21,468"
    assert format_margin("goci.human_smuggling", 1.5) == "1.5"
    assert format_margin("wgi.rule_of_law", 0.001) == "0.001"


def test_an_unknown_function_and_a_function_of_a_number_in_because(
    write_rules: WriteRules,
) -> None:
    when = f"'{SURGE} and goci.human_smuggling >= 8'"
    because = "'{growth(migration.departures)} and {latest(goci.human_smuggling)}'"
    root = write_rules(**{"c.yaml": CATALOGUE, "r.yaml": rule(when, because=because)})
    assert problems_of(root) == [
        "rules/r.yaml:6:15: \"{growth(migration.departures)}\": unknown function 'growth' "
        "(functions are change, latest, mean, previous)",
        'rules/r.yaml:6:50: "{latest(goci.human_smuggling)}": latest() needs a series '
        "(cite {goci.human_smuggling})",
    ]


def test_a_placeholder_that_cannot_be_found_in_the_file_is_not_given_a_false_place() -> None:
    text = "Smuggling {goci.human_smuggling}"
    written = parse_yaml(f"because: {text}\n", "r.yaml")
    assert locate_in_text(written, ("because",), text, 10) == Location("r.yaml", 1, 20)
    without_source = SourceDocument("r.yaml", written.data, _values=written._values)
    assert locate_in_text(without_source, ("because",), text, 10) is None


def test_a_missing_value_reads_as_no_data_wherever_it_is_printed() -> None:
    # e.g. a sensitivity line for an indicator the profile lacks: "x no data -> yes"
    assert format_value("local.rival_governments", None) == "no data"
    assert format_value("change(migration.departures)", 0.25) == "+25.0%"
