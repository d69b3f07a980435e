"""Near misses get pointed to the right command; aliases and a bare slash work everywhere."""

from __future__ import annotations

from bot.commands import command
from bot.hints import misspelt_subcommand, unknown_command
from bot.registry import Registry
from tests.conftest import Driver


class Notes:
    """A group with a root of its own, whose list moved out of it."""

    @command("note")
    async def note(self, ctx: object, *, text: str = "") -> None:
        """Write a note."""

    @command("note add")
    async def note_add(self, ctx: object, *, text: str) -> None:
        """Add a note."""

    @command("notes", was="note list")
    async def notes(self, ctx: object, who: str = "") -> None:
        """List the notes."""


async def test_a_bare_slash_is_help(driver: Driver) -> None:
    outcome = await driver.run("ann", "/")
    assert outcome.ok and "What I can do here" in driver.transport.answer()


async def test_a_plural_group_points_to_the_subcommand(driver: Driver) -> None:
    await driver.run("bob", "/ping")
    await driver.run("mo", "/badges grant @bob mentor for all the help")
    assert "Did you mean /badge grant?" in driver.transport.answer()
    await driver.run("mo", "/badge list")
    assert "Did you mean /badges list?" in driver.transport.answer()
    await driver.run("mo", "/intro shows")
    assert "Did you mean /intro show?" in driver.transport.answer()


async def test_a_member_after_a_group_root_is_not_a_misspelling(driver: Driver) -> None:
    await driver.run("grant", "/ping")
    outcome = await driver.run("ann", "/badges @grant")
    assert outcome.ok and "grant's badges" in driver.transport.answer()


async def test_discord_spellings_of_group_roots_work_in_text(driver: Driver) -> None:
    await driver.run("bob", "/ping")
    assert (await driver.run("ann", "/kudos give @bob thanks for the review")).ok
    assert "thanked" in driver.transport.posts()[-1].reply.text
    assert (await driver.run("ann", "/badges show")).ok
    assert "Your badges" in driver.transport.answer()
    await driver.run("ann", "/intro write")
    assert driver.transport.forms()


async def test_unknown_words_are_echoed_safely(driver: Driver) -> None:
    await driver.run("ann", "/@everyone" + "x" * 5000)
    answer = driver.transport.answer()
    assert len(answer) < 300 and "@everyone" not in answer


async def test_an_old_name_points_to_the_new_one(driver: Driver) -> None:
    outcome = await driver.run("ann", "/role list contributor")
    assert not outcome.ok
    assert driver.transport.answer() == "/role list is now /roles: try /roles contributor."
    assert driver.transport.to_invoker()[-1].reply.private


def test_an_old_name_past_a_live_root_still_points_to_the_new_one() -> None:
    registry = Registry([Notes()])
    moved = misspelt_subcommand(registry, ("note",), "LIST mine")
    assert moved is not None and moved.message == "/note list is now /notes: try /notes mine."
    assert misspelt_subcommand(registry, ("note", "add"), "list the milk") is None
    assert misspelt_subcommand(registry, ("note",), "buy milk") is None
    assert unknown_command(registry, "note list").message == "/note list is now /notes."
