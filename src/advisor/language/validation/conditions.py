"""Stage 4 of validation, first half: a `when` (text or all/any/not structure) parsed, located."""

from __future__ import annotations

from typing import Any

from advisor.errors import Problem
from advisor.hints import did_you_mean
from advisor.language.expressions import AllOf, AnyOf, Condition, Not
from advisor.language.loader import JsonPath, SourceDocument
from advisor.language.parser import ExpressionError, parse_expression

__all__ = ["parse_condition"]


def parse_condition(
    raw: Any, doc: SourceDocument, path: JsonPath, problems: list[Problem]
) -> Condition | None:
    """The condition written at `path`, or None when it cannot be parsed (problems say why)."""
    where = doc.locate(path)
    if isinstance(raw, str):
        try:
            return parse_expression(raw, where)
        except ExpressionError as exc:
            problems.append(
                Problem(where.shifted(exc.offset), exc.message, exc.code, exc.suggestion)
            )
            return None
    if isinstance(raw, bool | int | float) or raw is None:
        problems.append(
            Problem(
                where,
                "a condition must be text or all/any/not",
                "expression",
                "e.g. 'fsi.total >= 90'",
            )
        )
        return None
    if isinstance(raw, list):
        problems.append(
            Problem(
                where,
                "a list of conditions needs 'all:' or 'any:' before it",
                "expression",
                "write 'all:' (every one holds) or 'any:' (at least one holds)",
            )
        )
        return None
    if not isinstance(raw, dict) or len(raw) != 1:
        problems.append(
            Problem(where, "a structured condition has exactly one of all, any, not", "expression")
        )
        return None
    ((word, body),) = raw.items()
    return _structured(word, body, doc, (*path, word), problems)


def _structured(
    word: Any, body: Any, doc: SourceDocument, inner: JsonPath, problems: list[Problem]
) -> Condition | None:
    """`all:`, `any:` or `not:` with what it holds."""
    if word == "not":
        item = parse_condition(body, doc, inner, problems)
        return Not(item) if item is not None else None
    if word not in ("all", "any"):
        problems.append(
            Problem(
                doc.locate(inner, key=True),
                f'unknown condition "{word}"',
                "expression",
                did_you_mean(word, ("all", "any", "not")) or "use all, any or not",
            )
        )
        return None
    if not isinstance(body, list) or not body:
        problems.append(
            Problem(doc.locate(inner), f'"{word}" needs a list of conditions', "expression")
        )
        return None
    items = [parse_condition(item, doc, (*inner, i), problems) for i, item in enumerate(body)]
    if any(item is None for item in items):
        return None
    parts = tuple(item for item in items if item is not None)
    return AllOf(parts) if word == "all" else AnyOf(parts)
