"""The decision policy: what each rule does to measures, and what the rules that fire decide.

The one place that says it; the decision, sensitivity, the rule documentation, the rule
map and the impact report all ask here. The policy:

- a measure is **recommended** when a firing rule recommends it, at the highest priority
  (`Priority.rank`) any firing rule gives it;
- a firing rule that **withholds** a measure wins over every recommendation of it; the
  recommending rules it overrides are kept, to be shown;
- a **safeguard** is attached to a recommended measure when the rule stating it fires
  (a withheld or unrecommended measure has nothing to attach it to).

Missing data is not false. A rule the profile's values cannot decide (undetermined) acts
provisionally on a measure that firing rules recommend:

- its safeguard is attached as **provisional**: the conditionality stays in view;
- its withholding does not apply but is shown (**possibly withheld**), unless the rule is
  `precautionary`: then it withholds while undetermined, as a precaution.

An undetermined rule never recommends, and never withholds a measure nobody recommends.

`rule_actions(rule)` lists what one rule does. `PolicyIndex(ruleset)` indexes that once
per rule set, by rule and by measure, and resolves fired rules (`resolve`,
`final_priority`); build it once and keep it (the `Advisor` does): building it touches
every rule. Typical questions:

    policy.of(rule_id)                          # a rule's edges to measures, in file order
    policy.of(rule_id, measure)                 # what one rule does to one measure
    policy.on(measure, ActionKind.RECOMMEND)    # who recommends a measure (and at what)
    policy.acting_rules(measure)                # whose firing decides its outcome
    policy.resolve(fired).recommended           # what the firing rules decide
    policy.final_priority(measure, fired)       # ... for one measure; None: not recommended
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NamedTuple

from advisor.language.models import Priority
from advisor.language.ruleset import Rule, RuleSet

__all__ = [
    "Action",
    "ActionKind",
    "PolicyIndex",
    "Recommended",
    "Resolution",
    "Withheld",
    "rule_actions",
]


class ActionKind(StrEnum):
    """What a rule does to a measure; the values are the rule-file keys."""

    RECOMMEND = "recommend"
    WITHHOLD = "withhold"
    SAFEGUARD = "safeguard"


@dataclass(frozen=True, eq=False, slots=True)
class Action:
    """One thing one rule does to one measure (a rule names a measure once per kind)."""

    rule: Rule
    kind: ActionKind
    measure: str
    #: RECOMMEND: how urgently; None for the other kinds
    priority: Priority | None = None
    #: WITHHOLD: why, as the decision states it ("" when the rule gives none)
    reason: str = ""
    #: SAFEGUARD: what must accompany the measure
    requires: str = ""
    #: how recommendations sort: highest priority first, then by rule id
    order: tuple[int, str] = field(init=False)
    #: RECOMMEND: the decision's JSON reference to it, `{"rule", "priority"}`, built once
    #: and shared by every decision that cites it (read-only, as decision content is)
    ref: Mapping[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        rank = -self.priority.rank if self.priority is not None else 0
        object.__setattr__(self, "order", (rank, self.rule.id))
        object.__setattr__(self, "ref", {"rule": self.rule.id, "priority": self.priority})


def rule_actions(rule: Rule) -> tuple[Action, ...]:
    """Everything the rule does: its recommends, then withholds, then safeguards, each in
    file order. Prefer `PolicyIndex.of`, which builds this once per rule."""
    spec = rule.spec
    recommends = [
        Action(rule, ActionKind.RECOMMEND, a.measure, priority=a.priority) for a in spec.recommend
    ]
    withholds = [
        Action(rule, ActionKind.WITHHOLD, a.measure, reason=a.reason) for a in spec.withhold
    ]
    guards = [
        Action(rule, ActionKind.SAFEGUARD, a.measure, requires=a.requires) for a in spec.safeguard
    ]
    return (*recommends, *withholds, *guards)


class Recommended(NamedTuple):
    """A measure the fired rules recommend and no fired rule withholds."""

    measure: str
    #: the highest priority any firing rule gives it
    priority: Priority
    #: the recommending actions: highest priority first, then by rule id
    by: tuple[Action, ...]
    #: the safeguards of firing rules on the measure, by rule id
    safeguards: tuple[Action, ...]
    #: the safeguards of undetermined rules on the measure, by rule id
    provisional: tuple[Action, ...] = ()
    #: withholdings of undetermined, not precautionary, rules, by rule id
    possibly_withheld_by: tuple[Action, ...] = ()


class Withheld(NamedTuple):
    """A measure some fired rule withholds, whether or not another recommends it."""

    measure: str
    #: the withholding actions, by rule id
    by: tuple[Action, ...]
    #: the recommending actions of fired rules that the withholding overrides, by rule id
    overridden: tuple[Action, ...]
    #: withholdings by undetermined precautionary rules, by rule id
    precautionary: tuple[Action, ...] = ()


class Resolution(NamedTuple):
    """What a set of fired rules decides."""

    #: highest priority first, then by measure id
    recommended: tuple[Recommended, ...]
    #: by measure id
    withheld: tuple[Withheld, ...]


class PolicyIndex:
    """Every rule's actions by rule and by measure, for one rule set; immutable, shareable.

    Rules are taken in rule-id order (the rule set's order), so every tuple it returns
    is in a stable order. Methods given fired rules expect rules of this rule set.
    """

    def __init__(self, ruleset: RuleSet) -> None:
        by_rule: dict[str, tuple[Action, ...]] = {}
        by_measure: dict[str, list[Action]] = defaultdict(list)
        for rule_id, rule in ruleset.rules.items():
            by_rule[rule_id] = rule_actions(rule)
            for action in by_rule[rule_id]:
                by_measure[action.measure].append(action)
        self._by_rule: Mapping[str, tuple[Action, ...]] = MappingProxyType(by_rule)
        #: per rule, its recommend, withhold and safeguard actions: gathered per evaluation
        self._split: dict[str, tuple[tuple[Action, ...], tuple[Action, ...], tuple[Action, ...]]]
        self._split = {
            rule_id: (
                tuple(a for a in actions if a.kind is ActionKind.RECOMMEND),
                tuple(a for a in actions if a.kind is ActionKind.WITHHOLD),
                tuple(a for a in actions if a.kind is ActionKind.SAFEGUARD),
            )
            for rule_id, actions in by_rule.items()
        }
        self._by_measure: Mapping[str, tuple[Action, ...]] = MappingProxyType(
            {measure: tuple(actions) for measure, actions in by_measure.items()}
        )
        self._acting = MappingProxyType(
            {measure: _deciding(actions) for measure, actions in self._by_measure.items()}
        )

    def of(self, rule_id: str, measure: str | None = None) -> tuple[Action, ...]:
        """What the rule does (to `measure` only, if given): recommends, then withholds,
        then safeguards, each in file order. KeyError for a rule not in the rule set."""
        actions = self._by_rule[rule_id]
        return actions if measure is None else tuple(a for a in actions if a.measure == measure)

    def on(self, measure: str, *kinds: ActionKind) -> tuple[Action, ...]:
        """Every rule's actions on the measure (only `kinds`, if given), by rule id."""
        actions = self._by_measure.get(measure, ())
        return tuple(a for a in actions if a.kind in kinds) if kinds else actions

    def acting_rules(self, measure: str) -> tuple[Rule, ...]:
        """The rules whose firing decides whether and how urgently the measure is
        recommended: those that recommend or withhold it (a safeguard only annotates)."""
        return self._acting.get(measure, ())

    def measures_of(self, rule_id: str) -> list[str]:
        """The ids of the measures the rule acts on in any way, sorted."""
        return sorted({action.measure for action in self._by_rule[rule_id]})

    def resolve(self, fired: Iterable[Rule], undetermined: Iterable[Rule] = ()) -> Resolution:
        """What these fired rules decide (merged priority, safeguards, withholding), with the
        undetermined rules acting provisionally (see the module's docstring)."""
        # In rule-id order, every list gathered below is in rule-id order: no sort needed.
        recommending, withholding, guarding = self._gather(sorted(fired, key=_RULE_ID))
        _, maybe_withholding, maybe_guarding = self._gather(sorted(undetermined, key=_RULE_ID))
        cautious: dict[str, list[Action]] = defaultdict(list)
        for measure, actions in maybe_withholding.items():
            for action in actions:
                if action.rule.spec.precautionary and measure in recommending:
                    cautious[measure].append(action)
        recommended = []
        for measure, actions in recommending.items():
            if measure in withholding or measure in cautious:
                continue
            # the first has the merged priority; a rule recommends a measure once
            by = sorted(actions, key=_order) if len(actions) > 1 else actions
            recommended.append(
                Recommended(
                    measure,
                    _priority(by[0]),
                    tuple(by),
                    tuple(guarding.get(measure, ())),
                    tuple(maybe_guarding.get(measure, ())),
                    tuple(maybe_withholding.get(measure, ())),
                )
            )
        recommended.sort(key=lambda r: (-r.priority.rank, r.measure))
        withheld = tuple(
            Withheld(
                measure,
                tuple(withholding.get(measure, ())),
                tuple(recommending.get(measure, ())),
                tuple(cautious.get(measure, ())),
            )
            for measure in sorted(withholding.keys() | cautious.keys())
        )
        return Resolution(tuple(recommended), withheld)

    def _gather(self, rules: Iterable[Rule]) -> tuple[dict[str, list[Action]], ...]:
        """The rules' recommend, withhold and safeguard actions, each by measure."""
        recommending: dict[str, list[Action]] = defaultdict(list)
        withholding: dict[str, list[Action]] = defaultdict(list)
        guarding: dict[str, list[Action]] = defaultdict(list)
        split = self._split
        for rule in rules:
            recommends, withholds, guards = split[rule.id]
            for action in recommends:
                recommending[action.measure].append(action)
            for action in withholds:
                withholding[action.measure].append(action)
            for action in guards:
                guarding[action.measure].append(action)
        return recommending, withholding, guarding

    def final_priority(self, measure: str, fired: Iterable[Rule]) -> Priority | None:
        """The measure's priority when these rules fire; None if withheld or not recommended."""
        priorities: list[Priority] = []
        for rule in fired:
            for action in self._by_rule[rule.id]:
                if action.measure != measure:
                    continue
                if action.kind is ActionKind.WITHHOLD:
                    return None
                if action.priority is not None:
                    priorities.append(action.priority)
        return max(priorities, key=lambda p: p.rank) if priorities else None


def _deciding(actions: Iterable[Action]) -> tuple[Rule, ...]:
    rules = {a.rule.id: a.rule for a in actions if a.kind is not ActionKind.SAFEGUARD}
    return tuple(rules.values())


def _priority(action: Action) -> Priority:
    assert action.priority is not None, "a recommend action has a priority"
    return action.priority


_order = operator.attrgetter("order")  # C-level: sorting is per evaluation


_RULE_ID = operator.attrgetter("id")  # C-level: sorting is per evaluation
