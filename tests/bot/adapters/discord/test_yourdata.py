"""Members' data through Discord: /my-data's file in a DM, /forget-me's confirming button."""

from __future__ import annotations

import json

from sqlmodel import func, select

from storage.models import KudosRow
from tests.bot.adapters.discord.conftest import EPHEMERAL, DiscordEnv, answer, settled


async def test_my_data_arrives_as_a_json_file_in_a_dm(env: DiscordEnv) -> None:
    await env.slash(env.alice, "kudos give", member=env.bob, reason="for the lab guide")
    await env.settle()

    sent = await env.slash(env.alice, "my-data")
    told = answer(sent)
    assert told is not None and told.flags & EPHEMERAL
    assert told.content == "Your data is in your DMs, as a JSON file."
    [dm] = await env.eventually(lambda: env.fake.dm_messages(env.alice))
    [file] = dm.attachments
    assert file.filename == "copbot-my-data.json"
    document = json.loads(file.data)
    assert document["community"] == env.guild.name
    assert "for the lab guide" in json.dumps(document["Kudos"])


async def test_forget_me_asks_then_erases_on_the_button(env: DiscordEnv) -> None:
    await env.slash(env.alice, "kudos give", member=env.bob, reason="for the lab guide")
    await env.settle()
    assert await kudos_rows(env) == 1

    asked = answer(await env.slash(env.alice, "forget-me"))
    assert asked is not None and asked.flags & EPHEMERAL
    assert "It can't be undone." in asked.content
    labels = {b["label"]: b["custom_id"] for b in asked.components[0]["components"]}
    assert set(labels) == {"Forget me", "Keep my data"}
    assert await kudos_rows(env) == 1  # nothing yet: only the button erases

    pressed = await env.fake.click(
        env.guild.id, env.general, env.alice, labels["Forget me"], asked.id
    )
    await settled(pressed)
    done = answer(pressed)
    assert done is not None and done.content == "Done: copbot has forgotten it all, here."
    assert await kudos_rows(env) == 0  # the kudos given went, bob's tally with them


async def test_only_an_admin_may_forget_someone_else(env: DiscordEnv) -> None:
    refused = answer(await env.slash(env.alice, "forget-member", member=env.bob))
    assert refused is not None and refused.flags & EPHEMERAL
    assert "admin" in refused.content.lower()


async def kudos_rows(env: DiscordEnv) -> int:
    """How many kudos the database holds."""
    async with env.runtime.db.session() as session:
        return (await session.exec(select(func.count()).select_from(KudosRow))).one()
