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
