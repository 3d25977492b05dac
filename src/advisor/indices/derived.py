"""Rates the rules compare across countries: conflict per million people, displacement per 1,000.

ACLED counts and UNHCR stocks are absolute: 150 events weigh the same in a country of
seven million as in one of two hundred million. Each rate divides a count by the World
Bank population of the same year (or, failing that, the latest earlier year, which the
source then names), and its source says exactly what was divided by what.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from advisor.indices.readings import Reading

__all__ = ["RATES", "Rate", "rate_of", "rate_series"]


@dataclass(frozen=True)
class Rate:
    """A count of one indicator per `per` people."""

    indicator: str
    count: str
    per: int
    what: str


RATES = (
    Rate(
        "acled.political_violence_events_per_million",
        "acled.political_violence_events",
        1_000_000,
        "political violence events",
    ),
    Rate(
        "acled.events_targeting_civilians_per_million",
        "acled.events_targeting_civilians",
        1_000_000,
        "events targeting civilians",
    ),
    Rate("unhcr.refugees_hosted_per_1000", "unhcr.refugees_hosted", 1_000, "refugees hosted"),
    Rate("unhcr.idps_per_1000", "unhcr.idps", 1_000, "internally displaced people"),
)
#: a series of rates, one a year
FATALITIES = Rate(
    "acled.fatalities_per_million", "acled.reported_fatalities", 1_000_000, "reported fatalities"
)

_PER = {1_000_000: "per million people", 1_000: "per 1,000 people"}


def _population(population: Mapping[int, Reading], year: int) -> Reading | None:
    earlier = [y for y in population if y <= year]
    return population[max(earlier)] if earlier else None


def rate_of(
    rate: Rate, count: Reading, population: Mapping[int, Reading]
) -> tuple[float, str] | None:
    """The rate for one count, and its source; None without a population to divide by."""
    people = _population(population, count.year)
    if people is None or people.value <= 0:
        return None
    value = round(count.value / people.value * rate.per, 1)
    return value, (
        f"computed: {_number(count.value)} {rate.what} ({count.year}) / population "
        f"{_number(people.value)} ({people.year}), {_PER[rate.per]}; "
        f"counts from {count.source}; population from {people.source}"
    )


def rate_series(
    counts: Mapping[int, Reading], population: Mapping[int, Reading], counted: str
) -> tuple[dict[int, float], str] | None:
    """Fatalities per million, year by year; None when no year has a population."""
    values: dict[int, float] = {}
    parts = []
    for year, count in sorted(counts.items()):
        people = _population(population, year)
        if people is None or people.value <= 0:
            continue
        values[year] = round(count.value / people.value * FATALITIES.per, 1)
        parts.append(f"{year}: {_number(count.value)} / {_number(people.value)} ({people.year})")
    if not values:
        return None
    source = (
        f"computed: ACLED reported fatalities / World Bank population, per million people, "
        f"by year ({'; '.join(parts)}); counts from {counted}"
    )
    return values, source


def _number(value: float) -> str:
    return f"{value:,.0f}"
