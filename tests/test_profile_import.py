"""`advisor profiles import`: profiles from the publishers' own files, every value sourced.

The fixtures in tests/fixtures/indices are a few rows of each published file, in its
publisher's layout (workbooks where the publisher gives workbooks), copied unchanged.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml

from advisor import Advisor
from advisor.indices import ImportInputError, import_profiles
from advisor.indices.countries import CountryTable
from advisor.language.files import load_ruleset
from advisor.language.profile import read_profile

from .test_cli import ROOT, advisor

FIXTURES = ROOT / "tests" / "fixtures" / "indices"
RULES = ROOT / "rules"
ACLED_EVENTS = "number_of_political_violence_events_by_country-month-year_as-of-24Oct2025_0.csv"
ACLED_CIVILIANS = "number_of_events_targeting_civilians_by_country-year_as-of-24Oct2025_0.csv"
ACLED_FATALITIES = "number_of_reported_fatalities_by_country-year_as-of-24Oct2025_0.csv"
#: one file per source, as `advisor profiles import` is given them for the committed profiles
FILES = [
    "fsi-2024.xlsx",
    "fsi-2023.xlsx",
    "global_oc_index.xlsx",
    "wgidataset.csv",
    "Global Terrorism Index 2023.csv",
    ACLED_EVENTS,
    ACLED_CIVILIANS,
    ACLED_FATALITIES,
    "number_of_demonstration_events_by_country-year_as-of-24Oct2025_0.csv",
    "population.csv",
    "unhcr-refugees-population.csv",
]


def paths(*names: str) -> list[Path]:
    return [FIXTURES / name for name in (names or FILES)]


@pytest.fixture(scope="module")
def profiles() -> dict[str, dict[str, object]]:
    """Mali, Côte d'Ivoire and Libya for 2024, from every fixture, by file name."""
    result = import_profiles(paths(), ["Mali", "Ivory Coast", "LBY"], 2024, load_ruleset(RULES))
    return dict(result.profiles)


def indicators(document: dict[str, object]) -> dict[str, object]:
    found = document["indicators"]
    assert isinstance(found, dict)
    return found


def sources(document: dict[str, object]) -> dict[str, str]:
    found = document["sources"]
    assert isinstance(found, dict)
    return found


def test_each_index_gives_its_latest_edition_up_to_the_period(profiles: dict) -> None:
    mali = profiles["mali-2024.yaml"]
    values, cited = indicators(mali), sources(mali)
    assert mali["country"] == "Mali"
    assert mali["period"] == "2024"
    # FSI 2024, not 2023 (C1 9.6 in 2023); GI-TOC 2023, not 2021; WGI 2023; GTI 2023 edition
    assert values["fsi.c1_security_apparatus"] == 9.7
    assert (
        cited["fsi.total"] == "Fund for Peace, Fragile States Index 2024 (fsi-2024.xlsx; rank 14th)"
    )
    assert values["goci.human_smuggling"] == 7.0
    assert (
        "Global Organized Crime Index 2023 (global_oc_index.xlsx, sheet 2023_dataset)"
        in (cited["goci.human_smuggling"])
    )
    assert values["wgi.political_stability"] == -2.73
    assert cited["wgi.political_stability"].startswith(
        "World Bank WGI 2023 estimate (pv; percentile"
    )
    assert values["gti.score"] == 8.412
    assert cited["gti.score"].startswith(
        "IEP Global Terrorism Index 2023 edition, 2022 data (rank 4)"
    )


def test_counts_are_the_periods_own_and_rates_say_what_was_divided(profiles: dict) -> None:
    mali = profiles["mali-2024.yaml"]
    values, cited = indicators(mali), sources(mali)
    assert values["acled.political_violence_events"] == 1479  # twelve months summed
    assert "months summed" in cited["acled.political_violence_events"]
    assert "snapshot of 24 Oct 2025" in cited["acled.political_violence_events"]
    assert values["wb.population"] == 24478595
    assert values["acled.political_violence_events_per_million"] == 60.4
    assert cited["acled.political_violence_events_per_million"].startswith(
        "computed: 1,479 political violence events (2024) / population 24,478,595 (2024)"
    )
    # five years to the period, as counts and as rates
    assert values["acled.reported_fatalities"] == {
        2020: 2852,
        2021: 1909,
        2022: 4858,
        2023: 4329,
        2024: 4019,
    }
    assert values["acled.fatalities_per_million"][2024] == 164.2  # type: ignore[index]
    assert values["unhcr.refugees_hosted"] == 135533
    assert values["unhcr.refugees_hosted_per_1000"] == 5.5
    assert values["unhcr.idps_per_1000"] == 14.7
    assert "end-2024" in cited["unhcr.idps"]


def test_a_country_spelt_four_ways_is_one_country(profiles: dict) -> None:
    # FSI "Cote d'Ivoire", GI-TOC "Côte d'Ivoire", GTI "Cote d' Ivoire", ACLED "Ivory Coast"
    ivory = profiles["cote-d-ivoire-2024.yaml"]
    assert ivory["country"] == "Côte d'Ivoire"
    values = indicators(ivory)
    for indicator in ("fsi.total", "goci.criminality", "gti.score", "wgi.rule_of_law"):
        assert indicator in values, indicator
    assert "acled.political_violence_events" in values


def test_profiles_fit_the_catalogue_and_every_value_is_sourced(profiles: dict) -> None:
    built = Advisor.from_directory(RULES)
    try:
        for name, document in profiles.items():
            assert set(indicators(document)) == set(sources(document)), name
            built.evaluate(document)
            assert "Editions: ACLED 2024 (snapshot of 24 Oct 2025), FSI 2024, GI-TOC 2023" in str(
                document["notes"]
            )
    finally:
        built.close()


def test_a_year_without_events_between_recorded_years_counts_as_none() -> None:
    # ACLED's yearly file has Jordan 2023 and 2025 but no row for 2024
    result = import_profiles(
        paths(ACLED_CIVILIANS, "population.csv"), ["Jordan"], 2024, load_ruleset(RULES)
    )
    ((_, jordan),) = result.profiles
    assert indicators(jordan)["acled.events_targeting_civilians"] == 0
    assert "none recorded" in sources(jordan)["acled.events_targeting_civilians"]


def test_an_earlier_period_reads_earlier_editions_whatever_their_column_order() -> None:
    result = import_profiles(paths(), ["Mali"], 2023, load_ruleset(RULES))
    ((_, mali),) = result.profiles
    values = indicators(mali)
    assert values["fsi.c1_security_apparatus"] == 9.6  # FSI 2023: columns in another order
    assert "Fragile States Index 2023" in sources(mali)["fsi.c1_security_apparatus"]
    assert values["acled.reported_fatalities"] == {2020: 2852, 2021: 1909, 2022: 4858, 2023: 4329}


def test_the_world_banks_own_download_and_unhcrs_data_finder_read_alike() -> None:
    ruleset = load_ruleset(RULES)
    long = import_profiles(paths("population.csv"), ["Libya"], 2024, ruleset)
    wide = import_profiles(paths("API_SP.POP.TOTL_DS2_en_csv_v2.csv"), ["Libya"], 2024, ruleset)
    assert indicators(long.profiles[0][1])["wb.population"] == 7381023
    assert indicators(wide.profiles[0][1])["wb.population"] == 7381023
    package = import_profiles(paths("unhcr-refugees-population.csv"), ["Mali"], 2024, ruleset)
    finder = import_profiles(paths("refugee-data-finder-population.csv"), ["Mali"], 2024, ruleset)
    for key in ("unhcr.refugees_hosted", "unhcr.idps"):
        assert indicators(package.profiles[0][1])[key] == indicators(finder.profiles[0][1])[key]


def test_a_gti_year_whose_rows_are_scrambled_is_refused_only_when_needed() -> None:
    ruleset = load_ruleset(RULES)
    # the published panel's 2020 rows give Iran the code USA and the other way round
    with pytest.raises(ImportInputError, match="Iran is coded USA"):
        import_profiles(paths("Global Terrorism Index 2023.csv"), ["Mali"], 2021, ruleset)
    fine = import_profiles(paths("Global Terrorism Index 2023.csv"), ["Mali"], 2024, ruleset)
    assert indicators(fine.profiles[0][1])["gti.score"] == 8.412


def test_observations_come_with_their_sources(tmp_path: Path) -> None:
    observed = tmp_path / "observations.csv"
    observed.write_text(
        "country,period,indicator,value,source\n"
        "Mali,2024,local.unconstitutional_government,true,African Union suspension of 1 June 2021\n"
        "Mali,2023,local.rival_governments,true,not for this period\n",
        encoding="utf-8",
    )
    result = import_profiles(paths("fsi-2024.xlsx"), ["Mali"], 2024, load_ruleset(RULES), observed)
    values = indicators(result.profiles[0][1])
    assert values["local.unconstitutional_government"] is True
    assert "local.rival_governments" not in values
    assert sources(result.profiles[0][1])["local.unconstitutional_government"].startswith(
        "African Union"
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Mali,2024,local.unconstitutional_government,true,", "needs its source"),
        ("Mali,2024,local.unconstitutional_govt,true,AU", '"local.unconstitutional_govt" (did you'),
        ("Atlantis,2024,local.rival_governments,true,AU", 'unknown country: "Atlantis"'),
        ("Mali,2024,local.rival_governments,[1,2],AU", "is not a value"),
    ],
)
def test_an_observation_that_cannot_be_used_is_refused(
    tmp_path: Path, row: str, message: str
) -> None:
    observed = tmp_path / "observations.csv"
    observed.write_text(f"country,period,indicator,value,source\n{row}\n", encoding="utf-8")
    with pytest.raises(ImportInputError, match=message.replace("(", r"\(").replace("[", r"\[")):
        import_profiles(paths("fsi-2024.xlsx"), ["Mali"], 2024, load_ruleset(RULES), observed)


def test_the_name_table_suggests_a_name_and_takes_extra_rows(tmp_path: Path) -> None:
    table = CountryTable.bundled()
    with pytest.raises(
        ImportInputError, match='unknown country: "Malli" \\(did you mean "Mali"\\?\\)'
    ):
        table.require(["Malli"])
    extra = tmp_path / "names.csv"
    extra.write_text("iso3,name,aliases\nMLI,Mali,République du Mali\n", encoding="utf-8")
    assert CountryTable.bundled(extra).code("Republique du Mali") == "MLI"
    clash = tmp_path / "clash.csv"
    clash.write_text("iso3,name,aliases\nNER,Mali\n", encoding="utf-8")
    with pytest.raises(ImportInputError, match='"Mali" is MLI already, not NER'):
        CountryTable.bundled(clash)


# --------------------------------------------------------------------------- the command


def import_command(tmp_path: Path, *args: str, files: list[Path] | None = None):  # type: ignore[no-untyped-def]
    given = [str(p) for p in (files if files is not None else paths())]
    return advisor(
        "profiles",
        "import",
        *given,
        "--period",
        "2024",
        "--output",
        str(tmp_path / "out"),
        "--rules",
        str(RULES),
        *args,
    )


def test_the_command_writes_one_profile_per_country_that_reads_back(tmp_path: Path) -> None:
    result = import_command(tmp_path, "--country", "Mali", "--country", "Côte d'Ivoire")
    assert result.returncode == 0, result.stderr
    assert "wrote" in result.stdout
    assert "mali-2024.yaml" in result.stdout
    assert "number_of_demonstration_events" in result.stderr  # read, but nothing catalogued
    written = tmp_path / "out" / "mali-2024.yaml"
    text = written.read_text(encoding="utf-8")
    assert "Generated by `advisor profiles import`" in text
    assert "acled.reported_fatalities: {2020: 2852, 2021: 1909" in text  # a series on one line
    assert 'period: "2024"' in text
    profile = read_profile(written)
    assert profile.indicators["gti.score"] == 8.412
    assert str(ROOT) not in text
    assert "/tmp" not in text


def test_the_command_replaces_its_own_files_but_not_an_analysts(tmp_path: Path) -> None:
    assert import_command(tmp_path, "--country", "Mali").returncode == 0
    assert import_command(tmp_path, "--country", "Mali").returncode == 0  # its own: replaced
    mine = tmp_path / "out" / "mali-2024.yaml"
    mine.write_text("country: Mali\n", encoding="utf-8")
    refused = import_command(tmp_path, "--country", "Mali")
    assert refused.returncode == 2
    assert "mali-2024.yaml" in refused.stderr
    assert "--force" in refused.stderr
    assert mine.read_text(encoding="utf-8") == "country: Mali\n"
    assert import_command(tmp_path, "--country", "Mali", "--force").returncode == 0


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_a_file_in_no_known_layout_is_refused_naming_the_layouts(tmp_path: Path) -> None:
    odd = write_csv(tmp_path / "odd.csv", [["Nation", "Score"], ["Mali", 3]])
    result = import_command(tmp_path, "--country", "Mali", files=[odd])
    assert result.returncode == 2
    assert (
        "odd.csv: not in a layout the importer knows (it starts: 'Nation', 'Score')"
        in result.stderr
    )
    assert "Fragile States Index (Fund for Peace)" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_column_is_named_as_the_publisher_heads_it(tmp_path: Path) -> None:
    workbook = openpyxl.load_workbook(FIXTURES / "fsi-2024.xlsx")
    sheet = workbook.active
    assert sheet is not None
    sheet.delete_cols(13)  # "P3: Human Rights"
    path = tmp_path / "fsi-2024.xlsx"
    workbook.save(path)
    result = import_command(tmp_path, "--country", "Mali", files=[path])
    assert result.returncode == 2
    assert (
        'looks like the Fragile States Index but has no column "P3: Human Rights"' in result.stderr
    )


def test_an_edition_without_a_year_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fragile-states.xlsx"
    shutil.copy(FIXTURES / "fsi-2024.xlsx", path)
    result = import_command(tmp_path, "--country", "Mali", files=[path])
    assert result.returncode == 2
    assert "cannot tell which edition of the Fragile States Index this is" in result.stderr


def test_a_renamed_acled_file_is_refused_rather_than_guessed(tmp_path: Path) -> None:
    path = tmp_path / "acled.csv"
    shutil.copy(FIXTURES / ACLED_CIVILIANS, path)
    result = import_command(tmp_path, "--country", "Mali", files=[path])
    assert result.returncode == 2
    assert "acled.csv: an ACLED aggregated export, but its name does not say what it counts" in (
        result.stderr
    )


def test_a_name_the_table_lacks_is_an_error_not_a_gap(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "gti-2023.csv",
        [["iso3c", "Country", "Rank", "Score", "Year"], ["ATL", "Atlantis", 1, 9.0, 2022]],
    )
    # a GTI row carries a code: an unknown one is no country, and is left out
    assert import_command(tmp_path, "--country", "Mali", files=[path]).returncode == 0
    acled = write_csv(
        tmp_path / ACLED_CIVILIANS, [["COUNTRY", "YEAR", "EVENTS"], ["Atlantis", 2024, 3]]
    )
    result = import_command(tmp_path, "--country", "Mali", files=[acled])
    assert result.returncode == 2
    assert 'unknown country: "Atlantis"' in result.stderr
    assert "--names FILE" in result.stderr


def test_an_unknown_country_on_the_command_line_gets_a_suggestion(tmp_path: Path) -> None:
    result = import_command(tmp_path, "--country", "Niegr")
    assert result.returncode == 2
    assert 'unknown country: "Niegr" (did you mean "Niger"?)' in result.stderr


def test_a_value_outside_the_indicators_range_is_refused_by_path(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "gti.csv",
        [["iso3c", "Country", "Rank", "Score", "Year"], ["MLI", "Mali", 1, 12.5, 2022]],
    )
    result = import_command(tmp_path, "--country", "Mali", files=[path])
    assert result.returncode == 2
    assert "mali-2024.yaml: the profile was refused" in result.stderr
    assert "indicators.gti.score: 12.5 is outside the range 0 to 10" in result.stderr


def test_two_files_that_disagree_are_refused(tmp_path: Path) -> None:
    rows = list(csv.reader((FIXTURES / "population.csv").open(encoding="utf-8")))
    changed = [
        [*row[:3], str(int(row[3]) + 1)] if row[1:3] == ["MLI", "2024"] else row for row in rows
    ]
    other = write_csv(tmp_path / "population-revised.csv", changed)
    result = import_command(
        tmp_path, "--country", "Mali", files=[FIXTURES / "population.csv", other]
    )
    assert result.returncode == 2
    assert "two files give wb.population of 2024 for MLI differently" in result.stderr


def test_the_committed_region_profiles_were_generated_and_read_back() -> None:
    region = sorted((ROOT / "examples" / "profiles" / "region").glob("*.yaml"))
    assert len(region) >= 15
    for path in region:
        text = path.read_text(encoding="utf-8")
        assert "Generated by `advisor profiles import`" in text, path.name
        data = yaml.safe_load(text)
        assert set(data["indicators"]) == set(data["sources"]), path.name
