"""Indicator aliases: each names one indicator, and never another indicator's id.

A profile may give an indicator by an alias (the publisher's own code); an alias
shared by two indicators, or equal to an id, would make that profile ambiguous.
"""

from __future__ import annotations

from collections.abc import Mapping

from advisor.errors import Problem
from advisor.language.validation.shapes import Entry

__all__ = ["check_aliases"]


def check_aliases(indicators: Mapping[str, Entry], problems: list[Problem]) -> None:
    """Add a problem for each alias that is an indicator's id or another indicator's alias."""
    owners: dict[str, str] = {}
    for indicator_id, entry in indicators.items():
        for index, alias in enumerate(entry.spec.aliases):
            where = entry.doc.locate((*entry.path, "aliases", index))
            if alias in indicators:
                problems.append(
                    Problem(
                        where,
                        f'alias "{alias}" of "{indicator_id}" is the id of another indicator',
                        "alias-is-id",
                        "remove the alias or rename it",
                    )
                )
            elif alias in owners and owners[alias] != indicator_id:
                problems.append(
                    Problem(
                        where,
                        f'alias "{alias}" of "{indicator_id}" is already an alias '
                        f'of "{owners[alias]}"',
                        "duplicate-alias",
                        "an alias names one indicator only",
                    )
                )
            else:
                owners[alias] = indicator_id
