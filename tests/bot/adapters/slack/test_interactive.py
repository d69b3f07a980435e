"""Buttons, modals and the Home tab end to end against FakeSlack, over Socket Mode and HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.dispatch import Actor, Place
from tests.bot.adapters.slack.harness import (
    ADA,
    BOB,
    CAROL,
    GENERAL,
    INTRODUCTIONS,
    MODES,
    Bot,
    running,
    slack_bot,
)
from tests.bot.adapters.slack.test_commands import INTRO, introduce
from tests.conftest import RecordingTransport


@pytest.fixture(params=MODES)
async def bot(request: pytest.FixtureRequest) -> AsyncIterator[Bot]:
    async with slack_bot(request.param) as running_bot:
        yield running_bot


async def seed_intros(bot: Bot, count: int) -> None:
    """Members with intros, written through the dispatcher (what Slack shows is not tested here)."""
    place = Place("slack", bot.fake.team_id, bot.fake.team_name, GENERAL)
    for index in range(count):
        actor = Actor(f"U0SEED{index:03d}", f"seed{index}")
        line = f'/intro about="Seed {index}" goals="Learn" interests="oer"'
        outcome = await bot.runtime.dispatcher.run_line(place, actor, line, RecordingTransport())
        assert outcome.ok


async def test_members_paging_button(bot: Bot) -> None:
    fake = bot.fake
    await seed_intros(bot, 12)
    await bot.driver.slash("/members", "oer", user_id=BOB, channel_id=GENERAL)
    [first] = await fake.wait_for(lambda: fake.ephemerals(BOB))
    assert "(page 1 of 2)" in bot.texts([first])[0]
    [actions] = [b for b in first.blocks or [] if b["type"] == "actions"]
    [button] = actions["elements"]
    assert button["action_id"] == button["value"] == "cb:members_page:oer:2"
    assert button["text"]["text"] == "Next" and "style" not in button

    ack = await bot.driver.block_action(BOB, button["action_id"], message=first)
    assert ack.ok
    # The next page takes the place of the pressed message: one message, edited once.
    await fake.wait_for(lambda: first.edits == 1)
    [only] = fake.ephemerals(BOB)
    assert only is first and "(page 2 of 2)" in bot.texts([first])[0]
    labels = [
        e["text"]["text"]
        for b in first.blocks or []
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert labels == ["Previous"]
    assert fake.warnings == [] and fake.failed_calls() == []


async def test_a_bad_field_answers_with_errors_beside_it(bot: Bot) -> None:
    fake = bot.fake
    await bot.driver.slash("/intro", user_id=CAROL, channel_id=GENERAL)
    await fake.wait_for(lambda: fake.current_modal(CAROL, "intro"))
    bad = {**INTRO, "interests": {"interests": " , ; "}}
    ack = await bot.driver.view_submission(CAROL, "intro", bad)
    assert ack.ok and ack.response_action == "errors" and ack.problems == []
    assert ack.payload is not None
    assert ack.payload["errors"] == {
        "interests": "List at least one interest, like: oer, chemistry."
    }
    assert fake.current_modal(CAROL, "intro") is not None  # still open, text kept
    await bot.settle()
    assert fake.ephemerals(CAROL) == [] and bot.visible(INTRODUCTIONS) == []

    ack = await bot.driver.view_submission(CAROL, "intro", INTRO)
    assert ack.ok and ack.response_action is None
    await fake.wait_for(lambda: bot.visible(INTRODUCTIONS))


async def test_a_too_long_field_points_at_that_field(bot: Bot) -> None:
    await bot.driver.slash("/intro", user_id=CAROL, channel_id=GENERAL)
    await bot.fake.wait_for(lambda: bot.fake.current_modal(CAROL, "intro"))
    bad = {**INTRO, "can_help": {"can_help": "x" * 301}}
    ack = await bot.driver.view_submission(CAROL, "intro", bad)
    assert ack.response_action == "errors" and ack.payload is not None
    [(block, message)] = ack.payload["errors"].items()
    assert block == "can_help" and message.startswith("What you can help with is 301 characters")


async def test_the_intro_modal_is_prefilled_the_second_time(bot: Bot) -> None:
    await introduce(bot, ADA)
    await bot.driver.slash("/intro", user_id=ADA, channel_id=GENERAL)
    views = await bot.fake.wait_for(lambda: bot.fake.views_opened(ADA)[1:])
    about = views[0]["blocks"][0]["element"]
    assert about["initial_value"] == "I teach chemistry"
    assert bot.fake.warnings == []


async def test_home_tab_published_and_its_button_opens_the_intro_modal(bot: Bot) -> None:
    fake = bot.fake
    ack = await bot.driver.event("app_home_opened", user=BOB)
    assert ack.ok
    [home] = await fake.wait_for(lambda: fake.views_published(BOB))
    texts = [b["text"]["text"] for b in home["blocks"] if b["type"] == "section"]
    assert texts[0].startswith("*Your intro*") and texts[1].startswith("*Your role*")
    assert any(b["type"] == "divider" for b in home["blocks"])
    [record] = [r for r in fake.views.values() if r.view.get("type") == "home"]
    await bot.driver.block_action(BOB, "cb:intro_open:", view_id=record.id)
    [modal] = await fake.wait_for(lambda: fake.views_opened(BOB))
    assert modal["callback_id"] == "intro"

    # Submitted from the Home tab: no channel, so the thanks arrives as a DM.
    await bot.driver.view_submission(BOB, "intro", INTRO)
    [thanks] = await fake.wait_for(lambda: fake.dms(BOB))
    assert "Thanks for introducing yourself" in bot.texts([thanks])[0]
    # No channel to answer in, so the badge it earned is announced in the general channel.
    [badge] = await fake.wait_for(lambda: bot.visible(GENERAL))
    assert "earned *Hello*" in bot.texts([badge])[0]
    await bot.driver.event("app_home_opened", user=BOB)
    views = await fake.wait_for(lambda: fake.views_published(BOB)[1:])
    assert "I teach chemistry" in views[0]["blocks"][0]["text"]["text"]
    assert fake.warnings == [] and fake.failed_calls() == []


async def test_messages_tab_opening_is_left_alone(bot: Bot) -> None:
    await bot.driver.event("app_home_opened", user=BOB, tab="messages")
    await bot.settle()
    assert bot.fake.views_published(BOB) == []


@pytest.mark.parametrize("mode", MODES)
async def test_buttons_keep_working_after_a_restart(mode: str) -> None:
    async with slack_bot(mode) as first:
        fake = first.fake
        await bot_welcomes(first)
        [welcome] = fake.dms(BOB)
        await first.front.close()
        # A new front-end (a restart) gets the press on the old message.
        async with running(mode, fake) as second:
            await second.driver.block_action(BOB, "cb:intro_open:", message=welcome)
            [modal] = await fake.wait_for(lambda: fake.views_opened(BOB))
            assert modal["callback_id"] == "intro"


async def bot_welcomes(bot: Bot) -> None:
    """Bob joins the workspace and gets the welcome DM."""
    bob = bot.fake.users[BOB].to_slack(bot.fake.team_id)
    await bot.driver.event("team_join", user=bob)
    await bot.fake.wait_for(lambda: bot.fake.dms(BOB))


async def test_a_stale_button_says_so(bot: Bot) -> None:
    await bot.driver.block_action(ADA, "cb:no_such_action:1", channel_id=GENERAL)
    [reply] = await bot.fake.wait_for(lambda: bot.fake.ephemerals(ADA))
    assert "doesn't work any more" in bot.texts([reply])[0]
