"""Kudos on Slack: mentions in the text, the +1 button, and the Home tab's kudos and badges."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.bot.adapters.slack.harness import ADA, BOB, CAROL, GENERAL, MODES, Bot, slack_bot
from tests.fakes.slack import Message


@pytest.fixture(params=MODES)
async def bot(request: pytest.FixtureRequest) -> AsyncIterator[Bot]:
    async with slack_bot(request.param) as running:
        yield running


async def test_kudos_with_mentions_then_a_plus_one(bot: Bot) -> None:
    fake = bot.fake
    text = f"<@{BOB}|bob> <@{ADA}|ada> for the reading list <!channel>"
    ack = await bot.driver.slash("/kudos", text, user_id=CAROL, channel_id=GENERAL)
    assert ack.ok
    [post] = await fake.wait_for(lambda: thanked(bot))
    [body] = bot.texts([post])
    assert f"<@{BOB}>" in body and f"<@{ADA}>" in body
    assert "<!channel>" not in body and "@\u200bchannel" in body  # shown, never a ping
    [actions] = [b for b in post.blocks or [] if b["type"] == "actions"]
    [plus] = actions["elements"]
    assert plus["text"]["text"] == "+1"
    await bot.driver.block_action(BOB, plus["action_id"], message=post)
    [mine] = await fake.wait_for(lambda: fake.ephemerals(BOB))
    assert "Your +1 is added: you thanked *" in bot.texts([mine])[0]
    await bot.settle()
    assert fake.warnings == [] and fake.failed_calls() == []


async def test_an_admins_spotlight_is_marked(bot: Bot) -> None:
    fake = bot.fake
    await bot.driver.slash(
        "/spotlight", f"<@{BOB}|bob> for the map", user_id=ADA, channel_id=GENERAL
    )
    [post] = await fake.wait_for(
        lambda: [m for m in bot.visible(GENERAL) if "Spotlight" in (m.text or "")]
    )
    assert bot.texts([post])[0].startswith("⭐ *Spotlight* from")


async def test_a_refusal_is_ephemeral(bot: Bot) -> None:
    fake = bot.fake
    await bot.driver.slash("/kudos", f"<@{CAROL}|carol> for me", user_id=CAROL, channel_id=GENERAL)
    [refusal] = await fake.wait_for(lambda: fake.ephemerals(CAROL))
    assert "You can't thank yourself" in bot.texts([refusal])[0]
    assert not thanked(bot)


async def test_the_home_tab_shows_kudos_and_badges(bot: Bot) -> None:
    fake = bot.fake
    await bot.driver.slash("/kudos", f"<@{BOB}|bob> for the map", user_id=CAROL, channel_id=GENERAL)
    await fake.wait_for(lambda: thanked(bot))
    await bot.settle()
    await bot.driver.event("app_home_opened", user=CAROL)
    [home] = await fake.wait_for(lambda: fake.views_published(CAROL))
    texts = "\n".join(b["text"]["text"] for b in home["blocks"] if b["type"] == "section")
    assert "*Your kudos*" in texts and ": for the map" in texts
    assert "*Your badges*" in texts and "First thanks" in texts


def thanked(bot: Bot) -> list[Message]:
    """The kudos posts in #general."""
    return [m for m in bot.visible(GENERAL) if "🙌" in (m.text or "")]


async def test_discords_spelling_and_names_joined_by_and(bot: Bot) -> None:
    fake = bot.fake
    text = f"give <@{BOB}|bob> and <@{ADA}|ada> for the workshop"
    assert (await bot.driver.slash("/kudos", text, user_id=CAROL, channel_id=GENERAL)).ok
    [post] = await fake.wait_for(lambda: thanked(bot))
    [body] = bot.texts([post])
    assert f"<@{BOB}>" in body and f"<@{ADA}>" in body and body.endswith(": for the workshop")
    await bot.driver.slash("/badges", "grant <@BOB|bob> mentor for help", user_id=ADA)
    [hint] = await fake.wait_for(lambda: fake.ephemerals(ADA))
    assert "Did you mean /badge grant?" in bot.texts([hint])[0]
    await bot.settle()
    assert fake.warnings == [] and fake.failed_calls() == []
