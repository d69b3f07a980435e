"""Moderators' polls: /poll ask by arguments or form, named votes, closing early, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.commands import Level
from bot.runtime import Runtime
from tests.cogs.polling import Polling, polling_on
from tests.conftest import START


@pytest.fixture
async def polling(runtime: Runtime, clock: ManualClock) -> Polling:
    """The community, seen at START; jobs deliver to the test transport."""
    return await polling_on(runtime, clock)


async def test_a_moderator_asks_with_arguments_and_the_poll_is_posted_here(
    polling: Polling,
) -> None:
    outcome = await polling.mod('/poll ask Which day suits you? options="Mon; Tue ;Wed;" hours=24')
    assert outcome.ok
    post = polling.sent.polls()[-1]
    assert post.channel == "general"  # where the command ran
    assert post.reply.text.splitlines()[:2] == [
        "📋 **Poll #1**",
        "**Which day suits you?** Choose with the buttons below.",
    ]
    assert "Open until Tue 2026-11-03 09:00 (UTC)" in post.reply.text
    assert [b.label for b in post.reply.buttons] == ["Mon", "Tue", "Wed"]
    answer = polling.sent.to_invoker()[-1].reply
    assert answer.private and answer.text == (
        "Poll #1 is posted; it closes on Tue 2026-11-03 09:00 (UTC). "
        "Close it early with /poll close 1."
    )


async def test_without_options_the_form_opens_with_what_was_typed(polling: Polling) -> None:
    await polling.mod("/poll ask Which day suits you?")
    form = polling.sent.forms()[-1].form
    assert form.command == "poll ask"
    assert {f.name: f.value for f in form.fields}["question"] == "Which day suits you?"
    assert await polling.rows() == []
    values = {"question": "Which day?", "options": "Mon; Fri", "anonymous": "no"}
    refused = await polling.submit("ana", "poll ask", values, Level.MEMBER)
    assert not refused.ok and polling.sent.answer() == "Only moderators can use /poll ask."
    assert (await polling.submit("mod", "poll ask", values, Level.MODERATOR)).ok
    (poll,) = await polling.rows()
    assert (poll.question, poll.anonymous, poll.options) == ("Which day?", False, 2)
    assert poll.closes_at == START + timedelta(hours=72)  # the community's default


@pytest.mark.parametrize(
    ("line", "said"),
    [
        (
            '/poll ask Q? options="Only one"',
            'A poll takes 2 to 10 options, separated by ; (like options="Monday; Friday"), not 1.',
        ),
        (
            "/poll ask Q? options=" + '"' + ";".join(str(n) for n in range(11)) + '"',
            'A poll takes 2 to 10 options, separated by ; (like options="Monday; Friday"), not 11.',
        ),
        (
            '/poll ask Q? options="Tea; Coffee; tea"',
            "Each option must be different: “tea” is there twice.",
        ),
        (
            '/poll ask Q? options="A; B" hours=0',
            "`hours` takes a whole number from 1 to 336, not “0”.",
        ),
        (
            '/poll ask Q? options="A; B" hours=337',
            "`hours` takes a whole number from 1 to 336, not “337”.",
        ),
        (
            '/poll ask Q? options="A; B" hours=soon',
            "`hours` takes a whole number from 1 to 336, not “soon”.",
        ),
        (
            '/poll ask Q? options="A; B" anonymous=maybe',
            "`anonymous` takes yes or no, not “maybe”.",
        ),
        (
            '/poll ask Q? options="A; ' + "b" * 81 + '"',
            "Keep each option to 80 characters (“bbbbbbbbbbbbbbbbbbb…” is longer).",
        ),
    ],
)
async def test_bad_polls_are_refused_kindly_and_nothing_is_stored(
    polling: Polling, line: str, said: str
) -> None:
    outcome = await polling.mod(line)
    assert not outcome.ok
    answer = polling.sent.to_invoker()[-1].reply
    assert answer.private and answer.text == said
    assert await polling.rows() == [] and polling.sent.polls() == []


async def test_members_cannot_ask_and_find_member_commands_instead(polling: Polling) -> None:
    refused = await polling.run("ana", '/poll ask Q? options="A; B"')
    assert not refused.ok and polling.sent.answer() == "Only moderators can use /poll ask."
    await polling.run("ana", "/polls")
    assert polling.sent.answer() == "No polls yet. The weekly check-in is posted every week."


async def test_a_named_poll_lets_members_change_and_shows_who_chose_what(polling: Polling) -> None:
    await polling.mod('/poll ask Lunch? options="Soup; Salad" anonymous=no')
    await polling.press("ana", "Soup")
    assert polling.sent.answer().startswith("Thanks: you chose **Soup**.")
    await polling.press("ana", "Soup")
    assert polling.sent.answer().startswith("You already chose **Soup**.")
    await polling.press("ana", "Salad")
    assert polling.sent.answer().startswith("Your vote is now **Salad** (it was Soup).")
    await polling.press("bob", "Salad")
    await polling.press("@cy_", "Soup")
    assert (await polling.mod("/poll close 1")).ok
    assert polling.sent.answer() == "Poll #1 is closed; its results are posted."
    text = polling.sent.posts("general")[-1].reply.text
    assert "- Salad: ▇▇▇▇▇▇▇▇▇▇ 2 (67%)" in text and "- Soup: ▇▇▇▇▇ 1 (33%)" in text
    assert text.endswith("**Who chose what**\n- Soup: @cy\\_\n- Salad: ana, bob")
    assert polling.sent.posts("general")[-1].reply.image is None  # a trend is for weekly polls
    assert "Average" not in text


async def test_closing_responding_and_results_refuse_what_cannot_be(polling: Polling) -> None:
    await polling.mod('/poll ask Q? options="A; B"')
    cases = [
        ("/poll close 9", "There is no poll #9. See the polls with /polls."),
        ("/poll respond 9 We did a thing", "There is no poll #9. See the polls with /polls."),
        (
            "/poll respond 1 We did a thing",
            "Poll #1 is still open (until Thu 2026-11-05 09:00 (UTC)): its results are hidden "
            "until it closes. Once it has, you can respond to it.",
        ),
        (
            "/poll results 1",
            "Poll #1 is still open (until Thu 2026-11-05 09:00 (UTC)): its results are hidden "
            "until it closes. Once it has, you can see its results.",
        ),
        ("/poll results", "No poll has closed yet. See them all with /poll list."),
    ]
    for line, said in cases:
        assert not (await polling.mod(line)).ok
        assert polling.sent.answer() == said
    await polling.later(hours=1)
    await polling.mod("/poll close 1")
    assert not (await polling.mod("/poll close 1")).ok
    assert polling.sent.answer() == "Poll #1 closed on Mon 2026-11-02 10:00 (UTC)."
    refused = await polling.press("ana", "A")
    assert not refused.ok
    assert polling.sent.answer() == "This poll closed on Mon 2026-11-02 10:00 (UTC)."
    await polling.mod("/poll results")
    assert polling.sent.answer().startswith("📊 **Results of Poll #1**")


async def test_lists_show_every_poll_newest_first_and_page(polling: Polling) -> None:
    for n in range(7):
        await polling.mod(f'/poll ask Question {n}? options="A; B"')
    await polling.mod("/poll close 1")
    await polling.mod("/config set page_size 5")
    await polling.run("ana", "/polls")
    page = polling.sent.to_invoker()[-1].reply
    lines = page.text.splitlines()
    assert lines[0] == "**Polls, newest first** (page 1 of 2)"
    assert (
        lines[1] == "- **Poll #7** Question 6?: open until Thu 2026-11-05 09:00 (UTC), 0 answered"
    )
    assert [b.label for b in page.buttons] == ["Next"]
    await polling.driver.press("ana", page.buttons[0].custom_id)
    last = polling.sent.answer().splitlines()
    assert last[-2] == "- **Poll #1** Question 0?: closed Mon 2026-11-02 09:00 (UTC), 0 answered"
    await polling.mod("/poll list")
    assert polling.sent.answer().startswith("**Polls, newest first** (page 1 of 2)")


async def test_stale_buttons_and_a_written_answer_with_no_poll(polling: Polling) -> None:
    for custom_id in ("cb:poll_vote:999:1", "cb:poll_vote:x:1", "cb:poll_write:999"):
        assert not (await polling.driver.press("ana", custom_id)).ok
        assert polling.sent.answer() == (
            "This button doesn't work any more. See the polls with /polls."
        )
    await polling.mod('/poll ask Q? options="A; B"')
    poll_id = polling.button("A").split(":")[2]
    assert not (await polling.driver.press("ana", f"cb:poll_vote:{poll_id}:3")).ok  # no option 3
    assert not (await polling.driver.press("ana", f"cb:poll_write:{poll_id}")).ok
    assert polling.sent.answer() == "This poll has no written question: choose with its buttons."
    assert not (await polling.run("ana", "/polls answer more demos")).ok
    assert polling.sent.answer() == "No open poll asks for a written answer right now."


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("/config set poll_time 25:00", "`poll_time` takes a 24-hour time such as 15:00"),
        ("/config set poll_time noon", "`poll_time` takes a 24-hour time such as 15:00"),
        ("/config set poll_day someday", "`poll_day` takes a day: mon, tue, wed"),
        ("/config set poll_open_hours 0", "`poll_open_hours` takes a whole number from 1 to 336"),
        ("/config set timezone Mars/Olympus", "`timezone` takes an IANA time zone"),
    ],
)
async def test_poll_settings_refuse_what_is_not_a_time_day_or_zone(
    polling: Polling, line: str, said: str
) -> None:
    assert not (await polling.mod(line)).ok
    answer = polling.sent.to_invoker()[-1].reply
    assert answer.private and answer.text.startswith(said)
