"""Published files as sheets of cells: a CSV file is one sheet, a workbook one per sheet.

Workbooks (`.xlsx`) are read with openpyxl, an optional dependency
(`pip install 'cooperation-advisor[import]'`), imported only when one is read. The
header is not always the first row (the World Bank's downloads open with a title
block), so a layout finds its own header among the first rows (`find_header`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from advisor.indices.readings import ImportInputError, normalise_header

__all__ = ["HEADER_SEARCH_ROWS", "Sheet", "find_header", "read_sheets"]

#: how many leading rows may hold a title block before the header
HEADER_SEARCH_ROWS = 25
_MAX_FILE_BYTES = 200_000_000

Row = tuple[object, ...]


@dataclass(frozen=True)
class Sheet:
    """The cells of one CSV file or one workbook sheet."""

    #: the file's name, as sources cite it (no directory)
    file: str
    #: the workbook sheet's name; None for a CSV file
    name: str | None
    rows: tuple[Row, ...]

    def where(self, index: int) -> str:
        """`file:row` or `file[sheet]:row` for the row at `index` (rows count from 1)."""
        sheet = f"[{self.name}]" if self.name is not None else ""
        return f"{self.file}{sheet}:{index + 1}"

    @property
    def label(self) -> str:
        return f"{self.file}[{self.name}]" if self.name is not None else self.file


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of a `.csv` or `.xlsx` file; raises `ImportInputError` saying why not."""
    suffix = path.suffix.lower()
    try:
        if path.stat().st_size > _MAX_FILE_BYTES:
            raise ImportInputError(f"{path.name}: larger than the importer reads (200 MB)")
        if suffix == ".csv":
            return [_csv_sheet(path)]
        if suffix in (".xlsx", ".xlsm"):
            return _workbook_sheets(path)
    except OSError as exc:
        raise ImportInputError(f"{path.name}: cannot read it: {exc.strerror or exc}") from None
    raise ImportInputError(
        f"{path.name}: the importer reads .csv and .xlsx files, not {suffix or 'this file'}"
    )


def _csv_sheet(path: Path) -> Sheet:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything
        raise ImportInputError(f"{path.name}: not a text file")
    try:
        rows = tuple(tuple(row) for row in csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ImportInputError(f"{path.name}: not a CSV file: {exc}") from None
    return Sheet(path.name, None, rows)


def _workbook_sheets(path: Path) -> list[Sheet]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - the `import` extra is installed in tests
        raise ImportInputError(
            f"{path.name}: reading a workbook needs openpyxl: "
            "pip install 'cooperation-advisor[import]' (or save the sheet as CSV)"
        ) from None
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportInputError(f"{path.name}: not a readable workbook: {exc}") from None
    try:
        return [
            Sheet(
                path.name, sheet.title, tuple(tuple(r) for r in sheet.iter_rows(values_only=True))
            )
            for sheet in workbook.worksheets
        ]
    finally:
        workbook.close()


def find_header(sheet: Sheet, fits: Callable[[Sequence[str]], bool]) -> int | None:
    """The index of the first of the leading rows whose normalised cells `fits` accepts."""
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        if fits([normalise_header(cell) for cell in row]):
            return index
    return None
