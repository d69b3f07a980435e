"""Edits: by the recorded reference, after their message is sent, and only the newest."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.context import Context
from bot.delivery import TransientError
from bot.reply import EditMessage, ToChannel
from bot.runtime import Runtime
from tests.bot.conftest import Herald, as_job, member, outbox_rows, run
from tests.bot.fake_platform import FakePlatform


async def test_an_edit_of_a_sent_post_goes_by_its_recorded_reference(
    runtime: Runtime, platform: FakePlatform, herald: Herald
) -> None:
    await run(runtime, platform, "ann", "/herald poll Vote: tea or coffee?")
    await run(runtime, platform, "ann", "/amend poll Closed: tea won")

    [edit] = platform.edits()
    assert (edit.ref, edit.reply.text, edit.where) == ("chan/1", "Closed: tea won", "#news")
    assert edit.reply.buttons == ()  # no buttons given: the poll's are taken off
    post, change = await outbox_rows(runtime.db)
    assert (change.kind, change.target, change.status) == ("edit", post.handle, "sent")


async def test_an_edit_of_a_dm_names_it_as_a_dm(
    runtime: Runtime, platform: FakePlatform, herald: Herald
) -> None:
    await run(runtime, platform, "bea", "/ping")
    await run(runtime, platform, "ann", "/whisper @bea Are you coming?")
    await run(runtime, platform, "ann", "/amend dm Never mind")

    [edit] = platform.edits()
    assert (edit.ref, edit.where) == ("chan/1", "DM")


async def test_an_edit_waits_for_its_unsent_message_without_spending_attempts(
    runtime: Runtime, platform: FakePlatform, herald: Herald, clock: ManualClock
) -> None:
    platform.failures.append(TransientError("503"))
    await run(runtime, platform, "ann", "/herald poll Vote now")
    await run(runtime, platform, "ann", "/amend poll Closed")

    post, change = await outbox_rows(runtime.db)
    assert (post.status, change.status, change.attempts) == ("pending", "pending", 0)
    assert change.not_before == clock.now() + timedelta(seconds=2)
    assert platform.outbox_items() == []
    for _ in range(3):  # looking again is no attempt: it never runs out of tries for waiting
        clock.advance(timedelta(seconds=1))
        await runtime.dispatcher.sender.drain_all()
    assert [type(item) for item in platform.outbox_items()] == [ToChannel, EditMessage]
    assert platform.edits()[0].ref == "chan/1"
    post, change = await outbox_rows(runtime.db)
    assert (post.status, change.status, change.attempts) == ("sent", "sent", 1)


async def test_of_several_pending_edits_only_the_newest_is_sent(
    runtime: Runtime, platform: FakePlatform, herald: Herald, clock: ManualClock
) -> None:
    platform.failures.append(TransientError("503"))
    await run(runtime, platform, "ann", "/herald tally Votes: 0")
    for votes in (1, 2, 3):
        await run(runtime, platform, "ann", f"/amend tally Votes: {votes}")

    clock.advance(timedelta(seconds=2))
    await runtime.dispatcher.sender.drain_all()

    assert [edit.reply.text for edit in platform.edits()] == ["Votes: 3"]
    _, *edits = await outbox_rows(runtime.db)
    assert [(row.status, row.outcome) for row in edits] == [
        ("skipped", "a newer edit of the message replaces it"),
        ("skipped", "a newer edit of the message replaces it"),
        ("sent", ""),
    ]


async def test_a_post_and_its_edit_in_one_transaction_both_go_at_once(
    runtime: Runtime, platform: FakePlatform
) -> None:
    async def close_early(ctx: Context) -> None:
        handle = ctx.post("news", "Poll: open")
        ctx.edit(handle, "Poll: closed")

    assert await as_job(runtime, close_early, platform)

    assert [type(item) for item in platform.outbox_items()] == [ToChannel, EditMessage]
    assert platform.edits()[0].ref == "chan/1"  # the reference it got a moment before


async def test_an_edit_of_a_message_that_was_never_sent_is_skipped(
    runtime: Runtime, platform: FakePlatform, herald: Herald
) -> None:
    await run(runtime, platform, "bea", "/ping")
    platform.closed_dms.add("bea")
    bea = await member(runtime.db, "bea")

    async def dm_then_edit(ctx: Context) -> None:
        ctx.edit(ctx.dm(bea, "Hello"), "Hello again")

    assert await as_job(runtime, dm_then_edit, platform)

    dm, change = await outbox_rows(runtime.db)
    assert dm.status == "refused"
    assert change.status == "skipped"
    assert change.outcome == "the message to edit was not sent (refused)"
    assert platform.edits() == []
