"""The weekly check-in: posted on time, answered anonymously, counted, closed with results."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot import render
from bot.clock import ManualClock
from bot.reply import ToChannel
from bot.runtime import Runtime
from tests.cogs.polling import WEEKLY_AT, Polling, polling_on

LABELS = ["1 · Not at all", "2 · A little", "3 · Somewhat", "4 · Very", "5 · Extremely"]


@pytest.fixture
async def polling(runtime: Runtime, clock: ManualClock) -> Polling:
    """The community, seen at START; jobs deliver to the test transport."""
    return await polling_on(runtime, clock)


async def weekly(polling: Polling) -> ToChannel:
    """Move to just after the first Monday's 15:00; the check-in it posted."""
    await polling.at(WEEKLY_AT + timedelta(seconds=1))
    return polling.sent.polls()[-1]


async def test_the_weekly_check_in_is_posted_on_monday_at_15_in_general(polling: Polling) -> None:
    await polling.at(WEEKLY_AT - timedelta(minutes=1))
    assert polling.sent.polls() == []
    post = await weekly(polling)
    assert post.channel == "general"
    text = post.reply.text
    assert text.startswith("📋 **Poll #1 · Weekly check-in**")
    assert "**How valuable was the community for you this week?**" in text
    assert "**What should we do more of?** Press ✍️ Answer" in text
    assert "Open until Thu 2026-11-05 15:00 (UTC): 0 answered so far." in text
    assert "nobody, moderators included, can see who answered what" in text
    assert [b.label for b in post.reply.buttons] == [*LABELS, "✍️ Answer"]
    await polling.later(days=1)
    assert len(polling.sent.polls()) == 1  # once a week


async def test_the_job_opens_one_poll_per_period_even_when_run_twice(polling: Polling) -> None:
    await weekly(polling)
    local = polling.runtime.scheduler.local
    assert local is not None
    due = (await local.between(WEEKLY_AT - timedelta(days=7), WEEKLY_AT))[-1]
    assert due.spec.name == "weekly_poll"
    assert (await local.run(due))[0]  # the record says done; the poll table says asked
    assert [p.number for p in await polling.rows()] == [1]
    assert len(polling.sent.polls()) == 1


async def test_moderators_move_or_stop_the_weekly_poll(polling: Polling) -> None:
    for line in (
        "/config set poll_day wed",
        "/config set poll_time 9:30",
        "/config set timezone europe/paris",
        "/config set feedback_channel feedback",
        "/config set poll_open_hours 24",
    ):
        assert (await polling.mod(line)).ok
    await polling.at(WEEKLY_AT + timedelta(days=2, hours=-6, minutes=-31))  # Wed 08:29 UTC
    assert polling.sent.polls() == []
    await polling.later(minutes=2)
    post = polling.sent.polls()[-1]
    assert post.channel == "feedback"
    assert "Open until Thu 2026-11-05 09:30 (Europe/Paris)" in post.reply.text
    await polling.mod("/config set weekly_poll no")
    await polling.later(days=14)
    assert len(polling.sent.polls()) == 1


async def test_a_vote_is_counted_once_and_answered_privately(polling: Polling) -> None:
    await weekly(polling)
    assert (await polling.press("ana", "4 ·")).ok
    answer = polling.sent.to_invoker()[-1].reply
    assert answer.private
    assert answer.text == (
        "Thanks, your answer is counted anonymously. Anonymous answers can't be changed."
    )
    again = await polling.press("ana", "2 ·")
    assert not again.ok and "Anonymous answers can't be changed" in polling.sent.answer()
    assert polling.sent.to_invoker()[-1].reply.private


async def test_the_written_question_opens_a_one_field_form(polling: Polling) -> None:
    await weekly(polling)
    await polling.press("ana", "✍️")
    form = polling.sent.forms()[-1].form
    assert form.command == "polls answer"
    assert [f.label for f in form.fields] == ["What should we do more of?"]
    assert form.title == "Poll #1 (anonymous)"
    done = await polling.driver.submit("ana", form.command, {"answer": "more demos"})
    assert done.ok and polling.sent.answer().startswith("Thanks, your answer is counted")
    refused = await polling.press("ana", "✍️")
    assert not refused.ok and "already answered" in polling.sent.answer()
    # A rating is its own question: she may still give one.
    assert (await polling.press("ana", "5 ·")).ok


async def test_the_post_shows_the_count_at_most_every_30_seconds(polling: Polling) -> None:
    await weekly(polling)
    for name in ("ana", "bob", "cy"):
        await polling.press(name, "3 ·")
    await polling.write("ana", "more demos")  # ana again: she counts once
    assert polling.sent.edits() == []  # no edit per vote
    await polling.later(seconds=30)
    edits = polling.sent.edits()
    assert len(edits) == 1 and "3 answered so far" in edits[0].reply.text
    assert [b.label for b in edits[0].reply.buttons] == [*LABELS, "✍️ Answer"]
    await polling.press("dee", "1 ·")
    await polling.later(seconds=10)
    assert len(polling.sent.edits()) == 1  # the last edit was under 30 s ago
    await polling.later(seconds=20)
    assert len(polling.sent.edits()) == 2 and "4 answered" in polling.sent.edits()[-1].reply.text
    await polling.later(minutes=10)
    assert len(polling.sent.edits()) == 2  # nothing new, no edit


async def test_at_close_the_post_shows_results_and_the_results_post_follows(
    polling: Polling,
) -> None:
    post = await weekly(polling)
    for name, label in (("ana", "5 ·"), ("bob", "4 ·"), ("cy", "4 ·"), ("dee", "1 ·")):
        await polling.press(name, label)
    for name, text in (("ana", "more demos"), ("bob", "@everyone pizza"), ("cy", "[x](y) talks")):
        await polling.write(name, text)
    polling.sent.clear()
    await polling.at(WEEKLY_AT + timedelta(days=3))
    closed = polling.sent.edits()[-1]
    assert closed.reply.buttons == ()  # nobody presses a closed poll
    assert "(closed)" in closed.reply.text and "- 4 · Very: 2" in closed.reply.text
    results = polling.sent.posts("general")[-1]
    text = results.reply.text
    assert text.startswith("📊 **Results of Poll #1 · Weekly check-in**")
    assert "Closed on Thu 2026-11-05 15:00 (UTC), 4 answered." in text
    assert "- 4 · Very: ▇▇▇▇▇▇▇▇▇▇ 2 (50%)" in text and "- 2 · A little: 0" in text
    assert "- 5 · Extremely: ▇▇▇▇▇ 1 (25%)" in text
    assert "**Average: 3.5 of 5**" in text
    assert "**What should we do more of?** 3 answers, in random order:" in text
    written = [line for line in text.splitlines() if line.startswith("- ") and "·" not in line]
    assert sorted(written) == sorted(
        [f"- {render.safe(t)}" for t in ("more demos", "@everyone pizza", "[x](y) talks")]
    )
    assert "@everyone" not in text  # neutralised
    image = results.reply.image
    assert image is not None and image.png.startswith(b"\x89PNG")
    assert image.alt == (
        "Average rating of poll #1: 3.5 of 5. It is the first weekly poll with ratings, so there "
        "is no trend yet."
    )
    late = await polling.press("eve", "2 ·", post)
    assert not late.ok
    assert polling.sent.answer() == "This poll closed on Thu 2026-11-05 15:00 (UTC)."
    before = len(polling.sent.sent)
    await polling.runtime.scheduler.run_now("close_polls")
    assert len(polling.sent.sent) == before  # closed once


async def test_the_answers_order_is_random_but_the_same_each_time(polling: Polling) -> None:
    await weekly(polling)
    texts = [f"idea {n}" for n in range(8)]
    for n, text in enumerate(texts):
        await polling.write(f"m{n}", text)
    await polling.at(WEEKLY_AT + timedelta(days=3))
    shown = [line[2:] for line in polling.sent.posts("general")[-1].reply.text.splitlines()]
    order = [line for line in shown if line.startswith("idea")]
    assert sorted(order) == texts and order != texts
    await polling.run("ana", "/polls results 1")
    again = [line[2:] for line in polling.sent.answer().splitlines() if line.startswith("- idea")]
    assert again == order


async def test_you_said_we_did_is_posted_and_listed_atop_the_next_weekly_poll(
    polling: Polling,
) -> None:
    await weekly(polling)
    await polling.press("ana", "2 ·")
    await polling.at(WEEKLY_AT + timedelta(days=3))
    assert (await polling.mod("/poll respond 1 We now hold a demo every Friday")).ok
    assert polling.sent.answer().startswith("Recorded and posted in #general.")
    said = polling.sent.posts("general")[-1].reply.text
    assert (
        said
        == "💬 **You said, we did** · Poll #1 · Weekly check-in\nWe now hold a demo every Friday"
    )
    await polling.at(WEEKLY_AT + timedelta(days=7, seconds=1))
    text = polling.sent.polls()[-1].reply.text
    assert text.splitlines()[:3] == [
        "📋 **Poll #2 · Weekly check-in**",
        "💬 Last time you told us what you need; here is what we did:",
        "- Poll #1: We now hold a demo every Friday",
    ]
    await polling.press("bob", "4 ·")
    await polling.later(seconds=30)
    assert "- Poll #1: We now hold" in polling.sent.edits()[-1].reply.text  # kept on edits
    await polling.at(WEEKLY_AT + timedelta(days=14, seconds=1))
    assert "here is what we did" not in polling.sent.polls()[-1].reply.text  # listed once
    await polling.run("ana", "/polls results 1")
    assert polling.sent.answer().endswith(
        "💬 **You said, we did**\n- We now hold a demo every Friday"
    )


async def test_the_trend_compares_with_earlier_weeks(polling: Polling) -> None:
    for week, labels in enumerate((["2 ·", "3 ·"], ["4 ·", "5 ·"], ["3 ·", "3 ·"])):
        await polling.at(WEEKLY_AT + timedelta(days=7 * week, seconds=1))
        for name, label in zip(("ana", "bob"), labels, strict=True):
            await polling.press(name, label)
    await polling.at(WEEKLY_AT + timedelta(days=17))
    results = polling.sent.posts("general")[-1]
    assert "**Average: 3.0 of 5** (down 1.5; poll #2: 4.5)" in results.reply.text
    assert results.reply.image is not None
    assert results.reply.image.alt == (
        "Average rating of the last 3 weekly polls, of 5: #1 2.5, #2 4.5, #3 3.0; "
        "up 0.5 since poll #1."
    )
    assert results.reply.image.filename == "poll-3-trend.png"


async def test_a_written_answer_can_be_typed_and_goes_to_the_open_poll(polling: Polling) -> None:
    await weekly(polling)
    assert (await polling.run("ana", "/polls answer more demos, please")).ok
    await polling.run("bob", "/polls answer")  # no words: the form opens
    assert polling.sent.forms()[-1].form.command == "polls answer"
    await polling.at(WEEKLY_AT + timedelta(days=3))
    assert "- more demos, please" in polling.sent.posts("general")[-1].reply.text
