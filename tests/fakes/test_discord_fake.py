"""Prove fd.FakeDiscord against an unmodified discord.py Client + CommandTree."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import discord
import pytest
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.webhook.async_ import async_context, interaction_response_params

from tests.fakes import discord as fd


class Feedback(discord.ui.Modal):
    """One text input: in an action row (classic), or in a Label (type 18) when `labelled`."""

    def __init__(self, title: str, outcomes: asyncio.Queue[Any], labelled: bool = False) -> None:
        super().__init__(title=title, custom_id="survey" if labelled else "feedback")
        label = None if labelled else "What happened?"
        self.text: discord.ui.TextInput[Feedback] = discord.ui.TextInput(
            label=label, custom_id="text"
        )
        self.add_item(
            discord.ui.Label(text="Answer", component=self.text) if labelled else self.text
        )
        self.labelled, self.outcomes = labelled, outcomes

    async def on_submit(self, interaction: discord.Interaction) -> None:
        if self.labelled:  # discord.py defers a modal submit with type 6
            await interaction.response.defer()
        else:
            await interaction.response.send_message(f"thanks: {self.text.value}", ephemeral=True)
        await self.outcomes.put(("modal", self.text.value))


class Confirm(discord.ui.View):
    """A single button that rewrites its message when clicked."""

    @discord.ui.button(label="Confirm", custom_id="confirm")
    async def confirm(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="confirmed", view=None)


class EchoBot(discord.Client):
    """Tiny bot: members intent, no message content, a few slash commands."""

    def __init__(self, guild_id: int) -> None:
        intents = discord.Intents.default()
        intents.members = True
        super().__init__(intents=intents, guild_ready_timeout=0.05)
        self.tree = app_commands.CommandTree(self)
        self.guild_obj = discord.Object(guild_id)
        self.outcomes: asyncio.Queue[Any] = asyncio.Queue()
        self.events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self.ready = asyncio.Event()
        self._add_commands()

    def _add_commands(self) -> None:
        tree, outcomes = self.tree, self.outcomes

        async def attempt(coro: Any) -> bool:
            try:
                await coro
            except discord.HTTPException as exc:
                await outcomes.put(exc)
                return False
            await outcomes.put("ok")
            return True

        @tree.command(name="ping", description="Ephemeral pong", guild=self.guild_obj)
        async def ping(interaction: discord.Interaction) -> None:
            await attempt(interaction.response.send_message("pong", ephemeral=True))

        @tree.command(name="say", description="Echo text", guild=self.guild_obj)
        async def say(interaction: discord.Interaction, text: str) -> None:
            await attempt(interaction.response.send_message(text))

        @tree.command(name="feedback", description="Open a modal", guild=self.guild_obj)
        async def feedback(interaction: discord.Interaction, title: str) -> None:
            await attempt(interaction.response.send_modal(Feedback(title, outcomes)))

        @tree.command(name="survey", description="Label modal", guild=self.guild_obj)
        async def survey(interaction: discord.Interaction) -> None:
            await attempt(interaction.response.send_modal(Feedback("Survey", outcomes, True)))

        @tree.command(name="menu", description="Send a button", guild=self.guild_obj)
        async def menu(interaction: discord.Interaction) -> None:
            await attempt(interaction.response.send_message("choose", view=Confirm()))

        @tree.command(name="slow", description="Defer then follow up", guild=self.guild_obj)
        async def slow(interaction: discord.Interaction, delay: float = 0.0) -> None:
            await asyncio.sleep(delay)
            if not await attempt(interaction.response.defer(thinking=True)):
                return
            await attempt(interaction.followup.send("done"))
            await attempt(interaction.followup.send("extra"))

        @tree.command(name="twice", description="Answers twice", guild=self.guild_obj)
        async def twice(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("first")
            # Bypass discord.py's own InteractionResponded guard to hit the API again.
            params = interaction_response_params(4, {"content": "second"})
            session = self.http._HTTPClient__session
            create = async_context.get().create_interaction_response
            await attempt(create(interaction.id, interaction.token, session=session, params=params))

        mod = app_commands.Group(
            name="mod", description="Moderation", guild_ids=[self.guild_obj.id]
        )

        @mod.command(name="warn", description="Warn a member")
        async def warn(
            interaction: discord.Interaction, member: discord.Member, reason: str | None = None
        ) -> None:
            await outcomes.put(("warn", member, reason))
            await attempt(interaction.response.send_message(f"warned {member.name}"))

        tree.add_command(mod)

    async def on_ready(self) -> None:
        self.ready.set()

    def dispatch(self, event: str, /, *args: Any, **kwargs: Any) -> None:
        super().dispatch(event, *args, **kwargs)
        if event in ("member_join", "member_remove", "message", "guild_join", "resumed"):
            self.events.put_nowait((event, args[0] if args else None))

    async def on_member_join(self, member: discord.Member) -> None:
        channel = member.guild.text_channels[0]
        mentions = discord.AllowedMentions(users=[member])
        await channel.send(f"welcome {member.mention}", allowed_mentions=mentions)


@dataclass
class Env:
    fake: fd.FakeDiscord
    bot: EchoBot
    guild: fd.FakeGuild
    alice: fd.FakeUser

    @property
    def channel_id(self) -> int:
        return next(iter(self.guild.channels))

    async def slash(self, name: str, **options: Any) -> fd.SentInteraction:
        return await self.fake.slash(self.guild.id, self.channel_id, self.alice, name, options)

    async def outcome(self) -> Any:
        return await asyncio.wait_for(self.bot.outcomes.get(), 2)

    async def event(self) -> tuple[str, Any]:
        return await asyncio.wait_for(self.bot.events.get(), 2)


@pytest.fixture
async def env(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Env]:
    async with fd.FakeDiscord(interaction_timeout=1.0) as fake:
        monkeypatch.setattr(discord.http.Route, "BASE", f"{fake.url}/api/v10")
        monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
        guild = await fake.add_guild("Cop HQ", bot_permissions=fd.Perm.SEND_MESSAGES)
        alice = await fake.add_member(guild.id, "alice")
        bot = EchoBot(guild.id)
        task = asyncio.create_task(bot.start(fake.token))
        try:
            await asyncio.wait_for(bot.ready.wait(), 5)
            yield Env(fake, bot, guild, alice)
        finally:
            await bot.close()  # the client first, so it does not try to reconnect
            await asyncio.wait_for(task, 5)


@pytest.fixture
async def synced(env: Env) -> Env:
    await env.bot.tree.sync(guild=env.bot.guild_obj)
    return env


async def test_ready_intents_routes_and_auth(env: Env) -> None:
    guild = env.bot.get_guild(env.guild.id)
    assert guild is not None and guild.name == "Cop HQ"
    assert {m.name for m in guild.members} >= {"alice", "copbot", "Cop HQ-owner"}
    assert guild.owner_id == env.guild.owner_id
    assert guild.me.guild_permissions.send_messages
    intents = env.fake.intents
    assert intents is not None and intents & fd.Intents.GUILD_MEMBERS
    assert not intents & fd.Intents.MESSAGE_CONTENT
    # discord.py asks for a zlib-compressed stream; the fake honours it.
    query = env.fake.gateway.connect_queries[0]
    assert query == {"v": "10", "encoding": "json", "compress": "zlib-stream"}
    session = env.bot.http._HTTPClient__session
    async with session.get(f"{env.fake.url}/api/v10/nope") as resp:
        assert resp.status == 404 and resp.headers["Content-Type"] == "application/json"
        assert (await resp.json())["code"] == 0
    async with session.get(f"{env.fake.url}/api/v10/users/@me") as resp:
        assert resp.status == 401


async def test_sync_then_slash_commands(synced: Env) -> None:
    env = synced
    names = {c["name"] for c in env.fake.commands(env.guild.id)}
    assert names == {"ping", "say", "feedback", "survey", "menu", "slow", "twice", "mod"}
    assert env.fake.commands() == []
    put = [r for r in env.fake.requests if r.method == "PUT"]
    assert put[-1].path == f"/applications/{env.fake.bot.id}/guilds/{env.guild.id}/commands"
    sent = await synced.slash("ping")
    body = await sent.callback()
    assert body == {"type": 4, "data": {"tts": False, "content": "pong", "flags": 64}}
    assert await synced.outcome() == "ok"
    message = sent.response_message()
    assert message is not None and message.ephemeral and message.content == "pong"
    await synced.slash("mod warn", member=synced.alice, reason="spam")
    kind, member, reason = await synced.outcome()
    assert (kind, member.id, reason) == ("warn", synced.alice.id, "spam")
    assert isinstance(member, discord.Member)
    assert await synced.outcome() == "ok"


async def test_modal_title_too_long_then_valid_submit(synced: Env) -> None:
    env = synced
    await env.slash("feedback", title="x" * 46)
    error = await env.outcome()
    assert isinstance(error, discord.HTTPException) and error.code == 50035
    assert "title" in str(error)
    await env.slash("feedback", title="Tell us")
    assert await env.outcome() == "ok"
    submitted = await env.fake.submit_modal(
        env.guild.id, env.channel_id, env.alice, "feedback", {"text": "it broke"}
    )
    assert (await submitted.callback())["data"]["content"] == "thanks: it broke"
    assert await env.outcome() == ("modal", "it broke")
    await env.slash("survey")  # the same input inside a Label component
    assert await env.outcome() == "ok"
    sent = await env.fake.submit_modal(
        env.guild.id, env.channel_id, env.alice, "survey", {"text": "42"}
    )
    assert sent.payload["data"]["components"][0]["type"] == 18
    assert (await sent.callback())["type"] == 6
    assert await env.outcome() == ("modal", "42")


async def test_driver_refuses_impossible_interactions(env: Env) -> None:
    with pytest.raises(fd.DriverError):  # never synced
        await env.slash("ping")
    await env.bot.tree.sync(guild=env.bot.guild_obj)
    with pytest.raises(fd.DriverError):  # not a registered option
        await env.slash("ping", x=1)
    with pytest.raises(fd.DriverError):  # required option missing
        await env.slash("say")
    with pytest.raises(fd.DriverError):  # modal never shown
        await env.fake.submit_modal(env.guild.id, env.channel_id, env.alice, "survey", {})


async def test_button_click_updates_message(synced: Env) -> None:
    env = synced
    sent = await env.slash("menu")
    await sent.callback()
    assert await env.outcome() == "ok"
    message = sent.response_message()
    assert message is not None
    click = await env.fake.click(env.guild.id, env.channel_id, env.alice, "confirm", message.id)
    body = await click.callback()
    assert body["type"] == 7 and message.content == "confirmed" and message.components == []


async def test_defer_then_followups(synced: Env) -> None:
    sent = await synced.slash("slow")
    assert (await sent.callback())["type"] == 5
    assert [await synced.outcome() for _ in range(3)] == ["ok", "ok", "ok"]
    original = sent.response_message()
    # The first follow-up replaces the "thinking" message; later ones are new messages.
    assert original is not None and original.content == "done" and not original.flags & 128
    assert [m.content for m in sent.followups()] == ["extra"]


async def test_interaction_responses_rejected(synced: Env) -> None:
    sent = await synced.slash("say", text="y" * 2001)
    error = await synced.outcome()
    assert isinstance(error, discord.HTTPException) and error.code == 50035
    assert sent.response_message() is None
    await synced.slash("twice")  # a second callback for one interaction
    error = await synced.outcome()
    assert isinstance(error, discord.HTTPException) and (error.status, error.code) == (400, 40060)
    synced.fake.interaction_timeout = 0.1
    await synced.slash("slow", delay=0.2)  # answers after the deadline
    error = await synced.outcome()
    assert isinstance(error, discord.NotFound) and error.code == 10062


def button(custom_id: str, label: str = "b") -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": label, "custom_id": custom_id}


def rows(*buttons: list[dict[str, Any]]) -> dict[str, Any]:
    return {"content": "x", "components": [{"type": 1, "components": b} for b in buttons]}


BAD_MESSAGES = {
    "too many embeds": {"embeds": [{"title": "t"}] * 11},
    "embed title": {"embeds": [{"title": "t" * 257}]},
    "embed total": {"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]},
    "six rows": rows(*[[button(f"r{i}")] for i in range(6)]),
    "six buttons": rows([button(f"b{i}") for i in range(6)]),
    "label": rows([button("a", "l" * 81)]),
    "custom_id": rows([button("c" * 101)]),
    "duplicate custom_id": rows([button("same"), button("same", "m")]),
}


@pytest.mark.parametrize("body", BAD_MESSAGES.values(), ids=BAD_MESSAGES.keys())
async def test_message_limits(env: Env, body: dict[str, Any]) -> None:
    route = discord.http.Route("POST", "/channels/{channel_id}/messages", channel_id=env.channel_id)
    with pytest.raises(discord.HTTPException) as info:
        await env.bot.http.request(route, json=body)
    assert (info.value.status, info.value.code) == (400, 50035)


def cmd(*options: dict[str, Any], name: str = "ping", description: str = "d") -> dict[str, Any]:
    return {"name": name, "description": description, "options": list(options)}


def option(name: str, kind: int = 3, **extra: Any) -> dict[str, Any]:
    return {"name": name, "description": "d", "type": kind, **extra}


BAD_COMMANDS = {
    "upper case": cmd(name="Ping"),
    "space": cmd(name="two words"),
    "long description": cmd(description="d" * 101),
    "26 options": cmd(*[option(f"o{i}") for i in range(26)]),
    "26 choices": cmd(option("o", choices=[{"name": str(i), "value": str(i)} for i in range(26)])),
    "mixed subcommand": cmd(option("sub", 1), option("plain")),
    "group in subcommand": cmd(option("sub", 1, options=[option("grp", 2)])),
    "required after optional": cmd(option("a"), option("b", required=True)),
}


@pytest.mark.parametrize("body", BAD_COMMANDS.values(), ids=BAD_COMMANDS.keys())
async def test_command_rules(env: Env, body: dict[str, Any]) -> None:
    with pytest.raises(discord.HTTPException) as info:
        await env.bot.http.bulk_upsert_guild_commands(env.fake.bot.id, env.guild.id, [body])
    assert (info.value.status, info.value.code) == (400, 50035)


async def test_dm_to_closed_user_forbidden(env: Env) -> None:
    bob = await env.fake.add_member(env.guild.id, "bob")
    env.fake.close_dms(bob)
    user = await env.bot.fetch_user(bob.id)
    with pytest.raises(discord.Forbidden) as info:
        await user.send("hi")
    assert info.value.code == 50007
    await (await env.bot.fetch_user(env.alice.id)).send("hello alice")
    assert [m.content for m in env.fake.dm_messages(env.alice)] == ["hello alice"]


async def test_channel_messages_429_and_limits(env: Env) -> None:
    env.fake.inject_429("POST /channels/*/messages", retry_after=0.05)
    channel = env.bot.get_channel(env.channel_id)
    assert isinstance(channel, discord.TextChannel)
    await channel.send("after the limit")
    posts = [r for r in env.fake.requests if r.method == "POST" and r.path.endswith("/messages")]
    assert [r.status for r in posts] == [429, 200]
    with pytest.raises(discord.HTTPException) as info:
        await channel.send("z" * 2001)
    assert (info.value.status, info.value.code) == (400, 50035)
    with pytest.raises(discord.HTTPException) as info:
        empty = discord.http.handle_message_parameters()
        await env.bot.http.send_message(env.channel_id, params=empty)
    assert info.value.code == 50006
    assert [m.content for m in env.fake.messages_in(env.channel_id)] == ["after the limit"]


async def test_gateway_events_and_resume(env: Env) -> None:
    carol = await env.fake.member_join(env.guild.id, "carol")
    kind, member = await env.event()
    assert (kind, member.id) == ("member_join", carol.id)
    (welcome,) = await env.fake.wait_for_message(env.channel_id)
    assert welcome.content == f"welcome <@{carol.id}>"
    assert welcome.allowed_mentions is not None
    assert welcome.allowed_mentions["users"] == [carol.id]
    await env.fake.message(env.guild.id, env.channel_id, carol, content="secret words")
    kind, message = await env.event()
    assert kind == "message" and message.author.id == carol.id and message.content == ""
    await env.fake.member_leave(env.guild.id, carol)
    kind, member = await env.event()
    assert (kind, member.id) == ("member_remove", carol.id)
    new = await env.fake.guild_join("Second")
    kind, guild = await env.event()
    assert (kind, guild.id, guild.name) == ("guild_join", new.id, "Second")
    await env.fake.reconnect_gateway()
    assert (await env.event())[0] == "resumed"
    assert [f["op"] for f in env.fake.gateway.received].count(6) == 1  # one RESUME
    assert env.bot.get_guild(env.guild.id) is not None
