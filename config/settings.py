"""Deploy-time settings, read once at start-up from the environment and copbot.toml."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from config import shards
from config.errors import ConfigError

ENV_PREFIX = "COPBOT_"
# Discord bot tokens are three base64url parts joined by dots; Slack's carry a type prefix.
_DISCORD_TOKEN = re.compile(r"^[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}$")


def _alias(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    """Everything that differs between deployments; per-community values live in the database."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, extra="forbid", populate_by_name=True, case_sensitive=False
    )

    database_url: str = "sqlite+aiosqlite:///copbot.db"
    log_level: str = "INFO"
    activity_flush_seconds: float = Field(5.0, gt=0)
    # Pacing of what copbot says unasked. Discord's anti-spam rules punish bursts of DMs;
    # Slack allows about one message a second per channel.
    discord_dm_seconds: float = Field(2.0, ge=0, description="per community, between DMs")
    discord_dms_per_minute: int = Field(20, ge=1, description="per process")
    discord_posts_per_second: float = Field(1.0, gt=0, description="per channel, after a burst")
    slack_posts_per_second: float = Field(1.0, gt=0, description="per channel, DMs included")

    discord_token: SecretStr | None = Field(None, validation_alias=_alias("DISCORD_TOKEN"))
    discord_guild: int | None = None
    discord_api_base: str = Field(
        "https://discord.com/api/v10", validation_alias=_alias("DISCORD_API_BASE")
    )
    discord_gateway_url: str = Field(
        "wss://gateway.discord.gg/", validation_alias=_alias("DISCORD_GATEWAY_URL")
    )
    # Sharding spreads a bot in thousands of guilds over processes: how many shards in all
    # (or "auto"), and which of them this process runs (all of them when unset).
    discord_shards: str | None = None
    discord_shard_ids: str | None = None

    slack_bot_token: SecretStr | None = Field(None, validation_alias=_alias("SLACK_BOT_TOKEN"))
    slack_app_token: SecretStr | None = Field(None, validation_alias=_alias("SLACK_APP_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=_alias("SLACK_SIGNING_SECRET")
    )
    slack_api_url: str = Field("https://slack.com/api/", validation_alias=_alias("SLACK_API_URL"))
    slack_port: int = Field(3000, ge=1, le=65535)

    @field_validator("discord_token")
    @classmethod
    def _discord_token_shape(cls, token: SecretStr | None) -> SecretStr | None:
        if token and not _DISCORD_TOKEN.match(token.get_secret_value().strip()):
            raise ValueError("DISCORD_TOKEN does not look like a Discord bot token")
        return token

    @field_validator("slack_bot_token")
    @classmethod
    def _slack_bot_token_shape(cls, token: SecretStr | None) -> SecretStr | None:
        return _prefixed(token, "xoxb-", "SLACK_BOT_TOKEN")

    @field_validator("slack_app_token")
    @classmethod
    def _slack_app_token_shape(cls, token: SecretStr | None) -> SecretStr | None:
        return _prefixed(token, "xapp-", "SLACK_APP_TOKEN")

    @field_validator("discord_shards", "discord_shard_ids", mode="before")
    @classmethod
    def _discord_shards_shape(cls, value: object, info: ValidationInfo) -> str | None:
        # copbot.toml may say `discord_shards = 4`; the environment always gives text.
        text = None if value is None else str(value)
        parse = shards.shard_count if info.field_name == "discord_shards" else shards.shard_ids
        parse(text)
        return text

    @model_validator(mode="after")
    def _discord_shards_agree(self) -> Settings:
        shards.check(self.discord_shards, self.discord_shard_ids)
        return self

    @property
    def sharded(self) -> bool:
        """Whether Discord runs sharded (COPBOT_DISCORD_SHARDS is set)."""
        return self.discord_shards is not None

    @property
    def discord_shard_count(self) -> int | None:
        """The total number of shards; None for auto (Discord's recommendation) or unsharded."""
        return shards.shard_count(self.discord_shards)

    @property
    def discord_shard_id_list(self) -> list[int] | None:
        """The shards this process runs; None for all of them."""
        return shards.shard_ids(self.discord_shard_ids)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The environment wins over copbot.toml; init arguments (tests) win over both."""
        return init_settings, env_settings, TomlConfigSettingsSource(settings_cls)

    @property
    def platforms(self) -> list[str]:
        """The platforms whose tokens are set."""
        found = []
        if self.discord_token:
            found.append("discord")
        if self.slack_bot_token:
            found.append("slack")
        return found


def _prefixed(token: SecretStr | None, prefix: str, name: str) -> SecretStr | None:
    if token and not token.get_secret_value().startswith(prefix):
        raise ValueError(f"{name} should start with {prefix}")
    return token


def load_settings(toml_path: Path | None = Path("copbot.toml")) -> Settings:
    """Read the settings once; misconfiguration becomes a ConfigError that says what to fix."""
    _refuse_unknown_env(os.environ)
    settings_class = Settings
    if toml_path is not None and toml_path.is_file():

        class FromFile(Settings):
            model_config = SettingsConfigDict(**{**Settings.model_config, "toml_file": toml_path})

        settings_class = FromFile
    try:
        return settings_class()
    except ValidationError as error:
        problems = "; ".join(_problem(e["loc"], e["msg"]) for e in error.errors())
        raise ConfigError(f"copbot's settings are not right: {problems}.") from None


def _problem(loc: tuple[int | str, ...], message: str) -> str:
    # Our own checks already name the setting and say what to do; pydantic's need the name.
    message = message.removeprefix("Value error, ")
    if message.startswith(ENV_PREFIX):
        return message.rstrip(".")
    return f"{'.'.join(str(p) for p in loc) or 'settings'}: {message}"


def _refuse_unknown_env(environ: Mapping[str, str]) -> None:
    known = {f"{ENV_PREFIX}{name}".upper() for name in Settings.model_fields}
    unknown = sorted(
        k for k in environ if k.upper().startswith(ENV_PREFIX) and k.upper() not in known
    )
    if unknown:
        allowed = ", ".join(sorted(known))
        raise ConfigError(
            f"Unknown setting {', '.join(unknown)}. The COPBOT_ settings are: {allowed}."
        )
