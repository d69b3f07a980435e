"""Preferences: /away, /dms and /privacy, their bad input, and the way-out buttons on DMs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.clock import ManualClock
from bot.outbox import PAUSE_ACTION, WAY_OUT
from bot.reply import Button
from bot.runtime import Runtime
from storage.models import MemberRow
from tests.conftest import START, Driver


async def _ana(runtime: Runtime) -> MemberRow:
    async with runtime.db.session() as session:
        return (await session.exec(select(MemberRow).where(MemberRow.name == "ana"))).one()


async def test_away_pauses_for_30_days_or_as_many_as_asked_and_off_ends_it(
    driver: Driver, runtime: Runtime
) -> None:
    assert (await driver.run("ana", "/away")).ok
    assert driver.transport.answer() == (
        "Paused until 2 December: no nudges, welcome-backs and the other messages copbot sends "
        "unasked. Replies to what you do still come. /away off to come back sooner."
    )
    assert driver.transport.to_invoker()[-1].reply.private
    assert (await _ana(runtime)).away_until == START + timedelta(days=30)
    await driver.run("ana", "/away 14")
    assert driver.transport.answer().startswith("Paused until 16 November: ")
    await driver.run("ana", "/away OFF")
    assert driver.transport.answer().startswith("Pause ended: copbot may send you nudges")
    assert (await _ana(runtime)).away_until is None
    await driver.run("ana", "/away off")
    assert driver.transport.answer() == (
        "You weren't paused. To pause, use /away (30 days) or /away DAYS."
    )


@pytest.mark.parametrize("typed", ["0", "366", "10000", "-3", "soon", "²"])
async def test_away_names_what_it_takes(driver: Driver, runtime: Runtime, typed: str) -> None:
    await driver.run("ana", "/ping")
    outcome = await driver.run("ana", f"/away {typed}")
    assert not outcome.ok
    answer = driver.transport.answer()
    assert answer.startswith("/away takes a number of days from 1 to 365, or off, not “")
    assert answer.endswith("Try /away 14, or /away off to end a pause.")
    assert driver.transport.to_invoker()[-1].reply.private
    assert (await _ana(runtime)).away_until is None


async def test_dms_off_and_on_and_what_is_set(driver: Driver, runtime: Runtime) -> None:
    await driver.run("ana", "/dms")
    assert driver.transport.answer().startswith("copbot may send you nudges")
    await driver.run("ana", "/dms off")
    assert driver.transport.answer() == "Done: copbot won't DM you unasked. /dms on to undo."
    assert (await _ana(runtime)).dms_off
    await driver.run("ana", "/dms")
    assert driver.transport.answer().startswith("copbot doesn't DM you unasked")
    await driver.run("ana", "/away 3")
    await driver.run("ana", "/dms on")
    assert driver.transport.answer().endswith("You are still paused until 5 November.")
    assert not (await _ana(runtime)).dms_off


async def test_dms_names_its_choices(driver: Driver, runtime: Runtime) -> None:
    outcome = await driver.run("ana", "/dms maybe")
    assert not outcome.ok
    assert driver.transport.answer() == (
        "`setting` must be one of: off, on (not “maybe”).\nUsage: `/dms [off|on]`"
    )


async def test_the_way_out_buttons_pause_or_stop_and_are_not_activity(
    driver: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    pause, stop = WAY_OUT
    await driver.run("ana", "/ping")
    await runtime.activity.flush()
    before = (await _ana(runtime)).last_active_at
    clock.advance(timedelta(hours=1))
    await driver.press("ana", pause.custom_id)
    assert driver.transport.answer() == ("Paused until 2 December; /away off to come back sooner.")
    await driver.press("ana", stop.custom_id)
    assert driver.transport.answer() == "Done: copbot won't DM you unasked. /dms on to undo."
    assert runtime.activity.pending == 0  # a press of the way out is not being active
    ana = await _ana(runtime)
    assert ana.dms_off and ana.away_until is not None and ana.last_active_at == before


async def test_an_odd_pause_button_still_pauses_for_a_month(driver: Driver) -> None:
    await driver.press("ana", Button("Pause", PAUSE_ACTION, "forever").custom_id)
    assert driver.transport.answer().startswith("Paused until 2 December;")


async def test_privacy_credit_off_and_on_and_what_is_set(driver: Driver) -> None:
    await driver.run("ana", "/privacy")
    assert driver.transport.answer().startswith("The digest may name you (as a newcomer,")
    assert driver.transport.to_invoker()[-1].reply.private
    assert (await driver.run("ana", "/privacy credit off")).ok
    assert driver.transport.answer() == (
        "Done: the digest won't name you; you are still counted in its totals. Kudos posts, "
        "leaderboards and your own impact report still name you. /privacy credit on to undo."
    )
    assert driver.transport.to_invoker()[-1].reply.private
    await driver.run("ana", "/privacy credit")
    assert driver.transport.answer().startswith("Your public credit is paused:")
    await driver.run("ana", "/privacy credit off")  # twice is still off, not an error
    await driver.run("ana", "/privacy")
    assert driver.transport.answer().startswith("Your public credit is paused:")
    await driver.run("ana", "/privacy credit on")
    assert driver.transport.answer() == (
        "Done: the digest may name you again. /privacy credit off to pause it."
    )
    await driver.run("ana", "/privacy")
    assert driver.transport.answer().startswith("The digest may name you")


async def test_privacy_names_its_choices(driver: Driver) -> None:
    outcome = await driver.run("ana", "/privacy credit maybe")
    assert not outcome.ok
    assert driver.transport.answer() == (
        "`setting` must be one of: off, on (not “maybe”).\nUsage: `/privacy [credit] [off|on]`"
    )
    assert driver.transport.to_invoker()[-1].reply.private
    await driver.run("ana", "/privacy")
    assert driver.transport.answer().startswith("The digest may name you")
