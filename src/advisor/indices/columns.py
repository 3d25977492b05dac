"""What every layout shares: how it is recognised, its columns found by name, its cells read.

A layout is recognised by a few header cells (`fits`), then must have every column it
reads: a file that looks like the Fragile States Index but lacks "P3: Human Rights"
is refused naming the missing column, not read with a gap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from advisor.indices.countries import CountryTable
from advisor.indices.readings import (
    ImportInputError,
    Reading,
    Unreadable,
    cell_number,
    normalise_header,
)
from advisor.indices.sheets import Sheet

__all__ = [
    "Layout",
    "code_of",
    "codes_checked",
    "find_columns",
    "number_at",
    "resolve_names",
]


@dataclass(frozen=True)
class Layout:
    """One publisher's file layout: how to recognise it and read it."""

    #: the index as users know it, e.g. "Fragile States Index (Fund for Peace)"
    name: str
    #: what its header looks like, for the message when a file is not recognised
    signature: str
    fits: Callable[[Sequence[str]], bool]
    read: Callable[[Sheet, int, CountryTable], Sequence[Reading | Unreadable]]


def find_columns(
    sheet: Sheet,
    header: int,
    layout: str,
    wanted: Mapping[str, Iterable[str]],
    optional: Mapping[str, Iterable[str]] | None = None,
    labels: Mapping[str, str] | None = None,
) -> dict[str, int]:
    """Each wanted key -> the index of its column, matched on normalised header cells.

    A name ending in `*` matches a header that starts with it (`c1 *` for "C1: Security
    Apparatus"). A wanted column that is missing is an error naming it; an optional one
    is left out of the answer. The first matching column wins (FSI 2024 repeats "Rank").
    `labels` name a key's column in messages as its publisher heads it.
    """
    cells = [normalise_header(cell) for cell in sheet.rows[header]]
    found: dict[str, int] = {}
    missing = []
    for required, columns in ((True, wanted), (False, optional or {})):
        for key, names in columns.items():
            index = next((i for i, c in enumerate(cells) if _matches(c, names)), None)
            if index is not None:
                found[key] = index
            elif required and labels and key in labels:
                missing.append(f'"{labels[key]}"')
            elif required:
                missing.append(" or ".join(f'"{n.rstrip("*").strip()}"' for n in names))
    if missing:
        raise ImportInputError(
            f"{sheet.label}: looks like the {layout} but has no column "
            + ", no column ".join(missing)
            + f" (header on row {header + 1})"
        )
    return found


def _matches(cell: str, names: Iterable[str]) -> bool:
    return any(cell.startswith(n[:-1]) if n.endswith("*") else cell == n for n in names)


def number_at(sheet: Sheet, index: int, column: int) -> float | None:
    """The number in a cell; None when empty or marked as no data; an error naming the cell."""
    row = sheet.rows[index]
    cell = row[column] if column < len(row) else None
    try:
        return cell_number(cell)
    except ValueError:
        header = sheet.rows[0][column] if column < len(sheet.rows[0]) else column + 1
        raise ImportInputError(
            f"{sheet.where(index)}: {cell!r} in column {header!r} is not a number"
        ) from None


def resolve_names(sheet: Sheet, names: Iterable[str], countries: CountryTable) -> dict[str, str]:
    """Each country name of a file that gives no codes -> its ISO code; unknown names fail."""
    try:
        return countries.require(sorted(set(names)))
    except ImportInputError as exc:
        raise ImportInputError(f"{sheet.label}: {exc}") from None


def code_of(countries: CountryTable, code: str, name: str) -> str | None:
    """A row's ISO code: its own when the table knows it, else its name's (publishers keep
    a few old codes, such as the World Bank's ADO for Andorra); None for no country."""
    return code if code in countries.names else countries.code(name)


def codes_checked(
    sheet: Sheet, rows: Iterable[tuple[int, str, str]], countries: CountryTable
) -> None:
    """Rows (index, code, name) whose name the table gives another country's code fail.

    Files that give codes are read by code; a name that contradicts its code means the
    rows are scrambled (one published copy of the GTI panel is, for one year).
    """
    wrong = [
        f"{sheet.where(index)}: {name} is coded {code}, but the country-name table "
        f"gives {countries.code(name)}"
        for index, code, name in rows
        if code in countries.names and countries.code(name) not in (None, code)
    ]
    if wrong:
        more = f" (and {len(wrong) - 10} more)" if len(wrong) > 10 else ""
        raise ImportInputError(
            "the file's country names and codes disagree:\n  " + "\n  ".join(wrong[:10]) + more
        )
