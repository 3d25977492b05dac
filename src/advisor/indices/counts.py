"""The count layouts: ACLED's aggregated exports, World Bank population, UNHCR displacement.

ACLED's aggregated files share one header (COUNTRY, YEAR, EVENTS or FATALITIES, and
MONTH in the monthly ones); only the file name says what is counted, so the importer
reads it from ACLED's own file names (`number_of_political_violence_events_by_...`)
and refuses a renamed file rather than guess. Monthly counts are summed by year. The
snapshot date in the name (`as-of-24Oct2025`) goes into every source: ACLED revises.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from advisor.indices.columns import Layout, codes_checked, find_columns, number_at, resolve_names
from advisor.indices.countries import CountryTable
from advisor.indices.readings import ImportInputError, Reading, cell_text, normalise_header
from advisor.indices.sheets import Sheet

__all__ = ["ACLED", "COUNT_LAYOUTS", "POPULATION", "UNHCR"]

# --------------------------------------------------------------------------- ACLED

#: what ACLED's file names say they count -> catalogue id (None: recognised, not catalogued);
#: in this order, so that "civilian_fatalities" is not taken for "fatalities"
ACLED_KINDS = (
    ("political_violence_events", "acled.political_violence_events"),
    ("events_targeting_civilians", "acled.events_targeting_civilians"),
    ("reported_civilian_fatalities", None),
    ("reported_fatalities", "acled.reported_fatalities"),
    ("demonstration_events", None),
)
_SNAPSHOT = re.compile(r"as-of-(\d{1,2})([A-Za-z]{3})(\d{4})")


def _acled_fits(cells: Sequence[str]) -> bool:
    return {"country", "year"} <= set(cells) and bool({"events", "fatalities"} & set(cells))


def _acled_kind(sheet: Sheet) -> str | None:
    name = sheet.file.lower()
    for words, indicator in ACLED_KINDS:
        if words in name:
            return indicator
    kinds = ", ".join(words for words, _ in ACLED_KINDS)
    raise ImportInputError(
        f"{sheet.file}: an ACLED aggregated export, but its name does not say what it counts "
        f"(keep ACLED's file name, which names one of: {kinds})"
    )


def _read_acled(sheet: Sheet, header: int, countries: CountryTable) -> list[Reading]:
    indicator = _acled_kind(sheet)
    if indicator is None:
        return []
    cells = {normalise_header(c) for c in sheet.rows[header]}
    count = "events" if "events" in cells else "fatalities"
    columns = find_columns(
        sheet,
        header,
        "ACLED aggregated data",
        {"country": ["country"], "year": ["year"], "count": [count]},
        {"month": ["month"]},
    )
    totals: defaultdict[tuple[str, int], float] = defaultdict(float)
    for index in range(header + 1, len(sheet.rows)):
        name = cell_text(sheet.rows[index][columns["country"]])
        year, value = (
            number_at(sheet, index, columns["year"]),
            number_at(sheet, index, columns["count"]),
        )
        if name and year is not None and value is not None:
            totals[(name, int(year))] += value
    codes = resolve_names(sheet, (name for name, _ in totals), countries)
    snapshot = _snapshot(sheet.file)
    monthly = "; months summed" if "month" in columns else ""
    readings = []
    for (name, year), total in sorted(_with_gaps_as_zero(totals).items()):
        partial = f", partial year to {snapshot[0]}" if snapshot and snapshot[1] == year else ""
        taken = f", snapshot of {snapshot[0]}" if snapshot else ""
        gap = (
            ""
            if (name, year) in totals
            else "; no row for the year between rows of the years around it: none recorded"
        )
        source = f"ACLED, {year} count{partial}{taken} ({sheet.file}{monthly}{gap})"
        edition = f"ACLED {year}" + (f" (snapshot of {snapshot[0]})" if snapshot else "")
        readings.append(Reading(codes[name], indicator, year, total, source, edition))
    return readings


def _with_gaps_as_zero(totals: dict[tuple[str, int], float]) -> dict[tuple[str, int], float]:
    """ACLED's yearly files leave out some years without events (Jordan 2024 among the
    events targeting civilians, between rows for 2023 and 2025): a year missing between a
    country's first and last rows is a year with none recorded, not an unknown one."""
    filled = dict(totals)
    years: defaultdict[str, list[int]] = defaultdict(list)
    for name, year in totals:
        years[name].append(year)
    for name, found in years.items():
        for year in range(min(found), max(found) + 1):
            filled.setdefault((name, year), 0.0)
    return filled


def _snapshot(file: str) -> tuple[str, int] | None:
    """`as-of-24Oct2025` in a file name -> ("24 Oct 2025", 2025)."""
    found = _SNAPSHOT.search(file)
    if found is None:
        return None
    day, month, year = found.groups()
    return f"{int(day)} {month.capitalize()} {year}", int(year)


ACLED = Layout(
    "ACLED aggregated data (Armed Conflict Location & Event Data)",
    '"COUNTRY", "YEAR" (and "MONTH"), "EVENTS" or "FATALITIES", in a file named as ACLED names it',
    _acled_fits,
    _read_acled,
)

# --------------------------------------------------------------------------- population

_POPULATION = "SP.POP.TOTL"


def _population_fits(cells: Sequence[str]) -> bool:
    long = {"country name", "country code", "year", "value"} <= set(cells)
    wide = {"country name", "country code", "indicator code"} <= set(cells)
    return long or wide


def _read_population(sheet: Sheet, header: int, countries: CountryTable) -> list[Reading]:
    cells = [normalise_header(c) for c in sheet.rows[header]]
    if "indicator code" in cells:
        values = _wide_population(sheet, header, cells)
    else:
        columns = find_columns(
            sheet,
            header,
            "World Bank population table",
            {k: [k] for k in ("country code", "year", "value")},
        )
        values = [
            (index, cell_text(sheet.rows[index][columns["country code"]]).upper(), year, value)
            for index in range(header + 1, len(sheet.rows))
            if (year := number_at(sheet, index, columns["year"])) is not None
            and (value := number_at(sheet, index, columns["value"])) is not None
        ]
    # regional and income aggregates have codes the country table lacks: not countries
    return [
        Reading(
            code,
            "wb.population",
            int(year),
            value,
            f"World Bank, population, total ({_POPULATION}), {int(year)} ({sheet.file})",
            f"World Bank population {int(year)}",
        )
        for _, code, year, value in values
        if code in countries.names
    ]


def _wide_population(
    sheet: Sheet, header: int, cells: list[str]
) -> list[tuple[int, str, float, float]]:
    """The World Bank's own download: one row per economy and indicator, a column per year."""
    columns = find_columns(
        sheet,
        header,
        "World Bank population table",
        {k: [k] for k in ("country code", "indicator code")},
    )
    years = [(i, int(c)) for i, c in enumerate(cells) if re.fullmatch(r"(19|20)\d\d", c)]
    values = []
    for index in range(header + 1, len(sheet.rows)):
        row = sheet.rows[index]
        if cell_text(row[columns["indicator code"]]).upper() != _POPULATION:
            continue
        code = cell_text(row[columns["country code"]]).upper()
        for column, year in years:
            value = number_at(sheet, index, column)
            if value is not None:
                values.append((index, code, float(year), value))
    return values


POPULATION = Layout(
    "World Bank population (SP.POP.TOTL)",
    '"Country Name", "Country Code" and a column per year (the World Bank download), '
    'or "Year", "Value"',
    _population_fits,
    _read_population,
)

# --------------------------------------------------------------------------- UNHCR

#: the two UNHCR layouts: its data package (refugees R package, API) and the Refugee
#: Data Finder download; key -> header names
_UNHCR_COLUMNS = {
    "year": ["year"],
    "asylum": ["coa iso", "country of asylum iso"],
    "asylum name": ["coa name", "country of asylum"],
    "refugees": ["refugees", "refugees under unhcr s mandate"],
    "idps": ["idps", "idps of concern to unhcr"],
}


def _unhcr_fits(cells: Sequence[str]) -> bool:
    found = set(cells)
    return (
        "year" in found
        and bool({"coa iso", "country of asylum iso"} & found)
        and bool({"idps", "idps of concern to unhcr"} & found)
    )


def _read_unhcr(sheet: Sheet, header: int, countries: CountryTable) -> list[Reading]:
    columns = find_columns(sheet, header, "UNHCR population statistics", _UNHCR_COLUMNS)
    totals: defaultdict[tuple[str, int, str], float] = defaultdict(float)
    checked = []
    for index in range(header + 1, len(sheet.rows)):
        row = sheet.rows[index]
        code, year = (
            cell_text(row[columns["asylum"]]).upper(),
            number_at(sheet, index, columns["year"]),
        )
        if year is None or code not in countries.names:
            continue  # "UNK" and the like: no country
        checked.append((index, code, cell_text(row[columns["asylum name"]])))
        for key in ("refugees", "idps"):
            totals[(code, int(year), key)] += number_at(sheet, index, columns[key]) or 0.0
    codes_checked(sheet, checked, countries)
    what = {
        "refugees": (
            "unhcr.refugees_hosted",
            "refugees under UNHCR's mandate hosted, all origins summed",
        ),
        "idps": ("unhcr.idps", "internally displaced people of concern to UNHCR"),
    }
    return [
        Reading(
            code,
            what[key][0],
            year,
            total,
            f"UNHCR Refugee Population Statistics, end-{year}: {what[key][1]} ({sheet.file})",
            f"UNHCR end-{year}",
        )
        for (code, year, key), total in sorted(totals.items())
    ]


UNHCR = Layout(
    "UNHCR Refugee Population Statistics",
    'one row per origin, asylum country and year: "year", "coa_iso", "refugees", "idps" '
    '(or the Refugee Data Finder\'s "Country of asylum (ISO)", "IDPs of concern to UNHCR")',
    _unhcr_fits,
    _read_unhcr,
)

COUNT_LAYOUTS = (ACLED, POPULATION, UNHCR)
