"""The one settings object: where the database and the rule files are."""

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PARTNERDESK_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///partnerdesk.db",
        validation_alias=AliasChoices("DATABASE_URL", "PARTNERDESK_DATABASE_URL"),
    )
    rules_dir: Path = PROJECT_ROOT / "rules"
    session_secret: SecretStr | None = None
    """PARTNERDESK_SESSION_SECRET signs the app's session tokens; unset, each server process
    makes its own (sign-ins then survive reloads but not a restart of the server)."""
    session_hours: float = Field(default=8, gt=0, le=24 * 30)

    @field_validator("database_url")
    @classmethod
    def _use_psycopg3(cls, url: str) -> str:
        """`postgresql://` means psycopg 3 here (the driver we install), not psycopg2."""
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix):]
        return url


@lru_cache
def get_settings() -> Settings:
    return Settings()
