"""Service settings, read from `ADVISOR_*` environment variables by the entry points only."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Everything the service can be told; each field is also `ADVISOR_<NAME>` in the env."""

    model_config = SettingsConfigDict(env_prefix="ADVISOR_", frozen=True, extra="forbid")

    rules_dir: Path = Field(Path("rules"), description="Directory of rule files to serve.")
    database_url: str = Field(
        "sqlite:///decisions.db",
        description="SQLAlchemy URL of the decision log; postgresql+psycopg://... for PostgreSQL.",
    )
    admin_token: SecretStr | None = Field(
        None,
        description="An admin token from the environment, beside those of `advisor tokens` "
        "(prefer those: they have names and can be revoked).",
    )
    rate_per_minute: int = Field(
        600, ge=0, description="Requests a minute per token, in each worker; 0: no limit."
    )
    token_cache_seconds: float = Field(
        5.0,
        ge=0,
        le=300,
        description="How long a worker uses its copy of the tokens: a revocation takes "
        "effect within this time.",
    )
    max_body_bytes: int = Field(1_000_000, gt=0, description="Largest request body accepted.")
    max_batch: int = Field(100, ge=1, le=10_000, description="Most profiles in one batch request.")
    reload_interval: float = Field(
        1.0, ge=0, description="Seconds between checks of the rule files; 0 stops watching."
    )
    migrate: bool = Field(
        True, description="Create or upgrade the decision log's schema when the app starts."
    )
    runtime_dir: Path | None = Field(
        None,
        description="State shared by sibling worker processes (set by `advisor serve`): "
        "the reload marker, the last good rule files and the metrics files.",
    )
    header_timeout: float = Field(
        10.0,
        gt=0,
        description="Seconds a client has to send a request's line and headers; "
        "past them the connection gets 408 and is closed.",
    )
    body_timeout: float = Field(
        30.0,
        gt=0,
        description="Seconds a client has to send a request's whole body, from the end of "
        "its headers; past them the request gets 408 and the connection is closed.",
    )
    max_concurrency: int = Field(
        64,
        ge=1,
        description="Requests one worker handles at once (health and metrics excepted); "
        "past them a request gets 503 with Retry-After.",
    )
    drain_max_bytes: int = Field(
        16_000_000,
        ge=0,
        description="How much of a body the service refused (413, 503, ...) it still reads "
        "and discards, so that a client busy sending reads the answer instead of a reset.",
    )
    log_probe_interval: float = Field(
        2.0,
        gt=0,
        description="Age in seconds past which /readyz probes the decision log rather than "
        "trusting the outcome of the last write.",
    )
    retention_days: int | None = Field(
        None,
        ge=1,
        description="Days a decision is kept in the log; older ones are purged. "
        "Unset: kept for ever.",
    )
    purge_interval: float = Field(
        3600.0,
        gt=0,
        description="Seconds between purges of old decisions by each worker "
        "(with ADVISOR_RETENTION_DAYS).",
    )
    host: str = Field("127.0.0.1", description="Address `advisor serve` listens on.")
    port: int = Field(8000, ge=0, le=65535, description="Port `advisor serve` listens on.")
    workers: int = Field(2, ge=1, le=64, description="Worker processes `advisor serve` runs.")

    def environment(self) -> dict[str, str]:
        """These settings as `ADVISOR_*` variables, for worker processes to read back."""
        env: dict[str, str] = {}
        for name, value in self.model_dump().items():
            if value is None:
                continue
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            elif isinstance(value, bool):
                value = "true" if value else "false"
            env[f"ADVISOR_{name.upper()}"] = str(value)
        return env
