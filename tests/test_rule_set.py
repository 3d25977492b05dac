"""The project's own rule set: complete, reachable, and plausible on the example profiles."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor import Advisor, Decision
from advisor.analysis.ruledoc import render_blocks
from advisor.analysis.witness import find_witness
from advisor.language.profile import read_profile

ROOT = Path(__file__).parent.parent
RULES = ROOT / "rules"
PROFILES = ROOT / "examples" / "profiles"

#: the sections of the seed article, as rules name them in `source`
_APOSTROPHE = "\N{RIGHT SINGLE QUOTATION MARK}"
SEED_SECTIONS = (
    f"Libya{_APOSTROPHE}s Evolving Security landscape and the Role of International Partnerships",
    f"The UK{_APOSTROPHE}s Commitment to Enhancing Regional Stability in north Africa",
    "Key Areas of Cooperation: Counterterrorism and Intelligence Sharing",
    "Strengthening Borders: Strategies to Combat Human Trafficking and Smuggling",
    "Recommendations for Effective Security Collaboration Between Libya and the UK",
    "The Path Forward: Ensuring Sustainable Peace and Security in Libya",
)


@pytest.fixture(scope="module")
def advisor() -> Iterator[Advisor]:
    built = Advisor.from_directory(RULES)
    yield built
    built.close()


def decide(advisor: Advisor, name: str) -> Decision:
    return advisor.evaluate(read_profile(PROFILES / f"{name}.yaml"))


def priorities(decision: Decision) -> dict[str, str]:
    return {r.measure: r.priority.value for r in decision.recommendations}


def test_every_rule_names_a_seed_section_and_every_section_has_rules(advisor: Advisor) -> None:
    sources = {rule.spec.source for rule in advisor.ruleset.rules.values()}
    assert sources <= set(SEED_SECTIONS), sources - set(SEED_SECTIONS)
    assert set(SEED_SECTIONS) <= sources, set(SEED_SECTIONS) - sources
    assert len(advisor.ruleset.rules) >= 30


def test_the_source_catalogue_lists_the_seed_sections_in_the_articles_order(
    advisor: Advisor,
) -> None:
    """`rules/sources.yaml` declares the seed, so validation checks every rule's `source`."""
    (seed,) = advisor.ruleset.sources.values()
    assert seed.sections == SEED_SECTIONS
    assert set(advisor.ruleset.section_sources) == set(SEED_SECTIONS)


def test_every_measure_is_recommended_by_some_rule(advisor: Advisor) -> None:
    recommended = {
        action.measure for rule in advisor.ruleset.rules.values() for action in rule.spec.recommend
    }
    assert set(advisor.ruleset.measures) - recommended == set()


#: catalogued for completeness of the published indices and shown to analysts, read by no rule;
#: the absolute counts are the numerators of the rates per million or per 1,000 the rules read
CONTEXT_ONLY = {
    "fsi.total",
    "fsi.e3_human_flight_brain_drain",
    "fsi.s1_demographic_pressures",
    "acled.political_violence_events",
    "acled.events_targeting_civilians",
    "acled.reported_fatalities",
    "wb.population",
    "unhcr.idps",
}


def test_every_indicator_is_read_by_some_rule_or_is_context(advisor: Advisor) -> None:
    read = set().union(*(rule.indicators for rule in advisor.ruleset.rules.values()))
    assert set(advisor.ruleset.indicators) - read == CONTEXT_ONLY


@pytest.mark.parametrize("fires", [True, False], ids=["fires", "silent"])
def test_every_rule_is_reachable_both_ways(advisor: Advisor, fires: bool) -> None:
    """Each rule has a profile that fires it and one that keeps it silent, in the engine."""
    unreachable = []
    for rule_id in advisor.ruleset.rules:
        witness = find_witness(advisor.ruleset, rule_id, fires)
        if witness is None:
            unreachable.append(rule_id)
            continue
        decision = advisor.evaluate({"country": "Witness", "indicators": witness})
        assert (rule_id in decision.fired) is fires, (rule_id, witness)
        assert rule_id not in set(decision.undetermined)
    assert unreachable == []


def test_example_profiles_are_complete_and_sourced(advisor: Advisor) -> None:
    for path in sorted(PROFILES.glob("*.yaml")):
        profile = read_profile(path)
        assert set(profile.indicators) <= set(profile.sources), path.name
        local = [i for i in profile.indicators if i.startswith("local.")]
        for indicator in local:
            assert "illustrative" in profile.sources[indicator], (path.name, indicator)
        advisor.evaluate(profile)  # checks against the catalogue


def test_libya_2024_gets_border_and_intelligence_measures_citing_its_figures(
    advisor: Advisor,
) -> None:
    decision = decide(advisor, "libya-2024")
    ranked = priorities(decision)
    assert ranked["joint-border-training"] == "critical"
    assert ranked["intelligence-sharing-framework"] == "critical"
    assert ranked["entry-point-surveillance"] == "high"
    border = next(r for r in decision.recommendations if r.measure == "joint-border-training")
    assert "fragmented-smuggling-hub" in [x.rule for x in border.rules]
    assert (
        "9.5/10" in decision.rules["fragmented-smuggling-hub"].because
    )  # GI-TOC human smuggling 2023
    intelligence = next(
        r for r in decision.recommendations if r.measure == "intelligence-sharing-framework"
    )
    assert "fragmented-state-intelligence-sharing" in [x.rule for x in intelligence.rules]
    fragmentation = decision.rules["fragmented-state-intelligence-sharing"]
    assert "Rival governments: yes" in fragmentation.because
    assert "factionalised elites 9/10" in fragmentation.because
    # Surveillance technology is withheld, not handed to a fragmented state with P3 9.4.
    withheld = {w.measure: w for w in decision.withheld}
    assert "surveillance-technology-transfer" in withheld
    assert "surveillance-technology-transfer" not in ranked
    assert withheld["surveillance-technology-transfer"].overridden == [
        "surveillance-technology-for-crime-and-terror"
    ]
    # Training of forces comes with human-rights vetting.
    training = next(r for r in decision.recommendations if r.measure == "security-forces-training")
    assert {s.rule for s in training.safeguards} == {"security-training-vetting"}


def test_libya_2023_and_2024_differ_where_their_indicators_differ(advisor: Advisor) -> None:
    before, after = decide(advisor, "libya-2023"), decide(advisor, "libya-2024")
    # GI-TOC human smuggling rose from 8.0 (2021 edition) to 9.5 (2023 edition): the
    # fragmented-smuggling-hub rule (>= 9) fires only in 2024 and raises border training.
    assert "fragmented-smuggling-hub" not in before.fired
    assert "fragmented-smuggling-hub" in after.fired
    assert priorities(before)["joint-border-training"] == "high"
    assert priorities(after)["joint-border-training"] == "critical"
    # State-embedded actors rose from 8.5 to 9.5: corruption-driven reform only in 2024.
    assert "security-sector-corruption-reform" not in before.fired
    assert "security-sector-corruption-reform" in after.fired
    assert priorities(before)["security-sector-reform"] == "high"
    assert priorities(after)["security-sector-reform"] == "critical"
    # What did not change (rival governments, terrorism, abuse reports) gives the same rules.
    for rule in (
        "rival-governments-dialogue",
        "active-threat-ct-coordination",
        "migrant-protection-conditions",
    ):
        assert rule in before.fired
        assert rule in after.fired


def test_libya_is_advised_more_than_its_neighbours(advisor: Advisor) -> None:
    libya = decide(advisor, "libya-2024")
    for name in sorted(p.stem for p in PROFILES.glob("*-2024.yaml")):
        if name == "libya-2024":
            continue
        other = decide(advisor, name)
        assert "critical" not in priorities(other).values(), name
        assert len(other.fired) < len(libya.fired), name
        assert "rival-governments-dialogue" not in other.fired, name


def test_rules_readme_tables_are_current(advisor: Advisor) -> None:
    readme = (RULES / "README.md").read_text(encoding="utf-8")
    assert render_blocks(readme, advisor.ruleset) == readme, "run: advisor ruledoc rules"
    for rule_id in advisor.ruleset.rules:
        assert f"[{rule_id}](" in readme


def test_rules_readme_groups_rules_by_source_document_and_section(advisor: Advisor) -> None:
    readme = (RULES / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("<!-- BEGIN GENERATED: sections -->") :]
    block = block[: block.index("<!-- END GENERATED: sections -->")]
    assert "**Libya and the UK to enhance security cooperation** (" in block
    assert f"{len(advisor.ruleset.rules)} rules in 6 sections:" in block
    rows = [line for line in block.splitlines() if line.startswith("| ") and "(" in line]
    assert [row[2:].split(" (", 1)[0] for row in rows] == list(SEED_SECTIONS)


# --------------------------------------------------------------------------- the wider region

REGION = PROFILES / "region"
#: the measures that support a partner's security forces: training, border and entry-point
#: work, intelligence sharing, surveillance, equipment
SECURITY_FORCE_AREAS = {"counterterrorism", "intelligence", "border-security", "capacity-building"}
#: measures of other areas that put UK support into the partner's forces all the same
SECURITY_FORCE_ELSEWHERE = {"regional-task-forces", "security-sector-reform"}
#: the rules that decide what a government that took power in a coup still gets
COUP_RULES = {"coup-security-assistance-withheld", "coup-transfers-withheld"}


def supports_forces(measure: str, area: str) -> bool:
    return area in SECURITY_FORCE_AREAS or measure in SECURITY_FORCE_ELSEWHERE


def all_profiles() -> list[Path]:
    return [*sorted(PROFILES.glob("*.yaml")), *sorted(REGION.glob("*.yaml"))]


def without_sources(value: object) -> object:
    """A decision's JSON with every rule's `source` (a seed section title) left out."""
    if isinstance(value, dict):
        return {k: without_sources(v) for k, v in value.items() if k != "source"}
    if isinstance(value, list):
        return [without_sources(v) for v in value]
    return value


def test_no_decision_for_another_country_speaks_of_libya(advisor: Advisor) -> None:
    checked = 0
    for path in all_profiles():
        decision = advisor.evaluate(read_profile(path))
        if decision.country == "Libya":
            continue
        text = json.dumps(without_sources(json.loads(decision.to_json())), ensure_ascii=False)
        assert re.search(r"\bLibyan?\b", text) is None, (
            path.name,
            re.findall(r".{60}Libya.{20}", text),
        )
        checked += 1
    assert checked >= 20


def test_every_security_force_measure_carries_a_human_rights_safeguard(advisor: Advisor) -> None:
    ruleset = advisor.ruleset
    guarded = {
        action.measure
        for rule in ruleset.rules.values()
        if "fsi.p3_human_rights_rule_of_law" in rule.indicators
        for action in rule.spec.safeguard
    }
    forces = {m for m, spec in ruleset.measures.items() if supports_forces(m, spec.area.value)}
    assert len(forces) >= 12
    assert forces - guarded == set()


def test_after_a_coup_every_security_force_measure_is_withheld_or_conditioned(
    advisor: Advisor,
) -> None:
    ruleset = advisor.ruleset
    handled: dict[str, str] = {}
    for rule_id in sorted(COUP_RULES):
        spec = ruleset.rules[rule_id].spec
        assert ruleset.rules[rule_id].indicators == {"local.unconstitutional_government"}
        handled |= {w.measure: "withheld" for w in spec.withhold}
        handled |= {g.measure: "conditioned" for g in spec.safeguard}
    forces = {m for m, spec in ruleset.measures.items() if supports_forces(m, spec.area.value)}
    assert forces - set(handled) == set()
    # a regional task force with the partner's neighbours takes in the forces that took power
    assert handled["regional-task-forces"] == "withheld"


def test_every_security_force_measure_the_examples_recommend_is_safeguarded(
    advisor: Advisor,
) -> None:
    """The whole region, as `advisor overview` shows it: no security-force measure goes out
    bare, and after a coup none goes out without a coup condition."""
    checked = 0
    for path in all_profiles():
        decision = advisor.evaluate(read_profile(path))
        coup = "coup-security-assistance-withheld" in decision.fired
        for rec in decision.recommendations:
            if not supports_forces(rec.measure, rec.area.value):
                continue
            guards = {g.rule for g in rec.safeguards}
            assert guards, (path.name, rec.measure)
            if coup:
                assert guards & COUP_RULES, (path.name, rec.measure)
            checked += 1
    assert checked >= 100


def test_where_human_rights_evidence_is_missing_the_safeguards_are_provisional(
    advisor: Advisor,
) -> None:
    decision = advisor.evaluate(
        {
            "country": "Examplia",
            "indicators": {"gti.score": 8.0, "local.unconstitutional_government": False},
        }
    )
    forces = [r for r in decision.recommendations if supports_forces(r.measure, r.area.value)]
    assert {r.measure for r in forces} >= {
        "counterterrorism-coordination",
        "intelligence-sharing-framework",
        "security-forces-training",
    }
    for recommendation in forces:
        provisional = [s for s in recommendation.safeguards if s.status == "provisional"]
        assert provisional, recommendation.measure
        # the human-rights evidence is what is missing, not something else
        assert any("fsi.p3_human_rights_rule_of_law" in s.missing for s in provisional)


def test_region_profiles_are_generated_and_their_observations_sourced(advisor: Advisor) -> None:
    region = sorted(REGION.glob("*.yaml"))
    assert len(region) >= 15
    for path in region:
        profile = read_profile(path)
        assert set(profile.indicators) == set(profile.sources), path.name
        for indicator in (i for i in profile.indicators if i.startswith("local.")):
            source = profile.sources[indicator]
            assert "African Union" in source or source.startswith("analyst observation"), path.name
        advisor.evaluate(profile)


def decide_region(advisor: Advisor, name: str) -> Decision:
    return advisor.evaluate(read_profile(REGION / f"{name}.yaml"))


@pytest.mark.parametrize(
    "name", ["mali-2024", "burkina-faso-2024", "niger-2024", "guinea-2024", "sudan-2024"]
)
def test_governments_that_took_power_in_a_coup_get_no_security_assistance(
    advisor: Advisor, name: str
) -> None:
    decision = decide_region(advisor, name)
    withheld = {w.measure for w in decision.withheld}
    assert "coup-security-assistance-withheld" in decision.fired
    assert "security-forces-training" not in priorities(decision)
    assert withheld & {"security-forces-training", "intelligence-sharing-framework"}
    assert "regional-task-forces" not in priorities(decision)
    assert priorities(decision)["regional-organisation-engagement"] == "high"


def test_terrorism_severity_is_graded_on_the_global_ranking(advisor: Advisor) -> None:
    for name in ("burkina-faso-2024", "somalia-2024", "mali-2024", "iraq-2024", "nigeria-2024"):
        assert (
            priorities(decide_region(advisor, name))["counterterrorism-coordination"] == "critical"
        ), name
    assert (
        priorities(decide_region(advisor, "kenya-2024"))["counterterrorism-coordination"] == "high"
    )
    # Libya (GTI 4.73, 32nd of 163) no longer ranks with the world's most affected
    assert priorities(decide(advisor, "libya-2024"))["counterterrorism-coordination"] == "medium"


def test_reconstruction_only_after_conflict_and_humanitarian_measures_in_war(
    advisor: Advisor,
) -> None:
    mauritania = decide_region(advisor, "mauritania-2024")
    assert "international-reconstruction-support" not in priorities(mauritania)
    assert priorities(mauritania)["refugee-hosting-community-support"] == "high"
    sudan = priorities(decide_region(advisor, "sudan-2024"))
    assert sudan["humanitarian-access-support"] == "critical"
    assert sudan["civilian-protection-support"] == "critical"
    assert sudan["ceasefire-mediation-support"] == "high"
    for stable in ("ghana-2024", "senegal-2024", "jordan-2024"):
        ranked = priorities(decide_region(advisor, stable))
        assert "critical" not in ranked.values(), stable
        assert "humanitarian-access-support" not in ranked, stable
