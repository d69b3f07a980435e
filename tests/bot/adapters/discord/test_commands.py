"""Slash commands on Discord, end to end through discord.py and the local stand-in."""

from __future__ import annotations

import pytest

from bot.adapters.discord import client
from bot.adapters.discord.client import sync_commands
from bot.dispatch import Actor, Place
from tests.bot.adapters.discord.conftest import EPHEMERAL, DiscordEnv, make_guild, settled
from tests.conftest import RecordingTransport
from tests.fakes import discord as fd


async def test_connects_without_message_content_and_syncs_once(env: DiscordEnv) -> None:
    intents = env.fake.intents
    assert intents is not None and intents & fd.Intents.GUILD_MEMBERS
    assert not intents & fd.Intents.MESSAGE_CONTENT
    names = {command["name"] for command in env.fake.commands()}
    assert {"intro", "role", "roles", "members", "expectations", "help", "config"} <= names
    intro = next(c for c in env.fake.commands() if c["name"] == "intro")
    assert [o["name"] for o in intro["options"]] == ["write", "history", "show"]
    # Moderators' commands are hidden from members by default; levels are checked on use.
    hidden = {c["name"] for c in env.fake.commands() if c.get("default_member_permissions")}
    assert {"role", "config", "badge", "spotlight"} <= hidden
    assert not hidden & {"roles", "badges", "kudos", "intro"}
    syncs = [r for r in env.fake.requests if r.method == "PUT" and r.path.endswith("/commands")]
    assert len(syncs) == 1
    assert not await sync_commands(env.front.client, env.runtime.registry, None)


async def test_ping_is_ephemeral(env: DiscordEnv) -> None:
    sent = await env.slash(env.alice, "ping")
    message = env.answer(sent)
    assert message is not None and message.flags & EPHEMERAL
    assert message.content.startswith("Pong! copbot")


async def test_intro_via_its_modal_posts_the_card(env: DiscordEnv) -> None:
    sent = await env.slash(env.alice, "intro write")
    callback = await sent.callback()
    assert callback["type"] == 9  # a modal
    modal = callback["data"]
    assert modal["title"] == "Introduce yourself" and len(modal["components"]) == 4
    submitted = await env.fake.submit_modal(
        env.guild.id,
        env.general,
        env.alice,
        modal["custom_id"],
        {"about": "I teach chemistry", "goals": "find OER partners", "interests": "OER, labs"},
    )
    await submitted.callback(timeout=5)
    cards = await env.fake.wait_for_message(env.introductions)
    assert "introduced themselves" in cards[0].content and "oer, labs" in cards[0].content
    assert _users(cards[0].allowed_mentions) == [env.alice.id]
    answer = submitted.response_message()
    assert answer is not None and answer.flags & EPHEMERAL and "Thanks" in answer.content


async def test_a_bad_modal_field_is_answered_privately_and_nothing_saved(env: DiscordEnv) -> None:
    sent = await env.slash(env.alice, "intro write")
    modal = (await sent.callback())["data"]
    submitted = await env.fake.submit_modal(
        env.guild.id,
        env.general,
        env.alice,
        modal["custom_id"],
        {"about": "me", "goals": "g", "interests": ",".join("abcdefghijk")},
    )
    await submitted.callback(timeout=5)
    answer = submitted.response_message()
    assert answer is not None and answer.flags & EPHEMERAL and "top 10" in answer.content
    assert env.fake.messages_in(env.introductions) == []


async def test_intro_show_with_a_member_option(env: DiscordEnv) -> None:
    await env.slash(env.bob, "intro show", member=env.alice)
    sent = await env.slash(env.bob, "intro show", member=env.alice)
    message = env.answer(sent)
    assert message is not None and "hasn't written an intro yet" in message.content
    assert "alice" in message.content


async def test_a_member_is_refused_a_moderator_command(env: DiscordEnv) -> None:
    sent = await env.slash(env.alice, "role set", member=env.bob, role="leader")
    message = env.answer(sent)
    assert message is not None and message.flags & EPHEMERAL
    assert message.content == "Only moderators can use /role set."
    sent = await env.slash(env.mod, "role set", member=env.bob, role="leader")
    await env.settle()
    announcement = _posts(env, env.general)[-1]
    assert "is now a **leader**" in announcement.content
    assert _users(announcement.allowed_mentions) == [env.bob.id]


async def test_mass_mentions_in_an_intro_are_suppressed(env: DiscordEnv) -> None:
    sent = await env.slash(env.alice, "intro write")
    modal = (await sent.callback())["data"]
    role_ping = f"<@&{env.guild.id}>"
    submitted = await env.fake.submit_modal(
        env.guild.id,
        env.general,
        env.alice,
        modal["custom_id"],
        {"about": f"hi @everyone @here {role_ping}", "goals": "g", "interests": "x"},
    )
    await submitted.callback(timeout=5)
    card = (await env.fake.wait_for_message(env.introductions))[0]
    assert card.allowed_mentions is not None
    assert card.allowed_mentions["parse"] == [] and card.allowed_mentions.get("roles", []) == []
    assert "@everyone" not in card.content and "@here" not in card.content
    assert "\\<@&" in card.content  # shown as text, not a role mention


async def test_a_reply_longer_than_2000_characters_is_split(env: DiscordEnv) -> None:
    # An admin: what the moderator role commits to decides who moderates.
    admins = await env.fake.add_role(env.guild.id, "Admins", permissions=fd.Perm.ADMINISTRATOR)
    ada = await env.fake.add_member(env.guild.id, "ada", roles=[admins])
    for role in ("member", "contributor", "leader", "moderator"):
        items = "; ".join(f"commitment {n} " + "x" * 80 for n in range(10))
        await env.slash(ada, "config set", key=f"roles.{role}.commitments", value=items)
    sent = await env.slash(env.alice, "expectations")
    await env.settle()
    pieces = [env.answer(sent), *sent.followups()]
    assert len(pieces) >= 2
    assert all(p is not None and 0 < len(p.content) <= 2000 for p in pieces)
    assert all(p is not None and p.flags & EPHEMERAL for p in pieces)
    text = "\n".join(p.content for p in pieces if p is not None)
    assert text.count("commitment 9") == 4


async def test_autocomplete_offers_roles(env: DiscordEnv) -> None:
    sent = await env.fake.autocomplete(env.guild.id, env.general, env.alice, "roles", "role", "le")
    callback = await sent.callback()
    assert callback["data"]["choices"] == [{"name": "leader", "value": "leader"}]


async def test_two_guilds_are_kept_apart(env: DiscordEnv) -> None:
    other, _ = await make_guild(env.fake, "Librarians")
    carol = await env.fake.add_member(other.id, "carol")
    sent = await env.slash(env.alice, "intro write")
    modal = (await sent.callback())["data"]
    done = await env.fake.submit_modal(
        env.guild.id,
        env.general,
        env.alice,
        modal["custom_id"],
        {"about": "a", "goals": "b", "interests": "c"},
    )
    await done.callback(timeout=5)
    sent = await env.slash(carol, "members", guild=other)
    message = env.answer(sent)
    assert message is not None and "Nobody has introduced themselves yet" in message.content


async def test_an_injected_429_is_retried_and_the_post_arrives_once(env: DiscordEnv) -> None:
    env.fake.inject_429("POST /channels/*/messages", times=1, retry_after=0.05)
    await env.slash(env.mod, "role set", member=env.bob, role="contributor")
    await env.settle()
    assert len([m for m in _posts(env, env.general) if "contributor" in m.content]) == 1
    assert [r.status for r in env.fake.requests if r.path.endswith("/messages")][:2] == [429, 200]


def _posts(env: DiscordEnv, channel: int) -> list[fd.RecordedMessage]:
    """Messages posted in a channel, not interaction answers."""
    return [m for m in env.fake.messages_in(channel) if m.source == "channel"]


def _users(allowed: dict[str, object] | None) -> list[int]:
    assert allowed is not None
    return [int(u) for u in allowed.get("users", [])]  # type: ignore[union-attr]


async def test_slow_work_is_deferred_and_a_refusal_stays_private(
    env: DiscordEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client, "DEFER_AFTER", 0.0)  # as if the database were slow
    sent = await env.slash(env.mod, "role set", member=env.bob, role="king")
    assert (await sent.callback())["type"] == 5  # deferred: "copbot is thinking…"
    await env.settle()
    placeholder = sent.response_message()
    assert placeholder is not None and placeholder.content == "(answered privately)"
    refusal = sent.followups()[0]
    assert refusal.flags & EPHEMERAL and "There is no role “king”" in refusal.content


async def test_a_page_button_updates_the_message_it_is_on(env: DiscordEnv) -> None:
    place = Place(client.PLATFORM, str(env.guild.id), "guild")
    for index in range(12):
        actor = Actor(str(10_000 + index), f"seed{index}")
        line = f'/intro about="Seed {index}" goals="Learn" interests="oer"'
        assert (await env.runtime.dispatcher.run_line(place, actor, line, RecordingTransport())).ok
    sent = await env.slash(env.alice, "members", interest="oer")
    first = env.answer(sent)
    assert first is not None and "(page 1 of 2)" in first.content
    [row] = first.components
    [button] = row["components"]
    assert button["label"] == "Next"
    edits = len(first.edits)  # a private command's "thinking…" was edited into the page
    pressed = await env.fake.click(
        env.guild.id, first.channel_id, env.alice, str(button["custom_id"]), first.id
    )
    await settled(pressed)
    await env.settle()
    assert "(page 2 of 2)" in first.content and len(first.edits) == edits + 1
    labels = [b["label"] for r in first.components for b in r["components"]]
    assert labels == ["Previous"]
    assert pressed.followups() == []  # no second message: the page was replaced
