"""Slack events end to end against FakeSlack: joins, activity, retries, over both transports."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.dispatch import Place
from storage import communities
from storage.models import MemberRow
from tests.bot.adapters.slack.harness import BOB, CAROL, GENERAL, MODES, WELCOME, Bot, slack_bot


@pytest.fixture(params=MODES)
async def bot(request: pytest.FixtureRequest) -> AsyncIterator[Bot]:
    async with slack_bot(request.param) as running_bot:
        yield running_bot


def user(bot: Bot, user_id: str) -> dict[str, object]:
    """The user object a team_join event carries."""
    return bot.fake.users[user_id].to_slack(bot.fake.team_id)


async def members(bot: Bot) -> dict[str, MemberRow]:
    """Every stored member, by Slack user id."""
    from sqlmodel import select

    async with bot.runtime.db.session() as session:
        rows = (await session.exec(select(MemberRow))).all()
    return {row.external_id: row for row in rows}


async def test_team_join_sends_the_welcome_dm_with_the_button(bot: Bot) -> None:
    ack = await bot.driver.event("team_join", user=user(bot, BOB))
    assert ack.ok
    [welcome] = await bot.fake.wait_for(lambda: bot.fake.dms(BOB))
    assert "*Welcome to Copbot Test, Bob!*" in bot.texts([welcome])[0]
    [actions] = [b for b in welcome.blocks or [] if b["type"] == "actions"]
    [button] = actions["elements"]
    assert button["value"] == "cb:intro_open:" and button["style"] == "primary"
    assert button["text"]["text"] == "Introduce yourself"
    assert welcome.text  # the notification text is always sent

    ack = await bot.driver.block_action(BOB, button["action_id"], message=welcome)
    [modal] = await bot.fake.wait_for(lambda: bot.fake.views_opened(BOB))
    assert modal["callback_id"] == "intro" and bot.fake.warnings == []


async def test_closed_dms_fall_back_to_the_welcome_channel(bot: Bot) -> None:
    bot.fake.set_unreachable(CAROL, "cannot_dm_bot")
    await bot.driver.event("team_join", user=user(bot, CAROL))
    [post] = await bot.fake.wait_for(lambda: bot.visible(WELCOME))
    assert bot.texts([post])[0].startswith(f"<@{CAROL}> *Welcome to")
    assert bot.fake.dms(CAROL) == []


async def test_a_retried_event_is_handled_once(bot: Bot) -> None:
    joined = user(bot, BOB)
    await bot.driver.event("team_join", user=joined, event_id="Ev0RETRY")
    ack = await bot.driver.event("team_join", user=joined, event_id="Ev0RETRY", retry_num=1)
    assert ack.ok
    await bot.fake.wait_for(lambda: bot.fake.dms(BOB))
    await bot.driver.event("team_join", user=joined, event_id="Ev0RETRY", retry_num=2)
    await bot.settle()
    assert len(bot.fake.dms(BOB)) == 1
    assert len(bot.fake.calls("conversations.open")) == 1


async def test_messages_count_as_activity_but_not_edits_or_bots(bot: Bot) -> None:
    await bot.driver.event("message", user=BOB, channel=GENERAL, text="hello <!channel>")
    await bot.driver.event(
        "message", user=CAROL, channel=GENERAL, subtype="message_changed", text="edit"
    )
    await bot.driver.event("message", user=CAROL, channel=GENERAL, bot_id="B0OTHER", text="bot")
    await bot.settle()
    await bot.eventually(lambda: bot.runtime.activity.pending)
    await bot.runtime.activity.flush()
    stored = await members(bot)
    assert set(stored) == {BOB}
    assert stored[BOB].active_days == 1 and stored[BOB].name == "Bob"


async def test_member_joined_channel_counts_as_activity(bot: Bot) -> None:
    await bot.driver.event("member_joined_channel", user=CAROL, channel=GENERAL)
    await bot.eventually(lambda: bot.runtime.activity.pending)
    await bot.runtime.activity.flush()
    assert set(await members(bot)) == {CAROL}


async def test_the_bot_joining_a_channel_refreshes_channel_names(bot: Bot) -> None:
    fake = bot.fake
    # /config set refuses a channel Slack doesn't list, so the setting is stored as one made
    # before that check (or before the channel was deleted) would be.
    place = Place("slack", fake.team_id, fake.team_name)
    community = await bot.runtime.dispatcher.community(place)
    async with bot.runtime.db.session() as session, session.begin():
        await communities.set_override(
            session,
            community_id=community.id,
            key="intro_channel",
            value='"newcomers"',
            member_id=None,
            now=bot.runtime.clock.now(),
        )
    await bot.driver.slash("/intro", 'about="a" goals="b" interests="c"', user_id=BOB)
    await fake.wait_for(lambda: fake.ephemerals(BOB))
    assert not any(m.channel == "C0NEW" for m in fake.messages)  # no such channel yet
    fake.add_channel("C0NEW", "newcomers", members=[BOB])
    await bot.driver.event("member_joined_channel", user=fake.bot_user.id, channel="C0NEW")
    await bot.settle()
    await bot.driver.slash("/intro", 'about="a2" goals="b" interests="c"', user_id=BOB)
    await fake.wait_for(lambda: bot.visible("C0NEW"))
    assert fake.warnings == []
