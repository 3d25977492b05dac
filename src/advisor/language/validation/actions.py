"""Stage 6 of validation: what a rule does (measures known, listed once, not contradicted)
and what its `because` cites (braces paired; only indicators the rule reads)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from advisor.errors import Problem
from advisor.hints import did_you_mean
from advisor.language.expressions import FUNCTIONS
from advisor.language.loader import JsonPath
from advisor.language.models import (
    IndicatorSpec,
    IndicatorType,
    MeasureSpec,
    Recommend,
    RuleSpec,
    Safeguard,
    Withhold,
)
from advisor.language.templates import Placeholder, locate_in_text, placeholders, unpaired_braces
from advisor.language.validation.shapes import Entry

__all__ = ["check_actions", "check_because"]


def check_actions(
    entry: Entry, measures: Mapping[str, MeasureSpec], problems: list[Problem]
) -> None:
    """Every measure a rule names is known and named once per kind; none both given and withheld."""
    spec: RuleSpec = entry.spec
    groups: list[tuple[str, Sequence[Recommend | Withhold | Safeguard]]] = [
        ("recommend", spec.recommend),
        ("withhold", spec.withhold),
        ("safeguard", spec.safeguard),
    ]
    for kind, actions in groups:
        seen: set[str] = set()
        for index, action in enumerate(actions):
            where = entry.doc.locate((*entry.path, kind, index, "measure"))
            if action.measure not in measures:
                problems.append(
                    Problem(
                        where,
                        f'unknown measure "{action.measure}"',
                        "unknown-measure",
                        did_you_mean(action.measure, measures),
                    )
                )
            elif action.measure in seen:
                problems.append(
                    Problem(
                        where,
                        f'measure "{action.measure}" is listed twice under {kind}',
                        "duplicate-action",
                    )
                )
            seen.add(action.measure)
    if spec.precautionary and not spec.withhold:
        problems.append(
            Problem(
                entry.doc.locate((*entry.path, "precautionary")),
                "precautionary: true applies to withholding, and the rule withholds nothing",
                "precautionary-without-withhold",
                "add a `withhold:` list, or remove `precautionary`",
            )
        )
    recommended = {a.measure for a in spec.recommend}
    for action in spec.withhold:
        if action.measure in recommended:
            where = entry.doc.locate((*entry.path, "withhold"))
            problems.append(
                Problem(
                    where,
                    f'the rule both recommends and withholds "{action.measure}"',
                    "contradiction",
                )
            )


def check_because(
    entry: Entry,
    readable: set[str],
    indicators: Mapping[str, IndicatorSpec],
    problems: list[Problem],
) -> None:
    """Braces pair up; each placeholder cites an indicator the rule reads (itself or via
    signals), directly or through another function of the same series."""
    text = entry.spec.because
    path = (*entry.path, "because")
    for offset in unpaired_braces(text):
        opened = text[offset] == "{"
        problems.append(
            _located(
                entry,
                path,
                offset,
                "an unclosed '{' in because" if opened else "a '}' in because with no '{'",
                "unpaired-brace",
                "close it: {indicator}" if opened else "remove it, or open it with '{'",
            )
        )
    read = {_indicator_of(key) for key in readable}
    for placeholder in placeholders(text):
        message, hint = _placeholder_problem(placeholder, readable, read, indicators)
        if message is not None:
            problems.append(
                _located(entry, path, placeholder.offset, message, "unknown-placeholder", hint)
            )


def _placeholder_problem(
    placeholder: Placeholder,
    readable: set[str],
    read: set[str],
    indicators: Mapping[str, IndicatorSpec],
) -> tuple[str | None, str | None]:
    """What is wrong with one placeholder (message, suggestion), or (None, None)."""
    key = placeholder.key
    if key in readable:
        return None, None
    function = placeholder.function
    if function is not None and function not in FUNCTIONS:
        return f'"{{{key}}}": unknown function {function!r}', "functions are " + ", ".join(
            sorted(FUNCTIONS)
        )
    if placeholder.indicator not in read:
        hint = did_you_mean(key, readable) or "cite one of: " + ", ".join(sorted(readable))
        return f'"{{{key}}}" in because is not read by this rule\'s condition', (
            hint if readable else None
        )
    spec = indicators.get(placeholder.indicator)
    series = spec is not None and spec.type is IndicatorType.SERIES
    if series and function is None:
        name = placeholder.indicator
        return f'"{{{key}}}" is a series by period', f"cite latest({name}) or change({name})"
    if function is not None and not series:
        return f'"{{{key}}}": {function}() needs a series', f"cite {{{placeholder.indicator}}}"
    return None, None  # another function of a series the rule reads: computed from the profile


def _indicator_of(key: str) -> str:
    """`change(x)` -> `x`; `x` -> `x`."""
    return key[key.index("(") + 1 : -1] if key.endswith(")") else key


def _located(
    entry: Entry, path: JsonPath, offset: int, message: str, code: str, hint: str | None
) -> Problem:
    """A problem at a character of the because text; its start, saying so, if not found."""
    where = locate_in_text(entry.doc, path, entry.spec.because, offset)
    if where is None:
        where = entry.doc.locate(path)
        message += " (somewhere in the because text that starts here)"
    return Problem(where, message, code, hint)
