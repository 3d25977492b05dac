"""One scenario's working state: the profile its steps build, and the decision it gets."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from advisor.analysis.coverage import Outcome, outcomes
from advisor.decide import Advisor
from advisor.decision.document import Decision
from advisor.errors import AdvisorError, ProfileError
from advisor.hints import did_you_mean, display_path
from advisor.language.expressions import Truth3, Value
from advisor.language.models import IndicatorSpec, IndicatorType, MeasureSpec, SituationProfile
from advisor.language.periods import is_period
from advisor.language.profile import PROFILE_SUFFIXES, check_profile, read_profile
from advisor.language.ruleset import Rule, Signal

from .conditions import describe_conditions, missing_phrase, signal_missing

__all__ = ["Case", "StepProblem", "parse_value", "profile_name", "unquote"]

_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


class StepProblem(AdvisorError):
    """A step that cannot run as written, or an expectation that does not hold."""


def _unknown(kind: str, name: str, known: Iterable[str]) -> StepProblem:
    hint = did_you_mean(name, known)
    return StepProblem(f'unknown {kind} "{name}"' + (f" ({hint})" if hint else ""))


def unquote(text: str) -> str:
    """A name or value as written in a step, without the quotes an analyst may put around it."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _number(text: str, spec: IndicatorSpec) -> float | int:
    raw = unquote(text)
    if _THOUSANDS.match(raw):
        raw = raw.replace(",", "")
    try:
        number = float(raw)
    except ValueError:
        raise StepProblem(f'{spec.id} is a number, and "{text}" is not') from None
    if spec.type is IndicatorType.INTEGER or (number.is_integer() and "." not in raw):
        return int(number) if number.is_integer() else number
    return number


def parse_value(spec: IndicatorSpec, text: str) -> bool | int | float | str:
    """A value as an analyst writes it in a step, read as the indicator's type."""
    kind = spec.type
    if kind is IndicatorType.SERIES:
        raise StepProblem(
            f"{spec.id} is a series: give it by period, as "
            f'"Given {spec.id} by period:" followed by a table of period and value'
        )
    if kind is IndicatorType.BOOLEAN:
        word = unquote(text).lower()
        if word in ("true", "yes"):
            return True
        if word in ("false", "no"):
            return False
        raise StepProblem(f'{spec.id} is true or false, not "{text}"')
    if kind is IndicatorType.CATEGORY:
        return unquote(text)
    return _number(text, spec)


def profile_name(path: Path) -> str:
    """How a step names a profile file: libya-2024.yaml is "Libya 2024"."""
    return " ".join(word.capitalize() for word in re.split(r"[-_\s]+", path.stem) if word)


class Case:
    """The profile a scenario builds step by step, and what the advisor decided on it."""

    def __init__(self, advisor: Advisor, profiles: Path) -> None:
        self.advisor = advisor
        self.profiles = profiles
        self.country = "Example"
        self.period: str | None = None
        self.indicators: dict[str, Any] = {}
        self._decision: Decision | None = None
        self._tested: dict[str, Outcome] = {}
        self._values: Mapping[str, Value] = {}
        self._signals: dict[str, Truth3] = {}
        #: per evaluation, what each rule the expectations depend on did (see `vouch`)
        self.evaluations: list[dict[str, Outcome]] = []
        #: per evaluation, for each undetermined rule vouched for: step (line, column), missing
        self.gaps: list[dict[str, tuple[int, int, tuple[str, ...]]]] = []
        #: the line and column of the step running now (set by the plugin)
        self.step_at = (0, 0)

    # -- names
    def indicator(self, name: str) -> IndicatorSpec:
        spec = self.advisor.ruleset.indicators.get(unquote(name))
        if spec is None:
            raise _unknown("indicator", unquote(name), self.advisor.ruleset.indicators)
        return spec

    def measure(self, name: str) -> MeasureSpec:
        spec = self.advisor.ruleset.measures.get(unquote(name))
        if spec is None:
            raise _unknown("measure", unquote(name), self.advisor.ruleset.measures)
        return spec

    def rule(self, name: str) -> Rule:
        rule = self.advisor.ruleset.rules.get(unquote(name))
        if rule is None:
            raise _unknown("rule", unquote(name), self.advisor.ruleset.rules)
        return rule

    def signal(self, name: str) -> Signal:
        signal = self.advisor.ruleset.signals.get(unquote(name))
        if signal is None:
            raise _unknown("signal", unquote(name), self.advisor.ruleset.signals)
        return signal

    # -- building the profile
    def start_from(self, name: str) -> None:
        """Start from a named example profile: "Libya 2024" is libya-2024.yaml."""
        wanted = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        files = sorted(p for p in self.profiles.rglob("*") if p.suffix in PROFILE_SUFFIXES)
        for path in files:
            if path.stem.lower() == wanted:
                break
        else:
            where = display_path(self.profiles)
            hint = did_you_mean(name, [profile_name(p) for p in files])
            known = hint or ("profiles are: " + ", ".join(profile_name(p) for p in files))
            raise StepProblem(
                f'no profile "{name}" in {where}/ (looked for {wanted}.yaml)'
                + (f" ({known})" if files else "")
            )
        try:
            profile = read_profile(path)
            self.advisor.observe(profile, display_path(path))
        except ProfileError as exc:
            raise StepProblem(f"the profile was refused:\n{exc}") from None
        self.country, self.period = profile.country, profile.period
        self.indicators = dict(profile.indicators)
        self._decision = None

    def start_empty(self, country: str, period: str | None = None) -> None:
        self.country, self.period = unquote(country), period
        self.indicators = {}
        self._decision = None

    def set_value(self, name: str, text: str) -> None:
        spec = self.indicator(name)
        self._set(spec, parse_value(spec, text))

    def set_series(self, name: str, rows: Sequence[Sequence[str]]) -> None:
        spec = self.indicator(name)
        if spec.type is not IndicatorType.SERIES:
            raise StepProblem(
                f'{spec.id} is a {spec.type.value}, not a series: write "Given {spec.id} is ..."'
            )
        series: dict[str, float | int] = {}
        for row in rows:
            cells = [cell.strip() for cell in row]
            if len(cells) != 2:
                raise StepProblem(
                    "each row of the table is a period and a value, e.g. | 2024 | 36468 |"
                )
            period, value = cells
            if not series and not is_period(period):
                continue  # a header row such as | period | value |
            series[period] = _number(value, spec)
        if not series:
            raise StepProblem(f"the table gives no period for {spec.id}")
        self._set(spec, series)

    def remove(self, name: str) -> None:
        self.indicators.pop(self.indicator(name).id, None)
        self._decision = None

    def _set(self, spec: IndicatorSpec, value: Any) -> None:
        try:
            trial = SituationProfile(country=self.country, indicators={spec.id: value})
            check_profile(trial, self.advisor.ruleset)
        except ProfileError as exc:
            raise StepProblem("; ".join(str(p) for p in exc.problems)) from None
        self.indicators[spec.id] = value
        self._decision = None

    # -- evaluating
    def evaluate(self) -> Decision:
        data = {"country": self.country, "period": self.period, "indicators": self.indicators}
        try:
            observations = self.advisor.observe(data)
        except ProfileError as exc:
            raise StepProblem("; ".join(str(p) for p in exc.problems)) from None
        decision = self.advisor.evaluate(observations)
        self._tested = outcomes(self.advisor.ruleset, decision, observations.indicators.keys())
        self._values = observations.values
        self._signals = self.advisor.ruleset.signal_states(observations.values)
        self.evaluations.append({})
        self.gaps.append({})
        self._decision = decision
        return decision

    def vouch(self, rule_ids: Iterable[str]) -> None:
        """Record that an expectation which held depends on what these rules did.

        Coverage counts only these: a rule that fires, unasserted, in a scenario
        about something else is not thereby shown to work.
        """
        for rule_id in rule_ids:
            if rule_id in self._tested:
                self.evaluations[-1][rule_id] = self._tested[rule_id]
                if self._tested[rule_id] is Outcome.UNDETERMINED:
                    missing = tuple(self.missing(rule_id))
                    self.gaps[-1].setdefault(rule_id, (*self.step_at, missing))

    def vouch_silent(self, rule_ids: Iterable[str], claim: str = "this holds") -> None:
        """Like `vouch`, for an expectation that depends only on these rules not firing.

        "x is not recommended" holds when x is withheld even though a rule
        recommending it fired; that says nothing about the rule firing. It
        also holds when a rule that would recommend x is undetermined: then
        the expectation holds only for lack of data, and the step fails
        saying so, since silence is proven only with the values present.
        """
        rule_ids = [r for r in rule_ids if self._tested.get(r) is not Outcome.FIRED]
        undetermined = [r for r in rule_ids if self._tested.get(r) is Outcome.UNDETERMINED]
        if undetermined:
            reasons = "; ".join(self.only_undetermined(r) for r in undetermined)
            raise StepProblem(f"{claim} only because {reasons}")
        self.vouch(rule_ids)

    # -- what the evaluation found, in words
    def missing(self, rule_id: str) -> list[str]:
        """The indicators whose absence left the rule undetermined (none when it is settled)."""
        decision = self.decision
        return list(decision.rules[rule_id].missing) if rule_id in decision.undetermined else []

    def only_undetermined(self, rule_id: str, subject: str = "") -> str:
        """Why silence that rests on an undetermined rule proves nothing, and what to write.

        `subject` names the rule when the step already did ("it").
        """
        subject = subject or f"the rule {rule_id}"
        return (
            f"{subject} is undetermined: {missing_phrase(self.missing(rule_id))}, "
            f'not false (add a value, or say "Then the rule {rule_id} is undetermined")'
        )

    def conditions(self, rule_id: str) -> str:
        """Each condition of the rule with its value, what it needs and whether it held."""
        return describe_conditions(self.rule(rule_id).condition, self._values, self._signals)

    def signal_state(self, signal_id: str) -> Truth3:
        """Whether the signal held in the last evaluation (None: undetermined)."""
        _ = self.decision  # evaluated since the profile last changed
        return self._signals.get(signal_id)

    def signal_missing(self, signal_id: str) -> list[str]:
        return signal_missing(self.advisor.ruleset, signal_id, self._values)

    def signal_conditions(self, signal_id: str) -> str:
        return describe_conditions(self.signal(signal_id).condition, self._values, self._signals)

    @property
    def decision(self) -> Decision:
        if self._decision is None:
            raise StepProblem(
                'nothing evaluated since the profile last changed: add "When the profile is '
                'evaluated" before the expectations'
            )
        return self._decision
