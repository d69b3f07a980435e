"""A community's values: the shipped defaults with that community's overrides on top."""

from __future__ import annotations

import difflib
import json
import logging
import re
import tomllib
import zoneinfo
from functools import cache
from importlib import resources
from typing import Annotated, Any

from annotated_types import Ge, Le
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from config.channels import CHANNEL_KEYS, channel_value
from config.errors import GIVEN, SettingError
from config.rules import Known, Rule, RuleError, parse_rule
from config.values import (
    ValueRuleError,
    clock_time,
    printable,
    weekday,
    whole_number,
    yes_no,
)

log = logging.getLogger(__name__)

# The community role that carries moderator standing (bot/binding.py's role_level reads it).
MODERATOR_ROLE = "moderator"
# Settings that decide who moderates: only admins change or reset them. A key, or a prefix
# ending in "." for a whole group; default_role counts when it moves to or from MODERATOR_ROLE.
STANDING_KEYS = ("moderator_role", f"roles.{MODERATOR_ROLE}.")
_TIMEZONE_HINT = "an IANA time zone such as UTC, Europe/Paris or America/Chicago"
# A typed key made only of these is shown as code; anything else is quoted back neutralised.
_PLAIN_KEY = re.compile(r"[a-z0-9_.\-]{1,60}")
Item = Annotated[str, Field(min_length=1, max_length=200)]
# 24-hour times of day, in `timezone`, and days of the week.
TIME_KEYS = frozenset({"poll_time", "lapse_time", "match_time", "digest_time"})
DAY_KEYS = frozenset({"poll_day", "match_day", "digest_day"})


class RoleInfo(BaseModel):
    """What a role means, what it commits to, and how one enters it."""

    model_config = ConfigDict(extra="forbid")

    meaning: str = Field(min_length=1, max_length=300)
    commitments: list[Item] = Field(default_factory=list, max_length=10)
    entry: list[Item] = Field(default_factory=list, max_length=10)


class BadgeInfo(BaseModel):
    """A badge in the catalogue: earned by its rule, or granted by hand when manual."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=40)
    emoji: str = Field("🏅", min_length=1, max_length=8)
    description: str = Field(min_length=1, max_length=200)
    rule: str = Field("", max_length=500)
    manual: bool = False
    advocate: bool = False

    @model_validator(mode="after")
    def _rule_or_manual(self, info: ValidationInfo) -> BadgeInfo:
        if self.manual == bool(self.rule.strip()):
            raise ValueError("give a badge either a rule or manual = true (not both)")
        if self.rule.strip():
            # Raises with what is wrong and which metrics exist, when the caller knows them.
            parse_rule(self.rule, (info.context or {}).get("metrics"))
        return self

    @property
    def parsed(self) -> Rule | None:
        """The rule, parsed (None for a manual badge)."""
        return parse_rule(self.rule) if self.rule.strip() else None


class CommunityConfig(BaseModel):
    """Every value a moderator can change for their own community."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    welcome_text: str = Field(min_length=1, max_length=1500)
    intro_channel: str = Field(min_length=1)
    welcome_channel: str = Field(min_length=1)
    announce_channel: str = ""
    moderator_role: str = Field("", max_length=100)
    default_role: str
    timezone: str
    page_size: int = Field(10, ge=3, le=25)
    kudos_channel: str = ""
    kudos_daily_allowance: int = Field(5, ge=1, le=100)
    kudos_same_recipient_daily: int = Field(1, ge=1, le=10)
    leaderboards: bool = True
    badge_channel: str = ""
    weekly_poll: bool = True
    feedback_channel: str = Field("general", min_length=1)
    poll_day: str = "mon"
    poll_time: str = "15:00"
    poll_open_hours: int = Field(72, ge=1, le=336)
    poll_rating_question: str = Field(min_length=1, max_length=200)
    poll_rating_labels: list[Item] = Field(min_length=5, max_length=5)
    poll_open_question: str = Field(min_length=1, max_length=200)
    welcome_back: bool = True
    lapse_min_days: int = Field(21, ge=7, le=365)
    lapse_factor: int = Field(3, ge=1, le=20)
    lapse_time: str = "10:00"
    need_checkin_days: int = Field(30, ge=7, le=365)
    match_every_weeks: int = Field(2, ge=1, le=8)
    match_day: str = "mon"
    match_time: str = "10:00"
    match_recency_weeks: int = Field(12, ge=1, le=52)
    match_followup_days: int = Field(5, ge=1, le=13)
    match_default_in: bool = False
    outcomes_channel: str = Field("general", min_length=1)
    outcome_types: list[Item] = Field(min_length=1, max_length=25)
    outcome_licenses: list[Item] = Field(min_length=1, max_length=25)
    outcome_default_license: str = Field("CC BY 4.0", min_length=1, max_length=200)
    contributor_roles: list[Item] = Field(min_length=1, max_length=25)
    groups_need_approval: bool = False
    group_checkin_days: int = Field(14, ge=3, le=90)
    weekly_digest: bool = True
    digest_channel: str = Field("general", min_length=1)
    digest_day: str = "fri"
    digest_time: str = "16:00"
    forget_on_leave: bool = False  # erase a member's data when they leave the platform's community
    roles: dict[str, RoleInfo]
    badges: dict[str, BadgeInfo] = Field(default_factory=dict)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        zone = canonical_timezone(value)
        if zone is None:
            raise ValueError(f"use {_TIMEZONE_HINT}")
        return zone

    @field_validator(*sorted(TIME_KEYS))
    @classmethod
    def _clock_time(cls, value: str, info: ValidationInfo) -> str:
        return clock_time(value, name=info.field_name or "")

    @field_validator(*sorted(DAY_KEYS))
    @classmethod
    def _weekday(cls, value: str, info: ValidationInfo) -> str:
        return weekday(value, name=info.field_name or "")

    @field_validator(*sorted(CHANNEL_KEYS), mode="before")
    @classmethod
    def _channel(cls, value: object, info: ValidationInfo) -> object:
        return channel_value(value, name=info.field_name or "") if isinstance(value, str) else value

    @model_validator(mode="after")
    def _default_license_listed(self) -> CommunityConfig:
        licenses = [item.lower() for item in self.outcome_licenses]
        if self.outcome_default_license.lower() not in licenses:
            raise ValueError(
                f"outcome_default_license must be one of: {'; '.join(self.outcome_licenses)}"
            )
        return self

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


@cache
def _timezones() -> dict[str, str]:
    zones = {zone.lower(): zone for zone in zoneinfo.available_timezones()}
    return {**zones, "utc": "UTC"}


def canonical_timezone(text: str) -> str | None:
    """An IANA zone as spelled in the database ("europe/paris" → "Europe/Paris"), or None."""
    return _timezones().get(text.strip().lower())


def build_config(overrides: dict[str, str], *, metrics: Known | None = None) -> CommunityConfig:
    """Defaults with a community's stored overrides on top (rules checked against `metrics`)."""
    try:
        return _validated(overrides, metrics)
    except (ValidationError, ValueError, TypeError, AttributeError):
        if not overrides:
            raise  # the defaults themselves are wrong: start-up says so
    # A value stored before a rule got stricter (or for a role that is gone) must not lock the
    # community out: it is skipped, not deleted, and the rest still apply.
    kept: dict[str, str] = {}
    for key, encoded in overrides.items():
        try:
            _validated({**kept, key: encoded}, metrics)
        except (ValidationError, ValueError, TypeError, AttributeError):
            log.warning("ignoring the stored setting %s: it no longer fits the rules", key)
        else:
            kept[key] = encoded
    return _validated(kept, metrics)


def _validated(overrides: dict[str, str], metrics: Known | None) -> CommunityConfig:
    values = json.loads(json.dumps(default_values()))  # a deep copy, so defaults stay intact
    for key, encoded in overrides.items():
        _assign(values, key.split("."), json.loads(encoded))
    return CommunityConfig.model_validate(values, context={"metrics": metrics})


@cache
def default_config() -> CommunityConfig:
    """The shipped defaults as a community's values, before any override."""
    return build_config({})


def settable_keys(config: CommunityConfig) -> list[str]:
    """Every key `/config set` accepts, in a stable order."""
    keys = [name for name in CommunityConfig.model_fields if name not in ("roles", "badges")]
    for role in config.roles:
        keys.extend(f"roles.{role}.{part}" for part in RoleInfo.model_fields)
    for badge, info in config.badges.items():
        parts = ("name", "emoji", "description") + (() if info.manual else ("rule",))
        keys.extend(f"badges.{badge}.{part}" for part in parts)
    return keys


def setting_key(config: CommunityConfig, typed: str) -> str:
    """The settable key a moderator typed, or a SettingError offering the closest ones."""
    key = typed.strip().lower()
    keys = settable_keys(config)
    if key in keys:
        return key
    close = difflib.get_close_matches(key, keys, n=3, cutoff=0.6)
    named = f"`{key}`" if _PLAIN_KEY.fullmatch(key) else f"“{GIVEN}”"
    hint = f" Did you mean {' or '.join(f'`{k}`' for k in close)}?" if close else ""
    raise SettingError(
        f"There is no setting {named}.{hint} See every setting with /config show.", typed
    )


def needs_admin(key: str, *, old: object = None, new: object = None) -> bool:
    """Whether changing `key` from `old` to `new` can change who has moderator standing."""
    if key == "default_role":
        return MODERATOR_ROLE in (old, new)
    return any(key == k or (k.endswith(".") and key.startswith(k)) for k in STANDING_KEYS)


def admin_reason(key: str, *, new: object = None, verb: str = "change") -> str:
    """Why a moderator may not change a standing setting, in a sentence."""
    target = f" to {MODERATOR_ROLE}" if key == "default_role" and new == MODERATOR_ROLE else ""
    return f"Only admins can {verb} `{key}`{target}: it decides who moderates."


def parse_override(
    config: CommunityConfig, key: str, raw: str, *, metrics: Known | None = None
) -> tuple[str, str]:
    """Check a `/config set` value; return the key and the JSON to store, or say what's allowed."""
    key = setting_key(config, key)
    value = _typed(config, key, raw, metrics)
    values = config.model_dump()
    _assign(values, key.split("."), value)
    try:
        checked = CommunityConfig.model_validate(values, context={"metrics": metrics})
    except ValidationError as error:
        raise SettingError(_worded(key, error.errors()[0]), raw) from None
    return key, json.dumps(lookup(checked, key))  # stored as validated: "#intros" → "intros"


def _typed(config: CommunityConfig, key: str, raw: str, metrics: Known | None) -> Any:
    """The typed value for a key, read by the rule of its kind."""
    current = lookup(config, key)
    text = printable(raw).strip()
    try:
        if isinstance(current, list):
            return [part.strip() for part in text.split(";") if part.strip()]
        if isinstance(current, bool):
            return yes_no(text, name=key)
        if isinstance(current, int):
            low, high = _bounds(key)
            return whole_number(text, name=key, low=low, high=high)
        if key in CHANNEL_KEYS:
            return channel_value(text, name=key)
        if key in TIME_KEYS:
            return clock_time(text, name=key)
        if key in DAY_KEYS:
            return weekday(text, name=key)
    except ValueRuleError as error:
        raise SettingError(f"{error}, not “{GIVEN}”.", raw) from None
    if key == "timezone":
        zone = canonical_timezone(text)
        if zone is None:
            raise SettingError(f"`timezone` takes {_TIMEZONE_HINT}, not “{GIVEN}”.", raw)
        return zone
    if key == "default_role":
        role = text.lower()
        if role not in config.roles:
            roles = ", ".join(config.roles)
            raise SettingError(f"`default_role` takes one of {roles}, not “{GIVEN}”.", raw)
        return role
    if key.startswith("badges.") and key.endswith(".rule"):
        try:
            parse_rule(text, metrics)
        except RuleError as error:
            quoted = "" if error.given is None else f", not “{GIVEN}”"
            raise SettingError(f"`{key}`: {error.problem}{quoted}.", error.given) from None
    return text


def _bounds(key: str) -> tuple[int | None, int | None]:
    """The whole-number range declared on a field (`ge`/`le`), so the rule lives in one place."""
    low = high = None
    for constraint in CommunityConfig.model_fields[key].metadata:
        if isinstance(constraint, Ge):
            low = int(constraint.ge)  # type: ignore[call-overload]
        elif isinstance(constraint, Le):
            high = int(constraint.le)  # type: ignore[call-overload]
    return low, high


def _worded(key: str, error: ErrorDetails) -> str:
    """Pydantic's complaint about one setting, said in plain words that name the setting."""
    kind, ctx = error["type"], error.get("ctx") or {}
    one = "Each item of " if any(isinstance(part, int) for part in error["loc"]) else ""
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return f"{one}`{key}` can't be empty; /config reset {key} puts back the default."
    if kind == "string_too_short":
        return f"{one}`{key}` takes at least {ctx.get('min_length')} characters."
    given = error.get("input")
    size = f"; that was {len(given)}" if isinstance(given, str | list) else ""
    if kind == "string_too_long":
        return f"{one}`{key}` takes at most {ctx.get('max_length')} characters{size}."
    if kind == "too_long":
        return f"`{key}` takes at most {ctx.get('max_length')} items, separated with ;{size}."
    if kind == "too_short":
        return f"`{key}` takes at least {ctx.get('min_length')} items, separated with ;."
    if kind == "value_error" and isinstance(ctx.get("error"), RuleError | SettingError):
        return f"`{key}` can't be “{GIVEN}”."  # their text may quote input: not shown raw
    if kind == "value_error":
        return f"`{key}` can't be “{GIVEN}”: {ctx.get('error')}."
    return f"`{key}` can't be “{GIVEN}”. See what it holds now with /config show."


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
