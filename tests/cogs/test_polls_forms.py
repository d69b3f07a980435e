"""The ✍️ form carries its poll, so an answer reaches the poll pressed, whatever came since."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.runtime import Runtime
from storage import polls
from tests.cogs.polling import WEEKLY_AT, Polling, polling_on


@pytest.fixture
async def polling(runtime: Runtime, clock: ManualClock) -> Polling:
    """The community, seen at START; jobs deliver to the test transport."""
    return await polling_on(runtime, clock)


async def written(polling: Polling, poll_id: int) -> list[str]:
    """The written answers a poll holds."""
    async with polling.runtime.db.session() as session:
        return await polls.answers(session, poll_id=poll_id)


async def test_an_answer_goes_to_the_poll_whose_button_was_pressed(polling: Polling) -> None:
    await polling.mod("/config set poll_open_hours 200")  # two weekly polls open at once
    await polling.at(WEEKLY_AT + timedelta(seconds=1))
    first = polling.sent.polls()[-1]
    await polling.press("ana", "✍️", first)
    form = polling.sent.forms()[-1].form
    assert dict(form.hidden) == {"poll": "1"}
    await polling.at(WEEKLY_AT + timedelta(weeks=1, seconds=1))  # poll #2 opens meanwhile
    # The form comes back as an adapter returns it, with what it carried; no memory is needed.
    done = await polling.driver.submit("ana", form.command, form.returned({"answer": "demos"}))
    assert done.ok
    one, two = await polling.rows()
    assert await written(polling, one.id or 0) == ["demos"]
    assert await written(polling, two.id or 0) == []


async def test_typed_answers_name_their_poll_or_take_the_newest(polling: Polling) -> None:
    await polling.at(WEEKLY_AT + timedelta(seconds=1))
    assert (await polling.run("ana", "/polls answer poll=1 More reading groups")).ok
    assert (await polling.run("bob", "/polls answer Fewer meetings")).ok
    [poll] = await polling.rows()
    assert sorted(await written(polling, poll.id or 0)) == ["Fewer meetings", "More reading groups"]
    missing = await polling.run("cy", "/polls answer poll=9 Hello there")
    assert not missing.ok and "There is no poll #9" in polling.sent.answer()
