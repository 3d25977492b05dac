"""How the command line tells the user what went wrong, on standard error, written once.

Rule-file problems read `file:line:col: message (suggestion)`, one a line (a
warning `file:line:col: warning: message`), then a count; a refused profile
names its source, then each problem indented; an engine failure asks to be
reported. Tests and editors' problem matchers read this text.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from advisor.errors import EngineError, Problem, ProfileError, RuleSetError
from advisor.exit_codes import ExitCode

__all__ = [
    "engine_failure",
    "fail",
    "loading_failure",
    "problem_text",
    "profile_refused",
    "rule_problems",
    "rule_warnings",
]


def problem_text(problems: Iterable[object], where: str = "") -> str:
    """Problems one a line, then how many, e.g. "2 problem(s) and 1 warning(s) in the rule
    files{where}"; the errors are counted as problems, the warnings apart."""
    items = list(problems)
    warnings = sum(isinstance(p, Problem) and not p.is_error for p in items)
    errors = len(items) - warnings
    counts = [f"{errors} problem(s)"] if errors or not warnings else []
    counts += [f"{warnings} warning(s)"] if warnings else []
    total = " and ".join(counts)
    return "\n".join([*(str(p) for p in items), f"{total} in the rule files{where}"])


def fail(message: object, code: ExitCode) -> ExitCode:
    """Say what went wrong; the exit code to return."""
    print(message, file=sys.stderr)
    return code


def rule_problems(problems: Iterable[object]) -> ExitCode:
    """Every problem of the rule files, then the count."""
    return fail(problem_text(problems), ExitCode.PROBLEMS)


def rule_warnings(problems: Iterable[Problem], strict: bool = False) -> ExitCode:
    """Warnings alone: printed like problems; they fail only under `--strict`."""
    listed = list(problems)
    if not listed:
        return ExitCode.SUCCESS
    if strict:
        return fail(problem_text(listed) + " (--strict: warnings fail)", ExitCode.PROBLEMS)
    print(problem_text(listed), file=sys.stderr)
    return ExitCode.SUCCESS


def profile_refused(error: ProfileError) -> ExitCode:
    lines = [f"{error.source}: the profile was refused:"]
    lines += [f"  {problem}" for problem in error.problems]
    return fail("\n".join(lines), ExitCode.USAGE)


def engine_failure(error: EngineError) -> ExitCode:
    return fail(f"internal engine error (please report it): {error}", ExitCode.INTERNAL)


def loading_failure(error: RuleSetError | EngineError) -> ExitCode:
    """Rule files that could not be loaded: their problems, or the engine's failure."""
    if isinstance(error, RuleSetError):
        return rule_problems(error.problems)
    return engine_failure(error)
