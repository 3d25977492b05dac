"""The limits of the durable_rules C core, and the margins compiling keeps below them.

See docs/durable-rules.md for how each was found. `formulas`, `alpha_network`
and `packing` read these through the module (`limits.STACK_BUDGET`), so a
test can lower or lift one.
"""

from __future__ import annotations

__all__ = [
    "ACTIONS_PER_RULESET",
    "MAX_BETAS",
    "MAX_CHILDREN",
    "MAX_EXPRESSIONS",
    "MAX_GROUPS_PER_RULESET",
    "MAX_RULES_PER_RULESET",
    "MAX_SIGNALS_PER_TERM",
    "MAX_SIGNAL_USES",
    "MAX_SLOTS",
    "MAX_TERMS",
    "RESERVED_ATTRIBUTES",
    "STACK_BUDGET",
]

STACK_BUDGET = 60  # entries of the alpha stack per fact; the C core holds 64
MAX_EXPRESSIONS = 30  # per pattern; the C core allows 32
MAX_TERMS = 16  # durable rules per signal or rule after splitting `or` over signals
MAX_SIGNALS_PER_TERM = 8  # patterns per durable rule; the C core allows 16 frames
MAX_SLOTS = 200  # attributes per fact; the C core allows 255
MAX_BETAS = 200  # rules ending at one alpha node; the C core allows 256 (error 108)
MAX_RULES_PER_RULESET = 2_000  # the C core refuses more than 4,096 actions (error 106)
#: Not a limit of the core but the size compiling aims for, in durable rules: each
#: time the core starts an action it scans the ruleset's actions from the first
#: (state.c getNextResultInState), so draining costs about fired x actions per
#: ruleset, while each more ruleset costs a sentinel, copies of the signals its
#: rules need and a part-filled group. 200 measured cheapest at 1,000 rules
#: (docs/durable-rules.md).
ACTIONS_PER_RULESET = 200
MAX_GROUPS_PER_RULESET = 200  # group discriminators share one 512-slot hash set
MAX_SIGNAL_USES = 200  # rules joining on one signal fact in a ruleset (beta list of 256)
MAX_CHILDREN = 400  # children of one alpha node; the core's hash set of 512 hangs when full

#: attribute names of the facts themselves (session, fact id, tag, signal number, value)
RESERVED_ATTRIBUTES = ("sid", "id", "t", "n", "v")
