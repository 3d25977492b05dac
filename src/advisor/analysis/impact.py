"""The impact of a rule edit: the same profiles evaluated under the rule set before and after.

For every profile, each measure whose outcome differs (added, removed,
withheld, no longer withheld, priority raised or lowered, safeguards changed)
with the rules responsible: those whose action on the measure differs between
the two runs, because the rule fires in one and not the other, or its
recommendation changed. Rules that fire differently without changing any
measure are listed too, since the reasons a decision gives have changed.

`baseline` finds the rule set before the edit, `impact_report` writes the
markdown, and `advisor diff` (`advisor.cli.diff`) puts them together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from advisor.decision.document import Decision
from advisor.decision.policy import ActionKind, rule_actions
from advisor.errors import AdvisorError, ProfileError
from advisor.hints import display_path
from advisor.language.models import Priority, SituationProfile
from advisor.language.profile import PROFILE_SUFFIXES, Observations, read_profile
from advisor.language.ruleset import Rule, RuleSet

__all__ = [
    "DiffInputError",
    "Evaluator",
    "MeasureChange",
    "ProfileImpact",
    "compare",
    "compare_decisions",
    "profile_files",
    "ruleset_changes",
]

NOT_RECOMMENDED = "not recommended"
WITHHELD = "withheld"


class DiffInputError(AdvisorError):
    """The command line names something that cannot be compared; the message says what."""


class Evaluator(Protocol):
    """What comparing needs of a rule set: an `advisor.Advisor` is one."""

    @property
    def ruleset(self) -> RuleSet: ...

    def observe(self, profile: SituationProfile, source: str) -> Observations: ...

    def evaluate(self, profile: Observations) -> Decision: ...


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
    """Per recommended measure, its safeguards (a provisional one marked so: turning
    provisional is a change) and the rules that may withhold it."""
    return {
        r.measure: sorted(
            {s.rule if s.status == "applied" else f"{s.rule} (provisional)" for s in r.safeguards}
            | {f"{m.rule} (may withhold)" for m in r.possibly_withheld_by}
        )
        for r in decision.recommendations
    }


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


_VERBS = {
    ActionKind.RECOMMEND: ("recommends", "recommended"),
    ActionKind.WITHHOLD: ("withholds it", "withheld it"),
    ActionKind.SAFEGUARD: ("attaches a safeguard", "attached a safeguard"),
}


def _actions(rule: Rule | None, measure: str, past: bool = False) -> str:
    """What a rule does (or, `past`, did) to a measure, in words ("" when nothing)."""
    if rule is None:
        return ""
    words = []
    for action in rule_actions(rule):
        if action.measure == measure:
            verb = _VERBS[action.kind][past]
            words.append(f"{verb} {action.priority.value}" if action.priority else verb)
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
    was = {rule: before.rules[rule].missing for rule in before.undetermined}
    now = {rule: after.rules[rule].missing for rule in after.undetermined}
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
    listed = ", ".join(f"`{g}`" for g in guards) or "none"  # `rule (provisional)` as one
    return f"{state}; safeguards from {listed}"


def profile_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise DiffInputError(f"{display_path(directory)}: profile directory not found")
    found = sorted(p for p in directory.iterdir() if p.suffix.lower() in PROFILE_SUFFIXES)
    if not found:
        raise DiffInputError(f"{display_path(directory)}: no profiles (*.yaml, *.json) here")
    return found


def compare(base: Evaluator, head: Evaluator, profiles: list[Path]) -> list[ProfileImpact]:
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
        if refusals:
            impact = ProfileImpact(path.name, _title(decisions[0]))
            side, error = refusals[0]
            problems = "; ".join(str(p) for p in error.problems)
            impact.refused = f"refused by the rule set {side} the change: {problems}"
        else:
            was, now = decisions
            impact = compare_decisions(path.name, base.ruleset, was, head.ruleset, now)
        impacts.append(impact)
    return impacts


def compare_decisions(
    name: str, base: RuleSet, was: Decision, head: RuleSet, now: Decision
) -> ProfileImpact:
    """What differs between two decisions, `was` made with `base` and `now` with `head`.

    The profiles may differ too (a what-if, or two countries under one rule set): the rules
    responsible are then those whose action on a measure differs between the two runs.
    """
    impact = ProfileImpact(name, _title(now))
    impact.changes, impact.rules_only = _compare_decisions(_Run(base, was), _Run(head, now))
    impact.undetermined = _compare_gaps(was, now)
    return impact


def _title(decision: Decision) -> str:
    return f"{decision.country} ({decision.period})" if decision.period else decision.country


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
