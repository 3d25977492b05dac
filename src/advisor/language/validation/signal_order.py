"""Stage 5 of validation: signals ordered so each follows the ones it uses; cycles reported."""

from __future__ import annotations

from collections.abc import Mapping

from advisor.errors import Location, Problem
from advisor.language.expressions import Condition, signal_refs

__all__ = ["signal_order"]


def signal_order(
    conditions: Mapping[str, Condition],
    locations: Mapping[str, Location],
    problems: list[Problem],
) -> list[str]:
    """The signals with a parsed condition, each after the signals it uses.

    A cycle is reported at the signal where the walk finds it closing, and
    broken there, so every signal still gets a place in the order.
    """
    uses = {sid: sorted({ref.signal for ref in signal_refs(c)}) for sid, c in conditions.items()}
    order: list[str] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(sid: str, trail: list[str]) -> None:
        if state.get(sid) == 2 or sid not in uses:
            return
        if state.get(sid) == 1:
            cycle = [*trail[trail.index(sid) :], sid]
            problems.append(
                Problem(
                    locations[sid],
                    "signals depend on each other in a cycle: " + " -> ".join(cycle),
                    "signal-cycle",
                    "one of them must not refer back to the others",
                )
            )
            return
        state[sid] = 1
        for used in uses[sid]:
            visit(used, [*trail, sid])
        state[sid] = 2
        order.append(sid)

    for sid in sorted(uses):
        visit(sid, [])
    return order
