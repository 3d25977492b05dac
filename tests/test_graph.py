"""`advisor graph`: the rule map of the project's rule set, as Mermaid, DOT and SVG."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pytest

from advisor.language.files import load_ruleset
from advisor.language.ruleset import RuleSet

from .conftest import WriteRules, catalogue
from .test_cli import ROOT, advisor

WITHHELD = ("surveillance-technology-withheld-fragmented", "surveillance-technology-transfer")


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return load_ruleset(ROOT / "rules")


@dataclass
class Mermaid:
    """What a Mermaid flowchart declares, read back line by line."""

    nodes: dict[str, str] = field(default_factory=dict)  # name -> label
    junctions: dict[str, str] = field(default_factory=dict)  # name -> "any of 2", "not", ...
    groups: dict[str, list[str]] = field(default_factory=dict)  # group label -> node labels
    edges: list[tuple[str, str, str, str]] = field(default_factory=list)  # from, arrow, label, to
    styles: dict[int, str] = field(default_factory=dict)  # edge index -> linkStyle

    def members(self, kind: str) -> set[str]:
        """Labels of the nodes in every group of a kind (rules, measures, ...)."""
        return {n for group, nodes in self.groups.items() if group.startswith(kind) for n in nodes}

    def edge_labels(self, arrow: str) -> set[tuple[str, str, str]]:
        return {(a, label, b) for a, kind, label, b in self.edges if kind == arrow}

    def routes(self, source: str, target: str) -> set[tuple[str, ...]]:
        """How `source` feeds `target`: the edge's label, then the junctions passed on the way."""
        found: set[tuple[str, ...]] = set()
        for a, _, label, b in self.edges:
            if a != source:
                continue
            if b == target:
                found.add((label,))
            elif b in self.junctions:
                # the junction's own edge onward has no label of its own
                found |= {(label, self.junctions[b], *rest[1:]) for rest in self.routes(b, target)}
        return found


def read_mermaid(text: str) -> Mermaid:
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    chart, group = Mermaid(), ""
    decode = {"#gt;": ">", "#lt;": "<", "#quot;": '"'}
    for line in lines[1:]:
        if match := re.fullmatch(r'  subgraph group_\d+\["(.+)"\]', line):
            group = match[1]
            chart.groups[group] = []
        elif match := re.fullmatch(r'    (\w+)(?:\(\[|\{\{|\[|\()"(.+)"(?:\]\)|\}\}|\]|\))', line):
            chart.nodes[match[1]] = match[2]
            chart.groups[group].append(match[2])
        elif match := re.fullmatch(r'  (\w+)\(\("(.+)"\)\)', line):
            chart.junctions[match[1]] = match[2]
        elif match := re.fullmatch(r'  (\w+) (-->|-\.->|==>)(?:\|"(.+)"\|)? (\w+)', line):
            label = re.sub("#(gt|lt|quot);", lambda m: decode[m[0]], match[3] or "")
            # a junction is named by its node name: several share a label ("any of 2")
            ends = [chart.nodes.get(name, name) for name in (match[1], match[4])]
            chart.edges.append((ends[0], match[2], label, ends[1]))
        elif match := re.fullmatch(r"  linkStyle ([\d,]+) (.+)", line):
            chart.styles.update({int(i): match[2] for i in match[1].split(",")})
        else:
            assert re.fullmatch(r"  (end|%%.*|classDef \w+ .+|class [\w,]+ \w+)", line), line
    return chart


def graph(*args: str, cwd: Path = ROOT) -> str:
    result = advisor("graph", *args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_full_map_draws_every_rule_signal_measure_and_what_they_read(ruleset: RuleSet) -> None:
    chart = read_mermaid(graph())
    labels = set(chart.nodes.values())
    read = set().union(*(rule.indicators for rule in ruleset.rules.values()))
    assert labels == {*ruleset.rules, *ruleset.measures, *ruleset.signals, *read}
    # measures by area, rules by file
    assert set(chart.groups["measures: border-security"]) == {
        m for m, spec in ruleset.measures.items() if spec.area.value == "border-security"
    }
    assert len(chart.groups["rules: borders.yaml"]) == 9
    # every recommendation, with its priority
    recommended = {
        (rule.id, action.priority.value, action.measure)
        for rule in ruleset.rules.values()
        for action in rule.spec.recommend
    }
    assert {e for e in chart.edge_labels("-->") if e[2] in ruleset.measures} == recommended


def test_withholding_and_safeguards_are_drawn_apart(ruleset: RuleSet) -> None:
    chart = read_mermaid(graph())
    withholds = [i for i, e in enumerate(chart.edges) if e[1] == "-.->"]
    assert {chart.edges[i][::3] for i in withholds} == {
        (rule.id, action.measure)
        for rule in ruleset.rules.values()
        for action in rule.spec.withhold
    }
    assert WITHHELD in {chart.edges[i][::3] for i in withholds}
    assert all("stroke:#d00000" in chart.styles[i] for i in withholds)
    safeguards = {(a, b) for a, arrow, _, b in chart.edges if arrow == "==>"}
    assert safeguards == {
        (rule.id, action.measure)
        for rule in ruleset.rules.values()
        for action in rule.spec.safeguard
    }
    orange = {i for i, e in enumerate(chart.edges) if e[1] == "==>"}
    assert {i for i, style in chart.styles.items() if "#e69500" in style} == orange


def test_edges_from_indicators_carry_their_thresholds() -> None:
    edges = read_mermaid(graph()).edge_labels("-->")
    # thresholds sit between the scores an index gives: GI-TOC halves, FSI tenths
    assert ("goci.human_smuggling", ">= 8.75", "fragmented-smuggling-hub") in edges
    assert (
        "fsi.c1_security_apparatus",
        "between 4.95 and 8.05",
        "stable-counterpart-training",
    ) in edges
    assert ("migration.departures_to_italy", "change >= 25%", "trafficking-spike") in edges
    # `not signal governance-fragmentation`: the edge says so (it used to look like a need)
    assert ("governance-fragmentation", "not", "stable-counterpart-training") in edges


def test_any_is_drawn_through_a_junction_and_all_is_not() -> None:
    # weak-border-control: local.border_control_capacity == weak
    #                      or (fsi.c1_security_apparatus >= 7.95 and goci.resilience <= 3)
    chart = read_mermaid(graph())
    signal = "weak-border-control"
    assert chart.routes("local.border_control_capacity", signal) == {("== weak", "any of 2")}
    # the two halves of the inner `all` meet at their own junction, then join the `any`
    assert chart.routes("fsi.c1_security_apparatus", signal) == {
        (">= 7.95", "all of 2", "any of 2")
    }
    assert chart.routes("goci.resilience", signal) == {("<= 3", "all of 2", "any of 2")}
    # smuggling-networks-border-collaboration: all of goci.human_smuggling >= 7.75 and
    # any of [signal weak-border-control, wgi.rule_of_law <= -1.0]
    rule = "smuggling-networks-border-collaboration"
    assert chart.routes("goci.human_smuggling", rule) == {(">= 7.75",)}  # needed: straight in
    assert chart.routes(signal, rule) == {("", "any of 2")}
    assert chart.routes("wgi.rule_of_law", rule) == {("<= -1.0", "any of 2")}


def test_any_and_all_draw_differently(write_rules: WriteRules) -> None:
    either = "when: local.rival_governments or wgi.rule_of_law <= -1.5"
    assert either in catalogue()
    both = catalogue().replace(either, "when: local.rival_governments and wgi.rule_of_law <= -1.5")
    charts, dots = {}, {}
    for name, text in {"any": catalogue(), "all": both}.items():
        root = write_rules(**{"rules.yaml": text})
        charts[name] = read_mermaid(graph("--rules", "rules", cwd=root.parent))
        dots[name] = graph("--rules", "rules", "--format", "dot", cwd=root.parent)
    assert charts["any"].routes("wgi.rule_of_law", "fragmented") == {("<= -1.5", "any of 2")}
    assert charts["all"].routes("wgi.rule_of_law", "fragmented") == {("<= -1.5",)}
    assert len(charts["any"].junctions) == len(charts["all"].junctions) + 1
    junction = '"junction:signal:fragmented/1"'
    assert f'"indicator:wgi.rule_of_law" -> {junction} [label="<= -1.5"];' in dots["any"]
    assert '"indicator:wgi.rule_of_law" -> "signal:fragmented" [label="<= -1.5"];' in dots["all"]


def test_not_over_a_signal_or_a_group_is_drawn(write_rules: WriteRules) -> None:
    when = "when: local.rival_governments or wgi.rule_of_law <= -1.5"
    negated = "when: not (local.rival_governments and wgi.rule_of_law <= -1.5)"
    root = write_rules(**{"rules.yaml": catalogue().replace(when, negated)})
    chart = read_mermaid(graph("--rules", "rules", cwd=root.parent))
    assert chart.routes("wgi.rule_of_law", "fragmented") == {("<= -1.5", "all of 2", "not")}
    dot = graph("--rules", "rules", "--format", "dot", cwd=root.parent)
    assert '"junction:signal:fragmented/1" [label="not", shape=circle' in dot


def test_focus_on_a_measure_keeps_only_what_feeds_it() -> None:
    chart = read_mermaid(graph("--measure", WITHHELD[1]))
    assert chart.members("rules") == {
        "coup-transfers-withheld",
        "surveillance-technology-for-crime-and-terror",
        "surveillance-technology-rights-safeguard",
        "surveillance-technology-withheld-fragmented",
    }
    assert chart.members("measures") == {WITHHELD[1]}
    assert set(chart.groups["signals"]) == {
        "active-terrorist-threat",
        "governance-fragmentation",
        "human-rights-risk",
        "organised-crime-entrenched",
    }
    assert "goci.human_smuggling" not in chart.nodes.values()


def test_focus_on_a_rule_keeps_its_measures_but_not_their_other_rules() -> None:
    chart = read_mermaid(graph("--rule", "departure-surge-response"))
    assert set(chart.nodes.values()) == {
        "migration.departures_to_italy",
        "trafficking-spike",
        "departure-surge-response",
        "joint-border-training",
        "community-awareness-campaigns",
        "regional-task-forces",
    }
    assert ("departure-surge-response", "-->", "critical", "joint-border-training") in chart.edges


def test_negated_thresholds_say_so(write_rules: WriteRules) -> None:
    text = catalogue().replace(
        "when: local.rival_governments or wgi.rule_of_law <= -1.5",
        "when: local.rival_governments or not wgi.rule_of_law > -1.5",
    )
    root = write_rules(**{"rules.yaml": text})
    chart = read_mermaid(graph("--rules", "rules", cwd=root.parent))
    # a `not` over one atom stays on the edge; the `or` gets its junction
    assert chart.routes("wgi.rule_of_law", "fragmented") == {("not > -1.5", "any of 2")}


def test_dot_output(ruleset: RuleSet) -> None:
    text = graph("--format", "dot")
    assert text.startswith("digraph rule_map {\n  rankdir=LR;")
    for rule_id in ruleset.rules:
        assert f'"rule:{rule_id}" [label="{rule_id}"' in text
    withhold = f'"rule:{WITHHELD[0]}" -> "measure:{WITHHELD[1]}" [label="withholds", style=dashed'
    assert withhold in text
    assert text.count("subgraph cluster_") == len(read_mermaid(graph()).groups)


def test_svg_through_graphviz(tmp_path: Path, ruleset: RuleSet) -> None:
    if shutil.which("dot") is None:
        message = "Graphviz (dot) is not installed"
        if os.environ.get("CI"):
            pytest.fail(message + "; .ci/run installs it")
        pytest.skip(message)
    out = tmp_path / "map.svg"
    graph("--format", "svg", "--output", str(out))
    svg = ElementTree.parse(out).getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    texts = {text.text for text in svg.iter("{http://www.w3.org/2000/svg}text")}
    assert texts >= {*ruleset.rules, *ruleset.measures, *ruleset.signals, "withholds"}


def graph_with_path(*directories: Path) -> subprocess.CompletedProcess[str]:
    """`advisor graph --format svg` with only these directories on PATH."""
    path = os.pathsep.join(str(d) for d in (*directories, Path(sys.executable).parent))
    return subprocess.run(
        [sys.executable, "-m", "advisor.cli", "graph", "--format", "svg"],
        cwd=ROOT,
        env={**os.environ, "PATH": path},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_svg_without_graphviz_says_how_to_get_it() -> None:
    result = graph_with_path()
    assert result.returncode == 2
    assert "apt-get install graphviz" in result.stderr
    assert "brew install graphviz" in result.stderr
    assert result.stdout == ""


def test_a_failing_graphviz_is_reported(tmp_path: Path) -> None:
    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\necho 'syntax error in line 1' >&2\nexit 1\n")
    fake.chmod(0o755)
    result = graph_with_path(tmp_path)
    assert (result.returncode, result.stdout) == (4, "")
    assert result.stderr == "dot failed: syntax error in line 1\n"


def test_unknown_focus_and_broken_rules(write_rules: WriteRules) -> None:
    unknown = advisor("graph", "--measure", "joint-border-trainin", "--rule", "nothing-like-it")
    assert unknown.returncode == 2
    assert unknown.stderr.splitlines() == [
        'unknown measure "joint-border-trainin" (did you mean "joint-border-training"?)',
        'unknown rule "nothing-like-it"',
    ]
    root = write_rules(**{"rules.yaml": "rules: [\n"})
    broken = advisor("graph", "--rules", "rules", cwd=root.parent)
    assert broken.returncode == 1
    assert broken.stderr.startswith("rules/rules.yaml:2:1: YAML syntax error")
