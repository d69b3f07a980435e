"""What the data tests share: a community where ana touched every feature, and her export."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from bot.commands import Level
from bot.dispatch import Actor, Outcome
from bot.reply import Button, ToInvoker, ToMember
from storage.models import KudosRow, KudosTallyRow
from tests.cogs.digesting import busy_week
from tests.cogs.polling import Polling
from tests.conftest import PLACE

ADMIN = Level.ADMIN


async def everything(polling: Polling) -> None:
    """ana has an intro, kudos both ways, a badge, a need, a meeting, credit, a group and more."""
    await busy_week(polling)
    run, mod = polling.run, polling.mod
    steps = [
        (
            "bob",
            '/outcome add title="Open lab manual" type=guide link=https://example.org/lab '
            'contributors="@ana reviewer, @bob editor"',
        ),
        (
            "ana",
            '/group propose name="Open labs" purpose="p" produces=guide capacity=4 '
            'ends=2027-03-01 roles="writer"',
        ),
        ("bob", '/group join "Open labs" writer'),
        ("ana", "/match join"),
        ("ana", "/match avoid @cy"),
        ("ana", "/privacy credit off"),
        ("bob", "/kudos @ana for the review"),
        ("ana", "/impact"),
    ]
    for who, line in steps:
        assert (await run(who, line)).ok, (line, polling.sent.answer())
    assert (await mod('/poll ask "Pizza?" options="Yes; No" anonymous=no')).ok
    await polling.press("ana", "Yes")
    polling.sent.clear()


async def export_of(polling: Polling, who: str) -> dict[str, Any]:
    """Run /my-data as a member and read the JSON file it DMs them."""
    assert (await polling.run(who, "/my-data")).ok, polling.sent.answer()
    dm = [item for item in polling.sent.sent if isinstance(item, ToMember)][-1]
    assert dm.member.name == who
    (file,) = dm.reply.files
    assert file.filename.endswith(".json") and file.mime == "application/json"
    data: dict[str, Any] = json.loads(file.data)
    return data


def buttons(polling: Polling) -> dict[str, Button]:
    """The buttons of the last answer, by label."""
    answer = [item for item in polling.sent.sent if isinstance(item, ToInvoker)][-1]
    return {button.label: button for button in answer.reply.buttons}


async def press_as(polling: Polling, who: str, custom_id: str, level: Level) -> Outcome:
    """Press a button as a member of some standing."""
    actor = Actor(who, who, level)
    return await polling.runtime.dispatcher.press(PLACE, actor, custom_id, polling.driver.transport)


async def tallies_match_kudos(polling: Polling) -> None:
    """Every running tally equals what the kudos rows say (one community, UTC, all time)."""
    async with polling.runtime.db.session() as session:
        kudos = (await session.exec(select(KudosRow))).all()
        tallies = (
            await session.exec(select(KudosTallyRow).where(KudosTallyRow.period == "all"))
        ).all()
    received: dict[int, int] = {}
    given: dict[int, int] = {}
    for row in kudos:
        received[row.receiver_id] = received.get(row.receiver_id, 0) + 1
        given[row.giver_id] = given.get(row.giver_id, 0) + 1
    for tally in tallies:
        assert tally.received == received.get(tally.member_id, 0), tally
        assert tally.given == given.get(tally.member_id, 0), tally
