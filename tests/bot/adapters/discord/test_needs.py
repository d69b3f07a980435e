"""Needs on Discord: a need's fits, an intro request by DM, and Happy to help introducing both."""

from __future__ import annotations

from tests.bot.adapters.discord.conftest import DiscordEnv, answer, settled
from tests.fakes import discord as fd

EPHEMERAL, MODAL = 64, 9
WAY_OUT = ["Pause for a month", "Stop these messages"]


def labels(message: fd.RecordedMessage) -> list[str]:
    """The labels of a message's buttons."""
    return [b["label"] for row in message.components for b in row["components"]]


def button(message: fd.RecordedMessage, label: str) -> str:
    """The custom id of the button whose label starts so."""
    return next(
        b["custom_id"]
        for row in message.components
        for b in row["components"]
        if b["label"].startswith(label)
    )


def dms(env: DiscordEnv, user: fd.FakeUser) -> list[fd.RecordedMessage]:
    """What copbot sent the member by DM (answers to their presses aside)."""
    return [m for m in env.fake.dm_messages(user) if m.source == "channel"]


async def fill(
    env: DiscordEnv, user: fd.FakeUser, command: str, **values: str
) -> fd.RecordedMessage:
    """Run a form command: its modal opens, the member fills it in; the answer they see."""
    form = await (await env.slash(user, command)).callback()
    assert form["type"] == MODAL
    sent = await env.fake.submit_modal(
        env.guild.id, env.general, user, form["data"]["custom_id"], values
    )
    await settled(sent)
    shown = answer(sent)
    assert shown is not None
    return shown


async def test_an_intro_request_goes_by_dm_and_happy_to_help_introduces_both(
    env: DiscordEnv,
) -> None:
    offered = await fill(env, env.bob, "offer add", what="I review grant proposals", tags="grants")
    assert "Saved as offer #1" in offered.content
    shown = await fill(env, env.alice, "need add", what="help writing a grant", tags="grants")
    assert shown.flags & EPHEMERAL  # the fits are hers alone
    assert "Saved as need #2" in shown.content and "bob" in shown.content
    ask = await env.fake.click(
        env.guild.id, env.general, env.alice, button(shown, "Ask bob"), shown.id
    )
    await settled(ask)
    [request] = await env.eventually(lambda: dms(env, env.bob))
    assert "**alice** is looking for help with" in request.content
    assert labels(request) == ["Happy to help", "Not now", *WAY_OUT]  # unasked: a way out
    # Bob answers in his DM, where no guild is: the button carries it.
    yes = await env.fake.click(
        None, request.channel_id, env.bob, button(request, "Happy to help"), request.id
    )
    await settled(yes)
    [to_alice] = await env.eventually(lambda: dms(env, env.alice))
    assert "**bob** is happy to help with your need #2" in to_alice.content
    assert str(env.bob.id) in to_alice.content  # a mention she can follow
    meet = await env.eventually(lambda: dms(env, env.bob)[1:])
    assert "Meet" in meet[0].content and str(env.alice.id) in meet[0].content
    assert labels(to_alice) == [] and labels(meet[0]) == []  # answers to their own requests
    # The request was answered in place: its buttons are gone, so it can't be answered twice.
    assert "I've introduced you and **alice**" in request.content and labels(request) == []
