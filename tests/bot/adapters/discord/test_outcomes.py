"""Outcomes through Discord: the form, the post crediting contributors, Remove me in a DM."""

from __future__ import annotations

from tests.bot.adapters.discord.conftest import EPHEMERAL, DiscordEnv, answer, settled


async def test_an_outcome_is_posted_crediting_its_contributors_who_may_step_off(
    env: DiscordEnv,
) -> None:
    await env.slash(env.bob, "ping")  # copbot knows bob by name, as the form names him
    sent = await env.fake.slash(env.guild.id, env.general, env.alice, "outcome add", {})
    modal = (await sent.callback(timeout=5))["data"]
    assert modal["title"] == "Add an outcome"
    values = {
        "title": "Open lab manual",
        "type": ["guide"],
        "link": "https://example.org/lab",
        "license": ["CC BY 4.0"],
        "contributors": "@bob reviewer",
    }
    submitted = await env.fake.submit_modal(
        env.guild.id, env.general, env.alice, modal["custom_id"], values
    )
    await settled(submitted)
    saved = answer(submitted)
    assert saved is not None and saved.flags & EPHEMERAL
    assert saved.content == (
        "Saved as Outcome #1: **Open lab manual**, crediting alice (author) and bob (reviewer). "
        "It's posted in #general."
    )
    [post] = await env.eventually(
        lambda: [
            m
            for m in env.fake.messages_in(env.general)
            if m.source == "channel" and "Outcome #1" in m.content
        ]
    )
    assert f"<@{env.bob.id}>" in post.content and "License: CC BY 4.0" in post.content

    [told] = await env.eventually(lambda: env.fake.dm_messages(env.bob))
    assert "Outcome #1" in told.content
    labels = {b["label"]: b["custom_id"] for b in told.components[0]["components"]}
    pressed = await env.fake.click(None, told.channel_id, env.bob, labels["Remove me"], told.id)
    await settled(pressed)
    done = answer(pressed)
    assert done is not None and done.content == "Done: you're no longer credited on Outcome #1."

    shown = answer(await env.slash(env.mod, "outcome show", number=1))
    assert shown is not None and "alice" in shown.content and "bob" not in shown.content
