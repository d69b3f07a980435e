"""Help, ping and the community's settings."""

from __future__ import annotations

from bot.commands import Level
from tests.conftest import Driver


async def test_help_lists_only_what_the_caller_may_run(driver: Driver) -> None:
    await driver.run("ann", "/help")
    member_help = driver.transport.last()
    assert "`/intro`" in member_help and "`/roles`" in member_help
    assert "/role set" not in member_help and "/config" not in member_help
    await driver.run("mod", "/help", Level.MODERATOR)
    moderator_help = driver.transport.last()
    assert "`/role set`" in moderator_help and "`/config show`" in moderator_help


async def test_help_explains_a_command_or_group(driver: Driver) -> None:
    await driver.run("ann", "/help intro show")
    assert "`/intro show [member]`: Show a member's intro, or your own." in driver.transport.last()
    await driver.run("mod", "/help role", Level.MODERATOR)
    text = driver.transport.last()
    assert "/role set <member> <role>" in text and "Only moderators can use it." in text
    await driver.run("ann", "/help role set")
    assert "Only moderators can use it: ask one" in driver.transport.last()


async def test_ping(driver: Driver) -> None:
    await driver.run("ann", "/ping")
    assert driver.transport.last().startswith("Pong! copbot")
    assert "2026-11-02 09:00 UTC" in driver.transport.last()


async def test_config_show_and_set(driver: Driver) -> None:
    await driver.run("mod", "/config set intro_channel #hello-world", Level.MODERATOR)
    assert driver.transport.last() == "Saved: `intro_channel` is now hello-world."
    await driver.run("mod", "/config show", Level.MODERATOR)
    assert "- `intro_channel` (changed): hello-world" in driver.transport.last()
    await driver.run("ann", "/intro about=a goals=b interests=c")
    assert driver.transport.posts("hello-world")


async def test_config_set_lists_and_numbers(driver: Driver) -> None:
    moderator = Level.MODERATOR
    await driver.run("mod", "/config set roles.member.commitments Be kind; Share", moderator)
    await driver.run("ann", "/expectations member")
    assert "Commitments: Be kind; Share" in driver.transport.last()
    await driver.run("mod", "/config set page_size 3", moderator)
    assert driver.transport.last().startswith("Saved")


async def test_config_set_refuses_bad_keys_and_values(driver: Driver) -> None:
    moderator = Level.MODERATOR
    await driver.run("mod", "/config set colour blue", moderator)
    assert driver.transport.last() == (
        "There is no setting `colour`. See every setting with /config show."
    )
    await driver.run("mod", "/config set page_size lots", moderator)
    assert driver.transport.last() == "`page_size` takes a whole number from 3 to 25, not “lots”."
    await driver.run("mod", "/config set page_size 99", moderator)
    assert "`page_size` takes a whole number from 3 to 25" in driver.transport.last()
    await driver.run("mod", "/config set timezone Mars/Olympus", moderator)
    assert "IANA time zone" in driver.transport.last()
    await driver.run("mod", "/config set default_role wizard", moderator)
    assert "`default_role` takes one of member" in driver.transport.last()
    await driver.run("mod", "/config show", moderator)
    assert "(changed)" not in driver.transport.last()


async def test_settings_are_the_moderators_business(driver: Driver) -> None:
    outcome = await driver.run("ann", "/config show")
    assert not outcome.ok and driver.transport.last() == "Only moderators can use /config show."
    await driver.run("ann", "/help config show")
    assert "Only moderators can use it: ask one" in driver.transport.last()


async def test_members_cannot_change_settings(driver: Driver) -> None:
    outcome = await driver.run("ann", "/config set page_size 5")
    assert not outcome.ok and driver.transport.last() == "Only moderators can use /config set."
