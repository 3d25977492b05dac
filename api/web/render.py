"""HTML from Jinja templates (autoescaped), and the small filters the templates share."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from .client import ApiAnswer

__all__ = ["STATIC_DIR", "TEMPLATES_DIR", "api_failure", "page", "show_value"]

HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"

_TICKS = re.compile(r"`([^`]+)`")
_RULE_NOTE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?: \((?:provisional|may withhold)\))?$")


def show_value(value: Any) -> str:
    """A profile value as an analyst writes it: 9.5, true, weak, {2023: 51700, 2024: 36468}."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {show_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def _number(value: Any) -> str:
    """A number without float noise: 0.23, not 0.22999999999999998."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return show_value(value)
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return f"{value:,}" if abs(value) >= 10_000 else str(value)


def _threshold(value: Any) -> str:
    if isinstance(value, list):
        return (
            " to ".join(_number(v) for v in value)
            if len(value) == 2
            else ", ".join(show_value(v) for v in value)
        )
    return _number(value)


def _ticks(text: str) -> Markup:
    """`advisor diff`'s wording in HTML: each `rule` as code, linked to the rule's page."""
    out = []
    for index, part in enumerate(_TICKS.split(text)):
        if index % 2 == 0:
            out.append(str(escape(part)))
            continue
        rule = part.split(" ", 1)[0]
        # "changed measure `x`", "added signal `y`": not rules, so no rule page to link
        other_kind = re.search(r"\b(indicator|measure|signal) $", out[-1] if out else "")
        if _RULE_NOTE.match(part) and other_kind is None:
            out.append(f'<a href="/rules/{escape(rule)}"><code>{escape(part)}</code></a>')
        else:
            out.append(f"<code>{escape(part)}</code>")
    return Markup("".join(out))


def _condition(when: Any) -> str:
    """A rule's `when` as written in a rule file: text, or `all:`/`any:`/`not:` structure."""
    if isinstance(when, str):
        return when
    return yaml.safe_dump(when, sort_keys=False, allow_unicode=True, width=100).rstrip()


def _holds(value: bool | None) -> str:
    return "unknown" if value is None else "yes" if value else "no"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        value=show_value,
        number=_number,
        threshold=_threshold,
        ticks=_ticks,
        holds=_holds,
        condition=_condition,
        short=lambda text: str(text).removeprefix("sha256:")[:12],
    )
    return env


_ENV = _environment()


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A whole page; its `<main>` is what the script swaps when it navigates."""
    html = _ENV.get_template(template).render(request=request, path=request.url.path, **context)
    return HTMLResponse(html, status_code=status)


def api_failure(request: Request, answer: ApiAnswer, title: str) -> HTMLResponse:
    """The page shown when the API refuses what a page needs: a token prompt when the
    service wants a token (401) or refused the one sent (403 to a request carrying one)."""
    sent = "authorization" in request.headers
    return page(
        request,
        "failure.html",
        status=answer.status,
        title=title,
        error=answer.error,
        needs_token=answer.status == 401 or (answer.status == 403 and sent),
    )
