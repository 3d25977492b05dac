"""A model of the alpha network the C core builds, to bound its 64-entry alpha stack.

`handleAlpha` (events.c) walks the network depth first and pushes every
matching child; the 65th pending entry is error 303. What bounds it is the
widest set of matching children along a path, not the number of rules, so
packing adds each rule's pattern to this model and keeps a group of rules
only while the model's bound stays within `limits.STACK_BUDGET`.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from advisor.engine import limits
from advisor.engine.formulas import Json
from advisor.engine.plan import engine_json

__all__ = ["AlphaNetwork"]

_Test: TypeAlias = tuple[str, str, str]  # (attribute, operator, constant as engine JSON)


def _test_key(test: Json) -> _Test:
    ((key, value),) = test.items()
    if key.startswith("$"):
        ((attribute, constant),) = value.items()
        return (attribute, key, engine_json(constant))
    return (key, "$eq", engine_json(value))


class AlphaNetwork:
    """A model of the alpha network the C core builds for one kind of fact.

    It mirrors rete.c createAlpha: `$and` items chain, each test shared with an
    identical test under the same parent (findAlpha); every `$or` branch links
    to a fresh forward node, from which the rest of the `$and` hangs. The core
    walks the network depth first with a 64-entry stack, pushing every child
    whose test matches (events.c handleAlpha). `bound()` is the most entries
    that stack can hold for any fact: every test is assumed to match, except
    that equality tests of one attribute against different constants exclude
    each other. The last addition can be rolled back, so packing can try a rule
    and undo it.

    Adding a pattern only changes the nodes on its own path from the root (a
    test node has one parent; forward nodes are new with each pattern), so the
    bound is kept up to date incrementally: per node, the deepest the stack
    gets while its subtree is walked, recomputed along that path only.
    """

    def __init__(self) -> None:
        self.tests: list[dict[_Test, int]] = [{}]
        self.forwards: list[list[int]] = [[]]
        self.betas: list[int] = [0]
        self._log: list[tuple[str, int, Any]] = []
        self._deepest: dict[int, int] = {}
        self._touched: set[int] = set()
        self._saved: dict[int, int] = {}
        self._last_mark = -1

    def mark(self) -> int:
        return len(self._log)

    def rollback(self, mark: int) -> None:
        """Undo the last `add`, made just after `mark` (the saved bounds cover one add only)."""
        if mark != self._last_mark:
            raise ValueError("only the last add can be rolled back")
        while len(self._log) > mark:
            kind, node, detail = self._log.pop()
            if kind == "test":
                del self.tests[node][detail]
            elif kind == "forward":
                self.forwards[node].pop()
            elif kind == "beta":
                self.betas[node] -= 1
            else:
                self.tests.pop()
                self.forwards.pop()
                self.betas.pop()
        for node in [n for n in self._deepest if n >= len(self.tests) or n in self._touched]:
            del self._deepest[node]
        self._deepest.update(self._saved)
        self._saved = {}

    def add(self, pattern: Json) -> int:
        """Add a rule's pattern; the number of rules whose pattern ends where it ends."""
        self._last_mark = len(self._log)
        self._touched = {0}
        end = self._add(pattern, 0)
        self._saved = {n: self._deepest.pop(n) for n in self._touched if n in self._deepest}
        self.betas[end] += 1
        self._log.append(("beta", end, None))
        return self.betas[end]

    def _node(self) -> int:
        self.tests.append({})
        self.forwards.append([])
        self.betas.append(0)
        self._log.append(("node", len(self.tests) - 1, None))
        return len(self.tests) - 1

    def _add(self, pattern: Json, parent: int) -> int:
        end = self._add_below(pattern, parent)
        self._touched.add(end)
        return end

    def _add_below(self, pattern: Json, parent: int) -> int:
        self._touched.add(parent)
        if "$and" in pattern:
            for item in pattern["$and"]:
                parent = self._add(item, parent)
            return parent
        if "$or" in pattern:
            forward = self._node()
            for item in pattern["$or"]:
                end = self._add(item, parent)
                self.forwards[end].append(forward)
                self._log.append(("forward", end, forward))
            return forward
        test = _test_key(pattern)
        child = self.tests[parent].get(test)
        if child is None:
            child = self._node()
            self.tests[parent][test] = child
            self._log.append(("test", parent, test))
        return child

    def crowded(self) -> bool:
        """Whether the last add gave a node more children than the core can hold."""
        return any(
            len(self.tests[n]) + len(self.forwards[n]) > limits.MAX_CHILDREN for n in self._touched
        )

    def _width(self, node: int) -> int:
        tests = self.tests[node]
        exclusive = {attribute for attribute, op, _ in tests if op == "$eq"}
        return len(exclusive) + sum(op != "$eq" for _, op, _ in tests) + len(self.forwards[node])

    def bound(self) -> int:
        deepest = self._deepest

        def down(node: int) -> int:
            # entries on the stack while `node`'s subtree is walked
            if node not in deepest:
                width = self._width(node)
                below = [*self.tests[node].values(), *self.forwards[node]]
                deepest[node] = max([width, *(width - 1 + down(child) for child in below)])
            return deepest[node]

        return down(0)
