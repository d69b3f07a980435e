"""Slash commands end to end against FakeSlack, over Socket Mode and HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from tests.bot.adapters.slack.harness import (
    ADA,
    BOB,
    CAROL,
    GENERAL,
    INTRODUCTIONS,
    MODES,
    Bot,
    slack_bot,
)

INTRO = {
    "about": {"about": "I teach chemistry"},
    "goals": {"goals": "Find OER partners"},
    "interests": {"interests": "oer, chemistry"},
}


@pytest.fixture(params=MODES)
async def bot(request: pytest.FixtureRequest) -> AsyncIterator[Bot]:
    async with slack_bot(request.param) as running:
        yield running


async def introduce(bot: Bot, user: str, values: dict[str, dict[str, str]] = INTRO) -> None:
    """Run /intro, then submit its modal."""
    ack = await bot.driver.slash("/intro", user_id=user, channel_id=GENERAL)
    assert ack.ok and ack.payload is None
    await bot.fake.wait_for(lambda: bot.fake.current_modal(user, "intro"))
    submitted = await bot.driver.view_submission(user, "intro", values)
    assert submitted.ok and submitted.response_action is None, submitted.payload
    await bot.settle()


async def test_intro_opens_a_modal_and_posts_the_card(bot: Bot) -> None:
    fake = bot.fake
    ack = await bot.driver.slash("/intro", user_id=ADA, channel_id=GENERAL)
    assert ack.ok and ack.elapsed < 3.0
    [modal] = await fake.wait_for(lambda: fake.views_opened(ADA))
    assert modal["callback_id"] == "intro"
    assert [b["block_id"] for b in modal["blocks"]] == ["about", "goals", "interests", "can_help"]
    about = modal["blocks"][0]
    assert about["element"]["multiline"] and about["element"]["max_length"] == 500
    assert modal["blocks"][3]["optional"] and not about["optional"]

    submitted = await bot.driver.view_submission(ADA, "intro", INTRO)
    assert submitted.ok and submitted.response_action is None
    [card] = await fake.wait_for(lambda: bot.visible(INTRODUCTIONS))
    [text] = bot.texts([card])
    assert f"<@{ADA}> introduced themselves" in text and "*About:* I teach chemistry" in text
    [thanks] = await fake.wait_for(lambda: fake.ephemerals(ADA))
    assert "Thanks for introducing yourself" in bot.texts([thanks])[0]
    assert thanks.channel == GENERAL
    assert fake.warnings == [] and fake.failed_calls() == []


async def test_umbrella_command_runs_intro_show_with_a_mention(bot: Bot) -> None:
    await introduce(bot, BOB)
    ack = await bot.driver.slash("/copbot", f"intro show <@{BOB}|bob>", user_id=CAROL)
    assert ack.ok
    replies = await bot.fake.wait_for(lambda: bot.fake.ephemerals(CAROL))
    assert f"<@{BOB}> introduced themselves" in bot.texts(replies)[-1]
    assert replies[-1].source == "response_url"
    assert bot.fake.warnings == []


async def test_umbrella_alone_is_help_and_unknown_names_are_explained(bot: Bot) -> None:
    await bot.driver.slash("/copbot", "", user_id=BOB, channel_id=GENERAL)
    [help_text] = await bot.fake.wait_for(lambda: bot.fake.ephemerals(BOB))
    assert "What I can do here" in bot.texts([help_text])[0]
    await bot.driver.slash("/copbot", "intr", user_id=BOB, channel_id=GENERAL)
    replies = await bot.fake.wait_for(lambda: bot.fake.ephemerals(BOB)[1:])
    assert "Did you mean /intro?" in bot.texts(replies)[0]


async def test_a_member_is_refused_a_moderator_command_privately(bot: Bot) -> None:
    ack = await bot.driver.slash("/role", f"set <@{CAROL}|carol> leader", user_id=BOB)
    assert ack.ok
    [refusal] = await bot.fake.wait_for(lambda: bot.fake.ephemerals(BOB))
    assert "Only moderators can use /role set" in bot.texts([refusal])[0]
    assert refusal.ephemeral and bot.visible(GENERAL) == []


async def test_a_workspace_admin_is_an_admin(bot: Bot) -> None:
    ack = await bot.driver.slash(
        "/role", f"set <@{CAROL}|carol> moderator", user_id=ADA, channel_id=GENERAL
    )
    assert ack.ok
    [announcement] = await bot.fake.wait_for(lambda: bot.visible(GENERAL))
    assert f"<@{CAROL}> is now a *moderator*" in bot.texts([announcement])[0]
    # Carol is now a moderator through the community role, so she may set roles.
    await bot.driver.slash("/role", f"set <@{BOB}|bob> leader", user_id=CAROL, channel_id=GENERAL)
    await bot.fake.wait_for(lambda: len(bot.visible(GENERAL)) == 2)
    assert bot.fake.warnings == []


async def test_admin_levels_come_from_users_info_cached_for_minutes(bot: Bot) -> None:
    for count in (1, 2, 3):
        await bot.driver.slash("/ping", user_id=ADA, channel_id=GENERAL)
        await bot.fake.wait_for(lambda n=count: len(bot.fake.ephemerals(ADA)) == n)
    assert [c.args["user"] for c in bot.fake.calls("users.info")] == [ADA]
    bot.fake.users[ADA].is_admin = False  # demoted in Slack: noticed once the cache expires
    bot.runtime.clock.advance(timedelta(minutes=6))  # type: ignore[attr-defined]
    await bot.driver.slash("/role", f"set <@{BOB}|bob> moderator", user_id=ADA)
    replies = await bot.fake.wait_for(lambda: bot.fake.ephemerals(ADA)[3:])
    assert "Only moderators" in bot.texts(replies)[0]
    assert [c.args["user"] for c in bot.fake.calls("users.info")] == [ADA, ADA]


async def test_member_text_cannot_ping_or_link(bot: Bot) -> None:
    hostile = {
        "about": {"about": "<!channel> hi <@U0ADA> & <https://evil.example|click>"},
        "goals": {"goals": "ping @here and <!everyone>"},
        "interests": {"interests": "oer"},
    }
    await introduce(bot, BOB, hostile)
    [card] = await bot.fake.wait_for(lambda: bot.visible(INTRODUCTIONS))
    sent = [card.text or "", *bot.texts([card])]
    for text in sent:
        assert "<!channel>" not in text and "<!everyone>" not in text and "<@U0ADA>" not in text
        assert "<https://" not in text and "@here" not in text
    assert "&lt;!channel&gt;" in sent[1] and "&amp;" in sent[1]
    assert f"<@{BOB}>" in sent[1]  # the one mention the bot means
