"""`because` texts: the `{placeholder}` syntax that cites a value the rule reads.

A placeholder is an operand as a condition writes it: `{fsi.total}` or
`{change(migration.departures)}`. It may name a different function of a series
the rule reads (`{latest(x)}` when the rule reads `change(x)`): the explanation
computes it from the profile. Braces must pair up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from advisor.errors import Location
from advisor.language.loader import JsonPath, SourceDocument

__all__ = [
    "PLACEHOLDER",
    "Placeholder",
    "locate_in_text",
    "placeholders",
    "split_key",
    "unpaired_braces",
]

#: `{fsi.total}` or `{change(migration.departures)}` inside a because text
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

_CALL = re.compile(r"(?P<function>[A-Za-z_]\w*)\((?P<indicator>[^()]*)\)")


@dataclass(frozen=True)
class Placeholder:
    """One `{...}` of a because text: its key, split into function and indicator."""

    key: str
    function: str | None
    indicator: str
    offset: int  # of the `{` in the text


def split_key(key: str) -> tuple[str | None, str]:
    """A placeholder's key as (function, indicator): `change(x)` -> ("change", "x")."""
    call = _CALL.fullmatch(key)
    return (call["function"], call["indicator"].strip()) if call else (None, key)


def placeholders(text: str) -> list[Placeholder]:
    """The placeholders of a because text, in order."""
    found = []
    for match in PLACEHOLDER.finditer(text):
        key = match.group(1).strip()
        found.append(Placeholder(key, *split_key(key), match.start()))
    return found


def unpaired_braces(text: str) -> list[int]:
    """Offsets of each `{` never closed and each `}` never opened."""
    unpaired = []
    opened: int | None = None
    for offset, char in enumerate(text):
        if char == "{":
            if opened is not None:
                unpaired.append(opened)
            opened = offset
        elif char == "}":
            if opened is None:
                unpaired.append(offset)
            opened = None
    if opened is not None:
        unpaired.append(opened)
    return unpaired


def locate_in_text(doc: SourceDocument, path: JsonPath, text: str, offset: int) -> Location | None:
    """Where the character at `offset` of the text value at `path` is in the file.

    Plain and quoted one-line values map column for column; folded (`>`) and
    literal (`|`) blocks are searched in the file's text for the same characters,
    found as often before it as in the value. None when that cannot be done.
    """
    start = doc.locate(path)
    source = doc.source
    if not source or start.line <= 0:
        return None
    end = len(text)
    for stop in (" ", "\n"):
        found = text.find(stop, offset + 1)
        end = min(end, found) if found >= 0 else end
    snippet = text[offset:end][:40]
    nth = text.count(snippet, 0, offset)
    lines = source.splitlines(keepends=True)
    position = sum(len(line) for line in lines[: start.line - 1]) + start.column - 1
    limit = position + 2 * len(text) + 80  # indentation and line breaks of a block
    for _ in range(nth + 1):
        position = source.find(snippet, position, limit)
        if position < 0:
            return None
        position += 1
    position -= 1
    line = source.count("\n", 0, position) + 1
    column = position - (source.rfind("\n", 0, position) + 1) + 1
    return Location(start.file, line, column)
