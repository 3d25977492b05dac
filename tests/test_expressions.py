"""The condition parser on good and hostile input, and Kleene evaluation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.errors import Location
from advisor.language.expressions import (
    AllOf,
    AnyOf,
    Between,
    Comparison,
    Membership,
    Not,
    SignalRef,
    Truth,
    truth,
)
from advisor.language.parser import ExpressionError, parse_expression


def test_precedence_and_structure() -> None:
    condition = parse_expression("a.x >= 8 and (signal s-1 or not b.y <= -1.0) or c.z")
    assert isinstance(condition, AnyOf)
    first, second = condition.items
    assert isinstance(first, AllOf)
    assert first.items[0] == Comparison(first.items[0].operand, ">=", 8)  # type: ignore[union-attr]
    assert isinstance(first.items[1], AnyOf)
    assert isinstance(first.items[1].items[0], SignalRef)
    assert isinstance(first.items[1].items[1], Not)
    assert isinstance(second, Truth)


def test_atoms_keep_their_text_and_position() -> None:
    condition = parse_expression("fsi.total   >= 90", Location("r.yaml", 4, 11))
    assert isinstance(condition, Comparison)
    assert condition.text == "fsi.total   >= 90"
    assert condition.at == Location("r.yaml", 4, 11)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("change(m.d) >= 25%", 0.25),
        ("m.x < 1.5e3", 1500.0),
        ("m.x == -2", -2),
    ],
)
def test_numbers(text: str, expected: float) -> None:
    condition = parse_expression(text)
    assert isinstance(condition, Comparison)
    assert condition.value == expected


def test_between_in_and_functions() -> None:
    between = parse_expression("wgi.rl between -2.5 and -1")
    assert isinstance(between, Between)
    assert (between.low, between.high) == (-2.5, -1)
    member = parse_expression("local.b in [weak, 'partial']")
    assert isinstance(member, Membership)
    assert member.values == ("weak", "partial")
    change = parse_expression("change(migration.d) >= 0.25")
    assert isinstance(change, Comparison)
    assert change.operand.key == "change(migration.d)"


@pytest.mark.parametrize(
    ("text", "column", "fragment", "hint"),
    [
        ("fsi.total = 90", 10, "unknown operator", "did you mean '=='?"),
        ("goci.human_smuggling >== 8", 21, "unknown operator '>=='", "did you mean '>='?"),
        ("fsi.total <== 90", 10, "unknown operator '<=='", "did you mean '<='?"),
        ("fsi.total === 90", 10, "unknown operator '==='", "did you mean '=='?"),
        ("fsi.total =< 90", 10, "unknown operator '=<'", "did you mean '<='?"),
        ("fsi.total !== 90", 10, "unknown operator '!=='", "did you mean '!='?"),
        ("fsi.total <> 90", 10, "unknown operator '<>'", "did you mean '!='?"),
        ("fsi.total > = 90", 10, "unknown operator '> ='", "did you mean '>='?"),
        ("fsi.total >=< 90", 10, "unknown operator '>=<'", "use < <= > >= == !="),
        ("fsi.total >= ", 13, "expected a value", None),
        ("fsi.total >= 90 &", 16, "unexpected character", "write 'and'"),
        ("(fsi.total >= 90", 16, "expected ')'", "close the '(' at column 1"),
        ("fsi.total >= 90)", 15, "unexpected ')'", "remove the unmatched ')'"),
        ("90 <= fsi.total", 0, "expected an indicator", "put the indicator first"),
        ("growth(m.d) > 1", 0, "unknown function", "functions are"),
        ("a.x between 5 and 1", 18, "range is empty", "write the lower bound first"),
        ("a.x >= 1 b.y >= 2", 9, "unexpected 'b.y'", "join conditions"),
        ("signal", 6, "expected a signal id", "signal trafficking-spike"),
        ("a.x >= b.y", 7, "found the indicator", "compare an indicator with a fixed value"),
        ("", 0, "empty condition", None),
    ],
)
def test_errors_point_at_the_column(
    text: str, column: int, fragment: str, hint: str | None
) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text)
    assert caught.value.offset == column
    assert fragment in caught.value.message
    if hint is None:
        assert caught.value.suggestion is None
    else:
        assert caught.value.suggestion is not None
        assert hint in caught.value.suggestion


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(ExpressionError, match="nested more than"):
        parse_expression("(" * 600 + "a.x" + ")" * 600)
    with pytest.raises(ExpressionError, match="nested more than"):
        parse_expression("not " * 100 + "a.x")


def test_overlong_input_is_refused() -> None:
    with pytest.raises(ExpressionError, match="characters long"):
        parse_expression("a.x >= 1 and " * 1000 + "a.x >= 1")


def test_no_eval_of_python() -> None:
    for text in ("__import__('os').system('true')", "a.x >= (1).__class__", "lambda: 1"):
        with pytest.raises(ExpressionError):
            parse_expression(text)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=120))
def test_hostile_text_only_ever_raises_expression_error(text: str) -> None:
    try:
        parse_expression(text)
    except ExpressionError as exc:
        assert 0 <= exc.offset <= len(text)


ALPHABET = st.sampled_from(
    [
        "a.x",
        "b.y",
        ">=",
        "<",
        "==",
        "1",
        "-2.5",
        "(",
        ")",
        "and",
        "or",
        "not",
        "signal s",
        "between",
        "in",
        "[",
        "]",
        ",",
        "25%",
        "change(",
        "'q'",
        " ",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(ALPHABET, max_size=25))
def test_token_soup_only_ever_raises_expression_error(tokens: list[str]) -> None:
    text = " ".join(tokens)
    try:
        parse_expression(text)
    except ExpressionError as exc:
        assert 0 <= exc.offset <= len(text)


# Kleene logic: missing data is unknown, and unknown is not false.
@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("a.x >= 1 or b.y >= 1", {"a.x": 2}, True),  # one true branch is enough
        ("a.x >= 1 or b.y >= 1", {"a.x": 0}, None),  # false or unknown is unknown
        ("a.x >= 1 and b.y >= 1", {"a.x": 0}, False),  # one false branch is enough
        ("a.x >= 1 and b.y >= 1", {"a.x": 2}, None),
        ("not a.x >= 1", {}, None),
        ("not a.x >= 1", {"a.x": 0}, True),
        ("signal s", {}, None),
    ],
)
def test_three_valued_evaluation(
    text: str, values: dict[str, float], expected: bool | None
) -> None:
    assert truth(parse_expression(text), values, {}) is expected
