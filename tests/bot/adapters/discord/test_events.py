"""Discord events end to end: joins, DMs and their buttons, activity, guilds, restarts."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlmodel import select

from storage.models import CommunityRow, MemberRow
from tests.bot.adapters.discord.conftest import (
    TOKEN,
    DiscordEnv,
    answer,
    make_guild,
    settled,
    start_env,
)
from tests.fakes import discord as fd


def _buttons(message: fd.RecordedMessage) -> list[dict[str, object]]:
    return [c for row in message.components for c in row.get("components", [])]


async def test_join_dm_button_modal_and_intro_card(env: DiscordEnv) -> None:
    newt = env.fake.user("newt")
    await env.fake.member_join(env.guild.id, newt)
    dm = (await env.fake.wait_until(lambda: env.fake.dm_messages(newt)))[0]
    assert "Welcome to Chemistry Educators, newt!" in dm.content
    button = _buttons(dm)[0]
    assert button["label"] == "Introduce yourself"
    custom_id = str(button["custom_id"])
    assert custom_id.startswith(f"g{env.guild.id}|")  # a DM's button knows its guild
    clicked = await env.fake.click(None, dm.channel_id, newt, custom_id, dm.id)
    modal = (await clicked.callback(timeout=5))["data"]
    assert modal["custom_id"] == f"form:intro@{env.guild.id}"
    submitted = await env.fake.submit_modal(
        None,
        dm.channel_id,
        newt,
        modal["custom_id"],
        {"about": "New teacher", "goals": "learn labs", "interests": "labs"},
    )
    await submitted.callback(timeout=5)
    card = (await env.fake.wait_for_message(env.introductions))[0]
    assert "introduced themselves" in card.content and "New teacher" in card.content


async def test_closed_dms_fall_back_to_the_welcome_channel(env: DiscordEnv) -> None:
    shy = env.fake.user("shy")
    env.fake.close_dms(shy)
    await env.fake.member_join(env.guild.id, shy)
    posted = (await env.fake.wait_for_message(env.welcome))[0]
    assert posted.content.startswith(f"<@{shy.id}> **Welcome")
    assert [int(u) for u in posted.allowed_mentions["users"]] == [shy.id]


async def test_messages_count_as_activity_and_leaving_is_noted(env: DiscordEnv) -> None:
    async def members() -> dict[str, MemberRow]:
        async with env.runtime.db.session() as session:
            return {r.name: r for r in (await session.exec(select(MemberRow))).all()}

    await env.fake.member_leave(env.guild.id, env.bob)
    for _ in range(300):
        if "bob" in (rows := await members()) and rows["bob"].left_at is not None:
            break
        await asyncio.sleep(0.01)
    assert (await members())["bob"].left_at is not None
    for _ in range(3):
        await env.fake.message(env.guild.id, env.general, env.alice)
    dispatcher = env.runtime.dispatcher
    await env.eventually(lambda: dispatcher.activity.events >= 3)
    await env.runtime.activity.flush()
    rows = await members()
    assert rows["alice"].active_days == 1 and rows["alice"].last_active_at is not None


async def test_joining_a_guild_creates_its_community(env: DiscordEnv) -> None:
    await env.fake.guild_join(name="Designers")

    async def names() -> set[str]:
        async with env.runtime.db.session() as session:
            return set((await session.exec(select(CommunityRow.name))).all())

    for _ in range(300):
        if "Designers" in await names():
            break
        await asyncio.sleep(0.01)
    # Created by the bot's guild-join handler, not by anything the test asked for.
    assert await names() == {"Chemistry Educators", "Designers"}


async def test_a_button_works_after_a_restart(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    async with fd.FakeDiscord(
        token="MTAxMjM0NTY3ODkwMTIzNDU2.GhIjKl.abcdefghijklmnopqrstuvwxyz0123"
    ) as fake:
        guild, channels = await make_guild(fake, "Restarters")
        people = [await fake.add_member(guild.id, f"m{n:02}") for n in range(12)]
        runtime, front = await start_env(monkeypatch, fake, db_url=url)
        for person in people:
            sent = await fake.slash(guild.id, channels["general"], person, "intro write", {})
            modal = (await sent.callback())["data"]
            done = await fake.submit_modal(
                guild.id,
                channels["general"],
                person,
                modal["custom_id"],
                {"about": "hi", "goals": "g", "interests": "oer"},
            )
            await done.callback(timeout=5)
        listing = await fake.slash(guild.id, channels["general"], people[0], "members", {})
        await settled(listing)
        page = answer(listing)
        assert page is not None and "(page 1 of 2)" in page.content
        await front.close()
        await runtime.close()

        runtime, front = await start_env(monkeypatch, fake, db_url=url)
        try:
            button = _buttons(page)[0]
            pressed = await fake.click(
                guild.id, channels["general"], people[0], str(button["custom_id"]), page.id
            )
            await settled(pressed)
            shown = answer(pressed)
            assert shown is not None and "(page 2 of 2)" in shown.content
        finally:
            await front.close()
            await runtime.close()


async def test_a_development_guild_gets_the_commands_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with fd.FakeDiscord(token=TOKEN) as fake:
        guild, channels = await make_guild(fake, "Dev")
        alice = await fake.add_member(guild.id, "alice")
        runtime, front = await start_env(
            monkeypatch, fake, db_url="sqlite+aiosqlite:///:memory:", discord_guild=guild.id
        )
        try:
            assert fake.commands() == []  # nothing global
            assert {c["name"] for c in fake.commands(guild.id)} >= {"intro", "ping"}
            sent = await fake.slash(guild.id, channels["general"], alice, "ping", {})
            await settled(sent)
            shown = answer(sent)
            assert shown is not None and shown.content.startswith("Pong!")
        finally:
            await front.close()
            await runtime.close()
