"""`--set INDICATOR=VALUE` and `--unset INDICATOR`: try a change without editing the profile.

A mistake in a setting is the command line's, so its problems name the setting
(`--set gti.scor=5: unknown indicator`), never the profile file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from advisor.errors import ProfileError, ProfileProblem
from advisor.hints import did_you_mean
from advisor.language.loader import parse_yaml
from advisor.language.models import SituationProfile
from advisor.language.profile import check_profile, indicator_aliases, parse_profile
from advisor.language.ruleset import RuleSet

__all__ = ["COMMAND_LINE", "apply_changes"]

#: the source named when the command line is at fault
COMMAND_LINE = "the command line"


def apply_changes(
    profile: SituationProfile,
    settings: Sequence[str],
    removals: Sequence[str],
    ruleset: RuleSet,
) -> SituationProfile:
    """The profile with each `NAME=VALUE` set and each `NAME` removed.

    A value is read as YAML, as it would be in the profile file: `7.5`, `true`,
    `weak`, `{2023: 51700, 2024: 36468}`; a name may be an alias. Each setting is
    checked against the catalogue; a bad one is a `ProfileError` naming it.
    """
    aliases = indicator_aliases(ruleset)
    indicators: dict[str, Any] = dict(profile.indicators)
    problems: list[ProfileProblem] = []

    def remove(indicator_id: str) -> bool:
        """Drop the indicator however the profile names it (id or alias)."""
        given = [name for name in indicators if aliases.get(name, name) == indicator_id]
        for name in given:
            del indicators[name]
        return bool(given)

    for setting in settings:
        checked = _setting(setting, ruleset, aliases, problems)
        if checked is not None:
            remove(checked[0])
            indicators[checked[0]] = checked[1]
    for name in removals:
        if not remove(aliases.get(name.strip(), name.strip())):
            problems.append(
                ProfileProblem(
                    f"--unset {name}",
                    "the profile does not give this indicator",
                    "not-in-profile",
                    did_you_mean(name.strip(), list(indicators), aliases),
                )
            )
    if problems:
        raise ProfileError(problems, COMMAND_LINE)
    changed = profile.model_dump()
    changed["indicators"] = indicators
    return parse_profile(changed, "the profile with --set/--unset")


def _setting(
    setting: str, ruleset: RuleSet, aliases: dict[str, str], problems: list[ProfileProblem]
) -> tuple[str, Any] | None:
    """(indicator id, value) of one `NAME=VALUE`, or None with its problems added."""
    where = f"--set {setting}"
    name, equals, text = setting.partition("=")
    name = name.strip()
    if not equals or not name:
        example = "for example --set fsi.c1_security_apparatus=7.5"
        problems.append(ProfileProblem(where, "expected INDICATOR=VALUE", "bad-setting", example))
        return None
    indicator_id = aliases.get(name, name)
    if indicator_id not in ruleset.indicators:
        hint = did_you_mean(name, ruleset.indicators, aliases)
        problems.append(ProfileProblem(where, "unknown indicator", "unknown-indicator", hint))
        return None
    doc = parse_yaml(text, COMMAND_LINE)
    if doc.problems:
        first = doc.problems[0]  # what YAML said, without its line: the value is one line
        reason = first.message.removeprefix("YAML syntax error: ")
        problems.append(
            ProfileProblem(
                where, f"the value is not readable ({reason})", "bad-setting", first.suggestion
            )
        )
        return None
    trial = {"country": "-", "indicators": {indicator_id: doc.data}}
    try:
        check_profile(parse_profile(trial), ruleset)
    except ProfileError as exc:
        own = f"indicators.{indicator_id}"
        for problem in exc.problems:
            point = problem.path.removeprefix(own).lstrip(".")
            message = f"{point}: {problem.message}" if point else problem.message
            problems.append(ProfileProblem(where, message, problem.code, problem.suggestion))
        return None
    return indicator_id, doc.data
