"""Two real `copbot run` processes, one shard each, on one Postgres against the Discord stand-in."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.bot.adapters.discord.conftest import TOKEN, answer, make_guild, settled
from tests.bot.adapters.outbox_job import until
from tests.bot.adapters.processes import Copbot, Fleet, Person, Watch, fleet, seed
from tests.fakes import discord as fd

# Several processes share a database only on Postgres (SQLite is one process's).
pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)

MATCHED, LAPSED = 8, 4
HELD = 3  # the round DM the leader is sending when it is killed
POLL = "How valuable was the community for you this week?"
ROUND, NUDGE, WELCOME = "🤝 **Matching round 1", "**We miss you, ", "**Welcome back, "


@dataclass
class Guild:
    """The stand-in, a guild on shard 0 of 2, its people, and what every process is given."""

    fake: fd.FakeDiscord
    guild: fd.FakeGuild
    general: int
    matched: list[fd.FakeUser]
    lapsed: list[fd.FakeUser]
    mod: fd.FakeUser
    community_id: int
    env: dict[str, str]

    def shard(self, ids: str) -> dict[str, str]:
        """The settings of a process running these shards."""
        return {**self.env, "COPBOT_DISCORD_SHARD_IDS": ids}

    def polls(self) -> list[fd.RecordedMessage]:
        """Weekly check-ins posted in #general."""
        return [m for m in self.fake.messages_in(self.general) if POLL in m.content]

    def dms(self, user: fd.FakeUser, start: str) -> list[fd.RecordedMessage]:
        """The DMs the member has that begin so (Discord keeps one of a resent nonce)."""
        return [m for m in self.fake.dm_messages(user) if m.content.startswith(start)]

    def each(self, users: list[fd.FakeUser], start: str) -> dict[str, int]:
        """How many such DMs each of these members has."""
        return {user.username: len(self.dms(user, start)) for user in users}

    def posts(self) -> list[fd.RecordedRequest]:
        """Every message POST the stand-in was sent (resent ones and refused ones included)."""
        found = self.fake.requests
        return [r for r in found if r.method == "POST" and r.path.endswith("/messages")]


async def guild_on_shard_0(fake: fd.FakeDiscord) -> tuple[fd.FakeGuild, dict[str, int]]:
    """A guild whose events go to shard 0 of 2 (ids follow the clock, so make until one does)."""
    while True:
        guild, channels = await make_guild(fake, "Chemistry Educators")
        if (guild.id >> 22) % 2 == 0:
            return guild, channels
        await asyncio.sleep(0.001)


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[Guild]:
    """The stand-in and a seeded community whose poll, round and lapse scan fell due just now."""
    async with fd.FakeDiscord(token=TOKEN) as fake:
        guild, channels = await guild_on_shard_0(fake)
        matched = [await fake.add_member(guild.id, f"in{n}") for n in range(MATCHED)]
        lapsed = [await fake.add_member(guild.id, f"away{n}") for n in range(LAPSED)]
        moderators = await fake.add_role(guild.id, "Moderator")
        mod = await fake.add_member(guild.id, "mod", roles=[moderators.id])
        community_id = await seed(
            database_url,
            platform="discord",
            external_id=str(guild.id),
            name=guild.name,
            matched=[Person(str(u.id), u.username) for u in matched],
            lapsed=[Person(str(u.id), u.username) for u in lapsed],
        )
        env = {
            "DISCORD_TOKEN": TOKEN,
            "DISCORD_API_BASE": f"{fake.url}/api/v10",
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            "COPBOT_DISCORD_SHARDS": "2",
            # Unpaced: the figures are about who sends, not how fast.
            "COPBOT_DISCORD_DM_SECONDS": "0",
            "COPBOT_DISCORD_DMS_PER_MINUTE": "600000",
            "COPBOT_DISCORD_POSTS_PER_SECOND": "1000",
            "COPBOT_ACTIVITY_FLUSH_SECONDS": "0.5",
        }
        general = channels["general"]
        yield Guild(fake, guild, general, matched, lapsed, mod, community_id, env)


async def shard_1_leads(bots: Fleet, world: Guild) -> tuple[Copbot, Copbot]:
    """The process on shard 1 (none of the guild's events) leads; shard 0's starts after it."""
    # Chosen, not left to chance: the leader then reaches the guild over REST alone, and
    # what the guild's members type reaches only the other process.
    leader = await bots.start("shard1", **world.shard("1"))
    assert await bots.leader() is leader
    return leader, await bots.start("shard0", **world.shard("0"))


async def test_jobs_run_once_and_a_config_set_in_one_process_is_obeyed_by_the_leader(
    world: Guild, database_url: str, tmp_path: Path
) -> None:
    fake, watch = world.fake, Watch(database_url)
    try:
        async with fleet(database_url, tmp_path) as bots:
            began = time.monotonic()
            leader, other = await shard_1_leads(bots, world)
            await watch.done(world.community_id)
            took = time.monotonic() - began
            await asyncio.sleep(1.0)  # what a second process would wrongly send, it has by now
            print(f"\nthe poll, the round and the nudges sent {took:.1f} s after the first start")
            assert await watch.lock_holders() == 1
            assert [bot.name for bot in bots.bots if bot.leads] == [leader.name]
            assert len(world.polls()) == 1
            assert world.each(world.matched, ROUND) == {u.username: 1 for u in world.matched}
            assert world.each(world.lapsed, NUDGE) == {u.username: 1 for u in world.lapsed}
            assert await watch.statuses() == {"sent": 1 + MATCHED + LAPSED}

            # Only shard 0's process hears the guild: the moderator's command is its to run.
            await until_logged(other, "Shard ID 0 has connected")
            sent = await fake.slash(
                world.guild.id,
                world.general,
                world.mod,
                "config set",
                {"key": "welcome_back", "value": "off"},
            )
            await settled(sent, timeout=10)
            saved = answer(sent)
            assert saved is not None and saved.content.startswith("Saved: `welcome_back`")
            await asyncio.sleep(1.1)  # a cached setting is trusted for a second at most
            back = world.lapsed[0]
            await fake.message(world.guild.id, world.general, back, "hello again")
            # The leader notes the return and, welcome back being off now, says nothing.
            await until(lambda: watch.welcomed(world.community_id, str(back.id)), 20)
            await asyncio.sleep(0.5)
            assert world.dms(back, WELCOME) == [] and len(world.dms(back, NUDGE)) == 1
    finally:
        await watch.close()


async def test_the_leader_killed_mid_round_the_other_finishes_it_once(
    world: Guild, database_url: str, tmp_path: Path
) -> None:
    fake, watch = world.fake, Watch(database_url)
    # discord.py sits out this 429 inside the send: the leader is mid-round when killed.
    held = fake.state.dm_channel(world.matched[HELD].id).id
    fake.fail_next(f"POST /channels/{held}/messages", 429, retry_after=25.0)
    try:
        async with fleet(database_url, tmp_path) as bots:
            first = await bots.start("shard1", **world.shard("1"))
            assert await bots.leader() is first
            # The leader alone, so the held send is its own; then the other, asking to lead.
            await fake.wait_until(lambda: _rate_limited(fake, held), timeout=20)
            second = await bots.start("shard0", **world.shard("0"))
            await until_logged(second, "Shard ID 0 has connected")
            job_done = await watch.finished(world.community_id, ["match_round"])
            first.kill()
            killed = time.monotonic()
            await first.process.wait()
            before = sum(world.each(world.matched, ROUND).values())
            assert await bots.leader(timeout=30) is second
            takeover = time.monotonic() - killed
            took = await watch.done(world.community_id, timeout=30)
            await asyncio.sleep(1.0)
            resent = len(world.posts()) - (1 + MATCHED + LAPSED) - 1  # and the 429'd one
            print(
                f"\nkilled {first.name} with {before} of {MATCHED} round DMs kept (the round's "
                f"job-run {'finished' if job_done else 'unfinished'}); {second.name} led "
                f"{takeover:.1f} s later, all sent {took:.1f} s after; {resent} POSTs resent"
            )
            assert takeover < 30
            assert len(world.polls()) == 1
            # Nothing twice, nothing skipped: what was resent, Discord dropped by its nonce.
            assert world.each(world.matched, ROUND) == {u.username: 1 for u in world.matched}
            assert world.each(world.lapsed, NUDGE) == {u.username: 1 for u in world.lapsed}
            assert await watch.statuses() == {"sent": 1 + MATCHED + LAPSED}
    finally:
        await watch.close()


def _rate_limited(fake: fd.FakeDiscord, channel: int) -> bool:
    return any(r.status == 429 and r.path == f"/channels/{channel}/messages" for r in fake.requests)


async def until_logged(bot: Copbot, line: str, timeout: float = 20.0) -> None:
    """Wait until the process has logged this."""
    async with asyncio.timeout(timeout):
        while line not in bot.log:
            await asyncio.sleep(0.05)
