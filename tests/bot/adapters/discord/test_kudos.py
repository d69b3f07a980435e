"""Kudos on Discord: up to five user options, the +1 button, private refusals."""

from __future__ import annotations

from tests.bot.adapters.discord.conftest import EPHEMERAL, DiscordEnv, answer, settled


async def test_kudos_with_two_user_options_and_a_plus_one(env: DiscordEnv) -> None:
    carol = await env.fake.add_member(env.guild.id, "carol")
    sent = await env.slash(
        env.alice, "kudos give", member=env.bob, member2=carol, reason="for the lab guide"
    )
    confirmation = answer(sent)
    assert confirmation is not None and confirmation.flags & EPHEMERAL
    assert confirmation.content == "Thanks sent! You can thank 3 more people today."
    await env.settle()
    posts = [m for m in env.fake.messages_in(env.general) if m.source == "channel"]
    thanks = next(m for m in posts if "thanked" in m.content)
    assert "🙌 **alice** thanked" in thanks.content
    assert f"<@{env.bob.id}>" in thanks.content and f"<@{carol.id}>" in thanks.content
    assert sorted(int(u) for u in thanks.allowed_mentions["users"]) == sorted(
        [env.bob.id, carol.id]
    )
    button = thanks.components[0]["components"][0]
    assert button["label"] == "+1"
    pressed = await env.fake.click(
        env.guild.id, env.general, env.mod, button["custom_id"], thanks.id
    )
    await settled(pressed)
    joined = answer(pressed)
    assert joined is not None and joined.flags & EPHEMERAL
    assert "Your +1 is added" in joined.content


async def test_thanking_yourself_is_refused_privately(env: DiscordEnv) -> None:
    sent = await env.slash(env.alice, "kudos give", member=env.alice, reason="for being me")
    refusal = answer(sent)
    assert refusal is not None and refusal.flags & EPHEMERAL
    assert "You can't thank yourself" in refusal.content


async def test_thanking_a_bot_is_refused(env: DiscordEnv) -> None:
    sent = await env.slash(env.alice, "kudos give", member=env.fake.bot, reason="for the help")
    refusal = answer(sent)
    assert refusal is not None and "is a bot" in refusal.content


async def test_a_moderators_spotlight_is_outside_the_allowance(env: DiscordEnv) -> None:
    for reason in ("for the lab guide", "for the second look"):
        sent = await env.slash(env.mod, "spotlight", member=env.bob, reason=reason)
        confirmation = answer(sent)
        assert confirmation is not None and confirmation.flags & EPHEMERAL
        assert confirmation.content.startswith("Spotlight sent ⭐")
    await env.settle()
    posts = [m for m in env.fake.messages_in(env.general) if "**Spotlight** from" in m.content]
    assert len(posts) == 2 and f"<@{env.bob.id}>" in posts[0].content
    refused = answer(await env.slash(env.alice, "spotlight", member=env.bob, reason="for it all"))
    assert refused is not None and refused.content == "Only moderators can use /spotlight."
