"""Access tokens: roles, how a token is made and hashed, and the `tokens` table.

A token is shown once, when it is made; the database keeps only its hash. The
hash is HMAC-SHA256 under a fixed label, a fast hash on purpose: a slow password
hash (bcrypt, argon2) protects secrets people choose, which are few enough to
guess offline from a stolen hash. These tokens are 256 random bits, which no
one can guess from their hash, fast or slow, so one cheap hash per request is
enough. The label only keeps these digests apart from any other use of SHA-256
(it is not a secret, and a secret key would add nothing against 256-bit tokens
while needing a key every worker and the command line share).
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Engine, String, Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..decision_log import metadata

__all__ = [
    "NAME_PATTERN",
    "Role",
    "TokenError",
    "TokenInfo",
    "TokenStore",
    "hash_token",
    "new_token",
    "tokens",
]

#: what a token name may be: it is written into the decision and access logs
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_PREFIX = "adv_"  # lets secret scanners and people recognise a leaked token
_LABEL = b"cooperation-advisor access token v1"

tokens = Table(
    "tokens",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)


class Role(enum.IntEnum):
    """What a token may do; each role may also do everything the roles before it may."""

    #: recommend, read the catalogues, read the decisions its own token wrote
    READER = 1
    #: read and list every decision
    AUDITOR = 2
    #: reload the rule files (tokens are managed with `advisor tokens` on the server)
    ADMIN = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def from_label(cls, label: str) -> Role:
        return cls[label.upper()]


class TokenError(Exception):
    """A token command that cannot be done: a bad or taken name, an unknown token."""


@dataclass(frozen=True)
class TokenInfo:
    """A token as listed: never the token itself."""

    name: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None


def new_token() -> str:
    """A new random token (256 bits)."""
    return _PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The stored form of a token; see the module's docstring for why a fast hash is right."""
    return hmac.new(_LABEL, token.encode("utf-8"), hashlib.sha256).hexdigest()


class TokenStore:
    """The `tokens` table: add, list, revoke, and the active ones (for the service)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, name: str, role: Role) -> str:
        """A new token for `name`; returns the token, which is stored only as its hash."""
        if NAME_PATTERN.fullmatch(name) is None:
            raise TokenError(
                f"{name!r} is not a token name: 1 to 64 letters, digits, '.', '_' or '-', "
                "starting with a letter or digit"
            )
        token = new_token()
        row = {
            "name": name,
            "role": role.label,
            "hash": hash_token(token),
            "created_at": datetime.now(UTC),
            "revoked_at": None,
        }
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(tokens), row)
        except IntegrityError:
            raise TokenError(
                f"a token named {name!r} exists already (perhaps revoked): names are never "
                "reused, so the logs keep meaning one token per name"
            ) from None
        return token

    def list(self) -> list[TokenInfo]:
        """Every token, revoked ones included, oldest first."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(tokens).order_by(tokens.c.created_at)).all()
        return [
            TokenInfo(row.name, Role.from_label(row.role), _utc(row.created_at), _maybe(row))
            for row in rows
        ]

    def revoke(self, name: str) -> TokenInfo:
        """Revoke a token (no-op if it is revoked already); raises `TokenError` if unknown."""
        with self.engine.begin() as connection:
            connection.execute(
                update(tokens)
                .where(tokens.c.name == name, tokens.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            )
            row = connection.execute(select(tokens).where(tokens.c.name == name)).one_or_none()
        if row is None:
            raise TokenError(f"no token is named {name!r} (see `advisor tokens list`)")
        return TokenInfo(row.name, Role.from_label(row.role), _utc(row.created_at), _maybe(row))

    def active(self) -> Sequence[tuple[str, str, Role]]:
        """(hash, name, role) of every token not revoked."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(tokens.c.hash, tokens.c.name, tokens.c.role).where(
                    tokens.c.revoked_at.is_(None)
                )
            ).all()
        return [(row.hash, row.name, Role.from_label(row.role)) for row in rows]


def _utc(value: datetime) -> datetime:
    # SQLite keeps no time zone; every time written is UTC
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _maybe(row: object) -> datetime | None:
    revoked: datetime | None = getattr(row, "revoked_at", None)
    return None if revoked is None else _utc(revoked)
