"""/forget-me in matching: no group's why, nor a partner's round DM, still describes them."""

from __future__ import annotations

import json

from sqlmodel import select

from bot.clock import ManualClock
from bot.reply import ToInvoker
from bot.runtime import Runtime
from cogs.matching.data import FORGOTTEN_DM
from storage.models import MatchGroupRow, MemberRow, OutboxRow
from tests.cogs.matchmaking import GRANTS, REVIEWS, ROUND_AT, people
from tests.conftest import Driver


async def _groups(runtime: Runtime) -> dict[int, list[dict[str, object]]]:
    async with runtime.db.session() as session:
        found = await session.exec(select(MatchGroupRow))
        return {group.id or 0: json.loads(group.why) for group in found.all()}


async def _round_dms(runtime: Runtime) -> dict[str, str]:
    """The text of each round DM in the outbox, by its key."""
    async with runtime.db.session() as session:
        found = await session.exec(select(OutboxRow).where(OutboxRow.kind == "dm"))
        return {
            row.key: json.loads(row.body)["text"]
            for row in found.all()
            if row.key and row.key.startswith("match:")
        }


async def test_forget_me_leaves_no_reason_about_them(
    driver: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await driver.run("ana", GRANTS)
    await driver.run("bob", REVIEWS)
    await driver.run("cy", '/intro about="c" goals="g" interests="oer, maths"')
    await driver.run("dee", '/intro about="d" goals="g" interests="maths"')
    await people(driver, "ana", "bob", "cy", "dee")
    await runtime.scheduler.advance(clock, ROUND_AT)
    async with runtime.db.session() as session:
        ana = (await session.exec(select(MemberRow).where(MemberRow.name == "ana"))).one()
    before = await _groups(runtime)
    theirs = [g for g, why in before.items() if any(ana.id in r["pair"] for r in why)]  # type: ignore[operator]
    assert len(theirs) == 1 and "grants" in json.dumps(before[theirs[0]])
    dms_before = await _round_dms(runtime)
    assert any("**ana** needs help with *grants*" in text for text in dms_before.values())

    assert (await driver.run("ana", "/forget-me")).ok
    answer = [item for item in driver.transport.sent if isinstance(item, ToInvoker)][-1]
    forget = next(b for b in answer.reply.buttons if b.label == "Forget me")
    assert (await driver.press("ana", forget.custom_id)).ok

    after = await _groups(runtime)
    assert after[theirs[0]] == []
    assert {g: why for g, why in after.items() if g != theirs[0]} == {
        g: why for g, why in before.items() if g != theirs[0]
    }
    dms_after = await _round_dms(runtime)
    for key, text in dms_after.items():
        assert "ana" not in text and "grants" not in text, (key, text)
        group = int(key.split(":")[1])
        assert (text == FORGOTTEN_DM) == (group == theirs[0]), (key, text)
        assert text == FORGOTTEN_DM or text == dms_before[key]
