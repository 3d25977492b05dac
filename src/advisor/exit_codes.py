"""The exit codes of every `advisor` command, defined once (`advisor serve` included).

The values are part of the interface: CI scripts, pre-commit hooks and the README
rely on them, so they never change.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["ExitCode"]


class ExitCode(IntEnum):
    SUCCESS = 0
    #: the rule files have problems; check: a scenario fails or a rule is uncovered;
    #: diff --fail-on-change: something changed; schema/ruledoc --check: files are stale
    PROBLEMS = 1
    #: the profile or the command line is wrong (a path that is not there, an unknown id)
    USAGE = 2
    #: an internal error, a bug to report: the engine misbehaved, or pytest stopped oddly
    INTERNAL = 3
    #: an external program or service failed (Graphviz; the decision log's database)
    EXTERNAL = 4
