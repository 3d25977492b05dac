"""Stage 2 of validation: the sections of a rule file and each entry against its model."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from advisor.errors import Location, Problem
from advisor.hints import did_you_mean
from advisor.language.expressions import EXACT_LIMIT_HINT
from advisor.language.loader import JsonPath, SourceDocument
from advisor.language.models import (
    IndicatorSpec,
    MeasureSpec,
    RuleSpec,
    SignalSpec,
    SourceSpec,
)

__all__ = ["KIND", "SECTIONS", "Entry", "named_measures", "section_items", "shape_problem"]

SECTIONS: dict[str, type[BaseModel]] = {
    "indicators": IndicatorSpec,
    "measures": MeasureSpec,
    "signals": SignalSpec,
    "rules": RuleSpec,
    "sources": SourceSpec,
}
#: the kind of entry each section holds, as messages name it
KIND = {
    "indicators": "indicator",
    "measures": "measure",
    "signals": "signal",
    "rules": "rule",
    "sources": "source",
}


@dataclass
class Entry:
    """A catalogue entry that has its model's shape, and where it was written."""

    spec: Any
    doc: SourceDocument
    path: JsonPath

    @property
    def location(self) -> Location:
        return self.doc.locate(self.path)


def section_items(doc: SourceDocument, problems: list[Problem]) -> Iterator[tuple[str, int, Any]]:
    """(section, index, raw entry) for every entry of a document whose sections have the shape."""
    data = doc.data
    if data is None:
        return
    if not isinstance(data, dict):
        problems.append(
            Problem(
                doc.locate(()),
                "a rule file is a mapping of sections",
                "shape",
                "start with one of: " + ", ".join(SECTIONS),
            )
        )
        return
    for section, items in data.items():
        if section not in SECTIONS:
            problems.append(
                Problem(
                    doc.locate((section,), key=True),
                    f'unknown section "{section}"',
                    "unknown-section",
                    did_you_mean(section, SECTIONS) or "sections are " + ", ".join(SECTIONS),
                )
            )
            continue
        if items is None:
            continue
        if not isinstance(items, list):
            problems.append(
                Problem(
                    doc.locate((section,)),
                    f'"{section}" must be a list of entries',
                    "shape",
                    "start each entry with '- id: ...'",
                )
            )
            continue
        for index, item in enumerate(items):
            yield section, index, item


def named_measures(
    doc: SourceDocument, path: JsonPath, item: dict[str, Any]
) -> list[tuple[SourceDocument, JsonPath, str]]:
    """The measures a rule entry names under recommend, withhold and safeguard."""
    named = []
    for kind in ("recommend", "withhold", "safeguard"):
        actions = item.get(kind)
        if isinstance(actions, list):
            for index, action in enumerate(actions):
                if isinstance(action, dict) and isinstance(action.get("measure"), str):
                    named.append((doc, (*path, kind, index, "measure"), action["measure"]))
    return named


def shape_problem(
    doc: SourceDocument, path: JsonPath, model: type[BaseModel], error: Any
) -> Problem:
    """One pydantic error of an entry as a located problem, with a hint where one helps."""
    loc: Sequence[str | int] = tuple(error["loc"])
    kind = error["type"]
    field_name = ".".join(str(p) for p in loc)
    if kind == "extra_forbidden":
        where = doc.locate((*path, *loc), key=True)
        fields = list(model.model_fields)
        return Problem(
            where,
            f'unknown field "{loc[-1]}"',
            "unknown-field",
            did_you_mean(str(loc[-1]), fields) or "fields are " + ", ".join(fields),
        )
    if kind == "missing":
        return Problem(
            doc.locate((*path, *loc)),
            f'missing field "{field_name}"',
            "missing-field",
            _swallowed(error.get("input"), str(loc[-1])),
        )
    where = doc.locate((*path, *loc))
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    hint = None
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        words = re.findall(r"'([^']+)'", expected)
        hint = did_you_mean(str(error.get("input")), words)
    if kind == "string_pattern_mismatch":
        message = f"{error.get('input')!r} is not a valid id"
        hint = (
            "use lowercase source.name, e.g. fsi.total"
            if "indicator" in field_name or model is IndicatorSpec
            else "use lowercase words joined by '-', e.g. border-training"
        )
    if kind == "number-too-large":
        hint = EXACT_LIMIT_HINT
    text = f"{field_name}: {message}" if field_name else message
    return Problem(where, text, kind if kind in ("enum", "number-too-large") else "invalid", hint)


def _swallowed(entry: Any, field: str) -> str | None:
    """A hint when a missing field sits inside the text of another (indented too far)."""
    if isinstance(entry, dict):
        for key, value in entry.items():
            if isinstance(value, str) and re.search(rf"(^|\s){re.escape(field)}:\s", value):
                return (
                    f'the text of "{key}" contains "{field}:": is that line indented too far, '
                    "so that it became part of the text above it?"
                )
    return None
