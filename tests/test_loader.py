"""Safe YAML: positions kept, aliases and duplicate keys refused."""

from __future__ import annotations

from advisor.language.loader import parse_yaml


def test_positions_of_values_and_keys() -> None:
    doc = parse_yaml("rules:\n  - id: a\n    when: 'x >= 1'\n", "r.yaml")
    assert doc.problems == []
    assert doc.data == {"rules": [{"id": "a", "when": "x >= 1"}]}
    assert str(doc.locate(("rules", 0, "id"))) == "r.yaml:2:9"
    # quoted scalars point inside the quote, where the text starts
    assert str(doc.locate(("rules", 0, "when"))) == "r.yaml:3:12"
    assert str(doc.locate(("rules", 0, "when"), key=True)) == "r.yaml:3:5"
    # a path into a missing field lands on the nearest parent
    assert str(doc.locate(("rules", 0, "because"))) == "r.yaml:2:5"


def test_alias_bomb_is_refused_not_expanded() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    doc = parse_yaml("\n".join(lines), "bomb.yaml")
    codes = {p.code for p in doc.problems}
    assert codes == {"yaml-alias"}
    assert doc.data is None
    assert len(doc.problems) == 8 * 9  # every alias, each at its own place
    assert str(doc.problems[0].location) == "bomb.yaml:2:8"


def test_duplicate_key_names_both_lines() -> None:
    doc = parse_yaml("rules:\n  - id: a\n    id: b\n", "d.yaml")
    (problem,) = doc.problems
    assert problem.code == "duplicate-key"
    assert str(problem.location) == "d.yaml:3:5"
    assert problem.suggestion == "first given at line 2"


def test_syntax_error_has_location_and_hint() -> None:
    doc = parse_yaml("rules:\n\t- id: a\n", "t.yaml")
    (problem,) = doc.problems
    assert problem.code == "yaml-syntax"
    assert problem.location.line == 2
    assert problem.suggestion == "indent with spaces, not tabs"


def test_python_tags_are_refused() -> None:
    doc = parse_yaml("x: !!python/object/apply:os.system ['true']\n", "p.yaml")
    assert [p.code for p in doc.problems] == ["yaml-tag"]


def test_deep_nesting_is_refused() -> None:
    doc = parse_yaml("x: " + "[" * 60 + "]" * 60 + "\n", "n.yaml")
    assert "yaml-depth" in {p.code for p in doc.problems}


def test_periods_stay_text() -> None:
    doc = parse_yaml("s: {2024-05: 1, 2023-01-01: 2}\n", "s.yaml")
    assert doc.data == {"s": {"2024-05": 1, "2023-01-01": 2}}
