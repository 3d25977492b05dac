"""How problems name things: a did-you-mean for a misspelt name, a path as the user typed it."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

__all__ = ["did_you_mean", "display_path"]

#: how alike (difflib ratio) a candidate must be to count as the same word misspelt
_CUTOFF = 0.6
_WORD_BREAK = re.compile(r"[._\- ]+")


def did_you_mean(
    word: str, candidates: Iterable[str], aliases: Mapping[str, str] | None = None
) -> str | None:
    """'did you mean "x"?' for the closest candidate, or None when nothing is close.

    A candidate whose words are all in `word`, which only adds whole words to it
    (`fsi.total` for `fsi.total_previous`), names a different thing, not a
    misspelling: following the hint would change the meaning, so it is never given.
    `aliases` (alias -> the name it stands for) are candidates too; the hint names both.
    """
    aliases = aliases or {}
    pool = list(dict.fromkeys([*candidates, *aliases]))
    for match in difflib.get_close_matches(word, pool, n=max(len(pool), 1), cutoff=_CUTOFF):
        if _adds_words(word, match):
            continue
        if match in aliases:
            return f'did you mean "{match}" (an alias of "{aliases[match]}")?'
        return f'did you mean "{match}"?'
    return None


def _adds_words(word: str, candidate: str) -> bool:
    """Whether `word` is `candidate` with whole words added: a more specific name."""
    words = [w for w in _WORD_BREAK.split(word.lower()) if w]
    found = [w for w in _WORD_BREAK.split(candidate.lower()) if w]
    if len(found) >= len(words):
        return False
    remaining = iter(words)
    return all(w in remaining for w in found)  # found is a subsequence of words


def display_path(path: Path) -> str:
    """A path as the user typed it: relative to the working directory when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative
