"""The rule set in service: an immutable `Advisor` behind one reference, swapped whole on reload.

A request reads `holder.current` once and uses that value to check the profile,
evaluate it and record the decision, so a reload that lands mid-request cannot
mix two rule sets. A reload builds the new `Advisor` off to the side; only when
it loaded and compiled cleanly does the reference move. A failed reload leaves
the last good rule set serving and keeps its problems for `/v1/ruleset`.

With a `keep` directory (under `advisor serve` every worker shares one), each
good rule set's files are also copied there, so that a worker started while
`rules/` is broken (a replacement for one that died) serves the last good rule
set instead of failing to start.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from advisor import Advisor, AdvisorError, Location, Problem, RuleSetError, check_ruleset
from advisor.hints import display_path
from advisor.language.files import rule_files

__all__ = ["ReloadFailure", "ReloadOutcome", "RuleSetHolder", "ServingRuleSet"]

logger = logging.getLogger("advisor.api")

LAST_GOOD = "last-good"

Fingerprint = tuple[tuple[str, int, int, int], ...]


@dataclass(frozen=True)
class ServingRuleSet:
    """A compiled rule set in service, with where and when it was loaded."""

    advisor: Advisor
    loaded_at: datetime
    directory: Path
    #: loaded from the last good copy because the rule directory was broken when this worker started
    fallback: bool = False

    @property
    def content_hash(self) -> str:
        return self.advisor.ruleset.content_hash


@dataclass(frozen=True)
class ReloadFailure:
    """A reload that did not take: every problem, located in the rule files."""

    at: datetime
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class ReloadOutcome:
    serving: ServingRuleSet
    failure: ReloadFailure | None
    #: the content hash differs from the rule set served before
    changed: bool

    @property
    def ok(self) -> bool:
        return self.failure is None


class RuleSetHolder:
    """Holds the serving rule set; `reload` replaces it only with one that loads cleanly."""

    def __init__(
        self,
        directory: Path,
        keep: Path | None = None,
        on_reload: Callable[[ReloadOutcome], None] | None = None,
    ) -> None:
        self.directory = directory
        self._keep = keep
        self._on_reload = on_reload
        self._lock = threading.Lock()  # one reload at a time; readers never wait
        self._failure: ReloadFailure | None = None
        self._fingerprint = fingerprint(directory)
        try:
            self._serving = ServingRuleSet(Advisor.from_directory(directory), _now(), directory)
        except AdvisorError as exc:
            fallback = keep / LAST_GOOD if keep is not None else None
            if fallback is None or not fallback.is_dir():
                raise
            self._failure = ReloadFailure(_now(), _problems(exc, directory))
            _log_failure(self._failure, "starting from the last good copy")
            self._serving = ServingRuleSet(
                Advisor.from_directory(fallback), _now(), fallback.resolve(), fallback=True
            )
        else:
            self._keep_copy(self._serving)

    @property
    def current(self) -> ServingRuleSet:
        """The rule set to answer with; read it once per request."""
        return self._serving

    @property
    def last_failure(self) -> ReloadFailure | None:
        """Why the last reload did not take, or None when it did."""
        return self._failure

    def changed_on_disk(self) -> bool:
        """Whether the rule files differ (by name, size, time or inode) from the last load."""
        return fingerprint(self.directory) != self._fingerprint

    def reload(self) -> ReloadOutcome:
        """Load the rule directory again and serve it if it is good."""
        with self._lock:
            # Taken before reading: a save that lands during the load shows as a change next time.
            self._fingerprint = fingerprint(self.directory)
            previous = self._serving
            try:
                advisor = Advisor.from_directory(self.directory)
            except AdvisorError as exc:
                self._failure = ReloadFailure(_now(), _problems(exc, self.directory))
                _log_failure(self._failure, f"still serving {previous.content_hash}")
                outcome = ReloadOutcome(previous, self._failure, changed=False)
            else:
                self._serving = ServingRuleSet(advisor, _now(), self.directory)
                self._failure = None
                changed = advisor.ruleset.content_hash != previous.content_hash
                logger.info(
                    "rule set reloaded from %s: %s%s",
                    display_path(self.directory),
                    advisor.ruleset.content_hash,
                    "" if changed else " (content unchanged)",
                )
                self._keep_copy(self._serving)
                outcome = ReloadOutcome(self._serving, None, changed)
            # The previous Advisor is not closed here: requests in flight may still hold it.
            # Its engine memory is freed when the last of them lets go of it.
        if self._on_reload is not None:
            self._on_reload(outcome)
        return outcome

    def _keep_copy(self, serving: ServingRuleSet) -> None:
        """Copy the rule files as `keep/last-good`, checked to be the rule set now serving."""
        if self._keep is None:
            return
        try:
            self._keep.mkdir(parents=True, exist_ok=True)
            target = self._keep / f"good-{serving.content_hash.removeprefix('sha256:')[:16]}"
            if not target.is_dir():
                staging = self._keep / f".staging-{os.getpid()}-{uuid.uuid4().hex}"
                for path in rule_files(serving.directory):
                    copy = staging / path.relative_to(serving.directory)
                    copy.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, copy)
                # The files may have changed since they were loaded: keep only what checks out.
                _, ruleset = check_ruleset(staging)
                if ruleset is None or ruleset.content_hash != serving.content_hash:
                    shutil.rmtree(staging, ignore_errors=True)
                    return
                try:
                    staging.rename(target)
                except OSError:  # a sibling worker kept the same rule set first
                    shutil.rmtree(staging, ignore_errors=True)
            link = self._keep / f".link-{os.getpid()}-{uuid.uuid4().hex}"
            link.symlink_to(target.name)
            link.replace(self._keep / LAST_GOOD)
        except OSError as exc:
            logger.warning("could not keep a copy of the good rule set: %s", exc)


def fingerprint(directory: Path) -> Fingerprint:
    """What identifies the rule files' current state without reading them."""
    try:
        entries = []
        for path in rule_files(directory):
            stat = path.stat()
            entries.append((str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino))
        return tuple(entries)
    except OSError:
        return (("<unreadable>", 0, 0, 0),)


def _now() -> datetime:
    return datetime.now(UTC)


def _log_failure(failure: ReloadFailure, consequence: str) -> None:
    logger.error(
        "the rule files have %d problem(s); %s:\n%s",
        len(failure.problems),
        consequence,
        "\n".join(f"  {problem}" for problem in failure.problems),
    )


def _problems(error: AdvisorError, directory: Path) -> tuple[Problem, ...]:
    """What a failed load reports: the rule files' problems, or the engine's refusal."""
    if isinstance(error, RuleSetError):
        return error.problems
    return (Problem(Location(display_path(directory)), str(error), "engine"),)
