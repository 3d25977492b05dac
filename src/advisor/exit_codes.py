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
    #: diff --fail-on-change: something changed; schema/ruledoc --check: files are stale;
    #: batch: a row was refused (without --allow-errors)
    PROBLEMS = 1
    #: the profile or the command line is wrong (a path that is not there, an unknown id);
    #: batch: an input that cannot be read, a Dask scheduler out of reach
    USAGE = 2
    #: an internal error, a bug to report: the engine misbehaved, or pytest stopped oddly
    INTERNAL = 3
    #: an external program or service failed (Graphviz; the decision log's database;
    #: the Dask cluster, for batch)
    EXTERNAL = 4
    #: stopped by Ctrl-C (SIGINT), as shells report it; batch: the output is whole, --resume
    INTERRUPTED = 130
