"""Condition text to a `Condition` tree: a small hand-written tokenizer and parser.

A condition is written as text::

    goci.human_smuggling >= 8 and (signal trafficking-spike or wgi.rule_of_law <= -1)

Atoms:

=======================================  ==========================================
``fsi.total >= 90``                      comparison: ``< <= > >= == !=``
``change(migration.departures) >= 25%``  a function of a series: latest, previous,
                                         mean, change (latest vs mean of earlier)
``wgi.rule_of_law between -2.5 and -1``  inclusive range
``local.governance in [split, contested]``  category membership
``local.rival_governments``              a boolean indicator that is true
``signal trafficking-spike``             a named signal that holds
=======================================  ==========================================

combined with ``and``, ``or``, ``not`` and parentheses. Nothing is evaluated
with Python's ``eval``; the tokenizer accepts a closed set of characters and
the parser limits length and nesting, so hostile text yields a located
`ExpressionError`, never an exception from deep inside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from advisor.errors import Location
from advisor.language.expressions import (
    EXACT_LIMIT_HINT,
    EXACT_LIMIT_TEXT,
    FUNCTIONS,
    AllOf,
    AnyOf,
    Between,
    CompareOp,
    Comparison,
    Condition,
    Membership,
    Not,
    Operand,
    SignalRef,
    Truth,
    Value,
    exactly_comparable,
    normalise_number,
)

__all__ = ["MAX_EXPRESSION_LENGTH", "MAX_NESTING", "ExpressionError", "parse_expression"]

MAX_EXPRESSION_LENGTH = 2_000
MAX_NESTING = 24


class ExpressionError(ValueError):
    """A malformed condition; `offset` is the 0-based column in the text."""

    def __init__(
        self, message: str, offset: int, suggestion: str | None = None, code: str = "expression"
    ) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.suggestion = suggestion
        self.code = code


# --------------------------------------------------------------------------- tokens

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?)
  | (?P<string>"[^"\\\n]*"|'[^'\\\n]*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:[.\-][A-Za-z0-9_]+)*)
  | (?P<op>[<>=!]*[<>=][<>=!]*|\(|\)|\[|\]|,)
    """,
    re.VERBOSE,
)

_KEYWORDS = {"and", "or", "not", "signal", "between", "in", "true", "false"}

_COMPARISONS = ("<", "<=", ">", ">=", "==", "!=")


def _comparison_meant(written: str) -> str | None:
    """The comparison an unknown run of `<>=!` most likely means: `>==` and `=>` are `>=`."""
    if set(written) - set("<>=!"):
        return None
    if "!" in written or written == "<>":
        return "!="
    if "<" in written and ">" in written:
        return None
    for sign in "<>":
        if sign in written:
            return sign + "=" if "=" in written else sign
    return "=="


@dataclass(frozen=True)
class _Token:
    kind: str  # number, string, name, op, keyword, end
    text: str
    offset: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            char = text[position]
            hint = None
            if char == "&":
                hint = "write 'and'"
            elif char == "|":
                hint = "write 'or'"
            elif char == "!":
                hint = "write 'not', or '!=' for 'is not equal to'"
            raise ExpressionError(f"unexpected character {char!r}", position, hint)
        kind = match.lastgroup or ""
        if kind != "space":
            value = match.group()
            if kind == "name" and value.lower() in _KEYWORDS:
                tokens.append(_Token("keyword", value.lower(), position))
            else:
                tokens.append(_Token(kind, value, position))
        position = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


# --------------------------------------------------------------------------- parser


def parse_expression(text: str, at: Location | None = None) -> Condition:
    """Parse condition text; `at` is where the text starts in its file.

    Raises `ExpressionError` whose `offset` is the column (0-based) in `text`.
    """
    if not isinstance(text, str):
        raise ExpressionError("a condition must be text", 0)
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(
            f"condition is {len(text)} characters long, more than {MAX_EXPRESSION_LENGTH}",
            0,
            "split it into signals",
        )
    if not text.strip():
        raise ExpressionError("empty condition", 0)
    parser = _Parser(text, _tokenize(text), at or Location("<expression>", 1, 1))
    condition = parser.expression(0)
    parser.expect_end()
    return condition


class _Parser:
    def __init__(self, text: str, tokens: list[_Token], at: Location) -> None:
        self.text = text
        self.tokens = tokens
        self.index = 0
        self.at = at

    # -- helpers
    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def accept(self, kind: str, text: str | None = None) -> _Token | None:
        token = self.token
        if token.kind == kind and (text is None or token.text == text):
            return self.advance()
        return None

    def fail(self, message: str, token: _Token | None = None, hint: str | None = None) -> None:
        token = token or self.token
        raise ExpressionError(message, token.offset, hint)

    def located(self, offset: int) -> Location:
        return self.at.shifted(offset)

    def describe(self, token: _Token) -> str:
        return "the end of the condition" if token.kind == "end" else repr(token.text)

    def expect_end(self) -> None:
        token = self.token
        if token.kind == "end":
            return
        hint = None
        if token.kind in ("name", "number", "string"):
            hint = "join conditions with 'and' or 'or'"
        elif token.text == ")":
            hint = "remove the unmatched ')'"
        self.fail(f"unexpected {self.describe(token)}", token, hint)

    # -- grammar
    def expression(self, depth: int) -> Condition:
        if depth > MAX_NESTING:
            self.fail(f"conditions nested more than {MAX_NESTING} deep")
        items = [self.conjunction(depth)]
        while self.accept("keyword", "or"):
            items.append(self.conjunction(depth))
        return items[0] if len(items) == 1 else AnyOf(tuple(items))

    def conjunction(self, depth: int) -> Condition:
        items = [self.negation(depth)]
        while self.accept("keyword", "and"):
            items.append(self.negation(depth))
        return items[0] if len(items) == 1 else AllOf(tuple(items))

    def negation(self, depth: int) -> Condition:
        if self.accept("keyword", "not"):
            if depth > MAX_NESTING:
                self.fail(f"conditions nested more than {MAX_NESTING} deep")
            return Not(self.negation(depth + 1))
        return self.primary(depth)

    def primary(self, depth: int) -> Condition:
        token = self.token
        if token.kind == "op" and token.text == "(":
            self.advance()
            inner = self.expression(depth + 1)
            if not self.accept("op", ")"):
                self.fail(
                    f"expected ')' but found {self.describe(self.token)}",
                    hint=f"close the '(' at column {self.at.column + token.offset}",
                )
            return inner
        if token.kind == "keyword" and token.text == "signal":
            self.advance()
            name = self.token
            if name.kind != "name":
                self.fail(
                    "expected a signal id after 'signal'", name, "e.g. 'signal trafficking-spike'"
                )
            self.advance()
            return SignalRef(name.text, self.slice(token, name), self.located(name.offset))
        if token.kind == "name":
            return self.atom()
        if token.kind == "end":
            self.fail("the condition ends too early", token)
        hint = None
        if token.kind == "number":
            hint = "put the indicator first, e.g. 'fsi.total >= 90'"
        self.fail(
            f"expected an indicator, 'signal' or '(' but found {self.describe(token)}", token, hint
        )
        raise AssertionError("unreachable")  # pragma: no cover

    def operand(self) -> tuple[Operand, _Token]:
        first = self.advance()
        if self.token.kind == "op" and self.token.text == "(":
            function = first.text
            if function not in FUNCTIONS:
                self.fail(
                    f"unknown function {function!r}",
                    first,
                    "functions are " + ", ".join(sorted(FUNCTIONS)),
                )
            self.advance()
            argument = self.token
            if argument.kind != "name":
                self.fail(f"expected an indicator inside {function}(...)", argument)
            self.advance()
            closing = self.token
            if not self.accept("op", ")"):
                self.fail(f"expected ')' after {function}({argument.text}", closing)
            return Operand(argument.text, function, self.located(argument.offset)), closing
        return Operand(first.text, None, self.located(first.offset)), first

    def atom(self) -> Condition:
        start = self.token
        operand, last = self.operand()
        at = self.located(start.offset)
        token = self.token
        if token.kind == "op" and token.text in _COMPARISONS:
            self.advance()
            self.refuse_split_operator(token)
            value_token = self.token
            value = self.literal()
            op: CompareOp = token.text  # type: ignore[assignment]
            return Comparison(operand, op, value, self.slice(start, value_token), at)
        if token.kind == "op" and not set(token.text) - set("<>=!"):
            better = _comparison_meant(token.text)
            hint = f"did you mean '{better}'?" if better else "use " + " ".join(_COMPARISONS)
            self.fail(f"unknown operator {token.text!r}", token, hint)
        if token.kind == "keyword" and token.text == "between":
            self.advance()
            low = self.number()
            if not self.accept("keyword", "and"):
                self.fail("expected 'and' in 'between LOW and HIGH'")
            high_token = self.token
            high = self.number()
            if low > high:
                self.fail(
                    f"range is empty: {low} is above {high}",
                    high_token,
                    "write the lower bound first",
                )
            return Between(operand, low, high, self.slice(start, high_token), at)
        if token.kind == "keyword" and token.text == "in":
            self.advance()
            if not self.accept("op", "["):
                self.fail("expected '[' after 'in'", hint="e.g. 'x in [low, high]'")
            values = [self.literal()]
            while self.accept("op", ","):
                values.append(self.literal())
            closing = self.token
            if not self.accept("op", "]"):
                self.fail(f"expected ',' or ']' but found {self.describe(closing)}")
            return Membership(operand, tuple(values), self.slice(start, closing), at)
        return Truth(operand, self.slice(start, last), at)

    def refuse_split_operator(self, first: _Token) -> None:
        """`> =` or `>= =`: an operator followed by more operator signs is one mistyped."""
        token = self.token
        meant = _comparison_meant(first.text + token.text) if token.kind == "op" else None
        if meant is not None:
            written = self.text[first.offset : token.offset + len(token.text)]
            self.fail(f"unknown operator {written!r}", first, f"did you mean '{meant}'?")

    def number(self) -> float | int:
        token = self.token
        value = self.literal()
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(f"expected a number but found {self.describe(token)}", token)
        return value  # type: ignore[return-value]

    def literal(self) -> Value:
        token = self.token
        if token.kind == "number":
            self.advance()
            return _exact(_number(token), token)
        if token.kind == "string":
            self.advance()
            return token.text[1:-1]
        if token.kind == "keyword" and token.text in ("true", "false"):
            self.advance()
            return token.text == "true"
        if token.kind == "name" and "." not in token.text:
            # A bare word on the right-hand side is a category value.
            self.advance()
            return token.text
        if token.kind == "name":
            self.fail(
                f"expected a value but found the indicator {token.text!r}",
                token,
                "compare an indicator with a fixed value",
            )
        self.fail(f"expected a value but found {self.describe(token)}", token)
        raise AssertionError("unreachable")  # pragma: no cover

    def slice(self, first: _Token, last: _Token) -> str:
        return self.text[first.offset : last.offset + len(last.text)]


def _number(token: _Token) -> float | int:
    text = token.text
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    try:
        if not percent and re.fullmatch(r"[-+]?\d+", text):
            return int(text)
        value = float(text)
    except ValueError:  # pragma: no cover - the token pattern admits only numbers
        raise ExpressionError(f"not a number: {token.text!r}", token.offset) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ExpressionError(f"number out of range: {token.text!r}", token.offset)
    return normalise_number(value / 100 if percent else value)


def _exact(value: float | int, token: _Token) -> float | int:
    if not exactly_comparable(value):
        raise ExpressionError(
            f"{token.text} is beyond ±{EXACT_LIMIT_TEXT}",
            token.offset,
            EXACT_LIMIT_HINT,
            "number-too-large",
        )
    return value
