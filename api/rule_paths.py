"""Rule-file paths as the API shows them: relative to the rule directory, never absolute.

The core locates problems and definitions by the path the files were loaded
from (relative to the working directory, or absolute outside it); a client has
no use for where the service's files sit on its machine, and should not learn it.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath

from .errors import LocationOut, ProblemOut

__all__ = ["relative_file", "relative_location", "relative_problem"]


def relative_file(file: str, directory: Path) -> str:
    """`file` relative to `directory` (`sub/rules.yaml`); only its name when outside it."""
    # abspath, not resolve: no file-system calls per location, and the core's paths were
    # made from the same directory path, so they compare as given.
    path = PurePath(os.path.abspath(file))
    try:
        return path.relative_to(os.path.abspath(directory)).as_posix()
    except ValueError:
        return PurePath(file).name


def relative_location(location: LocationOut, directory: Path) -> LocationOut:
    return location.model_copy(update={"file": relative_file(location.file, directory)})


def relative_problem(problem: ProblemOut, directory: Path) -> ProblemOut:
    if problem.location is None:
        return problem
    return problem.model_copy(update={"location": relative_location(problem.location, directory)})
