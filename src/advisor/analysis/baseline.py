"""The rule set before an edit, for `advisor diff`: a directory, or a git revision's rules.

A revision's rules are extracted with `git archive` into a temporary directory
that lives as long as the `base_rules` context; problems found in that copy are
renamed `REF:path` so the analyst can find them.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from advisor.analysis.impact import DiffInputError
from advisor.hints import display_path

__all__ = ["Base", "base_rules"]


@dataclass(frozen=True)
class Base:
    """The rule set before the change: where it is, and how the report names it."""

    directory: Path
    label: str
    #: a git revision's rules are a temporary copy: problems name them "REF:path" instead
    copy_of: tuple[str, str] | None = None

    def own_names(self, line: str) -> str:
        """A problem's text naming the base's own files ("REF:path", not the copy's path)."""
        return line if self.copy_of is None else line.replace(*self.copy_of, 1)


@contextlib.contextmanager
def base_rules(ref: str, rules: Path) -> Iterator[Base]:
    """The base rule set: `ref` itself if it is a directory, else the `rules` directory
    as it was at git revision `ref`, extracted into a temporary directory."""
    if Path(ref).is_dir():
        yield Base(Path(ref), f"`{display_path(Path(ref))}`")
        return
    if not rules.is_dir():
        raise DiffInputError(f"{display_path(rules)}: rule directory not found")
    not_git = f"{ref}: not a directory, and {display_path(rules)} is not in a git repository"
    prefix = _git(rules, "rev-parse", "--show-prefix", failure=not_git)
    commit = _git(
        rules,
        "rev-parse",
        "--verify",
        "--quiet",
        f"{ref}^{{commit}}",
        failure=f"{ref}: neither a directory nor a revision of the git repository at "
        f"{display_path(rules)}",
    )
    top = Path(_git(rules, "rev-parse", "--show-toplevel", failure=not_git))
    archive = subprocess.run(
        ["git", "-C", str(top), "archive", "--format=tar", commit, "--", prefix or "."],
        capture_output=True,
        timeout=120,
        check=False,
    )
    if archive.returncode != 0:
        raise DiffInputError(f"{prefix or './'}: not in revision {ref} ({commit[:12]})")
    with tempfile.TemporaryDirectory(prefix="advisor-base-") as temporary:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            if hasattr(tarfile, "data_filter"):  # Python 3.11.4+: no links or paths out
                tar.extractall(temporary, filter="data")
            else:  # pragma: no cover - the archive is git's, of the analyst's own repository
                tar.extractall(temporary)
        directory = Path(temporary) / prefix
        yield Base(
            directory, f"`{ref}` ({commit[:12]})", (display_path(Path(temporary)) + "/", f"{ref}:")
        )


def _git(directory: Path, *args: str, failure: str) -> str:
    try:
        result = subprocess.run(
            ["git", "-C", str(directory), *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except FileNotFoundError:
        raise DiffInputError(f"{failure} (git is not installed)") from None
    if result.returncode != 0:
        raise DiffInputError(failure)
    return result.stdout.strip()
