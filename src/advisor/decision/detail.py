"""The compact decision from the full one: the rule set's texts taken out (`decision.model`).

The service answers `detail=full` when asked but logs the compact form, which with the rule
set (named by its hash) says everything the full one does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["compact_content"]

#: per part of the decision, the keys only the full form has
_FULL_ONLY = {
    "recommendation": ("description", "outcomes", "horizon"),
    "safeguard": ("requires",),
    "withholding": ("reason",),
    "signal": ("title", "conditions"),
    "rule": ("title", "source", "conditions"),
}


def compact_content(full: Mapping[str, Any]) -> dict[str, Any]:
    """The compact decision's content, from a full one's (or a compact one's: unchanged)."""

    def strip(item: Mapping[str, Any], part: str) -> dict[str, Any]:
        drop = _FULL_ONLY[part]
        return {k: v for k, v in item.items() if k not in drop}

    out = {k: v for k, v in full.items() if k != "detail"}
    out["recommendations"] = [
        strip(rec, "recommendation")
        | (
            {"safeguards": [strip(g, "safeguard") for g in rec["safeguards"]]}
            if "safeguards" in rec
            else {}
        )
        for rec in full["recommendations"]
    ]
    out["withheld"] = [
        {**w, "by": [strip(by, "withholding") for by in w["by"]]} for w in full["withheld"]
    ]
    out["signals"] = [strip(s, "signal") for s in full["signals"]]
    out["rules"] = {rule: strip(said, "rule") for rule, said in full["rules"].items()}
    return out
