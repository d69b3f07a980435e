"""A community's values: the shipped defaults with that community's overrides on top."""

from __future__ import annotations

import json
import tomllib
import zoneinfo
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.errors import UserError
from config.rules import Rule, parse_rule


class RoleInfo(BaseModel):
    """What a role means, what it commits to, and how one enters it."""

    model_config = ConfigDict(extra="forbid")

    meaning: str = Field(min_length=1, max_length=300)
    commitments: list[str] = Field(default_factory=list, max_length=10)
    entry: list[str] = Field(default_factory=list, max_length=10)


class BadgeInfo(BaseModel):
    """A badge in the catalogue: earned by its rule, or granted by hand when manual."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=40)
    emoji: str = Field("🏅", min_length=1, max_length=8)
    description: str = Field(min_length=1, max_length=200)
    rule: str = ""
    manual: bool = False
    advocate: bool = False

    @model_validator(mode="after")
    def _rule_or_manual(self) -> BadgeInfo:
        if self.manual == bool(self.rule.strip()):
            raise ValueError("give a badge either a rule or manual = true (not both)")
        if self.rule.strip():
            parse_rule(self.rule)  # raises with what is wrong and which metrics exist
        return self

    @property
    def parsed(self) -> Rule | None:
        """The rule, parsed (None for a manual badge)."""
        return parse_rule(self.rule) if self.rule.strip() else None


class CommunityConfig(BaseModel):
    """Every value a moderator can change for their own community."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    welcome_text: str = Field(min_length=1, max_length=1500)
    intro_channel: str = Field(min_length=1, max_length=100)
    welcome_channel: str = Field(min_length=1, max_length=100)
    announce_channel: str = Field("", max_length=100)
    moderator_role: str = Field("", max_length=100)
    default_role: str
    timezone: str
    page_size: int = Field(10, ge=3, le=25)
    kudos_channel: str = Field("", max_length=100)
    kudos_daily_allowance: int = Field(5, ge=1, le=100)
    kudos_same_recipient_daily: int = Field(1, ge=1, le=10)
    leaderboards: bool = True
    badge_channel: str = Field("", max_length=100)
    roles: dict[str, RoleInfo]
    badges: dict[str, BadgeInfo] = Field(default_factory=dict)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        if value not in zoneinfo.available_timezones() and value != "UTC":
            raise ValueError("use an IANA time zone such as UTC, Europe/Paris or America/Chicago")
        return value

    @field_validator(
        "intro_channel", "welcome_channel", "announce_channel", "kudos_channel", "badge_channel"
    )
    @classmethod
    def _bare_channel(cls, value: str) -> str:
        return value.strip().lstrip("#")

    @model_validator(mode="after")
    def _default_role_exists(self) -> CommunityConfig:
        if self.default_role not in self.roles:
            raise ValueError(f"default_role must be one of: {', '.join(self.roles)}")
        return self


@cache
def default_values() -> dict[str, Any]:
    """The shipped defaults, read once from config/defaults.toml."""
    text = resources.files("config").joinpath("defaults.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def build_config(overrides: dict[str, str]) -> CommunityConfig:
    """Defaults with a community's stored overrides (dotted key → JSON value) on top."""
    values = json.loads(json.dumps(default_values()))  # a deep copy, so defaults stay intact
    for key, encoded in overrides.items():
        _assign(values, key.split("."), json.loads(encoded))
    return CommunityConfig.model_validate(values)


def settable_keys(config: CommunityConfig) -> list[str]:
    """Every key `/config set` accepts, in a stable order."""
    keys = [name for name in CommunityConfig.model_fields if name not in ("roles", "badges")]
    for role in config.roles:
        keys.extend(f"roles.{role}.{part}" for part in RoleInfo.model_fields)
    for badge, info in config.badges.items():
        parts = ("name", "emoji", "description") + (() if info.manual else ("rule",))
        keys.extend(f"badges.{badge}.{part}" for part in parts)
    return keys


def parse_override(config: CommunityConfig, key: str, raw: str) -> tuple[str, str]:
    """Check a `/config set` value; return the key and the JSON to store, or say what's allowed."""
    key = key.strip().lower()
    if key not in settable_keys(config):
        raise UserError(
            f"There is no setting `{key}`. You can set: {', '.join(settable_keys(config))}."
        )
    value: Any = raw.strip()
    current = lookup(config, key)
    if isinstance(current, list):
        value = [part.strip() for part in raw.split(";") if part.strip()]
    elif isinstance(current, bool):
        if value.lower() not in ("true", "false", "yes", "no", "on", "off"):
            raise UserError(f"`{key}` takes yes or no, not “{raw[:40]}”.")
        value = value.lower() in ("true", "yes", "on")
    elif isinstance(current, int):
        if not value.lstrip("-").isdigit():
            raise UserError(f"`{key}` takes a whole number, not “{raw[:40]}”.")
        value = int(value)
    values = config.model_dump()
    _assign(values, key.split("."), value)
    try:
        checked = CommunityConfig.model_validate(values)
    except ValidationError as error:
        reason = error.errors()[0]["msg"].removeprefix("Value error, ")
        raise UserError(f"`{key}` can't be “{raw[:60]}”: {reason}.") from None
    return key, json.dumps(lookup(checked, key))  # stored as validated: "#intros" → "intros"


def lookup(config: CommunityConfig, key: str) -> Any:
    """The current value at a dotted key."""
    value: Any = config.model_dump()
    for part in key.split("."):
        value = value[part]
    return value


def _assign(values: dict[str, Any], parts: list[str], value: Any) -> None:
    for part in parts[:-1]:
        values = values.setdefault(part, {})
    values[parts[-1]] = value
