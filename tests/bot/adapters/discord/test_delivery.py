"""Posts, DMs and edits as the outbox will send them: references, images, nonces and errors."""

from __future__ import annotations

from pathlib import Path

import discord
import pytest

from bot import render
from bot.adapters.discord.transport import GuildTransport
from bot.commands import Member
from bot.delivery import TransientError
from bot.dispatch import Place
from bot.reply import Button, EditMessage, Image, Reply, ToChannel, ToMember
from tests.bot.adapters.discord.conftest import TOKEN, DiscordEnv, make_guild, start_env
from tests.fakes import discord as fd

POSTS = "POST /channels/*/messages"
VOTE = (Button("Vote", "poll.vote", "7"), Button("Results", "poll.results", "7"))


def transport(env: DiscordEnv) -> tuple[GuildTransport, Place]:
    """The transport scheduled jobs get, and the place they act in."""
    client = env.front.client
    guild = client.get_guild(env.guild.id)
    return GuildTransport(client, guild), Place("discord", str(env.guild.id), env.guild.name)


def member(user: fd.FakeUser) -> Member:
    return Member(id=1, external_id=str(user.id), name=user.username)


def buttons(message: fd.RecordedMessage) -> list[dict[str, object]]:
    return [c for row in message.components for c in row.get("components", [])]


async def test_a_post_with_an_image_returns_its_reference(env: DiscordEnv) -> None:
    sender, place = transport(env)
    chart = Image(fd.tiny_png(), "Votes per answer: yes 4, no 1", "poll.png")
    reply = Reply("**Poll closed**", VOTE, image=chart)
    ref = await sender.deliver(place, ToChannel("welcome", reply))
    (posted,) = env.fake.messages_in(env.welcome)
    assert ref == f"{env.welcome}/{posted.id}"
    (attachment,) = posted.attachments
    assert attachment.data == fd.tiny_png()
    assert (attachment.filename, attachment.description) == ("poll.png", chart.alt)
    assert [b["label"] for b in buttons(posted)] == ["Vote", "Results"]


async def test_where_files_are_not_allowed_the_image_is_described(env: DiscordEnv) -> None:
    strict = await env.fake.add_guild("Strict", bot_permissions=fd.Perm.SEND_MESSAGES)
    strict.roles[strict.id].permissions &= ~fd.Perm.ATTACH_FILES  # no files for @everyone
    await env.fake.gateway.send_guild_create(strict.id)
    client = env.front.client
    guild = await env.eventually(lambda: client.get_guild(strict.id))
    sender, place = GuildTransport(client, guild), Place("discord", str(strict.id), "Strict")
    chart = Image(fd.tiny_png(), "Votes: *yes* 4, no 1")
    ref = await sender.deliver(place, ToChannel(None, Reply("Poll closed", image=chart)))
    (posted,) = env.fake.messages_in(next(iter(strict.channels)))
    assert ref == f"{posted.channel_id}/{posted.id}" and posted.attachments == []
    assert posted.content == "Poll closed\n\n*Votes: \\*yes\\* 4, no 1*"


async def test_a_long_post_is_named_by_its_last_part(env: DiscordEnv) -> None:
    sender, place = transport(env)
    text = "\n".join(f"line {n} " + "x" * 90 for n in range(60))  # three messages' worth
    reply = Reply(text, VOTE, image=Image(fd.tiny_png(), "a chart"))
    ref = await sender.deliver(place, ToChannel("general", reply, nonce="digest:2026-W49"))
    parts = env.fake.messages_in(env.general)
    assert len(parts) == 3 and ref == f"{env.general}/{parts[-1].id}"
    # Buttons and the image ride on the last part only, the one an edit changes.
    assert [bool(p.components) for p in parts] == [False, False, True]
    assert [len(p.attachments) for p in parts] == [0, 0, 1]
    nonces = [p.nonce for p in parts]
    assert len(set(nonces)) == 3 and all(isinstance(n, str) and len(n) <= 25 for n in nonces)
    # A resend after a crash: Discord hands back every part already made.
    again = await sender.deliver(place, ToChannel("general", reply, nonce="digest:2026-W49"))
    assert again == ref and len(env.fake.messages_in(env.general)) == 3


async def test_the_same_nonce_posts_once(env: DiscordEnv) -> None:
    sender, place = transport(env)
    item = ToChannel("general", Reply("This week's poll"), nonce="outbox:41")
    first = await sender.deliver(place, item)
    second = await sender.deliver(place, item)
    assert first == second
    (posted,) = env.fake.messages_in(env.general)
    assert posted.nonce == "outbox:41"
    sent = [r for r in env.fake.requests if r.method == "POST" and r.path.endswith("/messages")]
    assert [r.json["enforce_nonce"] for r in sent] == [True, True]


async def test_an_edit_changes_the_text_and_removes_the_buttons(env: DiscordEnv) -> None:
    sender, place = transport(env)
    ref = await sender.deliver(place, ToChannel("general", Reply("Poll: tea or coffee?", VOTE)))
    assert isinstance(ref, str)
    closed = Reply(f"Poll closed: tea wins. Thanks {render.mention(member(env.alice))}!")
    assert await sender.deliver(place, EditMessage(ref, closed, "#general")) == ref
    (posted,) = env.fake.messages_in(env.general)
    assert posted.content == f"Poll closed: tea wins. Thanks <@{env.alice.id}>!"
    assert posted.components == []
    (edit,) = posted.edits
    assert edit["components"] == [] and edit["allowed_mentions"]["users"] == [env.alice.id]
    assert edit["allowed_mentions"]["parse"] == []  # never everyone, never a role


async def test_a_dm_is_edited_with_buttons_that_know_their_guild(env: DiscordEnv) -> None:
    sender, place = transport(env)
    ref = await sender.deliver(place, ToMember(member(env.bob), Reply("Did you meet?")))
    (dm,) = env.fake.dm_messages(env.bob)
    assert ref == f"{dm.channel_id}/{dm.id}"
    await sender.deliver(place, EditMessage(str(ref), Reply("Did you meet ana?", VOTE[:1])))
    assert dm.content == "Did you meet ana?"
    assert str(buttons(dm)[0]["custom_id"]).startswith(f"g{env.guild.id}|cb:poll.vote")


async def test_closed_dms_are_refused_for_good(env: DiscordEnv) -> None:
    sender, place = transport(env)
    env.fake.close_dms(env.bob)
    assert await sender.deliver(place, ToMember(member(env.bob), Reply("hi"), nonce="n1")) is False
    assert env.fake.dm_messages(env.bob) == []


async def test_an_edit_of_a_deleted_message_fails_for_good(env: DiscordEnv) -> None:
    sender, place = transport(env)
    ref = await sender.deliver(place, ToChannel("general", Reply("soon gone")))
    env.fake.messages_in(env.general)[0].deleted = True
    with pytest.raises(discord.NotFound):  # not transient: the sender gives up on it
        await sender.deliver(place, EditMessage(str(ref), Reply("too late")))


async def test_server_errors_discord_py_gives_up_on_are_transient(env: DiscordEnv) -> None:
    sender, place = transport(env)
    env.fake.fail_next(POSTS, 503)  # discord.py retries 500, 502 and 504 itself, not 503
    with pytest.raises(TransientError) as info:
        await sender.deliver(place, ToChannel("general", Reply("hello")))
    assert info.value.reason == "Discord answered 503" and info.value.retry_after is None
    assert env.fake.messages_in(env.general) == []


async def test_a_bad_gateway_is_retried_by_discord_py(env: DiscordEnv) -> None:
    sender, place = transport(env)
    env.fake.fail_next(POSTS, 502)  # discord.py waits a second and tries again
    ref = await sender.deliver(place, ToChannel("general", Reply("hello"), nonce="outbox:3"))
    (posted,) = env.fake.messages_in(env.general)
    assert ref == f"{env.general}/{posted.id}"


async def test_a_short_rate_limit_is_waited_out(env: DiscordEnv) -> None:
    sender, place = transport(env)
    env.fake.fail_next(POSTS, 429, retry_after=0.05)
    ref = await sender.deliver(place, ToChannel("general", Reply("hello")))
    assert isinstance(ref, str) and len(env.fake.messages_in(env.general)) == 1
    statuses = [r.status for r in env.fake.requests if r.path.endswith("/messages")]
    assert statuses == [429, 200]


async def test_a_cloudflare_ban_is_transient_with_its_wait(env: DiscordEnv) -> None:
    sender, place = transport(env)
    env.fake.fail_next(POSTS, 429, retry_after=600, cloudflare=True)
    with pytest.raises(TransientError) as info:  # discord.py raises it as it is: no retry
        await sender.deliver(place, ToChannel("general", Reply("hello")))
    assert info.value.retry_after == 600.0


async def test_a_long_rate_limit_is_transient_with_its_wait(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async with fd.FakeDiscord(token=TOKEN) as fake:
        guild, channels = await make_guild(fake, "Patient")
        runtime, front = await start_env(
            monkeypatch,
            fake,
            db_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
            client_options={"max_ratelimit_timeout": 30.0},  # longer waits are the outbox's
        )
        try:
            client = front.client
            sender = GuildTransport(client, client.get_guild(guild.id))
            fake.fail_next(POSTS, 429, retry_after=90.0)
            with pytest.raises(TransientError) as info:
                await sender.deliver(Place("discord", str(guild.id)), ToChannel(None, Reply("hi")))
            assert info.value.retry_after == 90.0
            assert fake.messages_in(channels["general"]) == []
        finally:
            await front.close()
            await runtime.close()
