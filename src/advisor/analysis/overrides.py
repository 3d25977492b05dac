"""`--set INDICATOR=VALUE` and `--unset INDICATOR`: try a change without editing the profile."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from advisor.errors import ProfileError, ProfileProblem
from advisor.hints import did_you_mean
from advisor.language.models import SituationProfile
from advisor.language.profile import parse_profile

__all__ = ["apply_changes"]


def apply_changes(
    profile: SituationProfile, settings: Sequence[str], removals: Sequence[str]
) -> SituationProfile:
    """The profile with each `NAME=VALUE` set and each `NAME` removed.

    A value is read as YAML, as it would be in the profile file: `7.5`, `true`,
    `weak`, `{2023: 51700, 2024: 36468}`. The changed profile is checked like
    any other; a malformed `--set` is a `ProfileError` naming it.
    """
    indicators: dict[str, Any] = dict(profile.indicators)
    problems: list[ProfileProblem] = []
    for setting in settings:
        name, equals, text = setting.partition("=")
        name = name.strip()
        if not equals or not name:
            problems.append(
                ProfileProblem(
                    f"--set {setting}",
                    "expected INDICATOR=VALUE",
                    "bad-setting",
                    "for example --set fsi.c1_security_apparatus=7.5",
                )
            )
            continue
        try:
            indicators[name] = yaml.safe_load(text)
        except yaml.YAMLError:
            problems.append(
                ProfileProblem(f"--set {setting}", "the value is not readable", "bad-setting", None)
            )
    for name in removals:
        if indicators.pop(name.strip(), None) is None:
            problems.append(
                ProfileProblem(
                    f"--unset {name}",
                    "the profile does not give this indicator",
                    "not-in-profile",
                    did_you_mean(name.strip(), list(indicators)),
                )
            )
    if problems:
        raise ProfileError(problems, "the command line")
    changed = profile.model_dump()
    changed["indicators"] = indicators
    return parse_profile(changed, "the profile with --set/--unset")
