"""The index layouts: Fragile States Index, Global Organized Crime Index, WGI, GTI.

Each reads the file as its publisher distributes it (see README, "Profiles from the
official files"); columns are found by their header, so editions that reorder them
(FSI 2023 and 2024 do) read alike. The edition a value belongs to is the year the
publisher puts on the edition: a file's own Year column, else the year in the sheet
or file name (`2023_dataset`, `fsi-2024.xlsx`). A GTI edition reports the year
before it (the 2023 edition scores 2022), so its values count for the edition's year.
"""

from __future__ import annotations

from collections.abc import Sequence

from advisor.indices.columns import (
    Layout,
    code_of,
    codes_checked,
    find_columns,
    number_at,
    resolve_names,
)
from advisor.indices.countries import CountryTable
from advisor.indices.readings import (
    ImportInputError,
    Reading,
    Unreadable,
    cell_text,
    year_in_name,
)
from advisor.indices.sheets import Sheet

__all__ = ["FSI", "GOCI", "GTI", "INDEX_LAYOUTS", "WGI"]

# --------------------------------------------------------------------------- FSI

#: FSI indicator code (as in "C1: Security Apparatus") -> catalogue id
FSI_INDICATORS = {
    "c1": "fsi.c1_security_apparatus",
    "c2": "fsi.c2_factionalized_elites",
    "c3": "fsi.c3_group_grievance",
    "e1": "fsi.e1_economic_decline",
    "e2": "fsi.e2_uneven_economic_development",
    "e3": "fsi.e3_human_flight_brain_drain",
    "p1": "fsi.p1_state_legitimacy",
    "p2": "fsi.p2_public_services",
    "p3": "fsi.p3_human_rights_rule_of_law",
    "s1": "fsi.s1_demographic_pressures",
    "s2": "fsi.s2_refugees_idps",
    "x1": "fsi.x1_external_intervention",
}
#: how the FSI heads each indicator's column (2024 edition), for messages
FSI_HEADERS = {
    "c1": "C1: Security Apparatus",
    "c2": "C2: Factionalized Elites",
    "c3": "C3: Group Grievance",
    "e1": "E1: Economy",
    "e2": "E2: Economic Inequality",
    "e3": "E3: Human Flight and Brain Drain",
    "p1": "P1: State Legitimacy",
    "p2": "P2: Public Services",
    "p3": "P3: Human Rights",
    "s1": "S1: Demographic Pressures",
    "s2": "S2: Refugees and IDPs",
    "x1": "X1: External Intervention",
}


def _fsi_fits(cells: Sequence[str]) -> bool:
    codes = sum(any(c.startswith(f"{code} ") for c in cells) for code in FSI_INDICATORS)
    return "country" in cells and codes >= 6


def _read_fsi(sheet: Sheet, header: int, countries: CountryTable) -> list[Reading]:
    wanted = {"country": ["country"], "total": ["total"]}
    wanted |= {code: [f"{code} *"] for code in FSI_INDICATORS}
    columns = find_columns(
        sheet,
        header,
        "Fragile States Index",
        wanted,
        {"year": ["year"], "rank": ["rank"]},
        {"country": "Country", "total": "Total", **FSI_HEADERS},
    )
    rows = [
        (i, cell_text(sheet.rows[i][columns["country"]]))
        for i in range(header + 1, len(sheet.rows))
    ]
    rows = [(i, name) for i, name in rows if name]
    codes = resolve_names(sheet, (name for _, name in rows), countries)
    readings = []
    for index, name in rows:
        edition = _edition(sheet, index, columns.get("year"), "Fragile States Index")
        rank = cell_text(sheet.rows[index][columns["rank"]]) if "rank" in columns else ""
        where = f"Fund for Peace, Fragile States Index {edition} ({sheet.file}"
        for key, indicator in [("total", "fsi.total"), *FSI_INDICATORS.items()]:
            value = number_at(sheet, index, columns[key])
            if value is None:
                continue
            note = f"; rank {rank}" if key == "total" and rank else ""
            readings.append(
                Reading(codes[name], indicator, edition, value, f"{where}{note})", f"FSI {edition}")
            )
    return readings


def _edition(sheet: Sheet, index: int, column: int | None, layout: str) -> int:
    if column is not None:
        year = number_at(sheet, index, column)
        if year is not None:
            return int(year)
    year = year_in_name(sheet.name or "") or year_in_name(sheet.file)
    if year is None:
        raise ImportInputError(
            f"{sheet.label}: cannot tell which edition of the {layout} this is: it has no "
            "Year column and no year in its name (name the file for its edition, "
            "e.g. fsi-2024.xlsx)"
        )
    return year


FSI = Layout(
    "Fragile States Index (Fund for Peace)",
    'a "Country" column and the twelve indicators "C1: Security Apparatus" ... '
    '"X1: External Intervention"',
    _fsi_fits,
    _read_fsi,
)

# --------------------------------------------------------------------------- GOCI

#: catalogue id -> header names (2023 editions add " avg," to the averages)
GOCI_COLUMNS = {
    "goci.criminality": ["criminality avg", "criminality"],
    "goci.resilience": ["resilience avg", "resilience"],
    "goci.human_trafficking": ["human trafficking"],
    "goci.human_smuggling": ["human smuggling"],
    "goci.arms_trafficking": ["arms trafficking"],
    "goci.state_embedded_actors": ["state embedded actors"],
    "goci.judicial_system_and_detention": ["judicial system and detention"],
    "goci.victim_and_witness_support": ["victim and witness support"],
}


def _goci_fits(cells: Sequence[str]) -> bool:
    return "country" in cells and "human smuggling" in cells and "arms trafficking" in cells


def _read_goci(sheet: Sheet, header: int, countries: CountryTable) -> list[Reading]:
    columns = find_columns(
        sheet, header, "Global Organized Crime Index", {"country": ["country"], **GOCI_COLUMNS}
    )
    edition = _edition(sheet, header, None, "Global Organized Crime Index")
    rows = [
        (i, cell_text(sheet.rows[i][columns["country"]]))
        for i in range(header + 1, len(sheet.rows))
    ]
    rows = [(i, name) for i, name in rows if name]
    codes = resolve_names(sheet, (name for _, name in rows), countries)
    sheet_note = f", sheet {sheet.name}" if sheet.name else ""
    source = f"GI-TOC Global Organized Crime Index {edition} ({sheet.file}{sheet_note})"
    return [
        Reading(codes[name], indicator, edition, value, source, f"GI-TOC {edition}")
        for index, name in rows
        for indicator in GOCI_COLUMNS
        if (value := number_at(sheet, index, columns[indicator])) is not None
    ]


GOCI = Layout(
    "Global Organized Crime Index (GI-TOC)",
    'one sheet per edition ("2023_dataset") with "Country", "Human smuggling", '
    '"Arms trafficking", ...',
    _goci_fits,
    _read_goci,
)

# --------------------------------------------------------------------------- WGI

#: the World Bank's codes of the WGI dimensions -> catalogue id (rq is not catalogued)
WGI_INDICATORS = {
    "va": "wgi.voice_accountability",
    "pv": "wgi.political_stability",
    "ge": "wgi.government_effectiveness",
    "rl": "wgi.rule_of_law",
    "cc": "wgi.control_of_corruption",
}
_WGI_HEADER = {"code", "countryname", "year", "indicator", "estimate"}


def _read_wgi(sheet: Sheet, header: int, countries: CountryTable) -> list[Reading]:
    wanted = {key: [key] for key in sorted(_WGI_HEADER)}
    columns = find_columns(
        sheet, header, "Worldwide Governance Indicators", wanted, {"pctrank": ["pctrank"]}
    )
    readings, checked = [], []
    for index in range(header + 1, len(sheet.rows)):
        row = sheet.rows[index]
        indicator = WGI_INDICATORS.get(cell_text(row[columns["indicator"]]).lower())
        value = number_at(sheet, index, columns["estimate"]) if indicator else None
        if indicator is None or value is None:
            continue
        name = cell_text(row[columns["countryname"]])
        code = code_of(countries, cell_text(row[columns["code"]]).upper(), name)
        if code is None:
            continue
        checked.append((index, code, name))
        year = int(number_at(sheet, index, columns["year"]) or 0)
        rank = cell_text(row[columns["pctrank"]]) if "pctrank" in columns else ""
        dimension = cell_text(row[columns["indicator"]]).lower()
        detail = f"{dimension}; percentile rank {rank}" if rank else dimension
        source = f"World Bank WGI {year} estimate ({detail}) ({sheet.file})"
        readings.append(Reading(code, indicator, year, value, source, f"WGI {year}"))
    codes_checked(sheet, checked, countries)
    return readings


WGI = Layout(
    "Worldwide Governance Indicators (World Bank)",
    'one row per country, year and dimension: "code", "countryname", "year", '
    '"indicator", "estimate"',
    lambda cells: set(cells) >= _WGI_HEADER,
    _read_wgi,
)

# --------------------------------------------------------------------------- GTI

_GTI_HEADER = {"iso3c", "country", "rank", "score", "year"}


def _read_gti(sheet: Sheet, header: int, countries: CountryTable) -> list[Reading | Unreadable]:
    columns = find_columns(
        sheet, header, "Global Terrorism Index", {k: [k] for k in sorted(_GTI_HEADER)}
    )
    years = [number_at(sheet, i, columns["year"]) for i in range(header + 1, len(sheet.rows))]
    readings: list[Reading | Unreadable] = []
    for year in sorted({int(y) for y in years if y is not None}):
        rows = [i for i, y in enumerate(years, start=header + 1) if y == year]
        checked = [
            (
                i,
                cell_text(sheet.rows[i][columns["iso3c"]]).upper(),
                cell_text(sheet.rows[i][columns["country"]]),
            )
            for i in rows
        ]
        try:
            codes_checked(sheet, checked, countries)
        except ImportInputError as exc:
            # one published copy scrambles one year: say which, and read the others
            readings.append(Unreadable("gti.score", year + 1, f"{year} data: {exc}"))
            continue
        for index, given, name in checked:
            code = code_of(countries, given, name)
            score = number_at(sheet, index, columns["score"])
            if code is None or score is None:
                continue
            rank = cell_text(sheet.rows[index][columns["rank"]])
            source = (
                f"IEP Global Terrorism Index {year + 1} edition, {year} data "
                f"(rank {rank}) ({sheet.file})"
            )
            readings.append(
                Reading(code, "gti.score", year + 1, score, source, f"GTI {year + 1} ({year} data)")
            )
    return readings


GTI = Layout(
    "Global Terrorism Index (Institute for Economics and Peace)",
    'one row per country and year: "iso3c", "Country", "Rank", "Score", "Year"',
    lambda cells: set(cells) >= _GTI_HEADER,
    _read_gti,
)

INDEX_LAYOUTS = (FSI, GOCI, WGI, GTI)
