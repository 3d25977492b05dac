"""The compiled conditions (decision.explainer) against the reference evaluator (`truth`):
the same three-valued outcome, and `missing` exactly the values that could still decide it."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.decision.explainer import Because, ConditionPlan
from advisor.language.expressions import Condition, truth
from advisor.language.parser import parse_expression

OPERANDS = ("a", "b", "c", "d")
ATOMS = st.sampled_from([f"{key} >= 5" for key in OPERANDS] + [f"{k} < 2" for k in OPERANDS])


def conditions() -> st.SearchStrategy[str]:
    return st.recursive(
        ATOMS,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            inner.map(lambda text: f"not ({text})"),
        ),
        max_leaves=6,
    )


VALUES = st.dictionaries(st.sampled_from(OPERANDS), st.sampled_from([0, 1, 3, 5, 7]))


def parse(text: str) -> Condition:
    return parse_expression(text)


@settings(max_examples=400, deadline=None)
@given(conditions(), VALUES)
def test_the_plan_decides_as_the_reference_evaluator(text: str, values: dict[str, int]) -> None:
    condition = parse(text)
    plan = ConditionPlan(condition)
    outcome = plan.outcome(values, {})
    assert outcome.truth == truth(condition, values, {})
    assert plan.truth(values, {}) == outcome.truth  # the function without the atoms' outcomes
    # the check and the text in one call: the text exactly when the condition holds
    because = Because("{a} and {b}%, 100%")
    text = plan.because_if_true(because)(values, {}, {}, None)
    assert text == (because.render(values, None) if outcome.truth is True else None)
    if outcome.truth is not None:
        return
    missing = plan.deciding(outcome, lambda signal: set())
    absent = [key for key in OPERANDS if key not in values]
    assert missing <= set(absent)
    # Nothing that matters is left out: a value that alone changes the outcome, for some
    # values of the others, is listed. (Not the converse: in a contradiction such as
    # "a >= 5 and not a >= 5" nothing matters, yet no branch is decided.)
    for key in set(absent) - missing:
        for combo in itertools.product([0, 7], repeat=len(absent)):
            completed = {**values, **dict(zip(absent, combo, strict=True))}
            flipped = {**completed, key: 7 - completed[key]}
            assert truth(condition, completed, {}) == truth(condition, flipped, {}), (text, key)
