"""Sharding on Discord: a process runs only its shards and sees only their guilds' events."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlmodel import select

from bot.adapters.discord import DiscordFrontEnd
from bot.adapters.discord.client import ShardedCopbotClient
from bot.adapters.discord.render import split_custom_id
from bot.commands import Level
from bot.context import Context
from bot.places import Actor, Place
from bot.runtime import Runtime
from storage.models import CommunityRow, IntroRow
from tests.bot.adapters.discord.conftest import TOKEN, make_guild, start_env
from tests.bot.adapters.outbox_job import POLL_TEXT, VOTE, everyone, seed
from tests.fakes import discord as fd


async def guilds_on_each_shard(fake: fd.FakeDiscord, count: int) -> list[fd.FakeGuild]:
    """One guild per shard of `count`, made until every shard has one (ids follow the clock)."""
    found: dict[int, fd.FakeGuild] = {}
    while len(found) < count:
        guild, _ = await make_guild(fake, f"Guild {len(found)}")
        found.setdefault((guild.id >> 22) % count, guild)
        await asyncio.sleep(0.001)  # the next snowflake's timestamp, so its shard, moves on
    return [found[shard] for shard in range(count)]


@asynccontextmanager
async def shard_process(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake: fd.FakeDiscord, shard_ids: str
) -> AsyncIterator[tuple[Runtime, DiscordFrontEnd]]:
    """A copbot process running these of two shards, on its own database, closed after."""
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'copbot.db'}"
    runtime, front = await start_env(
        monkeypatch, fake, db_url=db_url, discord_shards="2", discord_shard_ids=shard_ids
    )
    try:
        yield runtime, front
    finally:
        await front.close()
        await runtime.close()


async def test_a_process_running_shard_1_of_2_gets_only_its_guilds_events(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async with fd.FakeDiscord(token=TOKEN) as fake:
        elsewhere, mine = await guilds_on_each_shard(fake, 2)
        async with shard_process(monkeypatch, tmp_path, fake, "1") as (_, front):
            client = front.client
            assert isinstance(client, ShardedCopbotClient)
            assert [i["shard"] for i in fake.gateway.identifies] == [[1, 2]]
            on_shard_1 = {g for g in fake.state.guilds if (g >> 22) % 2 == 1}
            assert {g.id for g in client.guilds} == on_shard_1 and mine.id in on_shard_1

            ours, theirs = fake.user("ours"), fake.user("theirs")
            await fake.member_join(elsewhere.id, theirs)  # shard 0's: another process's
            await fake.member_join(mine.id, ours)
            [welcome] = await fake.wait_until(lambda: fake.dm_messages(ours))
            assert "Welcome to Guild" in welcome.content
            await asyncio.sleep(0.1)
            assert fake.dm_messages(theirs) == []
            # DMs reach shard 0 only: with no process running it, a DM's button goes nowhere.
            button = str(welcome.components[0]["components"][0]["custom_id"])
            with pytest.raises(fd.DriverError, match="no gateway session"):
                await fake.click(None, welcome.channel_id, ours, button, welcome.id)


async def test_a_process_on_another_shard_posts_and_dms_for_a_guild_over_rest(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The leader runs every guild's jobs, whichever process's shard carries the guild's events.
    async with fd.FakeDiscord(token=TOKEN) as fake:
        theirs, _ = await guilds_on_each_shard(fake, 2)
        ada = await fake.add_member(theirs.id, "ada")
        async with shard_process(monkeypatch, tmp_path, fake, "1") as (runtime, front):
            assert front.client.get_guild(theirs.id) is None  # shard 0's, not cached here
            place = Place("discord", str(theirs.id), theirs.name, None)
            await seed(runtime, place, [(str(ada.id), "ada")])

            async def body(ctx: Context) -> None:
                ctx.post("general", POLL_TEXT, buttons=VOTE)
                for member in await everyone(ctx):
                    ctx.dm(member, "The poll is open.", buttons=VOTE)

            transport = runtime.dispatcher.transports["discord"](place)
            assert await runtime.dispatcher.run_as_bot(place, body, transport)
            [poll] = fake.messages_in(next(iter(theirs.channels)))
            assert poll.content == POLL_TEXT
            [dm] = fake.dm_messages(ada)
            # A press in a DM reaches shard 0's process, which learns the guild from the button.
            button = str(dm.components[0]["components"][0]["custom_id"])
            assert split_custom_id(button)[0] == theirs.id


async def test_a_dm_button_for_a_guild_another_process_runs_works_on_shard_0(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async with fd.FakeDiscord(token=TOKEN) as fake:
        _, theirs = await guilds_on_each_shard(fake, 2)
        async with shard_process(monkeypatch, tmp_path, fake, "0") as (runtime, front):
            client = front.client
            assert isinstance(client, ShardedCopbotClient)
            assert client.get_guild(theirs.id) is None  # shard 1's: another process runs it
            newt = fake.user("newt")
            await fake.member_join(theirs.id, newt)  # reaches shard 1 only: nobody here
            # The process running shard 1 queued the welcome DM; this one's sender sends it.
            place = Place("discord", str(theirs.id), theirs.name)
            transport = runtime.dispatcher.transports["discord"](place)
            await runtime.dispatcher.emit(
                place, Actor(str(newt.id), "newt"), "member_joined", transport
            )
            [dm] = await fake.wait_until(lambda: fake.dm_messages(newt))
            button = str(dm.components[0]["components"][0]["custom_id"])
            assert button.startswith(f"g{theirs.id}|")
            # The press reaches shard 0, here: the community comes from the button, not a cache.
            clicked = await fake.click(None, dm.channel_id, newt, button, dm.id)
            modal = (await clicked.callback(timeout=5))["data"]
            assert modal["custom_id"] == f"form:intro@{theirs.id}"
            values = {"about": "New teacher", "goals": "learn labs", "interests": "labs"}
            submitted = await fake.submit_modal(
                None, dm.channel_id, newt, modal["custom_id"], values
            )
            await submitted.callback(timeout=5)
            # The intro card reaches shard 1's guild by REST, in its #introductions.
            [intros] = [c.id for c in theirs.channels.values() if c.name == "introductions"]
            [card] = await fake.wait_for_message(intros)
            assert "introduced themselves" in card.content and "New teacher" in card.content
            async with runtime.db.session() as session:
                found = await session.exec(
                    select(CommunityRow.external_id, CommunityRow.name).join(
                        IntroRow, IntroRow.community_id == CommunityRow.id
                    )  # type: ignore[arg-type]
                )
                assert found.all() == [(str(theirs.id), theirs.name)]


async def test_a_members_standing_in_another_shards_guild_comes_by_rest(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async with fd.FakeDiscord(token=TOKEN) as fake:
        _, theirs = await guilds_on_each_shard(fake, 2)
        async with shard_process(monkeypatch, tmp_path, fake, "0") as (_, front):
            client = front.client
            assert isinstance(client, ShardedCopbotClient)
            newt, stranger = fake.user("newt"), fake.user("stranger")
            await fake.member_join(theirs.id, newt)
            owner = await client.fetch_user(theirs.owner_id)
            for user, level in (
                (owner, Level.OWNER),
                (await client.fetch_user(newt.id), Level.MEMBER),
                (await client.fetch_user(stranger.id), Level.MEMBER),  # not in it: a member
            ):
                place, actor = await client.elsewhere.who(user, theirs.id)
                assert place.community_id == str(theirs.id) and actor.level is level
