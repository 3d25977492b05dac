"""The source catalogue: each rule's `source` names a section some declared source lists.

A rule set opts into the catalogue by having a `sources` section in any file.
Without one (small test sets, generated benchmarks), `source` stays free text;
this repository's rules declare theirs in `rules/sources.yaml`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from advisor.errors import Problem
from advisor.hints import did_you_mean
from advisor.language.validation.shapes import Entry

__all__ = ["check_sources", "declared_titles"]


def declared_titles(raw: Any) -> set[str]:
    """The section titles of a source entry that failed its shape, so rules citing them pass."""
    sections = raw.get("sections") if isinstance(raw, dict) else None
    return (
        {title for title in sections if isinstance(title, str)}
        if isinstance(sections, list)
        else set()
    )


def _section_owners(sources: Mapping[str, Entry], problems: list[Problem]) -> dict[str, str]:
    """Section title -> the source declaring it; a title two sources declare is a problem."""
    owners: dict[str, str] = {}
    for source_id, entry in sources.items():
        for index, title in enumerate(entry.spec.sections):
            first = owners.setdefault(title, source_id)
            if first != source_id:
                problems.append(
                    Problem(
                        entry.doc.locate((*entry.path, "sections", index)),
                        f'section "{title}" is declared by sources "{first}" and "{source_id}"',
                        "duplicate-section",
                        "rules cite a section by its title alone: make the two titles differ",
                    )
                )
    return owners


def check_sources(
    sources: Mapping[str, Entry],
    rules: Mapping[str, Entry],
    problems: list[Problem],
    unshaped_titles: Iterable[str] = (),
) -> None:
    """Every rule's `source` is a declared section title (did-you-mean when it is close)."""
    titles = set(_section_owners(sources, problems)) | set(unshaped_titles)
    where = next(iter(sources.values()), None)
    declare = (
        f'declare it under the "sections" of a source in {where.location.file}'
        if where is not None
        else 'declare the document and its sections under "sources" (see docs/rule-language.md)'
    )
    for entry in rules.values():
        cited = entry.spec.source
        if cited not in titles:
            problems.append(
                Problem(
                    entry.doc.locate((*entry.path, "source")),
                    f'source "{cited}" is not a section of any declared source',
                    "unknown-source",
                    did_you_mean(cited, titles) or declare,
                )
            )
