"""Step wording: templates such as "<measure> is recommended" turned into step parsers.

Each step is declared by its wording alone; the same list of templates gives
the did-you-mean suggestion for a step that matches none.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import Any, TypeVar

from pytest_bdd import given, parsers, then, when

__all__ = ["TEMPLATES", "closest_step", "step"]

F = TypeVar("F", bound=Callable[..., Any])

#: what each placeholder may match; anything not listed is one word (an id, a number)
_GROUPS = {
    # "x is missing" is its own step, so a value is never the word "missing"
    "value": r"(?!missing$).+",
    "text": r".+",
    "name": r".+",
    "country": r".+",
}
_WORD = r"\S+"
_PLACEHOLDER = re.compile(r"<(\w+)>")
_KINDS = {"given": given, "when": when, "then": then}

#: (step type, template) of every step, in the order they are declared
TEMPLATES: list[tuple[str, str]] = []


def _pattern(template: str) -> str:
    body = template.removesuffix(":")
    parts = _PLACEHOLDER.split(body)
    regex = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>{_GROUPS.get(part, _WORD)})"
        for i, part in enumerate(parts)
    )
    return regex + (":?" if template.endswith(":") else "")


def step(*kinds: str, template: str) -> Callable[[F], F]:
    """Declare a step function for `template` under each of `kinds` (given, when, then)."""
    parser = parsers.re(_pattern(template))

    def decorate(func: F) -> F:
        for kind in kinds:
            TEMPLATES.append((kind, template))
            # pytest-bdd registers the step as a fixture in the module applying the decorator
            _KINDS[kind](parser, stacklevel=2)(func)
        return func

    return decorate


_ID_LIKE = re.compile(r'"[^"]*"|\S*[.\-]\S*|\d\S*')


def _shape(text: str) -> str:
    return _ID_LIKE.sub("<>", _PLACEHOLDER.sub("<>", text))


def closest_step(kind: str, text: str) -> str | None:
    """The template a step that matched nothing was most likely meant to be."""
    candidates = {template: _shape(template) for k, template in TEMPLATES if k == kind}
    target = _shape(text)
    best, score = None, 0.0
    for template, shape in candidates.items():
        ratio = difflib.SequenceMatcher(None, target, shape).ratio()
        if ratio > score:
            best, score = template, ratio
    return best if score >= 0.6 else None
