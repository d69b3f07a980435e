"""Deploy-time settings: environment, copbot.toml, and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.errors import ConfigError
from config.settings import load_settings

DISCORD_LIKE = "MTAxMjM0NTY3ODkwMTIzNDU2.GhIjKl.abcdefghijklmnopqrstuvwxyz0123"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "COPBOT_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_defaults_without_tokens_mean_the_console(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "none.toml")
    assert settings.database_url == "sqlite+aiosqlite:///copbot.db"
    assert settings.platforms == []
    assert settings.discord_api_base == "https://discord.com/api/v10"


def test_platform_names_and_prefix_are_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", DISCORD_LIKE)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-2-abc")
    monkeypatch.setenv("COPBOT_SLACK_PORT", "3100")
    settings = load_settings(tmp_path / "none.toml")
    assert settings.platforms == ["discord", "slack"]
    assert settings.slack_port == 3100


def test_toml_file_is_read_and_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    toml = tmp_path / "copbot.toml"
    toml.write_text('database_url = "sqlite+aiosqlite:///from-toml.db"\nlog_level = "DEBUG"\n')
    assert load_settings(toml).database_url.endswith("from-toml.db")
    monkeypatch.setenv("COPBOT_LOG_LEVEL", "WARNING")
    assert load_settings(toml).log_level == "WARNING"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DISCORD_TOKEN", "not-a-token", "does not look like a Discord bot token"),
        ("SLACK_BOT_TOKEN", "xapp-wrong-kind", "should start with xoxb-"),
        ("SLACK_APP_TOKEN", "xoxb-wrong-kind", "should start with xapp-"),
        ("COPBOT_SLACK_PORT", "99999", "slack_port"),
        ("COPBOT_COLOUR", "blue", "Unknown setting COPBOT_COLOUR"),
    ],
)
def test_misconfiguration_is_one_clear_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        load_settings(tmp_path / "none.toml")


def test_unknown_key_in_the_toml_file_is_refused(tmp_path: Path) -> None:
    toml = tmp_path / "copbot.toml"
    toml.write_text('colour = "blue"\n')
    with pytest.raises(ConfigError, match="colour"):
        load_settings(toml)


@pytest.mark.parametrize(
    ("shards", "ids", "count", "chosen"),
    [("2", "1", 2, [1]), ("auto", None, None, None), ("8", "0-2, 5", 8, [0, 1, 2, 5])],
)
def test_discord_shards_are_read(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    shards: str,
    ids: str | None,
    count: int | None,
    chosen: list[int] | None,
) -> None:
    monkeypatch.setenv("COPBOT_DISCORD_SHARDS", shards)
    if ids is not None:
        monkeypatch.setenv("COPBOT_DISCORD_SHARD_IDS", ids)
    settings = load_settings(tmp_path / "none.toml")
    assert settings.sharded
    assert (settings.discord_shard_count, settings.discord_shard_id_list) == (count, chosen)


def test_discord_shards_in_the_toml_file_may_be_a_number(tmp_path: Path) -> None:
    toml = tmp_path / "copbot.toml"
    toml.write_text('discord_shards = 4\ndiscord_shard_ids = "2-3"\n')
    settings = load_settings(toml)
    assert (settings.discord_shard_count, settings.discord_shard_id_list) == (4, [2, 3])


@pytest.mark.parametrize(
    ("shards", "ids", "message"),
    [
        ("two", None, 'COPBOT_DISCORD_SHARDS is "two": give the total number of shards'),
        ("0", None, "1 or more"),
        (None, "0,1", "COPBOT_DISCORD_SHARD_IDS is 0,1, which needs COPBOT_DISCORD_SHARDS set"),
        ("auto", "0", "a number, not auto"),
        ("2", "0-2", "names shard 2, but COPBOT_DISCORD_SHARDS is 2: shards count from 0"),
        ("4", "3-1", "like 0,1 or 0-3"),
        ("4", "0;1", "like 0,1 or 0-3"),
    ],
)
def test_discord_shard_mistakes_are_one_clear_message(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    shards: str | None,
    ids: str | None,
    message: str,
) -> None:
    if shards is not None:
        monkeypatch.setenv("COPBOT_DISCORD_SHARDS", shards)
    if ids is not None:
        monkeypatch.setenv("COPBOT_DISCORD_SHARD_IDS", ids)
    with pytest.raises(ConfigError, match=message) as raised:
        load_settings(tmp_path / "none.toml")
    assert str(raised.value).count("COPBOT_DISCORD_SHARD") >= 1 and "\n" not in str(raised.value)
