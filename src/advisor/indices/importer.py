"""`advisor profiles import` as a library call: published files in, checked profiles out.

The files are read (`files`), the countries asked for resolved through the name
table (`countries`), one profile built per country (`profiles`) and checked against
the rule set's catalogue, as any profile is: a value out of its indicator's range
is refused, naming the profile and the value. Values of indicators the catalogue
does not have are left out and reported, never written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from advisor.hints import did_you_mean
from advisor.indices.countries import CountryTable
from advisor.indices.files import IndexFile, read_index_file
from advisor.indices.observations import Observation, read_observations
from advisor.indices.profiles import ImportedProfile, build_profiles
from advisor.indices.readings import ImportInputError
from advisor.indices.writer import file_name
from advisor.language.profile import check_profile, parse_profile
from advisor.language.ruleset import RuleSet

__all__ = ["ImportResult", "import_profiles"]


@dataclass(frozen=True)
class ImportResult:
    """The profiles built, with what each file gave and what was left out."""

    #: (file name, profile as data) in the order the countries were asked for
    profiles: tuple[tuple[str, dict[str, object]], ...]
    files: tuple[IndexFile, ...]
    #: country -> indicators the files give but the catalogue lacks
    left_out: dict[str, list[str]]


def import_profiles(
    paths: Sequence[Path],
    countries: Sequence[str],
    period: int,
    ruleset: RuleSet,
    observations: Path | None = None,
    names: Path | None = None,
) -> ImportResult:
    """One checked profile per country; raises `ImportInputError`, or `ProfileError` for a
    value the catalogue refuses."""
    if not countries:
        raise ImportInputError("name at least one country (--country)")
    table = CountryTable.bundled(names)
    codes = table.require(countries)
    files = tuple(read_index_file(path, table) for path in paths)
    observed = read_observations(observations, table) if observations else []
    if observations:
        _check_observed(observed, ruleset, observations.name)
    wanted = list(dict.fromkeys((codes[c], table.name(codes[c])) for c in countries))
    built = build_profiles(files, wanted, period, observed)
    order = list(ruleset.indicators)
    profiles, left_out = [], {}
    for profile in built:
        dropped = _keep_catalogued(profile, ruleset)
        if dropped:
            left_out[profile.country] = dropped
        name = file_name(profile.country, profile.period)
        document = profile.as_document((f.file for f in files), order)
        check_profile(parse_profile(document, name), ruleset, name)
        profiles.append((name, document))
    return ImportResult(tuple(profiles), files, left_out)


def _keep_catalogued(profile: ImportedProfile, ruleset: RuleSet) -> list[str]:
    dropped = sorted(i for i in profile.indicators if i not in ruleset.indicators)
    for indicator in dropped:
        del profile.indicators[indicator]
        profile.sources.pop(indicator, None)
    return dropped


def _check_observed(observations: Sequence[Observation], ruleset: RuleSet, file: str) -> None:
    """An observation of an indicator the catalogue lacks is a mistake, not a gap."""
    unknown = sorted({o.indicator for o in observations if o.indicator not in ruleset.indicators})
    if unknown:
        hints = [
            f'"{i}"' + (f" ({h})" if (h := did_you_mean(i, ruleset.indicators)) else "")
            for i in unknown
        ]
        raise ImportInputError(f"{file}: unknown indicator " + ", ".join(hints))
