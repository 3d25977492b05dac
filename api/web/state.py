"""The decision view's state in its URL, so that a link reproduces exactly what was seen.

    /?example=libya-2024                               an example profile
    /?example=libya-2024&set=gti.score=7&unset=X       the same with a what-if
    /?profile=<base64url JSON>&set=...                 a pasted profile, and a what-if

`set` and `unset` work as `advisor recommend --set/--unset` do: a value is read as
YAML (`7.5`, `true`, `weak`, `{2023: 51700, 2024: 36468}`). The base (an example or a
pasted profile) is the "before" of a what-if; the base with the changes is "after".
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from advisor.language.loader import parse_yaml

__all__ = ["Change", "ViewState", "decode_profile", "encode_profile", "same_value"]

#: a pasted profile's link carries what decides: country, period and indicators
_LINKED = ("country", "period", "indicators")


@dataclass(frozen=True)
class Change:
    """One `set` or `unset` of the URL, and where a problem with it is reported."""

    indicator: str
    #: the value as written in the URL; None for an unset
    text: str | None

    @property
    def param(self) -> str:
        return (
            f"set {self.indicator}={self.text}"
            if self.text is not None
            else (f"unset {self.indicator}")
        )


@dataclass(frozen=True)
class ViewState:
    example: str | None = None
    profile: str | None = None
    country: str | None = None
    period: str | None = None
    sets: tuple[str, ...] = ()
    unsets: tuple[str, ...] = ()
    #: problems found reading the URL itself, each with the parameter it concerns
    problems: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @classmethod
    def from_query(cls, params: Any) -> ViewState:
        def one(name: str) -> str | None:
            value = params.get(name)
            return value.strip() or None if isinstance(value, str) else None

        return cls(
            example=one("example"),
            profile=one("profile"),
            country=one("country"),
            period=one("period"),
            sets=tuple(v for v in params.getlist("set") if v.strip()),
            unsets=tuple(v.strip() for v in params.getlist("unset") if v.strip()),
        )

    @property
    def has_base(self) -> bool:
        return self.example is not None or self.profile is not None

    @property
    def is_what_if(self) -> bool:
        """A base with changes: the view compares the decision before and after them."""
        return self.has_base and bool(self.sets or self.unsets or self.country or self.period)

    @property
    def is_empty(self) -> bool:
        return not (self.has_base or self.sets or self.unsets or self.country or self.period)

    def query(self, **changes: Any) -> str:
        """The URL's query string (with `changes` applied), parameters in a fixed order."""
        state = replace(self, **changes)
        pairs: list[tuple[str, str]] = []
        for name in ("example", "profile", "country", "period"):
            value = getattr(state, name)
            if value:
                pairs.append((name, value))
        pairs += [("set", s) for s in state.sets]
        pairs += [("unset", u) for u in state.unsets]
        return urlencode(pairs)

    def url(self, **changes: Any) -> str:
        query = self.query(**changes)
        return "/?" + query if query else "/"

    def changes(self) -> list[Change]:
        found = []
        for setting in self.sets:
            name, _, text = setting.partition("=")
            found.append(Change(name.strip(), text.strip()))
        found += [Change(name, None) for name in self.unsets]
        return found

    def apply(self, base: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """The profile after the changes, and (parameter, problem) for each that cannot apply.

        Names are not checked here: the API checks the profile and names an unknown
        indicator with its path, which the page reports against the parameter.
        """
        document = {key: value for key, value in base.items() if key in (*_LINKED, "sources")}
        indicators = dict(document.get("indicators") or {})
        problems: list[tuple[str, str]] = []
        if self.country:
            document["country"] = self.country
        if self.period:
            document["period"] = self.period
        for change in self.changes():
            if not change.indicator:
                problems.append((change.param, "expected INDICATOR=VALUE"))
            elif change.text is None:
                if indicators.pop(change.indicator, _ABSENT) is _ABSENT:
                    problems.append((change.param, "the profile does not give this indicator"))
            else:
                parsed = parse_yaml(change.text, "the link")
                if parsed.problems or change.text == "":
                    problems.append((change.param, "the value is not readable"))
                else:
                    indicators[change.indicator] = parsed.data
        document["indicators"] = indicators
        document.setdefault("country", "")
        return document, problems


_ABSENT = object()


def encode_profile(document: Mapping[str, Any]) -> str:
    """A profile as a URL parameter: its country, period and indicators, base64url JSON."""
    linked = {key: document[key] for key in _LINKED if document.get(key) is not None}
    text = json.dumps(linked, separators=(",", ":"), ensure_ascii=False, default=str)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def decode_profile(text: str) -> dict[str, Any] | None:
    """The profile a `profile` parameter carries, or None if it does not carry one."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        document = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return document if isinstance(document, dict) else None


def _canonical(value: Any) -> Any:
    if isinstance(value, bool):
        return ("boolean", value)  # not a number: true is not 1
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, Iterable):
        return [_canonical(v) for v in value]
    return value


def same_value(a: Any, b: Any) -> bool:
    """Whether two profile values are the same (1 and 1.0, {2024: 1} and {"2024": 1} are)."""
    return bool(_canonical(a) == _canonical(b))
