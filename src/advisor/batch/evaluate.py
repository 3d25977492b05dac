"""Evaluating a partition of rows wherever it runs: here, in a local worker, on a Dask worker.

The rule set travels as its content (`RulePackage`: the rule files' texts), never as
paths, so a worker needs no files. Each process compiles a rule set once, the first
time it meets it, and keeps it under the rule set's content hash.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from advisor.decide import Advisor
from advisor.decision.document import Decision
from advisor.decision.model import Detail
from advisor.errors import ProfileError, ProfileProblem
from advisor.language.files import rule_texts, ruleset_from_texts
from advisor.language.models import SituationProfile
from advisor.language.profile import Observations, parse_profile, parse_profile_text

from .rows import Payload, Refused, Result, Shape, TableRow, problems_of

__all__ = [
    "STATUSES",
    "RulePackage",
    "advisor_for",
    "check",
    "evaluate_rows",
    "start_worker",
    "table_rows",
]

#: what `status` says in the long table, in the order a reader meets them
STATUSES = {
    "recommended": "recommended; every safeguard it needs is applied",
    "provisional": "recommended; a safeguard is provisional: the rule that would require it "
    "could not be decided for lack of data",
    "possibly-withheld": "recommended, but a withholding rule could not be decided: with the "
    "missing values it might withhold the measure",
    "withheld": "withheld by a rule that fired",
    "withheld-precautionary": "withheld only as a precaution, by rules that could not be decided",
}


@dataclass(frozen=True)
class RulePackage:
    """A rule set as its files' texts (name -> text), and the content hash they give."""

    texts: Mapping[str, str]
    content_hash: str

    @classmethod
    def from_directory(cls, directory: Any) -> tuple[RulePackage, Advisor]:
        """The package of a rule directory, and an advisor compiled from exactly that content.

        Raises `RuleSetError` or `EngineError` as `Advisor.from_directory` does."""
        texts = rule_texts(directory)
        advisor = Advisor(ruleset_from_texts(texts))
        return cls(texts, advisor.ruleset.content_hash), advisor


#: this process's advisors, by rule set content hash
_ADVISORS: dict[str, Advisor] = {}
_COMPILING = threading.Lock()  # a Dask worker runs tasks in threads


def advisor_for(rules: RulePackage | str) -> Advisor:
    """This process's advisor for a rule set, compiled the first time it is asked for.

    A hash alone names a rule set this process has compiled already (`start_worker`)."""
    key = rules if isinstance(rules, str) else rules.content_hash
    found = _ADVISORS.get(key)
    if found is not None:
        return found
    if isinstance(rules, str):
        raise LookupError(f"rule set {rules} was never compiled in this process")
    with _COMPILING:
        if key not in _ADVISORS:
            advisor = Advisor(ruleset_from_texts(rules.texts))
            if advisor.ruleset.content_hash != key:
                raise ValueError(f"the rule files give {advisor.ruleset.content_hash}, not {key}")
            _ADVISORS[key] = advisor
    return _ADVISORS[key]


def start_worker(rules: RulePackage) -> None:
    """A local worker process's start: compile the rule set; leave Ctrl-C to the parent,
    which stops the batch between partitions."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    advisor_for(rules)


def check(advisor: Advisor, payload: Payload) -> Observations | Refused:
    """A row's profile checked against the catalogue, or every problem with it."""
    kind, value = payload
    if kind == "refused":
        return Refused(tuple(value))
    try:
        return advisor.observe(_profile(kind, value))
    except ProfileError as exc:
        return problems_of(exc.problems)


def _profile(kind: str, value: Any) -> SituationProfile:
    if kind == "data":
        return parse_profile(value)
    if kind == "json":
        try:
            # orjson is several times faster than json, and as strict (no NaN)
            return parse_profile(orjson.loads(value))
        except orjson.JSONDecodeError:
            pass  # json's own message says what is wrong
        if isinstance(value, bytes):
            try:
                value = value.decode("utf-8")
            except UnicodeDecodeError as exc:
                problem = ProfileProblem("$", f"not UTF-8 text: {exc.reason}", "encoding")
                raise ProfileError([problem]) from None
    return parse_profile_text(value, "<row>", json_text=kind == "json")


def evaluate_rows(
    rules: RulePackage | str, payloads: Sequence[Payload], shape: Shape
) -> list[Result]:
    """Each row's result, in order: a decision's compact JSON, its table rows, or a refusal.

    `EngineError` (a bug, never the input's fault) is raised, and stops the batch."""
    advisor = advisor_for(rules)
    results: list[Result] = []
    for payload in payloads:
        checked = check(advisor, payload)
        if isinstance(checked, Refused):
            results.append(checked)
            continue
        if shape == "table":
            results.append(table_rows(advisor.evaluate(checked)))
        else:
            detail: Detail = "full" if shape == "full decisions" else "compact"
            results.append(advisor.evaluate(checked, detail=detail).to_json_bytes())
    return results


def table_rows(decision: Decision) -> list[TableRow]:
    """A row per measure the decision names: recommended ones by rank, then withheld ones."""
    content = decision.content
    country, period = content["country"], content["period"]
    rows: list[TableRow] = []
    for rec in content["recommendations"]:
        if rec.get("possibly_withheld_by"):
            status = "possibly-withheld"
        # a field at its default is left out: status "applied", precautionary false
        elif any(note.get("status") == "provisional" for note in rec.get("safeguards", ())):
            status = "provisional"
        else:
            status = "recommended"
        rules = tuple(ref["rule"] for ref in rec["rules"])
        rows.append((country, period, rec["measure"], str(rec["priority"]), status, rules))
    for held in content["withheld"]:
        firm = any(not by.get("precautionary", False) for by in held["by"])
        status = "withheld" if firm else "withheld-precautionary"
        rules = tuple(by["rule"] for by in held["by"])
        rows.append((country, period, held["measure"], None, status, rules))
    return rows
