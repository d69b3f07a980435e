"""Needs: Ask for an intro, Happy to help / Not now, the one-press kudos, and the check-in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot import render
from bot.clock import ManualClock
from bot.outbox import WAY_OUT
from bot.reply import Button, ToChannel, ToMember
from bot.runtime import Runtime
from storage.models import MemberRow
from tests.conftest import PLACE, Driver

GRANT = '/need add what="help writing a grant for open labs" tags="grants, funding"'


@pytest.fixture
async def people(driver: Driver, runtime: Runtime) -> Driver:
    """ben offers grant reviews, cy's intro can help with grants, dee is into funding."""
    runtime.dispatcher.transports[PLACE.platform] = lambda place: driver.transport
    await driver.run("ana", "/ping")
    await driver.run("ben", '/offer add what="I review grant proposals" tags="grants, funding"')
    await driver.run("cy", '/intro about="c" goals="g" interests="oer" can_help="grant writing"')
    await driver.run("dee", '/intro about="d" goals="g" interests="funding"')
    driver.transport.clear()
    return driver


def dms(driver: Driver, to: str) -> list[ToMember]:
    """The DMs sent to one member so far."""
    return [i for i in driver.transport.sent if isinstance(i, ToMember) and i.member.name == to]


def button(driver: Driver, label: str) -> Button:
    """The latest button with this label the bot sent."""
    found = [
        b for item in driver.transport.sent if hasattr(item, "reply") for b in item.reply.buttons
    ]
    return next(b for b in reversed(found) if b.label == label)


async def test_a_new_need_shows_who_fits_and_happy_to_help_introduces_both(
    people: Driver,
) -> None:
    await people.run("ana", GRANT)
    reply = people.transport.to_invoker()[-1].reply
    assert reply.text.splitlines()[1:] == [
        "**Who may help** (from their offers and intros)",
        "- **ben** (funding, grants)",
        "- **cy** (grants)",  # from "can help with: grant writing"
        "- **dee** (funding)",  # one shared tag too, at the same (frozen) time as cy
    ]
    assert [b.label for b in reply.buttons] == [
        "Ask ben for an intro",
        "Ask cy for an intro",
        "Ask dee for an intro",
    ]
    assert (await people.press("ana", reply.buttons[0].custom_id)).ok
    assert people.transport.answer() == "I've asked **ben**; I'll tell you what they say."
    [ask] = dms(people, "ben")
    assert ask.reply.text == (
        "**ana** is looking for help with help writing a grant for open labs; you said you "
        "can help. Open to a chat?"
    )
    assert [b.label for b in ask.reply.buttons] == ["Happy to help", "Not now"] + [
        b.label for b in WAY_OUT
    ]
    assert not (await people.press("ana", reply.buttons[0].custom_id)).ok
    assert "You already asked ben about need #2" in people.transport.answer()
    assert (await people.press("ben", ask.reply.buttons[0].custom_id)).ok
    [to_ana] = dms(people, "ana")
    assert to_ana.reply.text.startswith("🤝 **ben** is happy to help with your need #2")
    assert render.mentioned_ids(to_ana.reply.text) == ["ben"]
    assert dms(people, "ben")[-1].reply.text.startswith("🤝 Thank you! Meet ")
    assert people.transport.answer() == "Thanks! I've introduced you and **ana** by DM."
    assert not (await people.press("ben", ask.reply.buttons[0].custom_id)).ok
    assert "answered that request already" in people.transport.answer()


async def test_not_now_tells_the_asker_kindly_without_a_reason(people: Driver) -> None:
    await people.run("ana", GRANT)
    await people.press("ana", button(people, "Ask cy for an intro").custom_id)
    await people.press("cy", dms(people, "cy")[0].reply.buttons[1].custom_id)
    [to_ana] = dms(people, "ana")
    assert to_ana.reply.text == (
        "**cy** can't help with your need #2 right now. Others may: see /offers grants."
    )
    assert people.transport.answer() == "No problem. I've let **ana** know, kindly."


async def test_intros_to_yourself_away_members_or_dms_off_are_refused_at_once(
    people: Driver,
) -> None:
    await people.run("ben", "/dms off")
    await people.run("dee", "/away 10")
    await people.run("ana", GRANT)
    for name in ("ben", "dee"):
        assert not (
            await people.press("ana", button(people, f"Ask {name} for an intro").custom_id)
        ).ok
        assert people.transport.answer() == (
            f"{name} isn't taking messages right now. Try someone else, or see /offers."
        )
    assert dms(people, "ben") == [] and dms(people, "dee") == []
    async with people.runtime.db.session() as session:
        [ana] = (await session.exec(select(MemberRow).where(MemberRow.name == "ana"))).all()
    need_id = button(people, "Ask cy for an intro").arg.split(":")[0]
    assert not (await people.press("ana", f"cb:need_ask:{need_id}:{ana.id}")).ok
    assert people.transport.answer() == (
        "That's you! Ask someone else, or see who offers help with /offers."
    )
    assert not (await people.press("ben", button(people, "Ask cy for an intro").custom_id)).ok
    assert "someone else's need" in people.transport.answer()


async def test_done_with_a_helper_offers_one_press_kudos_by_the_kudos_rules(
    people: Driver,
) -> None:
    await people.run("ana", GRANT)
    await people.run("ana", "/need done 2 @ben")
    assert people.transport.answer().startswith("🎉 Need #2 is met with help from **ben**")
    thank = button(people, "Thank ben")
    assert (await people.press("ana", thank.custom_id)).ok
    posts = [i.reply.text for i in people.transport.sent if isinstance(i, ToChannel)]
    [post] = [text for text in posts if text.startswith("🙌 **ana** thanked")]
    assert "for helping with need #2: help writing a grant" in post
    assert people.transport.answer() == "Thanks sent! You can thank 4 more people today."
    assert not (await people.press("ana", thank.custom_id)).ok
    assert "You've thanked **ben** for #2" in people.transport.answer()
    # The kudos rules apply: cy was already thanked today, so the press is refused.
    await people.run("ana", '/need add what="a second grant, please" tags="grants"')
    await people.run("ana", "/kudos @cy for the grant tips")
    await people.run("ana", "/need done 3 @cy")
    assert not (await people.press("ana", button(people, "Thank cy").custom_id)).ok
    assert "You already thanked **cy** today" in people.transport.answer()
    assert not (await people.press("cy", button(people, "Thank cy").custom_id)).ok


async def test_an_old_need_gets_one_check_in_and_still_need_it_restarts_the_clock(
    people: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await people.run("ana", GRANT)
    await people.run("ana", '/need add what="a venue for the meetup" tags="events"')
    await people.run("ana", "/need drop 3")
    await runtime.scheduler.advance(clock, clock.now() + timedelta(days=31))
    [checkin] = dms(people, "ana")
    assert checkin.reply.text == (
        "Your need #2 (help writing a grant for open labs) has been open a while. "
        "Do you still need it?"
    )
    labels = [b.label for b in checkin.reply.buttons]
    assert labels == ["Still need it", "Met", "Drop"] + [b.label for b in WAY_OUT]
    assert await runtime.scheduler.run_now("need_checkin") == 0  # one per round
    assert (await people.press("ana", checkin.reply.buttons[0].custom_id)).ok
    assert people.transport.answer() == "Kept open. I'll check in again in 30 days."
    await runtime.scheduler.advance(clock, clock.now() + timedelta(days=29))
    assert len(dms(people, "ana")) == 1
    await runtime.scheduler.advance(clock, clock.now() + timedelta(days=2))
    second = dms(people, "ana")[-1]
    assert len(dms(people, "ana")) == 2
    assert (await people.press("ana", second.reply.buttons[1].custom_id)).ok
    assert people.transport.answer().startswith("🎉 Glad need #2 is met!")
    assert not (await people.press("ana", second.reply.buttons[2].custom_id)).ok
    assert "already met" in people.transport.answer()
