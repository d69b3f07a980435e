"""A command's messages on a deduping platform: their outcomes are written a moment later."""

from __future__ import annotations

import asyncio

from bot.claims import CLAIM
from bot.runtime import Runtime
from bot.sender import DEFER, Sender
from tests.bot.conftest import Herald, outbox_rows, run
from tests.bot.fake_platform import FakePlatform


async def test_a_commands_outcome_waits_then_is_written_and_nothing_goes_twice(
    runtime: Runtime, herald: Herald, platform: FakePlatform
) -> None:
    platform.dedupes = True  # as Discord's nonces are
    await run(runtime, platform, "ana", "/herald a The meetup moved to Friday")
    assert [post.reply.text for post in platform.posts()] == ["The meetup moved to Friday"]
    [row] = await outbox_rows(runtime.db)
    assert row.status == "pending"  # sent; its outcome kept back to be written with others
    await runtime.dispatcher.sender.drain()  # a background pass writes it first, sends none
    [row] = await outbox_rows(runtime.db)
    assert (row.status, row.ref) == ("sent", "chan/1")
    assert len(platform.posts()) == 1


async def test_the_kept_back_outcomes_are_written_on_their_own_soon(
    runtime: Runtime, herald: Herald, platform: FakePlatform
) -> None:
    platform.dedupes = True
    for n in range(3):
        await run(runtime, platform, "ana", f"/herald h{n} news {n}")
    await asyncio.sleep(DEFER * 2)  # the writer's own delay, in real time
    assert [row.status for row in await outbox_rows(runtime.db)] == ["sent"] * 3


async def test_a_crash_before_the_write_resends_with_the_same_nonce(
    runtime: Runtime, herald: Herald, platform: FakePlatform
) -> None:
    platform.dedupes = True
    await run(runtime, platform, "ana", "/herald a Hello")
    # The process dies before the write; the next one's sender knows nothing of it, and
    # takes the row over once the dead one's claim has run out.
    dispatcher = runtime.dispatcher
    restarted = Sender(runtime.db, runtime.clock, dispatcher.transports)
    await restarted.drain()
    assert platform.tries == 1  # still claimed by the sender that died
    runtime.clock.advance(CLAIM)  # type: ignore[attr-defined]
    await restarted.drain()
    [row] = await outbox_rows(runtime.db)
    assert row.status == "sent" and platform.tries == 2  # resent, and the nonce caught it
    assert len(platform.posts()) == 1


async def test_without_nonces_the_outcome_is_written_at_once(
    runtime: Runtime, herald: Herald, platform: FakePlatform
) -> None:
    await run(runtime, platform, "ana", "/herald a Hello")
    [row] = await outbox_rows(runtime.db)
    assert row.status == "sent"  # a crash now must not resend it: there is no nonce


async def test_an_edit_right_after_its_message_finds_it_sent_though_kept_back(
    runtime: Runtime, herald: Herald, platform: FakePlatform
) -> None:
    # The post's reference is still waiting to be written with others' when the next command
    # edits it: the edit goes at once, not after waiting for its message to look sent.
    platform.dedupes = True
    await run(runtime, platform, "ana", "/herald a The meetup is on Thursday")
    await run(runtime, platform, "ana", "/amend a The meetup moved to Friday")
    [edit] = platform.edits()
    assert (edit.ref, edit.reply.text) == ("chan/1", "The meetup moved to Friday")
