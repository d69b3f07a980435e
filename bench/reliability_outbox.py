"""A job's posts and DMs through the real Discord front-end while Discord answers 429 and 5xx."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.commands import Member
from bot.dispatch import Place
from bot.runtime import Runtime
from tests.bot.adapters.discord.conftest import TOKEN, make_guild, start_env
from tests.bot.adapters.outbox_job import (
    CLOSED_TEXT,
    Announce,
    dm_text,
    install,
    outbox_rows,
    seed,
)
from tests.fakes import discord as fd
from tests.fakes.discord.failures import STATUSES

POSTS = "POST /channels/*/messages"
OPEN_DM = "POST /users/@me/channels"
# (status, a 429's wait): a 503, or a 429 past discord.py's 30 s limit, comes back to the
# outbox at once; a short 429 is waited out inside discord.py.
MIX = ((503, 0.05), (503, 0.05), (429, 45.0), (429, 0.05))
# discord.py itself sleeps before it retries a 500, 502 or 504, a second longer each time the
# same request meets one: one per wave of failures, last, so its retry meets nothing more.
SLOW = (500, 502, 504)
PASSES = 60  # sender passes before the bench gives up on an outbox that never empties


@dataclass
class Delivery:
    """What was meant to arrive, what Discord refused on the way, and what did arrive."""

    members: int = 0
    expected: int = 0  # the poll, the chart and a DM to each member
    injected: int = 0  # requests the stand-in answered with a 429 or a 5xx
    delivered: int = 0  # distinct messages that arrived
    lost: int = 0
    duplicated: int = 0
    edited: bool = False  # the poll was closed (edited) through a 503 too
    failed: int = 0  # outbox rows not sent in the end (given up, or refused)
    passes: int = 0


def inject(fake: fd.FakeDiscord, rng: random.Random, rules: int, wave: int) -> None:
    """A mix of the failures Discord sends: 5xx from it and its proxies, short and long 429s."""
    for _ in range(rules):
        pattern = POSTS if rng.random() < 0.8 else OPEN_DM
        status, wait = rng.choice(MIX)
        fake.fail_next(pattern, status, times=rng.randint(1, 3), retry_after=wait)
    fake.fail_next(POSTS, SLOW[wave % len(SLOW)])


async def drain(runtime: Runtime, fake: fd.FakeDiscord, rng: random.Random, waves: int) -> int:
    """Move the clock to each retry's time and let the sender go, injecting more at first."""
    clock = runtime.clock
    for done in range(PASSES):
        pending = [r for r in await outbox_rows(runtime) if r.status == "pending"]
        if not pending:
            return done
        if done < waves:  # while it retries, more: each row still meets far fewer than 12
            inject(fake, rng, 2, done + 1)
        clock.set(min(r.not_before for r in pending))  # type: ignore[attr-defined]
        await runtime.dispatcher.sender.drain()
    raise RuntimeError("the outbox never emptied")


async def run(members: int, rules: int, waves: int, seed_value: int, folder: Path) -> Delivery:
    """The announcing job to `members` people, with failures injected before and while it sends."""
    rng = random.Random(seed_value)
    found = Delivery(members=members, expected=members + 2)
    with pytest.MonkeyPatch.context() as patches:
        async with fd.FakeDiscord(token=TOKEN) as fake:
            guild, channels = await make_guild(fake, "Reliability")
            people = [await fake.add_member(guild.id, f"m{n:04d}") for n in range(members)]
            url = f"sqlite+aiosqlite:///{folder / 'outbox.db'}"
            runtime, front = await start_env(patches, fake, db_url=url)
            try:
                install(runtime, Announce("general", fd.tiny_png()))
                place = Place("discord", str(guild.id), guild.name)
                await seed(runtime, place, [(str(p.id), p.username) for p in people])
                inject(fake, rng, rules, 0)
                await runtime.scheduler.run_now("e2e_announce")
                found.passes = await drain(runtime, fake, rng, waves)
                fake.fail_next("PATCH /channels/*/messages/*", 503)
                await runtime.scheduler.run_now("e2e_close")
                found.passes += await drain(runtime, fake, rng, 0)
                found.failed = sum(1 for r in await outbox_rows(runtime) if r.status != "sent")
                count(found, fake, people, channels["general"])
            finally:
                await front.close()
                await runtime.close()
    return found


def count(found: Delivery, fake: fd.FakeDiscord, people: list[fd.FakeUser], general: int) -> None:
    """Tally what arrived against what was meant: once each, nothing missing."""
    found.injected = sum(1 for r in fake.requests if r.status in STATUSES)
    arrived: Counter[str] = Counter()
    for person in people:
        meant = dm_text(Member(0, str(person.id), person.username))
        for message in fake.dm_messages(person):
            arrived[f"dm {person.id}"] += message.content == meant
    posts = fake.messages_in(general)
    for message in posts:
        arrived["chart" if message.attachments else "poll"] += 1
    meant_keys = [f"dm {p.id}" for p in people] + ["poll", "chart"]
    found.delivered = sum(1 for key in meant_keys if arrived[key] >= 1)
    found.lost = sum(1 for key in meant_keys if arrived[key] == 0)
    found.duplicated = sum(max(0, arrived[key] - 1) for key in meant_keys)
    found.duplicated += sum(len(fake.dm_messages(p)) for p in people) - sum(
        arrived[f"dm {p.id}"] for p in people
    )  # a DM that is not the one meant counts as an extra too
    found.edited = any(m.content == CLOSED_TEXT for m in posts)
