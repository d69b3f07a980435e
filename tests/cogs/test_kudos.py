"""Kudos: thanks with reasons, allowances, spotlights, +1, leaderboards and history."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot import render
from bot.clock import ManualClock
from bot.commands import Level
from bot.dispatch import Actor
from bot.reply import ToChannel
from bot.runtime import Runtime
from tests.conftest import PLACE, Driver


@pytest.fixture
async def people(driver: Driver) -> Driver:
    """A community where ana, bob, cy, dee, eve, fay, gus and hal have all been seen."""
    for name in ("ana", "bob", "cy", "dee", "eve", "fay", "gus", "hal"):
        await driver.run(name, "/ping")
    driver.transport.clear()
    return driver


async def test_kudos_to_several_members_is_posted_mentioning_only_them(people: Driver) -> None:
    outcome = await people.run("ana", "/kudos @bob @cy for the workshop slides")
    assert outcome.ok
    post = next(i for i in people.transport.sent if isinstance(i, ToChannel))
    assert post.channel is None  # where the command ran, since no kudos channel is set
    assert "🙌 **ana** thanked" in post.reply.text and "for the workshop slides" in post.reply.text
    assert render.mentioned_ids(post.reply.text) == ["bob", "cy"]
    assert post.reply.buttons[0].label == "+1"
    assert people.transport.answer() == "Thanks sent! You can thank 3 more people today."


async def test_bad_kudos_get_clear_refusals(people: Driver, runtime: Runtime) -> None:
    cases = {
        "/kudos @bob": "Missing `reason`",
        "/kudos @bob ok": "needs at least 5 characters",
        "/kudos @bob " + "x" * 301: "keep it to 300",
        "/kudos @bob @cy @dee @eve @fay @ana for all": "name 5 at most",
        "/kudos @ana thanks to me": "You can't thank yourself",
        "/kudos @zed for the help": "I can't find @zed",
        "/kudos @bob @everyone for everything": "I can't find @\u200beveryone",
    }
    for line, message in cases.items():
        outcome = await people.run("ana", line)
        assert not outcome.ok, line
        assert message in people.transport.answer(), (line, people.transport.answer())
    await runtime.dispatcher.run_line(
        PLACE, Actor("rob", "rob", is_bot=True), "/ping", people.transport
    )
    await people.run("ana", "/kudos @rob for beeping")
    assert "is a bot" in people.transport.answer()


async def test_everyone_in_the_reason_never_pings(people: Driver) -> None:
    await people.run("ana", "/kudos @bob for telling @everyone and <!here> and <@&1>")
    post = next(i for i in people.transport.sent if isinstance(i, ToChannel))
    for rendered in (render.to_discord(post.reply.text), render.to_slack(post.reply.text)):
        assert "@everyone" not in rendered and "<!here>" not in rendered
    assert render.mentioned_ids(post.reply.text) == ["bob"]


async def test_the_daily_allowance_and_its_reset(people: Driver, clock: ManualClock) -> None:
    assert (await people.run("ana", "/kudos @bob @cy @dee for the meetup")).ok
    outcome = await people.run("ana", "/kudos @eve @fay @gus for the notes")
    assert not outcome.ok
    assert "You can thank 2 more today" in people.transport.answer()
    clock.advance(timedelta(seconds=61))  # past the command cooldown, not the day
    assert (await people.run("ana", "/kudos @eve @fay for the notes")).ok
    assert people.transport.answer() == (
        "Thanks sent! That was your last one for today; your allowance resets at midnight "
        "(in 14 h 58 min)."
    )
    clock.advance(timedelta(seconds=61))
    await people.run("ana", "/kudos @hal for more")
    assert "the daily allowance. It resets at midnight (14 h 57 min from now)" in (
        people.transport.answer()
    )
    clock.advance(timedelta(hours=15))  # a new day (UTC, the default time zone)
    assert (await people.run("ana", "/kudos @bob for yesterday's help")).ok


async def test_the_same_recipient_once_a_day(people: Driver, clock: ManualClock) -> None:
    await people.run("ana", "/kudos @bob for the slides")
    clock.advance(timedelta(minutes=2))
    await people.run("ana", "/kudos @bob for the coffee")
    assert "You already thanked **bob** today" in people.transport.answer()


async def test_midnight_is_in_the_community_time_zone(people: Driver, clock: ManualClock) -> None:
    await people.run("mod", "/config set timezone America/Chicago", Level.MODERATOR)
    clock.set(clock.now().replace(hour=5, minute=30))  # 23:30 the day before in Chicago
    await people.run("ana", "/kudos @bob for the slides")
    clock.advance(timedelta(hours=1))  # 00:30 in Chicago: a new day there, not yet in UTC…
    assert (await people.run("ana", "/kudos @bob for the coffee")).ok


async def test_spotlights_are_marked_and_outside_the_allowance(people: Driver) -> None:
    line = "/spotlight @bob @cy @dee @eve @fay for running the event"
    assert (await people.run("mod", line, Level.MODERATOR)).ok
    post = next(i for i in people.transport.sent if isinstance(i, ToChannel))
    assert post.reply.text.startswith("⭐ **Spotlight** from **mod**")
    assert post.reply.buttons[0].label == "+1"
    assert "don't use your daily allowance" in people.transport.answer()
    await people.run("ana", "/kudos history @bob")
    assert "⭐ from **mod**: for running the event" in people.transport.answer()


async def test_plus_one_joins_the_thanks_once_and_not_for_yourself(people: Driver) -> None:
    await people.run("ana", "/kudos @bob for the workshop")
    button = next(i for i in people.transport.sent if isinstance(i, ToChannel)).reply.buttons[0]
    await people.press("ana", button.custom_id)
    assert "your own thanks" in people.transport.answer()
    await people.press("bob", button.custom_id)
    assert "you can't +1 them" in people.transport.answer()
    await people.press("cy", button.custom_id)
    assert "Your +1 is added: you thanked **bob** too. 4 left today." in people.transport.answer()
    await people.press("cy", button.custom_id)
    assert "already added your +1" in people.transport.answer()
    await people.run("bob", "/kudos history")
    text = people.transport.answer()
    assert "from **cy**: for the workshop" in text and "from **ana**: for the workshop" in text


async def test_leaderboards_for_receivers_and_givers_and_turning_them_off(people: Driver) -> None:
    await people.run("ana", "/kudos @bob @cy for the slides")
    await people.run("dee", "/kudos @bob for the map")
    await people.run("eve", "/kudos @bob for lunch")
    await people.run("fay", "/kudos top month received")
    text = people.transport.answer()
    assert text.index("1. **bob**: 3") < text.index("2. **cy**: 1")
    assert "You received 0 and gave 0 this month." in text
    await people.run("fay", "/kudos top week given")
    assert "1. **ana**: 2" in people.transport.answer()
    await people.run("mod", "/config set leaderboards no", Level.MODERATOR)
    await people.run("bob", "/kudos top")
    assert people.transport.answer() == (
        "Leaderboards are off in this community. You received 3 and gave 0 this month."
    )


async def test_leaderboard_and_history_page(people: Driver, runtime: Runtime) -> None:
    await people.run("mod", "/config set page_size 3", Level.MODERATOR)
    for giver in ("ana", "cy", "dee", "eve"):
        await people.run(giver, "/kudos @bob @fay for the rota")
    await people.run("bob", "/kudos history")
    first = people.transport.to_invoker()[-1].reply
    assert "(page 1 of 2)" in first.text
    await people.press("bob", first.buttons[0].custom_id)
    assert "(page 2 of 2)" in people.transport.answer()


async def test_the_home_page_shows_kudos(people: Driver, runtime: Runtime) -> None:
    await people.run("ana", "/kudos @bob for the slides")
    people.transport.clear()
    await runtime.dispatcher.emit(PLACE, Actor("bob", "bob"), "home_opened", people.transport)
    section = next(t for t in people.transport.texts() if t.startswith("**Your kudos**"))
    assert "Received 1 (1 this month), gave 0" in section and "from **ana**" in section


async def leave(runtime: Runtime, driver: Driver, name: str) -> None:
    """A member leaves the community."""
    await runtime.dispatcher.emit(PLACE, Actor(name, name), "member_left", driver.transport)


async def test_a_moderators_kudos_are_ordinary_and_within_the_allowance(people: Driver) -> None:
    assert (await people.run("mod", "/kudos @bob for the slides", Level.MODERATOR)).ok
    post = next(i for i in people.transport.sent if isinstance(i, ToChannel))
    assert post.reply.text.startswith("🙌 **mod** thanked")
    assert people.transport.answer() == "Thanks sent! You can thank 4 more people today."
    outcome = await people.run("mod", "/kudos @cy @dee @eve @fay @gus for all", Level.MODERATOR)
    assert not outcome.ok and "You can thank 4 more today" in people.transport.answer()


async def test_spotlights_skip_the_allowance_and_the_same_person_rule(
    people: Driver, clock: ManualClock
) -> None:
    mod = Level.MODERATOR
    await people.run("mod", "/kudos @bob for the slides", mod)
    assert (await people.run("mod", "/spotlight @bob @cy @dee @eve @fay for the event", mod)).ok
    clock.advance(timedelta(seconds=61))
    assert (await people.run("mod", "/spotlight @bob for the follow-up", mod)).ok
    assert (await people.run("mod", "/kudos @cy @dee @eve @fay for the notes", mod)).ok
    assert people.transport.answer().startswith("Thanks sent! That was your last one for today")
    await people.run("ana", "/kudos history @bob")
    assert people.transport.answer().count("⭐ from **mod**") == 2


async def test_spotlight_refusals(people: Driver, runtime: Runtime) -> None:
    mod = Level.MODERATOR
    outcome = await people.run("ana", "/spotlight @bob for the slides")
    assert not outcome.ok and people.transport.answer() == "Only moderators can use /spotlight."
    await people.run("mod", "/spotlight @mod for being me", mod)
    assert "You can't spotlight yourself" in people.transport.answer()
    rob = Actor("rob", "rob", is_bot=True)
    await runtime.dispatcher.emit(PLACE, rob, "member_joined", people.transport)
    await people.run("mod", "/spotlight @rob for beeping", mod)
    assert "**rob** is a bot: spotlight the people instead." in people.transport.answer()


async def test_spotlights_have_a_daily_cap_against_accidents(
    people: Driver, clock: ManualClock
) -> None:
    names = [f"p{n:02}" for n in range(21)]
    for name in names:
        await people.run(name, "/ping")
    mod = Level.MODERATOR
    for start in range(0, 20, 5):
        listed = " ".join(f"@{name}" for name in names[start : start + 5])
        assert (await people.run("mod", f"/spotlight {listed} for the sprint", mod)).ok
        clock.advance(timedelta(seconds=61))
    outcome = await people.run("mod", "/spotlight @p20 for the sprint", mod)
    assert not outcome.ok
    assert "You've spotlighted 20 people today; spotlights stop at 20 a day" in (
        people.transport.answer()
    )
    clock.advance(timedelta(days=1))
    assert (await people.run("mod", "/spotlight @p20 for the sprint", mod)).ok


async def test_the_last_plus_one_of_the_day_says_so(people: Driver, clock: ManualClock) -> None:
    await people.run("cy", "/kudos @dee @eve @fay @gus for the map")
    await people.run("ana", "/kudos @bob for the workshop")
    button = [p for p in people.transport.posts(None) if p.reply.buttons][-1].reply.buttons[0]
    await people.press("cy", button.custom_id)
    assert people.transport.answer() == (
        "Your +1 is added: you thanked **bob** too. That was your last one for today; "
        "your allowance resets at midnight (in 15 h 0 min)."
    )


async def test_members_who_left_are_listed_and_marked_but_not_thanked(
    people: Driver, runtime: Runtime
) -> None:
    await people.run("ana", "/kudos @bob @cy for the slides")
    await people.run("dee", "/kudos @bob for the map")
    await leave(runtime, people, "bob")
    await leave(runtime, people, "ana")
    await people.run("fay", "/kudos top")
    assert "1. **bob** (left): 2" in people.transport.answer()
    await people.run("fay", "/kudos history @bob")
    history = people.transport.answer()
    assert history.startswith("**Kudos of bob (left)**")
    assert "from **ana** (left): for the slides" in history and "from **dee**: for" in history
    await people.run("fay", "/kudos @bob for the old days")
    assert "I can't find @bob in this community" in people.transport.answer()


async def test_an_empty_leaderboard_reads_naturally(people: Driver) -> None:
    await people.run("ana", "/kudos top all")
    assert people.transport.answer() == "Nobody has thanked anyone yet. Be the first: /kudos"
    await people.run("ana", "/kudos top week given")
    assert people.transport.answer() == (
        "Nobody has thanked anyone this week yet. Be the first: /kudos"
    )
