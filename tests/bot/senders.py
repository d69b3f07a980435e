"""Two copbot processes' senders on one database: the rows they share, and who sent what."""

from __future__ import annotations

import asyncio
from collections import Counter

from bot.outbox import dump
from bot.reply import Reply
from bot.runtime import Runtime
from storage import outbox
from storage.models import CommunityRow
from tests.bot.fake_platform import FakePlatform
from tests.conftest import PLACE, START


async def queue_posts(runtime: Runtime, count: int) -> None:
    """Queue `count` pending posts in the test place's community, numbered in their text."""
    async with runtime.db.session() as session, session.begin():
        community = CommunityRow(
            platform=PLACE.platform,
            external_id=PLACE.community_id,
            name=PLACE.community_name,
            created_at=START,
        )
        session.add(community)
        await session.flush()
        rows = [
            {
                "community_id": community.id,
                "handle": f"p{n}",
                "kind": "post",
                "channel": "news",
                "body": dump(Reply(str(n))),
                "not_before": START,
                "created_at": START,
            }
            for n in range(count)
        ]
        await outbox.queue_values(session, rows=rows)


async def drain_together(*runtimes: Runtime) -> None:
    """Every sender passes over the outbox at once, again and again until nothing is pending."""
    for _ in range(100):
        await asyncio.gather(*(r.dispatcher.sender.drain() for r in runtimes))
        async with runtimes[0].db.session() as session:
            if await outbox.pending_count(session) == 0:
                return
    raise AssertionError("the senders left rows pending")


def reach(runtime: Runtime, platform: FakePlatform) -> None:
    """Every community of the test platform reaches `platform` from this runtime."""
    runtime.dispatcher.transports[PLACE.platform] = lambda place: platform


def deliveries(*platforms: FakePlatform) -> Counter[str]:
    """How many times each text arrived, over all the platforms."""
    return Counter(text for platform in platforms for text in platform.texts())
