"""`advisor diff`: what a rule edit changes for real countries, as a pull-request comment.

The working rule set (`--rules`, default `rules`) and a base rule set (`--base`:
a directory, or a git revision of the repository holding `--rules`) each
evaluate the same profiles (`--profiles`, default `examples/profiles`). For
every profile the report lists each measure whose outcome differs (added,
removed, withheld, no longer withheld, priority raised or lowered, safeguards
changed) with the rules responsible: those whose action on the measure differs
between the two runs, because the rule fires in one and not the other, or its
recommendation changed. Rules that fire differently without changing any
measure are listed too, since the reasons a decision gives have changed.

Exit codes: 0, or 1 with `--fail-on-change` when anything changed; 2 when the
input is wrong (a revision or directory that is not there, rule files with
problems, a profile neither rule set accepts).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from advisor.decide import Advisor
from advisor.decision.model import Decision
from advisor.errors import AdvisorError, ProfileError, RuleSetError
from advisor.hints import display_path
from advisor.language.models import Priority
from advisor.language.profile import PROFILE_SUFFIXES, read_profile
from advisor.language.ruleset import Rule, RuleSet

__all__ = [
    "Base",
    "DiffInputError",
    "MeasureChange",
    "ProfileImpact",
    "add_diff_parser",
    "base_rules",
    "compare",
    "render_markdown",
    "run_diff",
]

EXIT_CHANGED, EXIT_INPUT = 1, 2
NOT_RECOMMENDED = "not recommended"
WITHHELD = "withheld"


class DiffInputError(AdvisorError):
    """The command line names something that cannot be compared; the message says what."""


# --------------------------------------------------------------------------- the base rule set


@dataclass(frozen=True)
class Base:
    """The rule set before the change: where it is, and how the report names it."""

    directory: Path
    label: str
    #: a git revision's rules are a temporary copy: problems name them "REF:path" instead
    copy_of: tuple[str, str] | None = None

    def load(self) -> Advisor:
        try:
            return Advisor.from_directory(self.directory)
        except AdvisorError as exc:
            text = _lines(exc)
            if self.copy_of is not None:
                text = [line.replace(*self.copy_of, 1) for line in text]
            raise DiffInputError(_problems(text, f"before the change, {self.label}")) from None


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


# --------------------------------------------------------------------------- comparing


@dataclass(frozen=True)
class MeasureChange:
    """One measure whose outcome differs; `before`/`after` read like table cells."""

    measure: str
    kind: str  # added, removed, withheld, no longer withheld, priority raised/lowered, safeguards
    before: str
    after: str
    rules: tuple[str, ...]  # "`rule` now fires: recommends critical", ...


@dataclass
class ProfileImpact:
    name: str  # file name
    title: str  # country (period)
    changes: list[MeasureChange] = field(default_factory=list)
    #: rules that fire in one run only without changing a listed measure
    rules_only: list[str] = field(default_factory=list)
    #: rules that become, or stop being, undetermined for lack of data
    undetermined: list[str] = field(default_factory=list)
    #: a profile that one of the rule sets refuses: which, and why
    refused: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.changes or self.rules_only or self.undetermined or self.refused)


def _state(decision: Decision) -> dict[str, str]:
    state = {r.measure: r.priority.value for r in decision.recommendations}
    state.update({w.measure: WITHHELD for w in decision.withheld})
    return state


def _guards(decision: Decision) -> dict[str, list[str]]:
    return {r.measure: sorted({s.rule for s in r.safeguards}) for r in decision.recommendations}


def _kind(before: str, after: str) -> str:
    if after == WITHHELD:
        return "withheld"
    if before == WITHHELD:
        return "no longer withheld"
    if before == NOT_RECOMMENDED:
        return "added"
    if after == NOT_RECOMMENDED:
        return "removed"
    if before != after:
        raised = Priority(after).rank > Priority(before).rank
        return "priority raised" if raised else "priority lowered"
    return "safeguards"


def _actions(rule: Rule | None, measure: str, past: bool = False) -> str:
    """What a rule does (or, `past`, did) to a measure, in words ("" when nothing)."""
    if rule is None:
        return ""
    spec = rule.spec
    verbs = (
        ("recommended", "withheld it", "attached a safeguard")
        if past
        else ("recommends", "withholds it", "attaches a safeguard")
    )
    words = [f"{verbs[0]} {a.priority.value}" for a in spec.recommend if a.measure == measure]
    words += [verbs[1] for a in spec.withhold if a.measure == measure]
    words += [verbs[2] for a in spec.safeguard if a.measure == measure]
    return ", ".join(words)


@dataclass
class _Run:
    ruleset: RuleSet
    decision: Decision

    def acts(self, rule_id: str, measure: str, past: bool = False) -> str:
        """What the rule did to the measure in this run: its action if it fired."""
        if rule_id not in self.decision.fired:
            return ""
        return _actions(self.ruleset.rules.get(rule_id), measure, past)


def _responsible(before: _Run, after: _Run, measure: str) -> list[tuple[str, str]]:
    """(rule, note) for each rule whose action on the measure differs between the runs."""
    notes = []
    for rule_id in sorted({*before.ruleset.rules, *after.ruleset.rules}):
        was, now = before.acts(rule_id, measure), after.acts(rule_id, measure)
        if was == now:
            continue
        did = before.acts(rule_id, measure, past=True)
        if rule_id not in before.ruleset.rules:
            note = f"new rule; {now}"
        elif rule_id not in after.ruleset.rules:
            note = f"rule removed ({did})"
        elif rule_id not in before.decision.fired:
            note = f"now fires ({now})"
        elif rule_id not in after.decision.fired:
            note = f"no longer fires ({did})"
        else:
            note = f"{now or 'no longer acts on it'} (was: {was or 'nothing'})"
        notes.append((rule_id, note))
    return notes


def _compare_decisions(before: _Run, after: _Run) -> tuple[list[MeasureChange], list[str]]:
    """The measures whose outcome differs, and rules that fire differently for no measure."""
    state_before, state_after = _state(before.decision), _state(after.decision)
    guards_before, guards_after = _guards(before.decision), _guards(after.decision)
    changes: list[MeasureChange] = []
    blamed: set[str] = set()
    for measure in sorted({*state_before, *state_after}):
        was = state_before.get(measure, NOT_RECOMMENDED)
        now = state_after.get(measure, NOT_RECOMMENDED)
        guarded_was, guarded_now = guards_before.get(measure, []), guards_after.get(measure, [])
        if was == now and guarded_was == guarded_now:
            continue
        show_guards = guarded_was != guarded_now  # withheld cells leave them out
        notes = _responsible(before, after, measure)
        blamed |= {rule for rule, _ in notes}
        changes.append(
            MeasureChange(
                measure,
                _kind(was, now),
                _cell(was, guarded_was, show_guards),
                _cell(now, guarded_now, show_guards),
                tuple(f"`{rule}` {note}" for rule, note in notes),
            )
        )
    fired_before, fired_after = set(before.decision.fired), set(after.decision.fired)
    rules_only = [
        f"`{rule}` now fires" if rule in fired_after else f"`{rule}` no longer fires"
        for rule in sorted(fired_before ^ fired_after)
        if rule not in blamed
    ]
    return changes, rules_only


def _compare_gaps(before: Decision, after: Decision) -> list[str]:
    """Rules that an edit leaves undetermined for lack of data, or settles."""
    was = {u.rule: u.missing for u in before.undetermined}
    now = {u.rule: u.missing for u in after.undetermined}
    notes = []
    for rule in sorted(was.keys() | now.keys()):
        if rule not in now:
            notes.append(f"`{rule}` is no longer undetermined")
        elif was.get(rule) != now[rule]:
            missing = ", ".join(f"`{i}`" for i in now[rule])
            notes.append(f"`{rule}` is now undetermined for lack of {missing}")
    return notes


def _cell(state: str, guards: list[str], show_guards: bool) -> str:
    if not show_guards or state in (NOT_RECOMMENDED, WITHHELD):
        return state
    listed = ", ".join(f"`{g}`" for g in guards) or "none"
    return f"{state}; safeguards from {listed}"


def profile_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise DiffInputError(f"{display_path(directory)}: profile directory not found")
    found = sorted(p for p in directory.iterdir() if p.suffix.lower() in PROFILE_SUFFIXES)
    if not found:
        raise DiffInputError(f"{display_path(directory)}: no profiles (*.yaml, *.json) here")
    return found


def compare(base: Advisor, head: Advisor, profiles: list[Path]) -> list[ProfileImpact]:
    """Each profile evaluated under both rule sets, and what differs."""
    impacts = []
    for path in profiles:
        outcomes: list[Decision | ProfileError] = []
        for advisor in (base, head):
            try:
                outcomes.append(advisor.evaluate(advisor.observe(read_profile(path), path.name)))
            except ProfileError as exc:
                outcomes.append(exc)
        decisions = [o for o in outcomes if isinstance(o, Decision)]
        refusals = [
            (side, o)
            for side, o in zip(("before", "after"), outcomes, strict=True)
            if isinstance(o, ProfileError)
        ]
        if not decisions:
            raise DiffInputError(
                f"{display_path(path)}: refused by both rule sets:\n"
                + "\n".join(f"  {p}" for p in refusals[-1][1].problems)
            )
        impact = ProfileImpact(path.name, _title(decisions[0]))
        if refusals:
            side, error = refusals[0]
            problems = "; ".join(str(p) for p in error.problems)
            impact.refused = f"refused by the rule set {side} the change: {problems}"
        else:
            was, now = decisions
            impact.changes, impact.rules_only = _compare_decisions(
                _Run(base.ruleset, was), _Run(head.ruleset, now)
            )
            impact.undetermined = _compare_gaps(was, now)
        impacts.append(impact)
    return impacts


def _title(decision: Decision) -> str:
    return f"{decision.country} ({decision.period})" if decision.period else decision.country


# --------------------------------------------------------------------------- rule set changes


def ruleset_changes(before: RuleSet, after: RuleSet) -> list[str]:
    """Catalogue entries, signals and rules added, removed or changed (with the fields)."""
    notes = []
    parts = (
        ("indicator", before.indicators, after.indicators),
        ("measure", before.measures, after.measures),
        (
            "signal",
            {k: s.spec for k, s in before.signals.items()},
            {k: s.spec for k, s in after.signals.items()},
        ),
        (
            "rule",
            {k: r.spec for k, r in before.rules.items()},
            {k: r.spec for k, r in after.rules.items()},
        ),
    )
    for kind, old, new in parts:
        for item in sorted({*old, *new}):
            if item not in old:
                notes.append(f"added {kind} `{item}`")
            elif item not in new:
                notes.append(f"removed {kind} `{item}`")
            else:
                was, now = old[item].model_dump(), new[item].model_dump()
                fields = [name for name in now if was.get(name) != now[name]]
                if fields:
                    notes.append(f"changed {kind} `{item}` ({', '.join(fields)})")
    return notes


# --------------------------------------------------------------------------- markdown


def render_markdown(
    impacts: list[ProfileImpact],
    changes: list[str],
    base_label: str,
    head_label: str,
    profiles_label: str,
) -> str:
    changed = [i for i in impacts if i.changed]
    lines = [
        f"## Rule change impact: {len(changed)} of {len(impacts)} profiles change",
        "",
        f"Before: {base_label}. After: {head_label}. Profiles: `{profiles_label}`.",
        "",
        "Rule set: " + ("; ".join(changes) if changes else "no change in meaning") + ".",
    ]
    for impact in changed:
        lines += ["", f"### {impact.title}: `{impact.name}`", ""]
        if impact.refused:
            lines.append(f"The profile is {impact.refused}.")
            continue
        if impact.changes:
            lines += [
                "| Measure | Change | Before | After | Rules responsible |",
                "|---|---|---|---|---|",
            ]
            for change in impact.changes:
                rules = "<br>".join(change.rules) or "none"
                lines.append(
                    f"| `{change.measure}` | {change.kind} | {change.before} | {change.after} "
                    f"| {rules} |"
                )
        if impact.rules_only:
            if impact.changes:
                lines.append("")
            lines.append(
                "Rules that fire differently without changing a measure: "
                + ", ".join(impact.rules_only)
                + "."
            )
        if impact.undetermined:
            if impact.changes or impact.rules_only:
                lines.append("")
            lines.append("Missing data: " + "; ".join(impact.undetermined) + ".")
    unchanged = [i.name for i in impacts if not i.changed]
    if unchanged:
        lines += ["", "No change: " + ", ".join(f"`{name}`" for name in unchanged) + "."]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- command line


def add_diff_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    diff = commands.add_parser(
        "diff",
        help="what a rule edit changes: evaluate profiles under a base and the current rule set",
    )
    diff.add_argument(
        "--base",
        required=True,
        metavar="REF",
        help="a directory holding the other rule set, or a git revision (main, HEAD~1, a tag) "
        "of the repository holding --rules",
    )
    diff.add_argument(
        "--rules",
        type=Path,
        default=Path("rules"),
        metavar="DIR",
        help="the changed rule directory, and its path at the base revision (default: rules)",
    )
    diff.add_argument(
        "--profiles",
        type=Path,
        default=Path("examples/profiles"),
        metavar="DIR",
        help="profiles to evaluate under both (default: examples/profiles)",
    )
    diff.add_argument(
        "--fail-on-change",
        action="store_true",
        help="exit 1 when any profile's decision changes (for CI)",
    )


def run_diff(args: argparse.Namespace) -> int:
    rules: Path = args.rules
    try:
        profiles = profile_files(args.profiles)
        with base_rules(args.base, rules) as before:
            base = before.load()
        try:
            head = _head(rules)
            try:
                impacts = compare(base, head, profiles)
                changes = ruleset_changes(base.ruleset, head.ruleset)
            finally:
                head.close()
        finally:
            base.close()
    except DiffInputError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INPUT
    sys.stdout.write(
        render_markdown(
            impacts,
            changes,
            before.label,
            f"`{display_path(rules)}`",
            display_path(args.profiles),
        )
    )
    changed = any(i.changed for i in impacts)
    return EXIT_CHANGED if changed and args.fail_on_change else 0


def _head(rules: Path) -> Advisor:
    try:
        return Advisor.from_directory(rules)
    except AdvisorError as exc:
        text = _lines(exc)
        raise DiffInputError(
            _problems(text, f"after the change, `{display_path(rules)}`")
        ) from None


def _lines(error: AdvisorError) -> list[str]:
    if isinstance(error, RuleSetError):
        return [str(p) for p in error.problems]
    return [f"the engine refused the rule set: {error}"]


def _problems(lines: list[str], name: str) -> str:
    return "\n".join([*lines, f"{len(lines)} problem(s) in the rule files {name}"])
