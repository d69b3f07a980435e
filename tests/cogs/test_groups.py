"""Work groups: proposing (form or fields), refusals, joining to capacity, leads, updates, close."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.commands import Level
from bot.reply import EditMessage, ToMember
from bot.runtime import Runtime
from tests.cogs.polling import Referenced
from tests.conftest import Driver

LABS = (
    '/group propose name="Open labs" purpose="Write the open lab guide" produces=guide '
    'capacity=3 ends=2027-03-01 roles="writer; reviewer"'
)


@pytest.fixture
async def people(driver: Driver, runtime: Runtime) -> Driver:
    """ana, ben, cy and dee have been seen; posts get references, so edits reach them."""
    driver.transport = Referenced()
    runtime.dispatcher.transports["test"] = lambda place: driver.transport
    for name in ("ana", "ben", "cy", "dee"):
        await driver.run(name, "/ping")
    driver.transport.clear()
    return driver


async def test_a_group_is_proposed_posted_and_its_call_edited_as_places_fill(
    people: Driver, runtime: Runtime
) -> None:
    assert (await people.run("ana", LABS)).ok, people.transport.texts()
    assert "**Open labs** is started, with you as lead" in people.transport.answer()
    assert (await people.run("ben", '/group join "open LABS" writer')).ok
    assert people.transport.answer() == "You're in **Open labs**! 1 place left."
    assert not (await people.run("ben", '/group join "Open labs"')).ok
    assert "already in" in people.transport.answer()
    assert (await people.run("cy", '/group join "Open labs"')).ok
    assert not (await people.run("dee", '/group join "Open labs"')).ok
    assert "over capacity" in people.transport.answer()
    edits = [i for i in people.transport.sent if isinstance(i, EditMessage)]
    assert "Places left: 0 of 3 (full)" in edits[-1].reply.text and not edits[-1].reply.buttons
    await people.run("ana", '/group show "Open labs"')
    shown = people.transport.answer()
    assert "Lead: ana" in shown and "ben (writer)" in shown and "3 of 3 places taken" in shown
    assert not (await people.run("dee", '/group join "Open labs" chef')).ok


async def test_bad_proposals_are_refused_saying_what_is_allowed(people: Driver) -> None:
    base = 'purpose="p" produces=guide capacity=4'
    cases = {
        f'/group propose name="ab" {base} ends=2027-03-01': "3 to 60 characters",
        f'/group propose name="Labs" {base} ends=2020-01-01': "must be in the future",
        f'/group propose name="Labs" {base} ends=01/03/2027': "YYYY-MM-DD",
        '/group propose name="Labs" purpose="p" produces=poem capacity=4 ends=2027-03-01': (
            "must be one of: guide;"
        ),
        '/group propose name="Labs" purpose="p" produces=guide capacity=1 ends=2027-03-01': (
            "from 2 to 50"
        ),
        '/group propose name="Labs" purpose="p" produces=guide capacity=51 ends=2027-03-01': (
            "from 2 to 50"
        ),
    }
    for line, message in cases.items():
        assert not (await people.run("ana", line)).ok, line
        assert message in people.transport.answer(), (line, people.transport.answer())
    assert (await people.run("ana", LABS)).ok
    assert not (await people.run("ben", LABS.replace("Open labs", "OPEN LABS"))).ok
    assert "There is already a work group called **OPEN LABS**" in people.transport.answer()
    people.transport.clear()
    await people.run("ana", '/group propose name="Only a name"')
    assert people.transport.forms()[-1].form.command == "group propose"


async def test_the_join_button_leave_and_lead(people: Driver) -> None:
    await people.run("ana", LABS)
    [post] = people.transport.posts("general")
    join = post.reply.buttons[0]
    assert join.label == "Join" and "Places left: 2 of 3" in post.reply.text
    assert (await people.press("ben", join.custom_id)).ok
    assert "You're in **Open labs**" in people.transport.answer()
    assert not (await people.run("ana", '/group leave "Open labs"')).ok
    assert "hand it over first" in people.transport.answer()
    assert not (await people.run("ben", '/group lead "Open labs" @ben')).ok
    assert not (await people.run("ana", '/group lead "Open labs" @cy')).ok
    assert (await people.run("ana", '/group lead "Open labs" @ben')).ok
    assert (await people.run("ana", '/group leave "Open labs"')).ok
    assert not (await people.run("ana", '/group leave "Open labs"')).ok
    assert (await people.run("mod", '/group lead "Open labs" @ben', Level.MODERATOR)).ok


async def test_updates_close_with_an_outcome_and_credit_members(people: Driver) -> None:
    await people.run("ana", LABS)
    await people.run("ben", '/group join "Open labs" reviewer')
    assert not (await people.run("cy", '/group update "Open labs" hello')).ok
    assert "Only members" in people.transport.answer()
    assert (await people.run("ben", '/group update "Open labs" First draft is done')).ok
    assert any("First draft is done" in p.reply.text for p in people.transport.posts("general"))
    await people.run("cy", '/outcome add title="Open lab guide" type=guide link=https://e.org/g')
    assert not (await people.run("ben", '/group close "Open labs" 1')).ok
    assert "Only the lead" in people.transport.answer()
    people.transport.clear()
    assert (await people.run("ana", '/group close "Open labs" 1')).ok
    assert "credited on Outcome #1" in people.transport.answer()
    dms = [i for i in people.transport.sent if isinstance(i, ToMember)]
    assert [dm.member.name for dm in dms] == ["ben"]
    assert dms[0].reply.buttons[0].label == "Remove me"
    await people.run("cy", "/outcome show 1")
    assert "ana (author), ben (reviewer)" in people.transport.answer()
    await people.run("cy", '/group show "Open labs"')
    shown = people.transport.answer()
    assert "(closed on 2026-11-02)" in shown and "First draft is done" in shown
    assert "Outcome: #1 Open lab guide" in shown
    assert not (await people.run("ana", '/group close "Open labs"')).ok
    assert not (await people.run("dee", '/group join "Open labs"')).ok
    assert "is closed" in people.transport.answer()
    await people.run("cy", "/group list closed")
    assert people.transport.answer().startswith("**Work groups (closed): 1")
    await people.run("cy", "/group list")
    assert people.transport.answer().startswith("No active work groups")


async def test_approval_waits_for_a_moderator(people: Driver) -> None:
    await people.run("mod", "/config set groups_need_approval yes", Level.MODERATOR)
    people.transport.clear()
    await people.run("ana", LABS)
    assert "once a moderator approves it" in people.transport.answer()
    [ask] = people.transport.posts("general")
    assert ask.reply.buttons[0].label == "Approve"
    assert not (await people.run("ben", '/group join "Open labs"')).ok
    assert "waiting for a moderator" in people.transport.answer()
    assert not (await people.press("ben", ask.reply.buttons[0].custom_id)).ok
    mod = people.runtime.dispatcher
    from bot.dispatch import Actor
    from tests.conftest import PLACE

    pressed = await mod.press(
        PLACE,
        Actor("mod", "mod", Level.MODERATOR),
        ask.reply.buttons[0].custom_id,
        people.transport,
    )
    assert pressed.ok
    assert any(
        "Call for volunteers: Open labs" in p.reply.text for p in people.transport.posts("general")
    )
    assert (await people.run("ben", '/group join "Open labs"')).ok


async def test_check_ins_ask_the_lead_and_silence_is_flagged(
    people: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await people.run("ana", LABS)
    people.transport.clear()
    clock.advance(timedelta(days=14, hours=2))
    await runtime.scheduler.run_now("group_checkin")
    dms = [i for i in people.transport.sent if isinstance(i, ToMember)]
    assert [dm.member.name for dm in dms] == ["ana"]
    assert dms[0].reply.buttons[0].label == "Post an update"
    assert (await people.press("ana", dms[0].reply.buttons[0].custom_id)).ok
    assert '/group update "Open labs"' in people.transport.answer()
    people.transport.clear()
    await runtime.scheduler.run_now("group_checkin")
    assert not [i for i in people.transport.sent if isinstance(i, ToMember)]
    clock.advance(timedelta(days=14))
    await runtime.scheduler.run_now("group_checkin")
    flags = [p for p in people.transport.posts("general") if "no update for two" in p.reply.text]
    assert len(flags) == 1
    await runtime.scheduler.run_now("group_checkin")
    assert len([p for p in people.transport.posts("general") if "two" in p.reply.text]) == 1
    assert not any(
        isinstance(i, EditMessage) and "closed" in i.reply.text for i in people.transport.sent
    )
