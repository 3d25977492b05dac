"""Collect `.feature` files directly, so a rule repository needs no Python test module.

A feature file becomes a pytest module built in memory: each scenario is bound
with pytest-bdd's public `scenario()` decorator, exactly as a hand-written
`test_*.py` would do, so outlines, backgrounds and tags behave as usual.
"""

from __future__ import annotations

from types import ModuleType

import pytest
from pytest_bdd import scenario
from pytest_bdd.exceptions import GherkinParseError
from pytest_bdd.feature import get_feature
from pytest_bdd.scenario import make_python_name

from advisor.hints import display_path

__all__ = ["FeatureFile"]


def _nothing() -> None:
    """The body of every bound scenario: the steps do all the work."""


class FeatureFile(pytest.Module):
    """One `.feature` file: one test per scenario (per example row for outlines)."""

    def _getobj(self) -> ModuleType:
        base, name = str(self.path.parent), self.path.name
        try:
            feature = get_feature(base, name)
        except GherkinParseError as exc:
            where = display_path(self.path)
            raise self.CollectError(
                f"{where}:{exc.line}: {exc.message}\n  {exc.line_content}"
            ) from None
        module = ModuleType(f"features.{self.path.stem}")
        module.__file__ = str(self.path)
        for title in feature.scenarios:
            test_name = "test_" + (make_python_name(title) or "scenario")
            unique, n = test_name, 1
            while unique in module.__dict__:
                n += 1
                unique = f"{test_name}_{n}"
            module.__dict__[unique] = scenario(name, title, features_base_dir=base)(_nothing)
        return module
