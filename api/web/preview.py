"""A rule edit, previewed: validated and compared on the example profiles, never saved.

The serving rule files are copied to a temporary directory, the edited file is
written there, and the copy is checked as `advisor validate` checks a rule directory.
If it loads, the example profiles are evaluated under the serving rule set and under
the edited one, and compared as `advisor diff` compares them. Nothing is written to
the rule directory and nothing is recorded in the decision log.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from advisor import Advisor, AdvisorError, Problem, ProfileError, RuleSetError, check_ruleset
from advisor.analysis.impact import DiffInputError, compare, ruleset_changes
from advisor.analysis.impact_report import render_markdown

from ..errors import ApiError, LocationOut, ProblemOut, problem_out
from ..holder import ServingRuleSet
from .wire import PreviewOut, RuleEdit, impact_out
from .workspace import Workspace

__all__ = ["preview"]


def preview(serving: ServingRuleSet, workspace: Workspace, edit: RuleEdit) -> PreviewOut:
    """What the edit would change, or (`valid` false) every problem that stops it loading."""
    with tempfile.TemporaryDirectory(prefix="advisor-preview-") as temporary:
        copy = Path(temporary) / "rules"
        shutil.copytree(
            serving.directory, copy, ignore=shutil.ignore_patterns(".*"), symlinks=False
        )
        before = serving.content_hash
        unwritable = _write(copy / edit.file, edit)
        if unwritable is not None:
            return PreviewOut(valid=False, before=before, problems=[unwritable])
        problems, ruleset = check_ruleset(copy)
        found = [_located(p, copy) for p in problems]
        if ruleset is None:
            return PreviewOut(valid=False, before=before, problems=found)
        try:
            edited = Advisor(ruleset)
        except RuleSetError as exc:
            found = [_located(p, copy) for p in exc.problems]
            return PreviewOut(valid=False, before=before, problems=found)
        except AdvisorError as exc:
            message = f"the engine refused the edited rule set: {exc}"
            refused = ProblemOut(path="text", message=message, code="engine")
            return PreviewOut(valid=False, before=before, problems=[refused])
        try:
            return _compare(serving, workspace, edited, edit, found)
        finally:
            edited.close()


def _write(target: Path, edit: RuleEdit) -> ProblemOut | None:
    """The edited file, written into the copy; the problem if it cannot be written there
    (a folder in the way, text no file can hold)."""
    try:
        if target.is_dir():
            raise IsADirectoryError(21, "a folder of the rule directory has this name")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(edit.text, encoding="utf-8")
    except (OSError, UnicodeEncodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        field = "text" if isinstance(exc, UnicodeEncodeError) else "file"
        message = f"{edit.file} cannot be written as a rule file: {reason}"
        return ProblemOut(path=field, message=message, code="unwritable")
    return None


def _compare(
    serving: ServingRuleSet,
    workspace: Workspace,
    edited: Advisor,
    edit: RuleEdit,
    warnings: list[ProblemOut],
) -> PreviewOut:
    base = serving.advisor
    paths = []
    for example, profile in workspace.readable_examples():
        try:
            base.observe(profile)
        except ProfileError:
            continue  # the serving rule set refuses it already: nothing to compare
        paths.append(example.path)
    try:
        impacts = compare(base, edited, paths)
    except DiffInputError as exc:  # pragma: no cover - every profile passed the base's check
        raise ApiError(422, "invalid-rule-edit", str(exc), []) from None
    changes = ruleset_changes(base.ruleset, edited.ruleset)
    markdown = render_markdown(
        impacts,
        changes,
        "the rule set being served",
        f"`{edit.file}` as edited",
        "examples/profiles",
    )
    return PreviewOut(
        valid=True,
        before=base.ruleset.content_hash,
        after=edited.ruleset.content_hash,
        problems=warnings,
        ruleset_changes=changes,
        impacts=[impact_out(i, Path(i.name).stem) for i in impacts],
        markdown=markdown,
    )


def _located(problem: Problem, copy: Path) -> ProblemOut:
    """The problem with its file named inside the rule directory (`borders.yaml`)."""
    out = problem_out(problem)
    where = out.location
    if where is not None:
        try:
            file = Path(where.file).resolve().relative_to(copy.resolve()).as_posix()
        except ValueError:
            file = where.file
        where = LocationOut(file=file, line=where.line, column=where.column)
    message = f"warning: {out.message}" if not problem.is_error else out.message
    return out.model_copy(update={"location": where, "message": message})
