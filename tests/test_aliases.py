"""Indicator aliases (the publisher's own codes) and did-you-mean that never changes the meaning."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor import Advisor, ProfileError, check_ruleset
from advisor.hints import did_you_mean

from .conftest import WriteRules

ROOT = Path(__file__).resolve().parent.parent

INDICATORS = """
indicators:
  - id: wgi.rule_of_law
    title: Rule of law
    type: number
    aliases: [{rule_of_law}]
  - id: wgi.political_stability
    title: Political stability
    type: number
    aliases: [{political_stability}]
"""


@pytest.fixture(scope="module")
def advisor() -> Iterator[Advisor]:
    built = Advisor.from_directory(ROOT / "rules")
    yield built
    built.close()


def refused(advisor: Advisor, indicators: dict[str, object]) -> list[str]:
    with pytest.raises(ProfileError) as caught:
        advisor.observe({"country": "X", "indicators": indicators})
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("alias", "indicator"),
    [
        ("wgi.rl", "wgi.rule_of_law"),
        ("wgi.pv", "wgi.political_stability"),
        ("wgi.va", "wgi.voice_accountability"),
        ("wgi.ge", "wgi.government_effectiveness"),
        ("wgi.cc", "wgi.control_of_corruption"),
    ],
)
def test_a_profile_may_give_an_indicator_by_its_world_bank_code(
    advisor: Advisor, alias: str, indicator: str
) -> None:
    observed = advisor.observe({"country": "X", "indicators": {alias: -1.2}})
    assert dict(observed.indicators) == {indicator: -1.2}
    assert observed.values[indicator] == -1.2


def test_an_alias_in_sources_names_the_indicator(advisor: Advisor) -> None:
    profile = {"country": "X", "indicators": {"wgi.rl": -1.2}, "sources": {"wgi.rl": "WGI"}}
    assert dict(advisor.observe(profile).indicators) == {"wgi.rule_of_law": -1.2}


def test_an_indicator_given_by_id_and_alias_is_refused(advisor: Advisor) -> None:
    assert refused(advisor, {"wgi.rule_of_law": -1.0, "wgi.rl": -1.2}) == [
        'indicators.wgi.rl: "wgi.rl" is an alias of "wgi.rule_of_law", which is given too'
        " (give the indicator once)"
    ]


def test_a_misspelt_alias_suggests_the_alias_and_what_it_stands_for(advisor: Advisor) -> None:
    assert refused(advisor, {"wgi.rll": -1.2}) == [
        'indicators.wgi.rll: unknown indicator (did you mean "wgi.rl" (an alias of'
        ' "wgi.rule_of_law")?)'
    ]


def test_a_more_specific_name_gets_no_suggestion_of_the_general_one(advisor: Advisor) -> None:
    # Following "did you mean fsi.total" would overwrite the current total.
    assert "fsi.total" in advisor.ruleset.indicators
    assert refused(advisor, {"fsi.total_previous": 80}) == [
        "indicators.fsi.total_previous: unknown indicator"
    ]


@pytest.mark.parametrize(
    ("word", "candidates", "expected"),
    [
        ("fsi.total_previous", ["fsi.total"], None),
        ("fsi.previous_total", ["fsi.total"], None),
        ("gti.score_2022", ["gti.score"], None),
        ("gti.scor", ["gti.score"], "gti.score"),  # a prefix, but a misspelling of it
        ("fsi.total_", ["fsi.total"], "fsi.total"),
        ("goci.human_smugling", ["goci.human_smuggling"], "goci.human_smuggling"),
        ("becuase", ["because", "source"], "because"),
        ("Testland 2023", ["Testland 2024"], "Testland 2024"),
        ("fragile-border", ["fragile-borders"], "fragile-borders"),
        ("anything", [], None),
    ],
)
def test_did_you_mean_suggests_only_the_same_word_misspelt(
    word: str, candidates: list[str], expected: str | None
) -> None:
    hint = did_you_mean(word, candidates)
    assert hint == (f'did you mean "{expected}"?' if expected else None)


def test_did_you_mean_prefers_a_closer_candidate_that_keeps_the_meaning() -> None:
    hint = did_you_mean("fsi.total_previous", ["fsi.total", "fsi.total_previus"])
    assert hint == 'did you mean "fsi.total_previus"?'


def test_the_rule_set_declares_aliases_for_its_wgi_indicators(advisor: Advisor) -> None:
    aliases = {
        alias: spec.id for spec in advisor.ruleset.indicators.values() for alias in spec.aliases
    }
    assert aliases == {
        "wgi.rl": "wgi.rule_of_law",
        "wgi.pv": "wgi.political_stability",
        "wgi.va": "wgi.voice_accountability",
        "wgi.ge": "wgi.government_effectiveness",
        "wgi.cc": "wgi.control_of_corruption",
    }


def problems_of(root: Path) -> list[str]:
    problems, ruleset = check_ruleset(root)
    assert ruleset is None
    return [str(p) for p in problems]


def test_an_alias_that_is_another_indicators_id_is_refused(write_rules: WriteRules) -> None:
    text = INDICATORS.format(rule_of_law="wgi.political_stability", political_stability="wgi.pv")
    assert problems_of(write_rules(**{"i.yaml": text})) == [
        'rules/i.yaml:5:15: alias "wgi.political_stability" of "wgi.rule_of_law" is the id of'
        " another indicator (remove the alias or rename it)"
    ]


def test_an_alias_of_two_indicators_is_refused(write_rules: WriteRules) -> None:
    text = INDICATORS.format(rule_of_law="wgi.rl", political_stability="wgi.rl")
    assert problems_of(write_rules(**{"i.yaml": text})) == [
        'rules/i.yaml:9:15: alias "wgi.rl" of "wgi.political_stability" is already an alias'
        ' of "wgi.rule_of_law" (an alias names one indicator only)'
    ]


def test_an_alias_equal_to_its_own_id_is_refused(write_rules: WriteRules) -> None:
    text = INDICATORS.format(rule_of_law="wgi.rule_of_law", political_stability="wgi.pv")
    (problem,) = problems_of(write_rules(**{"i.yaml": text}))
    assert "an alias is listed twice, or is the indicator's own id" in problem


def test_a_rule_naming_an_indicator_by_its_alias_is_told_the_id(write_rules: WriteRules) -> None:
    rules = """
rules:
  - id: weak-law
    title: Weak rule of law
    when: wgi.rl <= -1
    recommend: [{measure: m, priority: high}]
    because: Rule of law is weak.
    source: s
"""
    text = INDICATORS.format(rule_of_law="wgi.rl", political_stability="wgi.pv")
    problems = problems_of(write_rules(**{"i.yaml": text, "r.yaml": rules}))
    # (the measure is not declared either: only the alias matters here)
    assert [p for p in problems if "alias" in p] == [
        'rules/r.yaml:4:11: "wgi.rl" is an alias of "wgi.rule_of_law": a rule names an'
        ' indicator by its id (write "wgi.rule_of_law")'
    ]
