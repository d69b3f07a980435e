"""Work groups through Discord: proposed by form, the call for volunteers, Join by button."""

from __future__ import annotations

from tests.bot.adapters.discord.conftest import EPHEMERAL, DiscordEnv, answer, settled


async def test_a_proposed_group_calls_for_volunteers_and_fills_by_its_button(
    env: DiscordEnv,
) -> None:
    sent = await env.fake.slash(env.guild.id, env.general, env.alice, "group propose", {})
    modal = (await sent.callback(timeout=5))["data"]
    assert modal["title"] == "Propose a work group"
    values = {
        "name": "Open labs",
        "purpose": "Write the open lab guide together",
        "produces": "guide",
        "capacity": "2",
        "ends": "2027-03-01",
    }
    submitted = await env.fake.submit_modal(
        env.guild.id, env.general, env.alice, modal["custom_id"], values
    )
    await settled(submitted)
    started = answer(submitted)
    assert started is not None and started.flags & EPHEMERAL
    assert started.content == "**Open labs** is started, with you as lead; the call is posted."
    [call] = await env.eventually(
        lambda: [
            m
            for m in env.fake.messages_in(env.general)
            if m.source == "channel" and "Call for volunteers" in m.content
        ]
    )
    assert f"lead: <@{env.alice.id}>" in call.content and "Places left: 1 of 2" in call.content
    [join] = call.components[0]["components"]
    assert join["label"] == "Join"

    pressed = await env.fake.click(env.guild.id, env.general, env.bob, join["custom_id"], call.id)
    await settled(pressed)
    joined = answer(pressed)
    assert joined is not None and joined.flags & EPHEMERAL
    assert joined.content == "You're in **Open labs**! 0 places left."
    # The call is edited in place: full now, its button gone.
    await env.eventually(lambda: "Places left: 0 of 2 (full)" in call.content)
    assert call.components == []
