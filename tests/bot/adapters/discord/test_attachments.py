"""Files of any kind ride on a Discord message as attachments, a picture beside them."""

from __future__ import annotations

from bot.adapters.discord.transport import GuildTransport
from bot.commands import Member
from bot.dispatch import Place
from bot.reply import Attachment, Image, Reply, ToMember
from tests.bot.adapters.discord.conftest import DiscordEnv
from tests.fakes import discord as fd

REPORT = Attachment(b"# Impact\n", "impact-bob-2026-11-02.md", "Your report", "text/markdown")
PAGE = Attachment(b"<!doctype html><p>hi</p>", "impact-bob-2026-11-02.html", "", "text/html")


async def test_an_attached_report_reaches_the_dm(env: DiscordEnv) -> None:
    client = env.front.client
    sender = GuildTransport(client, client.get_guild(env.guild.id))
    place = Place("discord", str(env.guild.id), env.guild.name)
    bob = Member(id=1, external_id=str(env.bob.id), name=env.bob.username)
    await sender.deliver(place, ToMember(bob, Reply("Your report", files=(REPORT, PAGE))))
    (dm,) = env.fake.dm_messages(env.bob)
    assert [(a.filename, a.data) for a in dm.attachments] == [
        (REPORT.filename, REPORT.data),
        (PAGE.filename, PAGE.data),
    ]
    assert dm.attachments[0].description == "Your report"


async def test_a_picture_and_files_go_together(env: DiscordEnv) -> None:
    client = env.front.client
    sender = GuildTransport(client, client.get_guild(env.guild.id))
    place = Place("discord", str(env.guild.id), env.guild.name)
    bob = Member(id=1, external_id=str(env.bob.id), name=env.bob.username)
    reply = Reply("Both", image=Image(fd.tiny_png(), "a chart"), files=(REPORT,))
    await sender.deliver(place, ToMember(bob, reply))
    (dm,) = env.fake.dm_messages(env.bob)
    assert [a.filename for a in dm.attachments] == ["image.png", REPORT.filename]
