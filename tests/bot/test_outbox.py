"""What is queued: members' say over unsolicited DMs, the way out, and replies kept whole."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import select

from bot.clock import ManualClock
from bot.context import Context
from bot.delivery import TransientError
from bot.outbox import PAUSE_ACTION, STOP_ACTION, WAY_OUT, Handle, dump, load
from bot.reply import Button, Image, Reply
from bot.runtime import Runtime
from storage.db import Database
from storage.models import MemberRow, OutboxRow
from tests.bot.conftest import Herald, as_job, member, outbox_rows, run
from tests.bot.fake_platform import FakePlatform
from tests.conftest import START
from tests.fakes.discord.uploads import tiny_png

# The columns a row needs besides its reply.
ROW: dict[str, Any] = dict(
    community_id=1, handle="h1", kind="post", not_before=START, created_at=START
)


async def change(db: Database, name: str, **fields: Any) -> None:
    """Set a member's columns, as their own commands would."""
    async with db.session() as session, session.begin():
        row = (await session.exec(select(MemberRow).where(MemberRow.name == name))).one()
        for key, value in fields.items():
            setattr(row, key, value)
        session.add(row)


async def test_unsolicited_dms_to_the_away_the_unwilling_and_the_gone_are_never_sent(
    runtime: Runtime, platform: FakePlatform
) -> None:
    names = ["ann", "bea", "cy", "dee", "eve", "robo"]
    for name in names:
        await run(runtime, platform, name, "/ping")
    await change(runtime.db, "bea", away_until=START + timedelta(days=7))
    await change(runtime.db, "cy", dms_off=True)
    await change(runtime.db, "dee", left_at=START)
    await change(runtime.db, "eve", away_until=START - timedelta(days=1))  # back already
    await change(runtime.db, "robo", is_bot=True)
    people = [await member(runtime.db, name) for name in names]

    async def nudge(ctx: Context) -> None:
        for person in people:
            ctx.dm(person, f"Hi {person.name}")

    assert await as_job(runtime, nudge, platform)

    assert [(row.status, row.outcome) for row in await outbox_rows(runtime.db)] == [
        ("sent", ""),
        ("skipped", "they are away until 2026-11-09"),
        ("skipped", "they turned unsolicited DMs off"),
        ("skipped", "they left the community"),
        ("sent", ""),
        ("skipped", "they are a bot"),
    ]
    assert [dm.member.name for dm in platform.dms()] == ["ann", "eve"]


async def test_preferences_are_read_again_when_a_waiting_dm_goes_out(
    runtime: Runtime, platform: FakePlatform, clock: ManualClock
) -> None:
    await run(runtime, platform, "bea", "/ping")
    bea = await member(runtime.db, "bea")
    platform.failures.append(TransientError("503"))

    async def nudge(ctx: Context) -> None:
        ctx.dm(bea, "Still with us?")

    assert await as_job(runtime, nudge, platform)
    await change(runtime.db, "bea", dms_off=True)  # while the DM waited for its retry
    clock.advance(timedelta(seconds=2))
    await runtime.dispatcher.sender.drain_all()

    [row] = await outbox_rows(runtime.db)
    assert (row.status, row.outcome) == ("skipped", "they turned unsolicited DMs off")
    assert platform.dms() == []


async def test_an_unsolicited_dm_carries_the_way_out_and_an_answer_to_its_reader_does_not(
    runtime: Runtime, platform: FakePlatform, herald: Herald
) -> None:
    await run(runtime, platform, "bea", "/ping")
    await run(runtime, platform, "ann", "/whisper @bea Lunch on Friday?")
    await run(runtime, platform, "ann", "/memo Book the room")

    whisper, memo = platform.dms()
    assert whisper.reply.buttons == WAY_OUT
    assert [b.custom_id for b in WAY_OUT] == [f"cb:{PAUSE_ACTION}:30", f"cb:{STOP_ACTION}:"]
    assert (memo.member.name, memo.reply.buttons) == ("ann", ())  # what ann just asked for
    assert [row.unsolicited for row in await outbox_rows(runtime.db)] == [True, False]


async def test_a_reply_keeps_its_buttons_and_picture_through_the_outbox(
    runtime: Runtime, platform: FakePlatform
) -> None:
    png = tiny_png()
    chart = Image(png, "Kudos per week, rising", "chart.png")
    vote = (Button("Yes", "poll_vote", "1", style="success"), Button("No", "poll_vote", "2"))

    async def post(ctx: Context) -> None:
        ctx.post("news", "This week in numbers", buttons=vote, image=chart)

    assert await as_job(runtime, post, platform)

    [sent] = platform.posts()
    assert (sent.reply.text, sent.reply.buttons, sent.reply.image) == (
        "This week in numbers",
        vote,
        chart,
    )
    [row] = await outbox_rows(runtime.db)
    assert row.image == png and b"PNG" not in row.body.encode()  # bytes in their own column
    reply = Reply("x", vote, image=chart)
    assert load(OutboxRow(body=dump(reply), image=png, **ROW)) == reply


def test_a_keyed_handle_is_the_same_every_time_and_fits_a_nonce() -> None:
    assert Handle.new("poll:2026-W45") == Handle.new("poll:2026-W45")
    assert Handle.new("poll:2026-W45") != Handle.new("poll:2026-W46")
    assert Handle.new() != Handle.new()
    # The handle is the platform nonce too: Discord takes at most 25 characters.
    assert len(Handle.new("k" * 500).id) <= 24 and len(Handle.new().id) <= 24
