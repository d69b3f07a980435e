"""Prove the fake's message rules (uploads, nonces, edits, injected failures) against discord.py."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import dataclass

import discord
import pytest

from tests.fakes import discord as fd


@dataclass
class Http:
    """The fake, and a discord.py client logged in over REST only (no gateway needed)."""

    fake: fd.FakeDiscord
    client: discord.Client
    guild: fd.FakeGuild

    @property
    def channel_id(self) -> int:
        return next(iter(self.guild.channels))

    @property
    def channel(self) -> discord.PartialMessageable:
        return self.client.get_partial_messageable(self.channel_id)

    def statuses(self, method: str = "POST") -> list[int]:
        return [
            r.status for r in self.fake.requests if r.method == method and "/messages" in r.path
        ]


@pytest.fixture
async def http(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Http]:
    async with fd.FakeDiscord() as fake:
        monkeypatch.setattr(discord.http.Route, "BASE", f"{fake.url}/api/v10")
        guild = await fake.add_guild("Uploads", bot_permissions=fd.Perm.SEND_MESSAGES)
        client = discord.Client(intents=discord.Intents(guilds=True))
        await client.login(fake.token)
        try:
            yield Http(fake, client, guild)
        finally:
            await client.close()


def image(description: str | None = "a black square", data: bytes | None = None) -> discord.File:
    return discord.File(
        io.BytesIO(data or fd.tiny_png()), filename="chart.png", description=description
    )


async def test_an_upload_is_kept_with_its_description(http: Http) -> None:
    sent = await http.channel.send("the chart", file=image())
    (stored,) = http.fake.messages_in(http.channel_id)
    (attachment,) = stored.attachments
    assert (attachment.filename, attachment.description) == ("chart.png", "a black square")
    assert attachment.data == fd.tiny_png() and attachment.content_type == "image/png"
    assert http.fake.requests[-1].files == {"files[0]": fd.tiny_png()}
    # discord.py reads back what Discord answers, sizes of images included.
    (seen,) = sent.attachments
    assert (seen.filename, seen.description, seen.size) == (
        "chart.png",
        "a black square",
        len(fd.tiny_png()),
    )
    assert (seen.width, seen.height, seen.content_type) == (2, 1, "image/png")


async def test_uploads_are_refused_as_discord_refuses_them(http: Http) -> None:
    with pytest.raises(discord.HTTPException) as info:
        await http.channel.send("too wordy", file=image("x" * 1025))
    assert (info.value.status, info.value.code) == (400, 50035)
    assert "attachments.0.description" in str(info.value)
    # Metadata naming files[0] while the upload came as files[1]: ATTACHMENT_NOT_FOUND.
    params = discord.http.handle_message_parameters("lost", file=image())
    form = [{**p, "name": "files[1]"} if p["name"] == "files[0]" else p for p in params.multipart]
    with pytest.raises(discord.HTTPException) as info:
        await http.client.http.request(
            discord.http.Route(
                "POST", "/channels/{channel_id}/messages", channel_id=http.channel_id
            ),
            form=form,
        )
    assert info.value.code == 50035 and "Attachment data not found" in str(info.value)
    everyone = http.guild.roles[http.guild.id]
    everyone.permissions &= ~fd.Perm.ATTACH_FILES
    with pytest.raises(discord.Forbidden) as denied:
        await http.channel.send("no files here", file=image())
    assert denied.value.code == 50013
    await http.channel.send("words still go")
    assert [m.content for m in http.fake.messages_in(http.channel_id)] == ["words still go"]


async def test_an_enforced_nonce_posts_once_per_channel(http: Http) -> None:
    first = await http.channel.send("weekly poll", nonce="outbox:7")
    again = await http.channel.send("weekly poll", nonce="outbox:7")
    assert again.id == first.id and again.nonce == "outbox:7"
    assert len(http.fake.messages_in(http.channel_id)) == 1
    other = await http.fake.add_channel(http.guild.id, "elsewhere")
    elsewhere = await http.client.get_partial_messageable(other.id).send("x", nonce="outbox:7")
    assert elsewhere.id != first.id
    # Without enforce_nonce, Discord only echoes the nonce back: both messages are made.
    route = discord.http.Route("POST", "/channels/{channel_id}/messages", channel_id=other.id)
    for _ in range(2):
        await http.client.http.request(route, json={"content": "y", "nonce": "plain"})
    assert len(http.fake.messages_in(other.id)) == 3
    with pytest.raises(discord.HTTPException) as info:
        await http.channel.send("x", nonce="n" * 26)
    assert info.value.code == 50035 and "nonce" in str(info.value)


async def test_edits_change_text_and_buttons_and_keep_files(http: Http) -> None:
    view = discord.ui.View()
    view.add_item(discord.ui.Button(label="Vote", custom_id="vote"))
    sent = await http.channel.send("open", view=view, file=image())
    message = http.channel.get_partial_message(sent.id)
    edited = await message.edit(content="closed", view=None)
    assert edited.content == "closed" and edited.components == []
    stored = http.fake.state.message(sent.id)
    assert stored.edits[-1]["components"] == [] and len(stored.attachments) == 1
    await message.edit(attachments=[])
    assert stored.attachments == []
    with pytest.raises(discord.HTTPException) as info:
        await message.edit(content="")  # nothing would be left
    assert info.value.code == 50006
    with pytest.raises(discord.NotFound) as missing:
        await http.channel.get_partial_message(sent.id + 1).edit(content="?")
    assert missing.value.code == 10008


async def test_injected_failures_look_like_discords(http: Http) -> None:
    http.fake.fail_next("POST /channels/*/messages", 429, retry_after=0.05)
    await http.channel.send("after a wait")  # discord.py sleeps it out and retries
    http.fake.fail_next("POST /channels/*/messages", 503)
    with pytest.raises(discord.DiscordServerError) as info:
        await http.channel.send("proxy trouble")  # discord.py does not retry a 503
    assert info.value.status == 503 and "upstream connect error" in info.value.text
    assert http.statuses() == [429, 200, 503]
    with pytest.raises(fd.DriverError):
        http.fake.fail_next("POST /channels/*/messages", 418)
