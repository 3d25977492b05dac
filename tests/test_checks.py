"""Every kind of rule-file problem, reported with file, line, column and a suggestion."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor import Advisor, RuleSetError, check_ruleset, load_ruleset

from .conftest import BASIC_RULES, WriteRules, catalogue

CATALOGUE = """
indicators:
  - id: goci.human_smuggling
    title: Human smuggling
    type: number
    range: [1, 10]
  - id: local.border_control
    title: Border control
    type: category
    categories: [weak, partial, effective]
  - id: migration.departures
    title: Departures
    type: series
measures:
  - id: joint-border-training
    title: Joint border training
    area: border-security
    description: Train.
    outcomes: [Detection]
    horizon: short
signals:
  - id: trafficking-spike
    title: Spike
    when: change(migration.departures) >= 25%
"""


def problems_of(root: Path) -> list[str]:
    problems, ruleset = check_ruleset(root)
    assert ruleset is None
    return [str(p) for p in problems]


def rule(when: str, **extra: str) -> str:
    fields = {
        "recommend": "[{measure: joint-border-training, priority: high}]",
        "because": "x",
        "source": "s",
    }
    fields.update(extra)
    body = "\n".join(f"    {k}: {v}" for k, v in fields.items())
    return f"rules:\n  - id: r1\n    title: R\n    when: {when}\n{body}\n"


def test_the_basic_fixture_is_valid() -> None:
    ruleset = load_ruleset(BASIC_RULES)
    assert len(ruleset.rules) == 5
    assert list(ruleset.signals) == ["fragmented", "fragile-borders", "trafficking-spike"]


def test_unknown_indicator_with_suggestion(write_rules: WriteRules) -> None:
    root = write_rules(**{"c.yaml": CATALOGUE, "r.yaml": rule("goci.human_smugling >= 8")})
    assert problems_of(root) == [
        'rules/r.yaml:4:11: unknown indicator "goci.human_smugling" '
        '(did you mean "goci.human_smuggling"?)'
    ]


def test_unknown_measure_and_signal(write_rules: WriteRules) -> None:
    text = rule(
        "signal trafficking-spik",
        recommend="[{measure: joint-border-trainin, priority: high}]",
    )
    root = write_rules(**{"c.yaml": CATALOGUE, "r.yaml": text})
    assert problems_of(root) == [
        'rules/r.yaml:4:18: unknown signal "trafficking-spik" (did you mean "trafficking-spike"?)',
        'rules/r.yaml:5:27: unknown measure "joint-border-trainin" '
        '(did you mean "joint-border-training"?)',
    ]


def test_duplicate_ids_across_files(write_rules: WriteRules) -> None:
    root = write_rules(
        **{
            "a.yaml": CATALOGUE,
            "b.yaml": rule("goci.human_smuggling >= 8"),
            "c.yaml": rule("goci.human_smuggling >= 9"),
        }
    )
    assert problems_of(root) == [
        'rules/c.yaml:2:9: rule "r1" is defined twice (first defined at rules/b.yaml:2:5)'
    ]


def test_wrong_types_and_unknown_fields(write_rules: WriteRules) -> None:
    text = rule(
        "goci.human_smuggling >= 8",
        recommend="[{measure: joint-border-training, priority: hihg}]",
        becuase="oops",
    )
    root = write_rules(**{"c.yaml": CATALOGUE, "r.yaml": text})
    found = problems_of(root)
    assert any(
        p.startswith("rules/r.yaml:5:60: recommend.0.priority: Input should be")
        and p.endswith('(did you mean "high"?)')
        for p in found
    ), found
    assert 'rules/r.yaml:8:5: unknown field "becuase" (did you mean "because"?)' in found


def test_threshold_outside_range(write_rules: WriteRules) -> None:
    root = write_rules(**{"c.yaml": CATALOGUE, "r.yaml": rule("goci.human_smuggling >= 12")})
    assert problems_of(root) == [
        'rules/r.yaml:4:11: threshold 12 is outside the range of "goci.human_smuggling" '
        "(1 to 10) (check the indicator's scale in the catalogue)"
    ]


def test_category_and_series_misuse(write_rules: WriteRules) -> None:
    text = rule("local.border_control == wek or migration.departures >= 5")
    root = write_rules(**{"c.yaml": CATALOGUE, "r.yaml": text})
    assert problems_of(root) == [
        'rules/r.yaml:4:11: "wek" is not a category of "local.border_control" '
        '(did you mean "weak"?)',
        'rules/r.yaml:4:42: "migration.departures" is a series by period '
        "(use latest(migration.departures) or change(migration.departures))",
    ]


def test_malformed_expression_points_at_column(write_rules: WriteRules) -> None:
    root = write_rules(**{"c.yaml": CATALOGUE, "r.yaml": rule("'goci.human_smuggling => 8'")})
    assert problems_of(root) == ["rules/r.yaml:4:33: unknown operator '=>' (did you mean '>='?)"]


def test_signal_cycle(write_rules: WriteRules) -> None:
    cycle = """
    signals:
      - id: a-sig
        title: A
        when: signal b-sig
      - id: b-sig
        title: B
        when: signal a-sig and goci.human_smuggling >= 2
    """
    root = write_rules(**{"c.yaml": CATALOGUE, "s.yaml": cycle})
    assert problems_of(root) == [
        "rules/s.yaml:2:5: signals depend on each other in a cycle: a-sig -> b-sig -> a-sig "
        "(one of them must not refer back to the others)"
    ]


def test_a_because_may_cite_what_a_signal_cycle_reads(write_rules: WriteRules) -> None:
    # b-sig reads the smuggling index only through a-sig, which comes after it in the
    # order the cycle leaves: the placeholder is still read, and only the cycle reported.
    cycle = """
    signals:
      - id: a-sig
        title: A
        when: signal b-sig and goci.human_smuggling >= 2
      - id: b-sig
        title: B
        when: signal a-sig
    """
    text = rule("signal b-sig", because="'Smuggling {goci.human_smuggling}'")
    root = write_rules(**{"c.yaml": CATALOGUE, "s.yaml": cycle, "r.yaml": text})
    assert problems_of(root) == [
        "rules/s.yaml:2:5: signals depend on each other in a cycle: a-sig -> b-sig -> a-sig "
        "(one of them must not refer back to the others)"
    ]


def test_because_placeholder_must_be_read(write_rules: WriteRules) -> None:
    text = rule("goci.human_smuggling >= 8", because="'Smuggling {goci.human_smugling}'")
    root = write_rules(**{"c.yaml": CATALOGUE, "r.yaml": text})
    assert problems_of(root) == [
        'rules/r.yaml:6:25: "{goci.human_smugling}" in because is not read by this rule\'s '
        'condition (did you mean "goci.human_smuggling"?)'
    ]


def test_every_problem_in_one_pass_sorted(write_rules: WriteRules) -> None:
    broken = catalogue().replace("goci.human_smuggling >= 8", "goci.human_smugling >= 8")
    broken = broken.replace("priority: critical", "priority: urgent")
    broken = broken.replace("when: signal fragile-borders", "when: signal fragile-border")
    root = write_rules(**{"rules.yaml": broken, "extra.yaml": "rules:\n  - id: Bad Id\n"})
    found = problems_of(root)
    assert found == sorted(found)
    assert found[:5] == [
        'rules/extra.yaml:2:5: missing field "because"',
        'rules/extra.yaml:2:5: missing field "source"',
        'rules/extra.yaml:2:5: missing field "title"',
        'rules/extra.yaml:2:5: missing field "when"',
        "rules/extra.yaml:2:9: id: 'Bad Id' is not a valid id "
        "(use lowercase words joined by '-', e.g. border-training)",
    ]
    assert found[5].startswith('rules/rules.yaml:73:11: unknown indicator "goci.human_smugling"')
    # the rule whose priority is wrong still has its condition checked
    assert found[6] == (
        'rules/rules.yaml:82:18: unknown signal "fragile-border" (did you mean "fragile-borders"?)'
    )
    assert found[7].startswith("rules/rules.yaml:84:52: recommend.0.priority: Input should be")
    assert len(found) == 8


def test_bad_yaml_does_not_hide_other_files(write_rules: WriteRules) -> None:
    root = write_rules(
        **{
            "a.yaml": "rules: [\n",
            "c.yaml": CATALOGUE,
            "r.yaml": rule("goci.human_smuggling >= 99"),
        }
    )
    found = problems_of(root)
    assert [p.split(":")[0] for p in found] == ["rules/a.yaml", "rules/r.yaml"]


def test_empty_and_missing_directories(tmp_path: Path) -> None:
    assert problems_of(tmp_path) == [f"{tmp_path}: no rule files (*.yaml) here"]
    with pytest.raises(RuleSetError, match="rule directory not found"):
        load_ruleset(tmp_path / "nope")


def test_engine_limits_are_rule_errors(write_rules: WriteRules) -> None:
    huge = " and ".join(f"goci.human_smuggling >= {1 + i / 100}" for i in range(40))
    root = write_rules(**{"c.yaml": CATALOGUE, "r.yaml": rule(f"'{huge}'")})
    with pytest.raises(RuleSetError) as caught:
        Advisor.from_directory(root)
    (problem,) = caught.value.problems
    assert str(problem.location) == "rules/r.yaml:2:5"
    assert problem.code == "too-complex"


def test_a_field_indented_into_the_text_above_is_pointed_out(write_rules: WriteRules) -> None:
    root = write_rules(
        **{
            "c.yaml": CATALOGUE,
            "r.yaml": """
            rules:
              - id: r1
                title: R
                description: >-
                  A long description.
                  when: goci.human_smuggling >= 8
                recommend: [{measure: joint-border-training, priority: high}]
                because: x
                source: s
            """,
        }
    )
    assert problems_of(root) == [
        'rules/r.yaml:2:5: missing field "when" (the text of "description" contains "when:": '
        "is that line indented too far, so that it became part of the text above it?)"
    ]


def test_a_key_out_of_line_gets_an_indentation_hint(write_rules: WriteRules) -> None:
    root = write_rules(
        **{
            "c.yaml": CATALOGUE,
            "r.yaml": "rules:\n  - id: r1\n   title: R\n",
        }
    )
    (problem,) = problems_of(root)
    assert problem.startswith("rules/r.yaml:3:4: YAML syntax error: ")
    assert "(check the indentation of this line against the lines above" in problem


def test_an_entry_with_a_shape_error_still_has_its_measures_checked(
    write_rules: WriteRules,
) -> None:
    root = write_rules(
        **{
            "c.yaml": CATALOGUE,
            "r.yaml": rule(
                "goci.human_smuggling >= 8",
                recommend="[{measure: joint-border-trainin, priority: hihg}]",
            ),
        }
    )
    assert problems_of(root) == [
        'rules/r.yaml:5:27: unknown measure "joint-border-trainin" '
        '(did you mean "joint-border-training"?)',
        "rules/r.yaml:5:59: recommend.0.priority: Input should be 'low', 'medium', 'high' "
        """or 'critical' (did you mean "high"?)""",
    ]


SOURCES = """
sources:
  - id: seed-article
    title: Libya and the UK to enhance security cooperation
    citation: The project's seed article
    sections:
      - "Strengthening Borders: Strategies to Combat Human Trafficking and Smuggling"
      - "The Path Forward: Ensuring Sustainable Peace and Security in Libya"
"""


def test_a_misspelt_source_section_is_an_error_with_a_suggestion(write_rules: WriteRules) -> None:
    cited = rule(
        "goci.human_smuggling >= 8",
        source='"Strengthening Borders: Strategies to Combat Human Trafficking and Smugling"',
    )
    root = write_rules(**{"c.yaml": CATALOGUE, "s.yaml": SOURCES, "r.yaml": cited})
    assert problems_of(root) == [
        'rules/r.yaml:7:14: source "Strengthening Borders: Strategies to Combat Human Trafficking'
        ' and Smugling" is not a section of any declared source (did you mean "Strengthening'
        ' Borders: Strategies to Combat Human Trafficking and Smuggling"?)'
    ]


def test_a_source_nothing_like_a_section_says_where_sections_are_declared(
    write_rules: WriteRules,
) -> None:
    root = write_rules(**{"c.yaml": CATALOGUE, "s.yaml": SOURCES, "r.yaml": rule("true == true")})
    found = [p for p in problems_of(root) if "source" in p]
    assert found == [
        'rules/r.yaml:7:13: source "s" is not a section of any declared source '
        '(declare it under the "sections" of a source in rules/s.yaml)'
    ]


def test_a_declared_section_is_accepted_and_the_rule_set_keeps_its_sources(
    write_rules: WriteRules,
) -> None:
    cited = rule(
        "goci.human_smuggling >= 8",
        source='"The Path Forward: Ensuring Sustainable Peace and Security in Libya"',
    )
    ruleset = load_ruleset(write_rules(**{"c.yaml": CATALOGUE, "s.yaml": SOURCES, "r.yaml": cited}))
    assert list(ruleset.sources) == ["seed-article"]
    assert ruleset.section_sources[ruleset.rules["r1"].spec.source] == "seed-article"
    assert str(ruleset.locations[("source", "seed-article")]) == "rules/s.yaml:2:5"


def test_without_a_sources_section_source_is_free_text(write_rules: WriteRules) -> None:
    """The catalogue is opted into by declaring it: small rule sets need none."""
    ruleset = load_ruleset(write_rules(**{"r.yaml": CATALOGUE + rule("goci.human_smuggling >= 8")}))
    assert ruleset.rules["r1"].spec.source == "s"
    assert dict(ruleset.sources) == {}


def test_an_empty_sources_section_still_checks_every_rule(write_rules: WriteRules) -> None:
    text = rule("goci.human_smuggling >= 8")
    root = write_rules(**{"c.yaml": CATALOGUE, "s.yaml": "sources:\n", "r.yaml": text})
    assert problems_of(root) == [
        'rules/r.yaml:7:13: source "s" is not a section of any declared source '
        '(declare the document and its sections under "sources" (see docs/rule-language.md))'
    ]


def test_source_entries_are_checked_and_sections_are_unique_across_sources(
    write_rules: WriteRules,
) -> None:
    other = """
    sources:
      - id: second
        title: Another document
        url: https://example.org/report
        sections: ["The Path Forward: Ensuring Sustainable Peace and Security in Libya"]
      - id: unfindable
        title: A document nobody can find
        sections: [Somewhere]
    """
    root = write_rules(**{"c.yaml": CATALOGUE, "s.yaml": SOURCES, "t.yaml": other})
    assert problems_of(root) == [
        'rules/t.yaml:5:17: section "The Path Forward: Ensuring Sustainable Peace and Security in'
        ' Libya" is declared by sources "seed-article" and "second" (rules cite a section by its'
        " title alone: make the two titles differ)",
        "rules/t.yaml:6:5: a source needs a url or a citation, so that readers can find it",
    ]


def test_a_source_entry_with_a_mistake_does_not_also_fail_the_rules_citing_it(
    write_rules: WriteRules,
) -> None:
    broken = SOURCES.replace("citation: The project's seed article", "year: 1066")
    cited = rule(
        "goci.human_smuggling >= 8",
        source='"The Path Forward: Ensuring Sustainable Peace and Security in Libya"',
    )
    root = write_rules(**{"c.yaml": CATALOGUE, "s.yaml": broken, "r.yaml": cited})
    # only the entry's own mistake: the rule citing one of its sections is not blamed
    assert problems_of(root) == [
        "rules/s.yaml:4:11: year: Input should be greater than or equal to 1900"
    ]
