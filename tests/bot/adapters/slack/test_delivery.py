"""What the outbox will hand the Slack transport: references, edits, pictures, Slack's refusals."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.commands import Member
from bot.delivery import TransientError
from bot.dispatch import Place, Transport
from bot.reply import Button, EditMessage, Image, Reply, ToChannel, ToMember
from tests.bot.adapters.slack.harness import BOB, CAROL, GENERAL, INTRODUCTIONS, Bot, slack_bot

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))  # the bytes travel as they are, so any will do
POLL = Reply("*Poll*: tea or coffee?", (Button("Tea", "vote", "tea"), Button("Coffee", "vote")))


@pytest.fixture
async def bot() -> AsyncIterator[Bot]:
    async with slack_bot("http") as running_bot:
        yield running_bot


def jobs_transport(bot: Bot) -> tuple[Place, Transport]:
    """The transport jobs (and the outbox) get: no request, nothing to answer."""
    place = Place("slack", bot.fake.team_id, bot.fake.team_name)
    return place, bot.runtime.dispatcher.transports["slack"](place)


def member(external_id: str) -> Member:
    """A member as features name them."""
    return Member(1, external_id, external_id.lower())


async def test_a_post_with_a_picture_returns_its_reference_and_shares_the_picture(
    bot: Bot,
) -> None:
    place, transport = jobs_transport(bot)
    chart = Image(PNG, "Bar chart: 12 for tea, 3 for coffee", "results.png")
    ref = await transport.deliver(place, ToChannel("introductions", Reply("Results", image=chart)))
    [message, share] = bot.visible(INTRODUCTIONS)
    assert ref == f"{INTRODUCTIONS}/{message.ts}" and bot.texts([message]) == ["Results"]
    [upload] = bot.fake.files_in(INTRODUCTIONS)
    assert upload.data == PNG and upload.alt_txt == chart.alt
    assert upload.filename == upload.title == "results.png"
    assert share.files == [upload.id] and share.ts > message.ts  # right after the message
    assert bot.fake.warnings == [] and bot.fake.failed_calls() == []


async def test_an_edit_changes_the_text_and_takes_the_buttons_off(bot: Bot) -> None:
    place, transport = jobs_transport(bot)
    ref = await transport.deliver(place, ToChannel(GENERAL, POLL))
    assert isinstance(ref, str)
    [poll] = bot.visible(GENERAL)
    assert [b["type"] for b in poll.blocks or []] == ["section", "actions"]

    edited = await transport.deliver(place, EditMessage(ref, Reply("*Poll* (closed): tea won")))
    assert edited == ref and poll.edits == 1
    assert bot.texts([poll]) == ["*Poll* (closed): tea won"]
    assert [b["type"] for b in poll.blocks or []] == ["section"]
    assert poll.versions[0][1] is not None and len(poll.versions[0][1]) == 2
    [update] = bot.fake.calls("chat.update")
    assert update.args["channel"] == GENERAL and update.args["ts"] == poll.ts
    assert bot.fake.warnings == []


async def test_an_edit_slack_refuses_is_false(bot: Bot) -> None:
    place, transport = jobs_transport(bot)
    gone = EditMessage(f"{GENERAL}/1700000000.000001", Reply("too late"))
    assert await transport.deliver(place, gone) is False
    assert bot.fake.calls("chat.update")[0].response["error"] == "message_not_found"
    assert await transport.deliver(place, EditMessage("not a reference", Reply("x"))) is False
    assert len(bot.fake.calls("chat.update")) == 1  # nothing to ask Slack about


async def test_a_dm_returns_its_reference_and_a_closed_one_is_false(bot: Bot) -> None:
    place, transport = jobs_transport(bot)
    hello = Reply("Welcome back!", image=Image(PNG, "A wave"))
    ref = await transport.deliver(place, ToMember(member(BOB), hello, nonce="n-1"))
    [message, _share] = bot.fake.dms(BOB)
    assert ref == f"{message.channel}/{message.ts}" and message.channel.startswith("D")
    assert [f.alt_txt for f in bot.fake.files_in(message.channel)] == ["A wave"]

    bot.fake.set_unreachable(CAROL)
    assert await transport.deliver(place, ToMember(member(CAROL), Reply("hi"))) is False
    assert bot.fake.dms(CAROL) == []


async def test_a_long_rate_limit_is_handed_back_at_once_with_its_wait(bot: Bot) -> None:
    place, transport = jobs_transport(bot)
    bot.fake.fail_next("chat.postMessage", "ratelimited", status=429, retry_after=30)
    with pytest.raises(TransientError) as raised:
        await transport.deliver(place, ToChannel(GENERAL, Reply("later")))
    assert raised.value.retry_after == 30 and "ratelimited" in raised.value.reason
    # One call: the client did not sit out the 30 s itself.
    assert [c.status for c in bot.fake.calls("chat.postMessage")] == [429]
    assert bot.visible(GENERAL) == []


async def test_a_rate_limited_dm_is_not_a_closed_dm(bot: Bot) -> None:
    place, transport = jobs_transport(bot)
    bot.fake.fail_next("conversations.open", "ratelimited", status=429, retry_after=20)
    with pytest.raises(TransientError) as raised:
        await transport.deliver(place, ToMember(member(BOB), Reply("hi"), GENERAL))
    assert raised.value.retry_after == 20 and bot.visible(GENERAL) == []


async def test_slack_failing_is_transient(bot: Bot) -> None:
    place, transport = jobs_transport(bot)
    # Twice: the client retries a 5xx once by itself.
    bot.fake.fail_next("chat.postMessage", "internal_error", status=500, count=2)
    with pytest.raises(TransientError) as raised:
        await transport.deliver(place, ToChannel(GENERAL, Reply("later")))
    assert raised.value.retry_after is None and "internal_error" in raised.value.reason
    assert [c.status for c in bot.fake.calls("chat.postMessage")] == [500, 500]
    bot.fake.fail_next("chat.update", "service_unavailable", status=503, count=2)
    with pytest.raises(TransientError):
        await transport.deliver(place, EditMessage(f"{GENERAL}/1.2", Reply("x")))


async def test_a_picture_that_fails_leaves_the_message_delivered(bot: Bot) -> None:
    place, transport = jobs_transport(bot)
    bot.fake.fail_next("files.completeUploadExternal", "internal_error", status=500, count=2)
    reply = Reply("Results", image=Image(PNG, "A chart"))
    ref = await transport.deliver(place, ToChannel(GENERAL, reply))
    # Sending the text again would be worse than a missing picture.
    [message] = bot.visible(GENERAL)
    assert ref == f"{GENERAL}/{message.ts}" and bot.fake.files_in(GENERAL) == []
