"""Matching rounds' commands and buttons: join, pause, leave, avoid, status, stats, answers."""

from __future__ import annotations

import pytest

from bot.clock import ManualClock
from bot.dispatch import Actor
from bot.runtime import Runtime
from tests.cogs.matchmaking import GRANTS, MOD, REVIEWS, button, dms, later, people, seats
from tests.conftest import PLACE, Driver

NEXT = "The next round is on Monday 2 November at 10:00 (every 2 weeks)."
TIP = (
    "Tip: say what you're looking for (/need add) and what you can give (/offer add), "
    "so rounds pair you with someone who can help."
)


@pytest.fixture
async def paired(driver: Driver, runtime: Runtime, clock: ManualClock) -> Driver:
    """ana needs grants and bob offers them, cy and dee share maths; round 1 has run."""
    await driver.run("ana", GRANTS)
    await driver.run("bob", REVIEWS)
    await driver.run("cy", '/intro about="c" goals="g" interests="oer, maths"')
    await driver.run("dee", '/intro about="d" goals="g" interests="maths"')
    await people(driver, "ana", "bob", "cy", "dee")
    await later(runtime, clock, hours=1)
    return driver


async def test_join_twice_pause_and_leave(driver: Driver) -> None:
    await people(driver, "ana", join=False)
    await driver.run("ana", "/match join")
    reply = driver.transport.to_invoker()[-1].reply
    assert reply.private and reply.text.splitlines() == [
        f"🤝 You're in matching rounds! {NEXT}",
        TIP,
    ]
    assert not (await driver.run("ana", "/match join")).ok
    assert driver.transport.answer() == f"You're in already. {NEXT}"
    await driver.run("ana", "/match pause")
    assert driver.transport.answer() == (
        "⏸️ Paused for 2 weeks: no rounds for you until 16 November. "
        "/match join brings you back sooner."
    )
    await driver.run("ana", "/match status")
    assert driver.transport.answer().splitlines() == [
        "**Matching rounds**",
        "You're paused until 16 November; /match join resumes now.",
    ]
    assert (await driver.run("ana", "/match join")).ok  # paused: joining resumes
    assert driver.transport.answer().startswith("🤝 You're in matching rounds!")
    await driver.run("ana", "/match pause 3")
    assert driver.transport.answer().startswith("⏸️ Paused for 3 weeks: no rounds for you until 23")
    await driver.run("ana", "/match pause 4")  # already paused: the pause is lengthened
    assert driver.transport.answer().startswith("⏸️ Paused for 4 weeks: no rounds for you until 30")
    for weeks in ("0", "999"):
        assert not (await driver.run("ana", f"/match pause {weeks}")).ok
        assert driver.transport.answer().startswith(
            f"`weeks` takes a whole number from 1 to 52, not “{weeks}”."
        )
    assert (await driver.run("ana", "/match leave")).ok  # paused members may leave too
    assert driver.transport.answer() == (
        "You've left matching rounds. Your past matches stay; /match join any time."
    )
    assert not (await driver.run("ana", "/match leave")).ok
    assert driver.transport.answer() == (
        "You're not in matching rounds. Join any time with /match join."
    )
    assert not (await driver.run("ana", "/match pause")).ok
    assert driver.transport.answer() == (
        "You're not in matching rounds, so there's nothing to pause. /match join"
    )
    await driver.run("ana", "/match status")
    assert driver.transport.answer().splitlines() == [
        "**Matching rounds**",
        "You're not taking part. Join with /match join.",
    ]


async def test_joining_with_a_need_or_offer_explains_the_pairing(driver: Driver) -> None:
    await people(driver, join=False)
    await driver.run("ana", GRANTS)
    await driver.run("ana", "/match join")
    assert driver.transport.answer().splitlines()[1] == (
        "Rounds pair you on your needs and offers first, then on shared interests."
    )


async def test_avoid_and_unavoid_are_seen_by_the_member_alone(
    driver: Driver, runtime: Runtime
) -> None:
    await people(driver, "ana", "bob")
    rob = Actor("rob", "rob", is_bot=True)
    await runtime.dispatcher.emit(PLACE, rob, "member_joined", driver.transport)
    refused = {
        "/match avoid @ana": "That's you! Name the member you'd rather not be paired with.",
        "/match avoid @rob": "Bots never take part in rounds: there's nobody to avoid there.",
    }
    for line, message in refused.items():
        assert not (await driver.run("ana", line)).ok
        assert driver.transport.answer() == message
    await driver.run("ana", "/match avoid @bob")
    assert driver.transport.answer() == (
        "Done: you won't be paired with **bob**. Nobody else is told, them included. "
        "/match unavoid undoes it."
    )
    assert not (await driver.run("ana", "/match avoid @bob")).ok
    assert driver.transport.answer() == "You're never paired with **bob** already."
    await driver.run("ana", "/match status")
    shown = driver.transport.to_invoker()[-1].reply
    assert shown.private and shown.text.splitlines()[-1] == (
        "Never paired with: **bob** (only you see this; /match unavoid undoes it)."
    )
    await driver.run("bob", "/match status")
    assert "Never paired" not in driver.transport.answer()
    assert "ana" not in driver.transport.answer()
    await driver.run("ana", "/match unavoid @bob")
    assert driver.transport.answer() == "Done: rounds may pair you with **bob** again."
    assert not (await driver.run("ana", "/match unavoid @bob")).ok
    assert driver.transport.answer() == (
        "You weren't avoiding **bob**. /match status lists who you avoid."
    )
    await driver.run("ana", "/match status")
    assert "Never paired" not in driver.transport.answer()


async def test_status_shows_away_dms_off_and_the_last_matches(
    paired: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await paired.run("ana", "/match status")
    assert paired.transport.answer().splitlines() == [
        "**Matching rounds**",
        "You're in. The next round is on Monday 16 November at 10:00 (every 2 weeks).",
        "**Your last matches**",
        "- Round 1 (2 November): **bob** · no answer yet",
    ]
    await paired.press("ana", button(dms(paired, "ana")[0], "We met"))
    await paired.press("ana", "cb:match_came:1:made")
    await paired.run("ana", "/away 10")
    await paired.run("ana", "/match status")
    assert paired.transport.answer().splitlines()[2:] == [
        "You're away until 12 November, so rounds skip you.",
        "**Your last matches**",
        "- Round 1 (2 November): **bob** · you met: you made something",
    ]
    await paired.run("cy", "/dms off")
    await paired.run("cy", "/match status")
    assert paired.transport.answer().splitlines()[2] == (
        "Your DMs from copbot are off, so rounds skip you (/dms on)."
    )


async def test_stats_are_for_moderators(
    paired: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    assert not (await paired.run("ana", "/match stats")).ok
    assert paired.transport.answer() == "Only moderators can use /match stats."
    await paired.press("ana", button(dms(paired, "ana")[0], "We met"))
    await paired.press("bob", button(dms(paired, "bob")[0], "We met"))
    await paired.press("bob", "cb:match_came:1:need")
    await paired.press("cy", button(dms(paired, "cy")[0], "Can't this time"))
    await paired.run("mod", "/match stats", MOD)
    shown = paired.transport.to_invoker()[-1].reply
    assert shown.private and shown.text.splitlines() == [
        "**Matching rounds: the last 1 round**",
        "2 groups made; 1 group met (50%); 2 answered at all.",
        "Needs met through matches: 1; things made together: 0; groups paired on a need↔offer: 1.",
        "**Round by round**",
        "- Round 1 (2 November): 4 in the pool, 2 groups, 1 met (50%), 1 needs met",
    ]


async def test_stats_before_any_round(driver: Driver) -> None:
    await driver.run("mod", "/match stats", MOD)
    assert driver.transport.answer() == (
        "No matching rounds yet. Members join with /match join; rounds run every 2 weeks "
        "on mon at 10:00."
    )


async def test_we_met_asks_what_came_of_it(paired: Driver, runtime: Runtime) -> None:
    dm = dms(paired, "ana")[0]
    assert not (await paired.press("ana", "cb:match_came:1:chat")).ok
    assert paired.transport.answer() == "Tell me first whether you met: see /match status."
    assert (await paired.press("ana", button(dm, "We met"))).ok
    reply = paired.transport.to_invoker()[-1].reply
    assert (
        reply.text == "🎉 Wonderful, thanks for telling me! Did anything come of meeting **bob**?"
    )
    assert [(b.label, b.custom_id) for b in reply.buttons] == [
        ("A need was met", "cb:match_came:1:need"),
        ("We made something", "cb:match_came:1:made"),
        ("Just a good chat", "cb:match_came:1:chat"),
    ]
    await paired.press("ana", "cb:match_came:1:chat")
    assert paired.transport.answer() == "☕ A good chat is worth a lot. Thanks for telling me."
    await paired.press("ana", "cb:match_came:1:need")
    assert paired.transport.answer().startswith("🎉 A need met: that's what rounds are for.")
    assert (1, "ana", "met", "need") in await seats(runtime)


async def test_not_yet_and_cant_this_time(paired: Driver, runtime: Runtime) -> None:
    dm = dms(paired, "cy")[0]
    assert [b.label for b in dm.reply.buttons][:3] == ["We met", "Not yet", "Can't this time"]
    await paired.press("cy", button(dm, "Not yet"))
    reply = paired.transport.to_invoker()[-1].reply
    assert reply.text == (
        "No rush: reach out to **dee** when you can, and tell me once you've met."
    )
    assert [b.label for b in reply.buttons] == ["We met", "Can't this time"]
    await paired.press("cy", reply.buttons[1].custom_id)
    reply = paired.transport.to_invoker()[-1].reply
    assert reply.text == (
        "Thanks for saying. This one won't count as a meeting, so a later round may pair you "
        "with **dee** again."
    )
    assert reply.buttons == ()
    assert (2, "cy", "cant", None) in await seats(runtime)


async def test_buttons_of_others_and_expired_ones_are_refused(
    paired: Driver, runtime: Runtime
) -> None:
    theirs = button(dms(paired, "ana")[0], "We met")
    refused = {
        ("cy", theirs): "I can't find that match any more. See yours with /match status.",
        ("ana", "cb:match_answer:99:met"): "I can't find that match any more.",
        ("ana", "cb:match_answer:x:met"): "I can't find that match any more.",
        ("ana", "cb:match_answer:1:maybe"): "That button has expired.",
        ("ana", "cb:match_came:1:lots"): "That button has expired.",
    }
    for (who, custom_id), message in refused.items():
        assert not (await paired.press(who, custom_id)).ok, custom_id
        assert paired.transport.answer().startswith(message), custom_id
    assert all(answer is None for _, _, answer, _ in await seats(runtime))


async def test_an_old_rounds_buttons_close_when_the_next_begins(
    paired: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    old = dms(paired, "ana")[0]
    await later(runtime, clock, weeks=2)
    assert len(dms(paired, "ana")) == 3  # round 1, its follow-up, round 2
    assert not (await paired.press("ana", button(old, "We met"))).ok
    assert paired.transport.answer() == (
        "That was round 1; round 2 has begun since, so its buttons are closed. "
        "See your latest match with /match status."
    )
    assert (await paired.press("ana", button(dms(paired, "ana")[-1], "We met"))).ok


async def test_home_shows_whether_you_are_in_and_your_latest_match(
    paired: Driver, runtime: Runtime
) -> None:
    paired.transport.clear()
    await runtime.dispatcher.emit(PLACE, Actor("ana", "ana"), "home_opened", paired.transport)
    home = next(t for t in paired.transport.texts() if t.startswith("**Matching rounds**"))
    assert home.splitlines() == [
        "**Matching rounds**",
        "You're in. The next round is on Monday 16 November at 10:00 (every 2 weeks).",
        "Latest match: Round 1 (2 November): **bob** · no answer yet",
    ]
    paired.transport.clear()
    await paired.run("eve", "/ping")
    await runtime.dispatcher.emit(PLACE, Actor("eve", "eve"), "home_opened", paired.transport)
    home = next(t for t in paired.transport.texts() if t.startswith("**Matching rounds**"))
    assert home.splitlines()[1] == "Meet someone who can help, every few weeks: /match join."
