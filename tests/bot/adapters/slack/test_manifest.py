"""The Slack app manifest is generated from the command registry."""

from __future__ import annotations

from typing import Annotated

import yaml
from typer.testing import CliRunner

from bot.adapters.slack.manifest import SCOPES, render_manifest
from bot.cli import app
from bot.commands import command
from bot.configstore import ConfigStore
from bot.context import Context
from cogs import build_registry

EXPECTED_SCOPES = {
    "commands",
    "chat:write",
    "chat:write.public",
    "files:write",
    "im:write",
    "users:read",
    "channels:read",
    "channels:history",
}


class Thanks:
    """Say thank you."""

    @command("thanks")
    async def thanks(self, ctx: Context, *, reason: Annotated[str, "What for"]) -> None:
        """Thank someone for something they did."""


def test_manifest_lists_every_top_level_command_and_the_umbrella() -> None:
    registry = build_registry(ConfigStore())
    manifest = yaml.safe_load(render_manifest(registry))
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    top_level = {f"/{path[0]}" for path in registry.commands}
    # Slack keeps /away for presence: copbot's is reached as /copbot away.
    assert "/away" in top_level and "/away" not in commands
    assert set(commands) == top_level - {"/away"} | {"/copbot"}
    assert commands["/ping"]["description"] == "Check that the bot is up."
    assert commands["/role"]["usage_hint"] == "set <member> <role>"
    assert commands["/roles"]["usage_hint"] == "[role]"
    assert all(c["should_escape"] for c in commands.values())  # mentions as <@U…|name>
    assert all(len(c["description"]) <= 100 for c in commands.values())


def test_manifest_scopes_events_and_settings() -> None:
    manifest = yaml.safe_load(render_manifest(build_registry(ConfigStore())))
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == EXPECTED_SCOPES == set(SCOPES)
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "team_join",
        "app_home_opened",
        "member_joined_channel",
        "message.channels",
    }
    assert settings["socket_mode_enabled"] and settings["interactivity"]["is_enabled"]
    assert manifest["features"]["app_home"]["home_tab_enabled"]


def test_a_new_cog_adds_its_command_with_no_other_change() -> None:
    registry = build_registry(ConfigStore())
    registry.add_cog(Thanks())
    manifest = yaml.safe_load(render_manifest(registry))
    [thanks] = [c for c in manifest["features"]["slash_commands"] if c["command"] == "/thanks"]
    assert thanks["description"] == "Thank someone for something they did."
    assert thanks["usage_hint"] == "<reason…>"


def test_http_mode_manifest_points_every_request_at_the_url() -> None:
    url = "https://copbot.example.org/slack/events"
    manifest = yaml.safe_load(render_manifest(build_registry(ConfigStore()), request_url=url))
    assert not manifest["settings"]["socket_mode_enabled"]
    assert manifest["settings"]["event_subscriptions"]["request_url"] == url
    assert all(c["url"] == url for c in manifest["features"]["slash_commands"])


def test_cli_prints_the_manifest() -> None:
    result = CliRunner().invoke(app, ["slack", "manifest"])
    assert result.exit_code == 0
    assert yaml.safe_load(result.stdout)["display_information"]["name"] == "copbot"
