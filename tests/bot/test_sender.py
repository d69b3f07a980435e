"""The sender: after the commit, retried on the clock, refusals, keys, and never twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot import render
from bot.clock import ManualClock
from bot.context import Context
from bot.delivery import TransientError
from bot.outbox import Handle, dump
from bot.passes import MAX_ATTEMPTS, backoff
from bot.reply import Reply, ToChannel, ToInvoker
from bot.runtime import Runtime
from storage.models import OutboxRow
from tests.bot.conftest import Herald, as_job, member, outbox_rows, run
from tests.bot.fake_platform import FakePlatform
from tests.conftest import PLACE, START


async def test_a_post_goes_after_the_commit_with_its_reference_recorded(
    runtime: Runtime, platform: FakePlatform, herald: Herald, clock: ManualClock
) -> None:
    assert (await run(runtime, platform, "ann", "/herald first Hello all")).ok

    assert [type(item) for item in platform.sent] == [ToChannel, ToInvoker]  # as queued
    [post] = platform.posts()
    assert (post.channel, post.reply.text) == ("news", "Hello all")
    assert post.nonce == herald.handles["first"].id  # a resend is recognisable
    [row] = await outbox_rows(runtime.db)
    assert (row.status, row.ref, row.attempts, row.sent_at) == ("sent", "chan/1", 1, START)
    assert row.handle == herald.handles["first"].id


async def test_a_refused_command_leaves_no_row_and_sends_nothing(
    runtime: Runtime, platform: FakePlatform, herald: Herald, clock: ManualClock
) -> None:
    outcome = await run(runtime, platform, "ann", "/flop")

    assert not outcome.ok
    assert platform.texts() == ["Changed my mind."]
    assert await outbox_rows(runtime.db) == []
    # Nor are the rolled-back rows held back: the next row takes their id and still goes out.
    platform.failures.append(TransientError("busy"))
    await run(runtime, platform, "ann", "/herald first Hello")
    [row] = await outbox_rows(runtime.db)
    assert (row.id, row.status) == (1, "pending")
    clock.advance(timedelta(seconds=2))
    await runtime.dispatcher.sender.drain_all()
    assert platform.texts() == ["Changed my mind.", "queued first", "Hello"]


async def test_a_transient_error_is_retried_when_the_platform_says_then_sent(
    runtime: Runtime, platform: FakePlatform, herald: Herald, clock: ManualClock
) -> None:
    sender = runtime.dispatcher.sender
    platform.failures += [TransientError("429", retry_after=30.0), TransientError("503")]
    await run(runtime, platform, "ann", "/herald first Hello")

    [row] = await outbox_rows(runtime.db)
    assert (row.status, row.attempts, row.outcome) == ("pending", 1, "429")
    assert row.not_before == START + timedelta(seconds=30)  # more than the 2 s backoff
    assert await sender.drain() == 30.0  # the background sender sleeps until then
    clock.advance(timedelta(seconds=29))
    await sender.drain_all()
    assert platform.posts() == []
    clock.advance(timedelta(seconds=1))
    # The second failure says nothing of when: the backoff for a second failure, 4 s.
    assert await sender.drain() == backoff(2) == 4.0
    [row] = await outbox_rows(runtime.db)
    assert (row.attempts, row.not_before) == (2, clock.now() + timedelta(seconds=4))
    clock.advance(timedelta(seconds=4))
    await sender.drain_all()
    [row] = await outbox_rows(runtime.db)
    assert (row.status, row.attempts, row.ref) == ("sent", 3, "chan/1")
    assert [post.reply.text for post in platform.posts()] == ["Hello"]


async def test_after_the_last_attempt_a_row_is_failed_and_never_tried_again(
    runtime: Runtime, platform: FakePlatform, herald: Herald, clock: ManualClock
) -> None:
    sender = runtime.dispatcher.sender
    platform.failures += [TransientError(f"down {n}") for n in range(MAX_ATTEMPTS)]
    await run(runtime, platform, "ann", "/herald first Hello")
    waits = []
    for _ in range(MAX_ATTEMPTS - 1):
        [row] = await outbox_rows(runtime.db)
        waits.append((row.not_before - clock.now()).total_seconds())
        clock.set(row.not_before)
        await sender.drain_all()

    assert waits == [2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]  # 15 minutes at most
    [row] = await outbox_rows(runtime.db)
    assert (row.status, row.attempts, row.outcome) == (
        "failed",
        MAX_ATTEMPTS,
        f"down {MAX_ATTEMPTS - 1}",
    )
    assert row.sent_at == clock.now()
    clock.advance(timedelta(days=1))
    await sender.drain_all()
    assert platform.tries == MAX_ATTEMPTS and platform.posts() == []


async def test_a_refused_dm_falls_back_to_a_post_mentioning_only_them(
    runtime: Runtime, platform: FakePlatform, herald: Herald
) -> None:
    await run(runtime, platform, "bea", "/ping")
    platform.closed_dms.add("bea")
    platform.sent.clear()

    await run(runtime, platform, "ann", "/whisper @bea Your turn to host")

    dm, fallback = await outbox_rows(runtime.db)
    assert (dm.kind, dm.status, dm.outcome) == ("dm", "refused", "DMs closed: posted instead")
    assert (fallback.kind, fallback.channel, fallback.status) == ("post", "lobby", "sent")
    assert fallback.ref == "chan/1"
    [post] = platform.posts()
    assert post.channel == "lobby" and "Your turn to host" in post.reply.text
    assert render.mentioned_ids(post.reply.text) == ["bea"]
    assert post.reply.buttons == ()  # the DM's way out is bea's alone, not the channel's
    assert platform.dms() == []
    assert platform.texts()[-1] == "whispered"  # the fallback was said right after the DM


async def test_a_refused_dm_without_a_fallback_is_only_recorded(
    runtime: Runtime, platform: FakePlatform
) -> None:
    await run(runtime, platform, "bea", "/ping")
    bea = await member(runtime.db, "bea")
    platform.closed_dms.add("bea")

    async def remind(ctx: Context) -> None:
        ctx.dm(bea, "Your intro is waiting")

    assert await as_job(runtime, remind, platform)
    [row] = await outbox_rows(runtime.db)
    assert (row.status, row.outcome) == ("refused", "refused by the platform")
    assert platform.outbox_items() == []


async def test_a_key_says_it_once_however_often_the_job_runs(
    runtime: Runtime, platform: FakePlatform
) -> None:
    handles: list[Handle] = []

    async def poll(ctx: Context) -> None:
        handles.append(ctx.post("news", "This week's poll", key="poll:2026-W45"))

    assert await as_job(runtime, poll, platform)
    assert await as_job(runtime, poll, platform)  # a restart re-runs the period's work

    assert len(await outbox_rows(runtime.db)) == 1
    assert [post.reply.text for post in platform.posts()] == ["This week's poll"]
    assert handles[0] == handles[1]  # an edit through either reaches the one post


async def test_the_background_sender_never_sends_a_commands_own_row_too(
    runtime: Runtime, herald: Herald
) -> None:
    gate = asyncio.Event()
    slow = FakePlatform(gate=gate)
    runtime.dispatcher.transports["test"] = lambda place: slow
    command = asyncio.create_task(run(runtime, slow, "ann", "/herald first Hello"))
    await slow.entered.wait()  # the command's post is on its way, its outcome not written

    await runtime.dispatcher.sender.drain()  # a background pass meanwhile sees it pending
    gate.set()
    assert (await command).ok

    assert slow.texts() == ["Hello", "queued first"]
    [row] = await outbox_rows(runtime.db)
    assert row.status == "sent" and slow.tries == 1


async def test_a_wake_during_a_pass_is_not_lost(runtime: Runtime) -> None:
    sender = runtime.dispatcher.sender
    first = asyncio.Event()
    slow = FakePlatform(gate=first)
    runtime.dispatcher.transports["test"] = lambda place: slow
    community = await runtime.dispatcher.community(PLACE)
    await queue_post(runtime, community.id, "first")
    background = asyncio.create_task(sender.run())
    try:
        await slow.entered.wait()  # the pass is sending the first post
        await queue_post(runtime, community.id, "second")  # queued elsewhere meanwhile
        sender.wake()
        slow.entered.clear()
        slow.gate = second = asyncio.Event()  # holds the next delivery, the second post's
        first.set()
        # Another pass at once, not after the 30 s the sender idles when nobody wakes it.
        await asyncio.wait_for(slow.entered.wait(), timeout=10)
        second.set()
        while len(slow.outbox_items()) < 2:
            await asyncio.sleep(0)
    finally:
        background.cancel()
        await asyncio.gather(background, return_exceptions=True)
    assert slow.texts() == ["first", "second"]


async def queue_post(runtime: Runtime, community_id: int, text: str) -> None:
    """A post queued straight into the outbox, as another transaction would."""
    async with runtime.db.session() as session, session.begin():
        session.add(
            OutboxRow(
                community_id=community_id,
                handle=Handle.new().id,
                kind="post",
                channel="news",
                body=dump(Reply(text)),
                not_before=runtime.clock.now(),
                created_at=runtime.clock.now(),
            )
        )


async def test_a_retry_that_falls_due_during_a_pass_is_looked_at_next_not_after_idling(
    runtime: Runtime, platform: FakePlatform, clock: ManualClock
) -> None:
    # Retries are timed from each failure, so the later rows of one pass fall due a moment
    # after the earlier ones: a pass that starts between the two must not sleep past them.
    async def two_posts(ctx: Context) -> None:
        ctx.post("news", "first")
        ctx.post("news", "second")

    platform.failures += [TransientError("busy"), TransientError("busy")]
    ticking = platform.deliver

    async def deliver_slowly(place: object, item: object) -> bool | str:
        clock.advance(timedelta(milliseconds=1))  # each attempt takes a moment
        return await ticking(place, item)  # type: ignore[arg-type]

    platform.deliver = deliver_slowly  # type: ignore[method-assign]
    sender = runtime.dispatcher.sender
    assert await as_job(runtime, two_posts, platform)
    first, second = await outbox_rows(runtime.db)
    assert second.not_before - first.not_before == timedelta(milliseconds=1)

    clock.set(first.not_before)  # the first is due, the second a millisecond later
    platform.failures.append(TransientError("busy"))  # the first fails again, a moment on
    assert await sender.drain() == 0.0  # the second fell due meanwhile: look again at once
    await sender.drain()
    assert [post.reply.text for post in platform.posts()] == ["second"]
