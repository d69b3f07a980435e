"""The invite link: exactly two scopes and the two permissions the end-to-end tests run with."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from bot.adapters.discord.invite import application_id, describe_invite, invite_url
from config.errors import ConfigError
from config.settings import Settings
from tests.bot.adapters.discord.conftest import TOKEN
from tests.fakes import discord as fd


def test_the_link_asks_for_exactly_what_copbot_uses() -> None:
    query = parse_qs(urlparse(invite_url("42")).query)
    assert query["scope"] == ["bot applications.commands"]
    assert query["client_id"] == ["42"]
    # The Discord end-to-end tests give the bot exactly these two permissions.
    assert int(query["permissions"][0]) == fd.Perm.VIEW_CHANNEL | fd.Perm.SEND_MESSAGES


def test_the_application_id_comes_from_the_token() -> None:
    assert application_id(TOKEN) == "101234567890123456"
    with pytest.raises(ConfigError):
        application_id("not.a.token")


def test_the_description_lists_permissions_in_words() -> None:
    text = describe_invite(Settings(discord_token=TOKEN))
    assert "client_id=101234567890123456" in text
    assert "View Channels" in text and "Send Messages" in text
    with pytest.raises(ConfigError, match="DISCORD_TOKEN"):
        describe_invite(Settings())
