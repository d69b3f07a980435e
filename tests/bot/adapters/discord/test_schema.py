"""The registry as Discord application commands: who sees which by default."""

from __future__ import annotations

from bot.adapters.discord.schema import MANAGE_MESSAGES, command_payloads
from bot.configstore import ConfigStore
from cogs import build_registry


def test_moderators_commands_are_hidden_and_members_commands_are_not() -> None:
    payloads = {c["name"]: c for c in command_payloads(build_registry(ConfigStore()))}
    for name in ("role", "config", "badge", "spotlight"):
        assert payloads[name]["default_member_permissions"] == str(MANAGE_MESSAGES), name
    for name in ("roles", "badges", "kudos", "intro"):
        assert "default_member_permissions" not in payloads[name], name
    assert [o["name"] for o in payloads["config"]["options"]] == ["reset", "set", "show"]
    assert [o["name"] for o in payloads["role"]["options"]] == ["set"]
