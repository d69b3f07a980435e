"""The digest: each feature's section, the weekly post, /digest, and nothing private or pinging."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.pages import to_chat, to_html
from bot.runtime import Runtime
from tests.cogs.digesting import DIGEST_AT, HOSTILE, busy_week, page_now
from tests.cogs.polling import Polling, polling_on
from tests.conftest import PLACE


@pytest.fixture
async def polling(runtime: Runtime, clock: ManualClock) -> Polling:
    """The community, seen at START; jobs deliver to the test transport; a busy week behind."""
    polling = await polling_on(runtime, clock)
    await busy_week(polling)
    return polling


def digests(polling: Polling, channel: str = "general") -> list[str]:
    """The digests posted so far in a channel."""
    return [p.reply.text for p in polling.sent.posts(channel) if "digest**" in p.reply.text]


async def test_every_feature_adds_its_section(polling: Polling) -> None:
    page = await page_now(polling.runtime, PLACE)
    assert page.title == "Testers digest"
    assert page.subtitle == "26 October to 2 November 2026 (UTC)"
    assert page.footer == "Made with copbot"
    sections = {s.title: s for s in page.sections}
    assert list(sections) == [
        "👋 New members",
        "🙌 Kudos",
        "🏅 Badges earned",
        "🗳️ Last poll",
        "🤝 Needs met",
        "☕ Matching",
    ]
    new = sections["👋 New members"]
    assert new.summary.startswith("3 members introduced themselves")
    assert [line.text for line in new.lines] == [
        "ana: oer, maths",
        f"{HOSTILE}: oer",
        "bob: chemistry",
    ]
    kudos = sections["🙌 Kudos"]
    assert kudos.summary.startswith("3 kudos given")
    texts = [line.text for line in kudos.lines]
    assert "ana → bob: for the slides on open textbooks" in texts
    assert "⭐ mod → bob: for hosting the session" in texts
    badges = [line.text for line in sections["🏅 Badges earned"].lines]
    assert "📣 Advocate: ana" in badges
    assert f"🙏 First thanks: ana, {HOSTILE} and mod" in badges
    needs = sections["🤝 Needs met"]
    assert needs.summary.startswith("1 need met")
    assert [line.text for line in needs.lines] == ["#1 help writing a grant, with help from bob"]
    matching = sections["☕ Matching"]
    assert matching.summary.startswith("1 meeting reported")
    assert [line.text for line in matching.lines] == [
        "1 need met in a meeting",
        "1 meeting made something together",
    ]
    poll = sections["🗳️ Last poll"]
    assert poll.summary == "Poll #1: Which day suits the meetup? (3 answered)"
    assert [line.text for line in poll.lines] == [
        "Most chosen: Thursday (2 of 3)",
        "You said, we did: The meetup moves to Thursdays from next month",
    ]


async def test_nothing_private_and_no_names_of_who_answered_or_met(polling: Polling) -> None:
    text = to_chat(await page_now(polling.runtime, PLACE), most=50)
    poll_and_matching = text[text.index("Last poll") :]
    poll_and_matching = poll_and_matching[: poll_and_matching.index("Needs met")]
    for name in ("ana", "bob", "cy"):
        assert name not in poll_and_matching  # who chose what is never shown
    assert "Matching" in text
    assert "ana" not in text[text.index("Matching") :]  # meetings are counted, not named
    assert "help with grants" not in text  # only needs met, never open ones


async def test_member_text_never_pings_in_chat_and_is_escaped_in_html(polling: Polling) -> None:
    page = await page_now(polling.runtime, PLACE)
    chat = to_chat(page)
    assert HOSTILE in "\n".join(line.text for s in page.sections for line in s.lines)
    assert "@everyone" not in chat
    assert "<script>" not in chat
    html = to_html(page)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


async def test_the_digest_is_posted_on_friday_at_16_once_per_week(polling: Polling) -> None:
    await polling.at(DIGEST_AT - timedelta(minutes=1))
    assert digests(polling) == []
    await polling.at(DIGEST_AT + timedelta(seconds=1))
    [posted] = digests(polling)
    assert posted.startswith("**Testers digest**\n30 October to 6 November 2026 (UTC)")
    assert "**🙌 Kudos**" in posted and posted.endswith("Made with copbot")
    local = polling.runtime.scheduler.local
    assert local is not None
    due = [d for d in await local.between(DIGEST_AT - timedelta(days=1), DIGEST_AT)]
    [again] = [d for d in due if d.spec.name == "digest"]
    await local.run(again)  # run again: the record and the outbox key both say done
    assert len(digests(polling)) == 1
    await polling.later(days=7)  # a quiet week follows: nothing is posted
    assert len(digests(polling)) == 1


async def test_moderators_move_or_stop_the_digest(polling: Polling) -> None:
    for line in (
        "/config set digest_day wed",
        "/config set digest_time 9:30",
        "/config set digest_channel news",
    ):
        assert (await polling.mod(line)).ok, polling.sent.answer()
    assert not (await polling.mod("/config set digest_day someday")).ok
    assert not (await polling.mod("/config set digest_time 25:00")).ok
    await polling.at(START_WED - timedelta(minutes=1))
    assert digests(polling, "news") == []
    await polling.at(START_WED + timedelta(seconds=1))
    assert len(digests(polling, "news")) == 1
    await polling.run("ana", "/kudos @bob for the notes from the session")
    await polling.mod("/config set weekly_digest off")
    await polling.later(days=14)
    assert len(digests(polling, "news")) == 1


START_WED = DIGEST_AT.replace(day=4, hour=9, minute=30)  # Wednesday 4 November, 09:30 UTC


async def test_digest_on_demand_for_a_week_or_a_month(polling: Polling) -> None:
    assert (await polling.run("cy", "/digest")).ok
    reply = polling.sent.to_invoker()[-1].reply
    assert reply.private
    assert reply.text.startswith("**Testers digest**\n26 October to 2 November 2026 (UTC)")
    await polling.later(days=20)
    await polling.run("cy", "/digest week")
    assert polling.sent.answer().startswith("A quiet week: nothing to report yet.")
    await polling.run("cy", "/digest month")
    assert polling.sent.answer().startswith("**Testers digest**\n23 October to 22 November")


async def test_a_bad_period_is_refused_kindly(polling: Polling) -> None:
    outcome = await polling.run("cy", "/digest year")
    assert not outcome.ok
    answer = polling.sent.to_invoker()[-1].reply
    assert answer.private
    assert "week" in answer.text and "month" in answer.text
