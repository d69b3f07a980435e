"""Two real `copbot run` processes in Slack's HTTP mode, behind a round robin, on one Postgres."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.bot.adapters.outbox_job import until
from tests.bot.adapters.processes import Copbot, Fleet, Person, Watch, fleet, seed
from tests.fakes.slack import FakeSlack, HttpDriver, Message

# Several processes share a database only on Postgres (SQLite is one process's).
pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)

ADMIN, GENERAL = "U0ADMIN", "C0GENERAL"
MATCHED, LAPSED = 8, 4
HELD = 3  # the round DM in flight when the leader is killed
POLL = "How valuable was the community for you this week?"
ROUND, NUDGE = "🤝 *Matching round 1", "*We miss you, "


@dataclass
class Workspace:
    """The stand-in, its people, and what every process is given."""

    fake: FakeSlack
    matched: list[str]
    lapsed: list[str]
    community_id: int
    env: dict[str, str]

    def polls(self) -> list[Message]:
        """Weekly check-ins posted in #general."""
        return [m for m in self.fake.messages_in(GENERAL) if POLL in _words(m)]

    def each(self, users: list[str], start: str) -> dict[str, int]:
        """How many DMs beginning so each of these members has."""
        return {u: sum(_words(m).startswith(start) for m in self.fake.dms(u)) for u in users}


def _words(message: Message) -> str:
    """A message's text and its sections' text, as one string."""
    sections = [b["text"]["text"] for b in message.blocks or [] if b.get("type") == "section"]
    return "\n".join([*sections, message.text or ""])


def free_port() -> int:
    """A port nothing listens on now (the process binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[Workspace]:
    """A workspace whose poll, round and lapse scan fell due just now."""
    async with FakeSlack() as fake:
        fake.add_user(ADMIN, "ada", display_name="Ada", is_admin=True)
        matched = [f"U0IN{n}" for n in range(MATCHED)]
        lapsed = [f"U0AWAY{n}" for n in range(LAPSED)]
        for user in [*matched, *lapsed]:
            fake.add_user(user, user.lower())
        fake.add_channel(GENERAL, "general", members=[ADMIN, *matched, *lapsed])
        community_id = await seed(
            database_url,
            platform="slack",
            external_id=fake.team_id,
            name=fake.team_name,
            matched=[Person(u, u.lower()) for u in matched],
            lapsed=[Person(u, u.lower()) for u in lapsed],
        )
        env = {
            "SLACK_BOT_TOKEN": fake.bot_token,
            "SLACK_SIGNING_SECRET": fake.signing_secret,  # and no app token: HTTP mode
            "SLACK_API_URL": fake.api_url,
            "COPBOT_SLACK_POSTS_PER_SECOND": "1000",  # unpaced: who sends, not how fast
        }
        yield Workspace(fake, matched, lapsed, community_id, env)


class RoundRobin:
    """A load balancer: each request goes to the next process in turn."""

    def __init__(self, drivers: list[HttpDriver]) -> None:
        self.drivers = drivers
        self.turn = 0

    def next(self) -> HttpDriver:
        """The driver whose process takes the next request."""
        driver = self.drivers[self.turn % len(self.drivers)]
        self.turn += 1
        return driver


async def two_behind_a_balancer(bots: Fleet, world: Workspace) -> tuple[Copbot, RoundRobin]:
    """Two processes started at once, one of them leading; requests alternate between them."""
    ports = [free_port(), free_port()]
    await asyncio.gather(
        *(bots.start(f"p{n}", **world.env, COPBOT_SLACK_PORT=str(p)) for n, p in enumerate(ports))
    )
    leader = await bots.leader()
    for bot in bots.bots:
        await until(lambda bot=bot: _logged(bot, "Slack: listening on"), 20)  # type: ignore[misc]
    urls = [f"http://127.0.0.1:{port}/slack/events" for port in ports]
    return leader, RoundRobin([world.fake.http_driver(url) for url in urls])


async def _logged(bot: Copbot, line: str) -> bool:
    return line in bot.log


async def command(world: Workspace, driver: HttpDriver, text: str) -> str:
    """Run `/config`-style text as the admin through one process; its private answer."""
    name, _, rest = text.partition(" ")
    seen = len(world.fake.ephemerals(ADMIN))
    ack = await driver.slash(name, rest, user_id=ADMIN, channel_id=GENERAL)
    assert ack.ok
    replies = await world.fake.wait_for(lambda: world.fake.ephemerals(ADMIN)[seen:], timeout=10)
    return _words(replies[0])


async def test_jobs_run_once_and_a_config_set_in_one_process_is_obeyed_by_the_other(
    world: Workspace, database_url: str, tmp_path: Path
) -> None:
    watch = Watch(database_url)
    try:
        async with fleet(database_url, tmp_path) as bots:
            began = time.monotonic()
            leader, balancer = await two_behind_a_balancer(bots, world)
            await watch.done(world.community_id)
            took = time.monotonic() - began
            await asyncio.sleep(1.0)  # what a second process would wrongly send, it has by now
            print(f"\n{leader.name} led; the poll, the round and the nudges sent {took:.1f} s in")
            assert await watch.lock_holders() == 1
            assert [bot.name for bot in bots.bots if bot.leads] == [leader.name]
            assert len(world.polls()) == 1
            assert world.each(world.matched, ROUND) == {u: 1 for u in world.matched}
            assert world.each(world.lapsed, NUDGE) == {u: 1 for u in world.lapsed}
            assert await watch.statuses() == {"sent": 1 + MATCHED + LAPSED}

            # The second process has the old zone in hand; the first changes it.
            first, second = balancer.next(), balancer.next()
            assert first is not second
            assert (await command(world, second, "/ping")).endswith("NZDT.")
            saved = await command(world, balancer.next(), "/config set timezone Europe/Paris")
            assert saved.startswith("Saved: `timezone`")
            await asyncio.sleep(1.1)  # a cached setting is trusted for a second at most
            assert (await command(world, balancer.next(), "/ping")).endswith("CET.")
    finally:
        await watch.close()


async def test_the_leader_killed_mid_round_the_other_finishes_it(
    world: Workspace, database_url: str, tmp_path: Path
) -> None:
    fake, watch = world.fake, Watch(database_url)
    # Slack acts on this DM but copbot never hears back: it is in flight when killed.
    held = fake.hold("chat.postMessage", channel=fake.dm_channel(world.matched[HELD]).id)
    try:
        async with fleet(database_url, tmp_path) as bots:
            first = await bots.start("first", **world.env, COPBOT_SLACK_PORT=str(free_port()))
            assert await bots.leader() is first
            # The leader alone, so the send in flight is its own; then the other, asking to lead.
            await asyncio.wait_for(held.served.wait(), 20)
            second = await bots.start("second", **world.env, COPBOT_SLACK_PORT=str(free_port()))
            await until(lambda: _logged(second, "Slack: listening on"), 20)
            job_done = await watch.finished(world.community_id, ["match_round"])
            first.kill()
            killed = time.monotonic()
            await first.process.wait()
            held.released.set()
            assert await bots.leader(timeout=30) is second
            takeover = time.monotonic() - killed
            took = await watch.done(world.community_id, timeout=30)
            await asyncio.sleep(1.0)
            rounds = world.each(world.matched, ROUND)
            twice = [user for user, n in rounds.items() if n > 1]
            skipped = [user for user, n in rounds.items() if n == 0]
            print(
                f"\nkilled {first.name} mid-round (its job-run "
                f"{'finished' if job_done else 'unfinished'}); {second.name} led "
                f"{takeover:.1f} s later, all sent {took:.1f} s after; {len(twice)} sent twice, "
                f"{len(skipped)} skipped"
            )
            assert takeover < 30
            # Slack has no nonce: at worst the one message in flight at the kill goes twice.
            assert skipped == [] and set(twice) <= {world.matched[HELD]}
            assert len(world.polls()) == 1
            assert world.each(world.lapsed, NUDGE) == {u: 1 for u in world.lapsed}
    finally:
        held.released.set()
        await watch.close()
