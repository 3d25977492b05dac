"""One published file read: which layout it is in, and every value it yields.

Each sheet is tried against every known layout; sheets no layout fits (a workbook's
title page) are passed over, but a file in which none fits is refused, naming the
layouts the importer knows and what their headers look like.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from advisor.indices.columns import Layout
from advisor.indices.countries import CountryTable
from advisor.indices.counts import COUNT_LAYOUTS
from advisor.indices.layouts import INDEX_LAYOUTS
from advisor.indices.readings import ImportInputError, Reading, Unreadable, cell_text
from advisor.indices.sheets import Sheet, find_header, read_sheets

__all__ = ["LAYOUTS", "IndexFile", "read_index_file"]

#: every layout the importer reads, in the order they are tried
LAYOUTS: tuple[Layout, ...] = (*INDEX_LAYOUTS, *COUNT_LAYOUTS)


@dataclass(frozen=True)
class IndexFile:
    """What one file yielded."""

    file: str
    #: the layouts recognised in it, one per sheet read
    layouts: tuple[str, ...]
    readings: tuple[Reading, ...]
    unreadable: tuple[Unreadable, ...]


def read_index_file(path: Path, countries: CountryTable) -> IndexFile:
    """Read every sheet of a file in a known layout; raises `ImportInputError` saying why not."""
    sheets = read_sheets(path)
    layouts: list[str] = []
    found: list[Reading | Unreadable] = []
    for sheet in sheets:
        for layout in LAYOUTS:
            header = find_header(sheet, layout.fits)
            if header is not None:
                layouts.append(layout.name)
                found.extend(layout.read(sheet, header, countries))
                break
    if not layouts:
        raise ImportInputError(_unknown_layout(path.name, sheets))
    return IndexFile(
        path.name,
        tuple(layouts),
        tuple(r for r in found if isinstance(r, Reading)),
        tuple(r for r in found if isinstance(r, Unreadable)),
    )


def _unknown_layout(file: str, sheets: list[Sheet]) -> str:
    first = next(
        (row for sheet in sheets for row in sheet.rows if any(cell_text(c) for c in row)), ()
    )
    shown = ", ".join(repr(cell_text(c)) for c in first[:6]) + (", ..." if len(first) > 6 else "")
    known = "\n".join(f"  - {layout.name}: {layout.signature}" for layout in LAYOUTS)
    return (
        f"{file}: not in a layout the importer knows (it starts: {shown or 'nothing'}); "
        f"it reads:\n{known}"
    )
