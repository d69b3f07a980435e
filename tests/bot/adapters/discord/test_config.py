"""Settings on Discord: channels checked against the guild's, and who may change who moderates."""

from __future__ import annotations

from tests.bot.adapters.discord.conftest import DiscordEnv
from tests.fakes import discord as fd


async def say(env: DiscordEnv, user: fd.FakeUser, name: str, **options: str) -> str:
    """Run a slash command and return the answer's text."""
    message = env.answer(await env.slash(user, name, **options))
    assert message is not None
    return message.content


async def test_a_channel_the_guild_lacks_is_refused_with_the_closest_names(
    env: DiscordEnv,
) -> None:
    text = await say(env, env.mod, "config set", key="intro_channel", value="#introductons")
    assert text.startswith("There is no channel `#introductons` here")
    assert "Did you mean `#introductions`?" in text
    text = await say(env, env.mod, "config set", key="intro_channel", value="#Welcome")
    assert text == "Saved: `intro_channel` is now welcome."
    channel_id = str(env.introductions)
    text = await say(env, env.mod, "config set", key="intro_channel", value=f"<#{channel_id}>")
    assert text == f"Saved: `intro_channel` is now {channel_id}."


async def test_only_an_admin_changes_the_moderator_role(env: DiscordEnv) -> None:
    text = await say(env, env.mod, "config set", key="moderator_role", value="@everyone")
    assert text == "Only admins can change `moderator_role`: it decides who moderates."
    admins = await env.fake.add_role(env.guild.id, "Admins", permissions=fd.Perm.ADMINISTRATOR)
    ada = await env.fake.add_member(env.guild.id, "ada", roles=[admins])
    text = await say(env, ada, "config set", key="moderator_role", value="Stewards")
    assert text == "Saved: `moderator_role` is now Stewards."
    # mod held the old role only, so they no longer moderate.
    text = await say(env, env.mod, "config set", key="page_size", value="5")
    assert text == "Only moderators can use /config set."
