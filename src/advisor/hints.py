"""How problems name things: a did-you-mean for a misspelt name, a path as the user typed it."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["did_you_mean", "display_path"]


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """'did you mean "x"?' for the closest candidate, or None when nothing is close."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f'did you mean "{matches[0]}"?' if matches else None


def display_path(path: Path) -> str:
    """A path as the user typed it: relative to the working directory when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative
