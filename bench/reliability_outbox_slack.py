"""The same job through the real Slack front-end while Slack answers 429 and 5xx."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from bench.reliability_outbox import PASSES, Delivery
from bot.commands import Member
from bot.dispatch import Place
from bot.runtime import Runtime
from tests.bot.adapters.outbox_job import (
    CLOSED_TEXT,
    POLL_TEXT,
    Announce,
    dm_text,
    install,
    outbox_rows,
    seed,
)
from tests.bot.adapters.slack.harness import GENERAL, Bot, running
from tests.fakes.discord import tiny_png
from tests.fakes.slack import FakeSlack

CHART_TEXT = "Last week's answers"
# Per method a job's DMs and posts call (opening the DM, then posting in it): rate limits
# and Slack's own server errors, as (Slack's error, HTTP status).
FAILURES = {
    "chat.postMessage": (("ratelimited", 429), ("internal_error", 500), ("fatal_error", 503)),
    "conversations.open": (("ratelimited", 429), ("internal_error", 500)),
}


def inject(fake: FakeSlack, rng: random.Random) -> None:
    """The next few calls of each method fail (the stand-in keeps one rule per method)."""
    for method, choices in FAILURES.items():
        error, status = rng.choice(choices)
        retry_after = rng.choice((1, 30)) if status == 429 else None
        count = rng.randint(2, 6)
        fake.fail_next(method, error, status=status, retry_after=retry_after, count=count)


async def drain(runtime: Runtime, fake: FakeSlack, rng: random.Random, waves: int) -> int:
    """Move the clock to each retry's time and let the sender go, injecting more at first."""
    for done in range(PASSES):
        pending = [r for r in await outbox_rows(runtime) if r.status == "pending"]
        if not pending:
            return done
        if done < waves:
            inject(fake, rng)
        runtime.clock.set(min(r.not_before for r in pending))  # type: ignore[attr-defined]
        await runtime.dispatcher.sender.drain()
    raise RuntimeError("the outbox never emptied")


async def run(members: int, waves: int, seed_value: int, folder: Path) -> Delivery:
    """The announcing job to `members` people on Slack, with failures before and while it sends."""
    rng = random.Random(seed_value)
    found = Delivery(members=members, expected=members + 2)
    async with FakeSlack() as fake:
        ids = [f"U0M{n:05d}" for n in range(members)]
        for n, user_id in enumerate(ids):
            fake.add_user(user_id, f"m{n:04d}")
        fake.add_channel(GENERAL, "general", members=ids)
        url = f"sqlite+aiosqlite:///{folder / 'outbox-slack.db'}"
        async with running("socket", fake, database_url=url) as bot:
            runtime = bot.runtime
            install(runtime, Announce("general", tiny_png()))
            place = Place("slack", fake.team_id, fake.team_name)
            await seed(runtime, place, [(u, f"m{n:04d}") for n, u in enumerate(ids)])
            inject(fake, rng)
            await runtime.scheduler.run_now("e2e_announce")
            found.passes = await drain(runtime, fake, rng, waves)
            fake.fail_next("chat.update", "internal_error", status=500, count=2)
            await runtime.scheduler.run_now("e2e_close")
            found.passes += await drain(runtime, fake, rng, 0)
            found.failed = sum(1 for r in await outbox_rows(runtime) if r.status != "sent")
            count(found, fake, bot, ids)
    return found


def count(found: Delivery, fake: FakeSlack, bot: Bot, ids: list[str]) -> None:
    """Tally what arrived against what was meant: once each, nothing missing."""
    found.injected = sum(1 for call in fake.calls() if call.status == 429 or call.status >= 500)
    arrived: Counter[str] = Counter()
    for n, user_id in enumerate(ids):
        meant = dm_text(Member(0, user_id, f"m{n:04d}"))
        got = bot.texts(fake.dms(user_id))
        arrived[user_id] += got.count(meant)
        found.duplicated += len(got) - got.count(meant)  # a DM that is not the one meant
    posted = bot.texts(fake.messages_in(GENERAL))
    arrived["poll"] = posted.count(POLL_TEXT) + posted.count(CLOSED_TEXT)
    arrived["chart"] = posted.count(CHART_TEXT)
    found.duplicated += max(0, len(fake.files_in(GENERAL)) - 1)  # the chart's picture
    meant_keys = [*ids, "poll", "chart"]
    found.delivered = sum(1 for key in meant_keys if arrived[key] >= 1)
    found.lost = sum(1 for key in meant_keys if arrived[key] == 0)
    found.duplicated += sum(max(0, arrived[key] - 1) for key in meant_keys)
    found.edited = CLOSED_TEXT in posted
