"""Pacing on the injected clock: token buckets, each platform's rules, and answers never wait."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert
from sqlmodel import select

from bot.clock import ManualClock
from bot.commands import Member
from bot.context import Context
from bot.dispatch import Place
from bot.pacing import Bucket, Pacer, Pacing, Rate
from bot.reply import ToInvoker
from bot.runtime import Runtime
from storage import outbox
from storage.models import MemberRow
from tests.bot.conftest import Herald, as_job, member, outbox_rows, run
from tests.bot.fake_platform import FakePlatform
from tests.conftest import START

DISCORD = Place("discord", "G1", "Guild one", "general")
OTHER_GUILD = Place("discord", "G2", "Guild two", "general")
SLACK = Place("slack", "T1", "Workspace", "general")


def seconds(platform: FakePlatform) -> list[float]:
    """When each message arrived, in seconds from the start."""
    return [(at - START).total_seconds() for at in platform.times]


async def tick(runtime: Runtime, clock: ManualClock, until: float, step: float = 0.5) -> None:
    """Move the clock on in steps, letting the sender send what it may at each."""
    while (clock.now() - START).total_seconds() < until:
        clock.advance(timedelta(seconds=step))
        await runtime.dispatcher.sender.drain_all()


@pytest.fixture
def paced(runtime: Runtime, clock: ManualClock) -> FakePlatform:
    """A stand-in for Discord and Slack alike, noting when each message arrived."""
    fake = FakePlatform(clock=clock)
    for platform in ("discord", "slack"):
        runtime.dispatcher.transports[platform] = lambda place: fake
    return fake


def test_a_bucket_gives_its_burst_then_one_per_interval(clock: ManualClock) -> None:
    bucket = Bucket(Rate(per_second=0.5, burst=2), clock)
    for _ in range(2):
        assert bucket.wait() == 0
        bucket.take()
    assert bucket.wait() == 2.0
    clock.advance(timedelta(seconds=1.5))
    assert bucket.wait() == 0.5
    clock.advance(timedelta(hours=1))  # a long quiet refills only up to the burst
    bucket.take()
    bucket.take()
    assert bucket.wait() == 2.0


def test_a_pacer_takes_from_every_bucket_or_from_none(clock: ManualClock) -> None:
    pacer = Pacer(clock)
    slow, fast = ("slow", Rate(0.25)), ("fast", Rate(10, burst=10))
    assert pacer.reserve([slow, fast]) == 0
    assert pacer.reserve([slow, fast]) == 4.0  # slow is empty: fast keeps its tokens
    assert [pacer.reserve([fast]) for _ in range(9)] == [0] * 9
    assert pacer.reserve([fast]) == pytest.approx(0.1)


def test_each_platform_has_its_own_buckets() -> None:
    pacing = Pacing()
    dm = pacing.needs("discord", "dm", 1, "dm:7")
    assert dm == [
        (("discord", "dms"), Rate(20 / 60, 1)),  # the whole process
        (("discord", "dm", 1), Rate(0.5, 1)),  # one community
    ]
    assert pacing.needs("discord", "post", 1, "general") != pacing.needs(
        "discord", "post", 2, "general"
    )  # every guild's #general is a channel of its own
    assert pacing.needs("slack", "dm", 1, "dm:7") == [(("slack", 1, "dm:7"), Rate(1.0, 1))]
    assert pacing.needs("console", "dm", 1, "dm:7") == []


async def job_dms(
    runtime: Runtime, place: Place, people: list[Member], paced: FakePlatform
) -> None:
    async def invite(ctx: Context) -> None:
        for person in people:
            ctx.dm(person, f"Coffee, {person.name}?")

    assert await as_job(runtime, invite, paced, place)


async def people(runtime: Runtime, place: Place, *names: str) -> list[Member]:
    """Members of the place's community, each having run a command there."""
    for name in names:
        await run(runtime, FakePlatform(), name, "/ping", place=place)
    return [await member(runtime.db, name) for name in names]


async def test_discord_dms_go_one_per_3_s_for_the_process_and_2_s_per_community(
    runtime: Runtime, clock: ManualClock, paced: FakePlatform
) -> None:
    one = await people(runtime, DISCORD, "ann", "bea", "cy", "dee")
    two = await people(runtime, OTHER_GUILD, "eve", "fay")
    await job_dms(runtime, DISCORD, one, paced)
    await job_dms(runtime, OTHER_GUILD, two, paced)
    await tick(runtime, clock, until=30)

    # 20 a minute for the process: one every 3 s, whichever community's turn it is.
    assert seconds(paced) == [0, 3, 6, 9, 12, 15]
    assert [dm.member.name for dm in paced.dms()] == ["ann", "bea", "cy", "dee", "eve", "fay"]


async def test_within_the_process_limit_one_community_gets_a_dm_every_2_s(
    runtime: Runtime, clock: ManualClock, paced: FakePlatform
) -> None:
    runtime.dispatcher.sender.pacing = Pacing(discord_dms_per_minute=600)
    one = await people(runtime, DISCORD, "ann", "bea", "cy")
    two = await people(runtime, OTHER_GUILD, "eve", "fay")
    await job_dms(runtime, DISCORD, one, paced)
    await job_dms(runtime, OTHER_GUILD, two, paced)
    await tick(runtime, clock, until=10)

    when = dict(zip([dm.member.name for dm in paced.dms()], seconds(paced), strict=True))
    assert when == {"ann": 0, "bea": 2, "cy": 4, "eve": 0.5, "fay": 2.5}


async def test_slack_posts_go_one_per_second_per_channel_a_dm_being_one(
    runtime: Runtime, clock: ManualClock, paced: FakePlatform
) -> None:
    ann, bea = await people(runtime, SLACK, "ann", "bea")

    async def chatter(ctx: Context) -> None:
        for n in range(3):
            ctx.post("news", f"news {n}")
            ctx.post("random", f"random {n}")
        ctx.dm(ann, "a1")
        ctx.dm(ann, "a2")
        ctx.dm(bea, "b1")

    assert await as_job(runtime, chatter, paced, SLACK)
    await tick(runtime, clock, until=5)

    when = dict(zip(paced.texts(), seconds(paced), strict=True))
    assert when == {
        **{f"news {n}": n for n in range(3)},
        **{f"random {n}": n for n in range(3)},
        "a1": 0,
        "a2": 1,
        "b1": 0,
    }


async def test_a_member_who_turns_dms_off_while_waiting_costs_no_turn(
    runtime: Runtime, clock: ManualClock, paced: FakePlatform
) -> None:
    trio = await people(runtime, DISCORD, "ann", "bea", "cy")
    await job_dms(runtime, DISCORD, trio, paced)
    async with runtime.db.session() as session, session.begin():
        row = await session.get(MemberRow, trio[1].id)
        assert row is not None
        row.dms_off = True
    await tick(runtime, clock, until=10)

    assert [dm.member.name for dm in paced.dms()] == ["ann", "cy"]
    assert seconds(paced) == [0, 3]  # cy takes bea's turn


async def test_a_job_of_5000_dms_keeps_no_command_waiting(
    runtime: Runtime, paced: FakePlatform, herald: Herald
) -> None:
    community = await runtime.dispatcher.community(DISCORD)
    async with runtime.db.session() as session, session.begin():
        # Rows as parameters, not one VALUES list: asyncpg takes at most 32767 per statement.
        await session.exec(
            insert(MemberRow),
            params=[
                {"community_id": community.id, "external_id": f"m{n}", "name": f"m{n}"}
                for n in range(5000)
            ],
        )
        found = await session.exec(select(MemberRow).where(MemberRow.community_id == community.id))
        crowd = [Member(r.id or 0, r.external_id, r.name) for r in found]
    await job_dms(runtime, DISCORD, crowd, paced)
    assert len(paced.dms()) == 1  # the rest wait their turn, a DM every 3 s

    await run(runtime, paced, "m7", "/ping", place=DISCORD)
    await run(runtime, paced, "m8", "/herald hello Hello", place=DISCORD)

    answer, announced, queued = paced.sent[-3:]
    assert isinstance(answer, ToInvoker) and answer.reply.text.startswith("Pong!")
    assert announced.reply.text == "Hello"  # a post: its channel's bucket, not the DMs'
    assert queued.reply.text == "queued hello"
    async with runtime.db.session() as session:
        assert await outbox.pending_count(session) == 4999
    # A full batch held back by pacing: the background sender sleeps until the next turn.
    assert await runtime.dispatcher.sender.drain() == 3.0
    assert len(await outbox_rows(runtime.db)) == 5001
