"""Compile a rule set and pack it into durable_rules rulesets that stay inside the core's limits.

* A profile becomes facts ``{"t": "g<k>", "a": ..., "b": ...}``: one short
  attribute per value the rules read (letters, ``a`` to ``Z``, then pairs), so
  names are cheap to parse, hash and copy, and never collide (checked below
  with the engine's own FNV-1a hash). The rules of a ruleset are split into
  *groups*, each matching its own copy of the profile fact (tag ``g<k>``), so
  that no fact can overflow the alpha stack; all groups share one session, so
  one evaluation is one session per ruleset whatever the number of groups.
* Limits of the C core that packing keeps every ruleset inside (see
  docs/durable-rules.md, `limits` and `alpha_network`): the alpha stack of 64
  entries per fact (`STACK_BUDGET`, a bound computed on a model of the network
  the core builds, not guessed), 32 expressions per pattern, 255 properties
  per fact, 16 patterns per rule, 256 rules per alpha node, 4,096 actions per
  ruleset. A rule set is packed into rulesets of about
  `limits.ACTIONS_PER_RULESET` durable rules, since the core's cost of starting
  each fired action grows with the actions of its ruleset; each carries the
  signals its rules need (`chaining`), so chaining stays inside the engine.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator, Mapping, Sequence

from advisor.engine import limits
from advisor.engine.alpha_network import AlphaNetwork
from advisor.engine.chaining import Key, negated_signals, signal_needs
from advisor.engine.formulas import (
    DurableRule,
    Json,
    Sig,
    TooComplex,
    Translator,
    compile_condition,
)
from advisor.engine.plan import (
    SENTINEL,
    Action,
    CompiledRuleset,
    EnginePlan,
    FactGroup,
    engine_json,
    fnv1a_32,
)
from advisor.errors import Location, Problem, RuleSetError
from advisor.language.ruleset import RuleSet

__all__ = ["compile_plan"]


def compile_plan(ruleset: RuleSet) -> EnginePlan:
    """Compile every signal and rule; raises `RuleSetError` for what the engine cannot hold."""
    slots = _attribute_names([o.key for o in ruleset.operands()])
    numbers = {sid: index for index, sid in enumerate(ruleset.signals)}
    negated = negated_signals(ruleset)
    compiled = _compile_conditions(ruleset, Translator(slots, numbers), negated)
    locations = {("signal", sid): signal.location for sid, signal in ruleset.signals.items()}
    locations.update({("rule", rule_id): rule.location for rule_id, rule in ruleset.rules.items()})
    built: list[CompiledRuleset] = []
    problems: list[Problem] = []
    for batch in _batches(ruleset, compiled, signal_needs(ruleset, negated)):
        try:
            built.append(_ruleset([rule for key in batch for rule in compiled[key]], slots))
        except TooComplex as exc:
            problems.append(
                Problem(
                    locations.get(exc.key or ("", ""), Location("rules")),
                    str(exc),
                    "too-complex",
                    "split the condition, or move parts of it into signals",
                )
            )
    if problems:
        raise RuleSetError(problems)
    return EnginePlan(tuple(built), numbers)


def _compile_conditions(
    ruleset: RuleSet, translator: Translator, negated: set[str]
) -> dict[Key, list[DurableRule]]:
    """Every signal (its false condition too when negated) and rule as durable rules."""
    problems: list[Problem] = []
    compiled: dict[Key, list[DurableRule]] = {}
    for index, (sid, signal) in enumerate(ruleset.signals.items()):
        for holds in (True, False) if sid in negated else (True,):
            name = f"s{index}{'t' if holds else 'f'}"
            try:
                compiled[("signal", f"{sid}:{holds}")] = compile_condition(
                    name, Action("signal", sid, holds), translator.formula(signal.condition, holds)
                )
            except TooComplex as exc:
                problems.append(
                    Problem(
                        signal.location,
                        f'signal "{sid}" {exc}',
                        "too-complex",
                        "move part of the condition into another signal",
                    )
                )
    for index, (rule_id, rule) in enumerate(ruleset.rules.items()):
        try:
            compiled[("rule", rule_id)] = compile_condition(
                f"r{index}", Action("rule", rule_id), translator.formula(rule.condition, True)
            )
        except TooComplex as exc:
            problems.append(
                Problem(
                    rule.location,
                    f'rule "{rule_id}" {exc}',
                    "too-complex",
                    "move part of the condition into a signal",
                )
            )
    if problems:
        raise RuleSetError(problems)
    return compiled


#: letters for attribute names: a fact's text is parsed on every assertion and copied
#: into every firing's message, so the shortest names cost least
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: words the core reads in a ruleset's definition: never an attribute, whatever their hash
_CORE_WORDS = ("all", "any", "pri", "count", "cap", "dist", "name")


def _attribute_names(keys: Sequence[str]) -> dict[str, str]:
    """Short attribute names (`a`, `b`, ..., `aa`, ...) for operand keys, free of hash
    collisions with each other and with the facts' own attributes."""
    taken = {fnv1a_32(name) for name in (*limits.RESERVED_ATTRIBUTES, *_CORE_WORDS)}
    names: dict[str, str] = {}
    candidates = _short_names()
    for key in keys:
        while True:
            candidate = next(candidates)
            digest = fnv1a_32(candidate)
            if digest not in taken:
                taken.add(digest)
                names[key] = candidate
                break
    return names


def _short_names() -> Iterator[str]:
    for length in itertools.count(1):
        for letters in itertools.product(_LETTERS, repeat=length):
            yield "".join(letters)


def _batches(
    ruleset: RuleSet, compiled: Mapping[Key, list[DurableRule]], needs: Mapping[Key, list[Key]]
) -> list[list[Key]]:
    """Which compiled conditions go into which durable_rules ruleset.

    Rules go each with the signals it needs (so chaining stays inside one
    ruleset); a ruleset closes when the next rule would pass
    `limits.ACTIONS_PER_RULESET` durable rules (or the core's action limit).
    Rules are taken in an order that keeps the copies small: rules that need
    no signal first, then rules by the signals they need (so that each
    ruleset carries few signals), and by the values they read (so that each
    group's fact carries few of them: the core's cost per fact grows with its
    attributes). Signals no rule reads still have to be evaluated, because
    the decision lists the signals that hold: they join the last ruleset.
    """
    limit = min(limits.ACTIONS_PER_RULESET, limits.MAX_RULES_PER_RULESET)
    batches: list[list[Key]] = [[]]
    members: set[Key] = set()
    size = 0

    def place(item: list[Key]) -> None:
        nonlocal members, size
        new = [key for key in dict.fromkeys(item) if key not in members]
        grown = size + sum(len(compiled[key]) for key in new)
        if grown > limit and batches[-1]:
            batches.append([])
            members, new = set(), list(dict.fromkeys(item))
            grown = sum(len(compiled[key]) for key in new)
        batches[-1] += new
        members.update(new)
        size = grown

    def affinity(rule_id: str) -> tuple[bool, list[Key], list[str]]:
        wanted = needs[("rule", rule_id)]
        return (bool(wanted), sorted(wanted), sorted(ruleset.rule_operands[rule_id]))

    for rule_id in sorted(ruleset.rules, key=affinity):
        place([("rule", rule_id), *needs[("rule", rule_id)]])
    placed = {key for batch in batches for key in batch}
    for sid in ruleset.signals:
        if not placed.issuperset(needs[("signal", sid)]):
            place(needs[("signal", sid)])
            placed.update(needs[("signal", sid)])
    return batches


class _Group:
    """The durable rules that match one profile fact, `{"t": "g<k>", ...}`, within the limits."""

    def __init__(self, index: int) -> None:
        self.tag = f"g{index}"
        self.network = AlphaNetwork()
        self.rules: list[DurableRule] = []
        self.attributes: set[str] = set()

    def pattern(self, rule: DurableRule) -> Json:
        assert rule.profile is not None
        return {"$and": [{"t": self.tag}, rule.profile]}

    def try_add(self, rule: DurableRule) -> bool:
        attributes = self.attributes | _attributes(rule.profile or {})
        if len(attributes) > limits.MAX_SLOTS:
            return False
        mark = self.network.mark()
        same_end = self.network.add(self.pattern(rule))
        if (
            same_end > limits.MAX_BETAS
            or self.network.crowded()
            or self.network.bound() > limits.STACK_BUDGET
        ):
            self.network.rollback(mark)
            return False
        self.rules.append(rule)
        self.attributes = attributes
        return True


def _ruleset(rules: list[DurableRule], slots: Mapping[str, str]) -> CompiledRuleset:
    """One durable_rules ruleset: rules packed into groups, each group's fact within the limits."""
    groups, placed = _pack_groups(rules)
    definition: Json = {SENTINEL: {"all": [{"p": {"t": groups[0].tag}}]}}
    for rule in rules:
        patterns: list[Json] = []
        if rule.profile is not None:
            patterns.append({"p": placed[rule.name].pattern(rule)})
        for index, sig in enumerate(rule.signals):
            patterns.append(
                {f"s{index}": {"$and": [{"t": "s"}, {"n": sig.number}, {"v": sig.holds}]}}
            )
        definition[rule.name] = {"all": patterns}
    by_name = {name: key for key, name in slots.items()}
    order = {name: index for index, name in enumerate(slots.values())}
    return CompiledRuleset(
        engine_json(definition),
        tuple(
            FactGroup(
                group.tag,
                tuple((by_name[a], a) for a in sorted(group.attributes, key=order.__getitem__)),
                group.network.bound(),
            )
            for group in groups
        ),
        {rule.name: rule.action for rule in rules},
    )


def _pack_groups(rules: list[DurableRule]) -> tuple[list[_Group], dict[str, _Group]]:
    """The groups of one ruleset, and the group each rule with a profile pattern went to."""
    # Group 0 holds only the sentinel: its fact carries no values, so asserting
    # it cannot fail, and the session's action context is initialised (by
    # starting the sentinel) before any fact that could.
    groups = [_Group(0)]
    placed: dict[str, _Group] = {}
    uses: dict[Sig, int] = {}
    for rule in rules:
        for sig in rule.signals:
            uses[sig] = uses.get(sig, 0) + 1
            if uses[sig] > limits.MAX_SIGNAL_USES:
                raise TooComplex(
                    f"more than {limits.MAX_SIGNAL_USES} rules in one ruleset refer to one signal",
                    ("rule", rule.action.target),
                )
    if len(uses) > limits.MAX_CHILDREN:  # the `t == "s"` node has a child per signal fact
        raise TooComplex(f"more than {limits.MAX_CHILDREN} signal outcomes in one ruleset")
    for group in _fill_by_values_read([rule for rule in rules if rule.profile is not None]):
        if len(groups) >= limits.MAX_GROUPS_PER_RULESET:
            rule = group.rules[0]
            raise TooComplex(
                f'{rule.action.kind} "{rule.action.target}" needs more of the engine '
                "than one ruleset holds",
                (rule.action.kind, rule.action.target),
            )
        groups.append(group)
        placed.update((rule.name, group) for rule in group.rules)
    if len(groups) == 1:
        groups.append(_Group(1))  # the driver asserts at least one fact with values
    return groups, placed


def _fill_by_values_read(rules: list[DurableRule]) -> list[_Group]:
    """Groups filled one at a time, each next rule the one adding fewest values to the group's.

    Each group's fact then carries few values: the core's cost of a fact grows
    with its attributes (parsed, probed at every alpha node with children,
    copied into every firing's message). Ties keep the given order.
    """
    attributes = [_attributes(rule.profile or {}) for rule in rules]
    readers: dict[str, list[int]] = {}
    for index, read in enumerate(attributes):
        for attribute in read:
            readers.setdefault(attribute, []).append(index)
    growth = [len(read) for read in attributes]
    waiting = set(range(len(rules)))
    # (growth, index) of the waiting rules; an entry is stale once its rule's growth fell
    queue = [(growth[i], i) for i in waiting]
    heapq.heapify(queue)
    groups: list[_Group] = []
    while waiting:
        added, index = heapq.heappop(queue)
        if index not in waiting or added != growth[index]:
            continue
        rule = rules[index]
        before = groups[-1].attributes if groups else set()
        if not groups or not groups[-1].try_add(rule):
            # A new group: what the rules would add is counted afresh.
            for i in waiting:
                growth[i] = len(attributes[i])
            queue = [(growth[i], i) for i in waiting if i != index]
            heapq.heapify(queue)
            groups.append(_Group(len(groups) + 1))  # g0 is the sentinel's
            before = set()
            if not groups[-1].try_add(rule):
                raise TooComplex(
                    f'{rule.action.kind} "{rule.action.target}" needs more of the engine '
                    "than one ruleset holds",
                    (rule.action.kind, rule.action.target),
                )
        waiting.discard(index)
        for attribute in groups[-1].attributes - before:
            for reader in readers[attribute]:
                growth[reader] -= 1
                if reader in waiting:
                    heapq.heappush(queue, (growth[reader], reader))
    return groups


def _attributes(node: Json) -> set[str]:
    found: set[str] = set()
    for key, value in node.items():
        if key in ("$and", "$or"):
            for item in value:
                found |= _attributes(item)
        elif key.startswith("$"):
            found |= set(value)
        else:
            found.add(key)
    return found - set(limits.RESERVED_ATTRIBUTES)
