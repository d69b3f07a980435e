"""Files of any kind are shared after a Slack message with files_upload_v2, as pictures are."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.commands import Member
from bot.dispatch import Place
from bot.reply import Attachment, Reply, ToMember
from tests.bot.adapters.slack.harness import BOB, Bot, slack_bot

REPORT = Attachment(b"# Impact\n", "impact-bob-2026-11-02.md", "Your report", "text/markdown")
PAGE = Attachment(b"<!doctype html><p>hi</p>", "impact-bob-2026-11-02.html", "", "text/html")


@pytest.fixture
async def bot() -> AsyncIterator[Bot]:
    async with slack_bot("http") as running_bot:
        yield running_bot


async def test_an_attached_report_reaches_the_dm(bot: Bot) -> None:
    place = Place("slack", bot.fake.team_id, bot.fake.team_name)
    transport = bot.runtime.dispatcher.transports["slack"](place)
    reply = Reply("Your report", files=(REPORT, PAGE))
    ref = await transport.deliver(place, ToMember(Member(1, BOB, "bob"), reply, nonce="n-1"))
    message = bot.fake.dms(BOB)[0]
    assert ref == f"{message.channel}/{message.ts}"
    uploads = bot.fake.files_in(message.channel)
    assert [(f.filename, f.data) for f in uploads] == [
        (REPORT.filename, REPORT.data),
        (PAGE.filename, PAGE.data),
    ]
    assert uploads[0].alt_txt == "Your report"
    assert bot.fake.warnings == [] and bot.fake.failed_calls() == []
