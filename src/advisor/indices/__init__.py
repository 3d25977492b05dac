"""Situation profiles from the published index files, not typed by hand.

Reads the files as their publishers distribute them (Fragile States Index, Global
Organized Crime Index, Worldwide Governance Indicators, Global Terrorism Index,
ACLED's aggregated exports, World Bank population, UNHCR displacement statistics),
resolves country names through one documented table (`countries.csv`) and builds one
profile per country and period, each value with its source and edition.
`advisor profiles import` is the command; `import_profiles` the library call.
"""

from advisor.indices.importer import ImportResult, import_profiles
from advisor.indices.readings import ImportInputError

__all__ = ["ImportInputError", "ImportResult", "import_profiles"]
