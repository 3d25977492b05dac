"""The country-name table: every name the supported files give a country, and its ISO code.

The Fragile States Index, the Global Organized Crime Index and ACLED name countries
without a code, each its own way ("Cote d'Ivoire", "Côte d'Ivoire", "Ivory Coast";
"Congo, Dem. Rep." and "Congo, Dem, Rep,"). `countries.csv` beside this module maps
each name found in their 2021-2025 files to an ISO 3166 alpha-3 code, with the name
profiles use. Names are compared without case, accents or punctuation. A name the
table lacks is an error, never skipped: a country spelt differently in one file would
otherwise lose that file's values unnoticed. `--names FILE` adds rows (same columns).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from advisor.hints import did_you_mean
from advisor.indices.readings import ImportInputError, normalise_header

__all__ = ["CountryTable", "name_key"]

_CODE = re.compile(r"^[A-Z]{3}$")
_COLUMNS = ("iso3", "name", "aliases")


def name_key(name: str) -> str:
    """A country name compared loosely: no case, accents or punctuation."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return normalise_header(plain)


@dataclass(frozen=True)
class CountryTable:
    """Names to ISO codes and back."""

    #: ISO alpha-3 code -> the name profiles use
    names: Mapping[str, str]
    #: name key -> ISO code
    codes: Mapping[str, str]

    @classmethod
    def bundled(cls, extra: Path | None = None) -> CountryTable:
        """The table shipped with the advisor, with the rows of `extra` (same columns) added."""
        text = resources.files("advisor.indices").joinpath("countries.csv").read_text("utf-8")
        rows = _rows(text, "countries.csv")
        if extra is not None:
            try:
                extra_text = extra.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                raise ImportInputError(f"{extra.name}: cannot read the name table: {exc}") from None
            rows += _rows(extra_text, extra.name)
        return cls.of(rows)

    @classmethod
    def of(cls, rows: Iterable[tuple[str, str, tuple[str, ...], str]]) -> CountryTable:
        """A table from (code, name, other names, where) rows; a name given two codes fails."""
        names: dict[str, str] = {}
        codes: dict[str, str] = {}
        clashes = []
        for code, name, aliases, where in rows:
            names.setdefault(code, name)
            for alias in (name, *aliases):
                key = name_key(alias)
                if codes.setdefault(key, code) != code:
                    clashes.append(f'{where}: "{alias}" is {codes[key]} already, not {code}')
        if clashes:
            raise ImportInputError(
                "the country-name table contradicts itself:\n  " + "\n  ".join(clashes)
            )
        return cls(MappingProxyType(names), MappingProxyType(codes))

    def code(self, name: str) -> str | None:
        """The ISO code of a country name as a file writes it; None when the table lacks it."""
        return self.codes.get(name_key(name))

    def name(self, code: str) -> str:
        """The name a profile gives the country of an ISO code (the code if unknown)."""
        return self.names.get(code, code)

    def suggestion(self, name: str) -> str | None:
        """A did-you-mean for a name the table lacks."""
        return did_you_mean(name, self.names.values())

    def require(self, names: Iterable[str]) -> dict[str, str]:
        """Each name -> its code; the names the table lacks, all of them, as one error."""
        found: dict[str, str] = {}
        unknown = []
        for name in names:
            code = self.code(name) or (name if _CODE.match(name) and name in self.names else None)
            if code is None:
                hint = self.suggestion(name)
                unknown.append(f'"{name}"' + (f" ({hint})" if hint else ""))
            else:
                found[name] = code
        if unknown:
            raise ImportInputError(
                "unknown country: " + ", ".join(unknown) + " (names and ISO codes of the "
                "country-name table; add a row with --names FILE)"
            )
        return found


def _rows(text: str, where: str) -> list[tuple[str, str, tuple[str, ...], str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or tuple(h.strip().lower() for h in header[:3]) != _COLUMNS:
        raise ImportInputError(f"{where}: a country-name table has the columns iso3,name,aliases")
    rows = []
    for number, row in enumerate(reader, start=2):
        if not row or not "".join(row).strip():
            continue
        code, name = row[0].strip().upper(), (row[1].strip() if len(row) > 1 else "")
        if not _CODE.match(code) or not name:
            raise ImportInputError(f"{where}:{number}: expected an ISO alpha-3 code and a name")
        aliases = tuple(a.strip() for a in (row[2] if len(row) > 2 else "").split(";") if a.strip())
        rows.append((code, name, aliases, f"{where}:{number}"))
    return rows
