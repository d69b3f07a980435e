"""What the digest tests share: a week with something from every feature, and a hostile member."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.commands import Level
from bot.context import Context
from bot.digest import gather_digest
from bot.dispatch import Place
from bot.pages import Page
from bot.runtime import Runtime
from storage.models import MatchGroupRow, MatchRoundRow, MatchSeatRow, MemberRow
from storage.models.matching import MADE, MET, NEED_MET
from tests.cogs.polling import Polling
from tests.conftest import START

MOD = Level.MODERATOR
HOSTILE = "@everyone <script>alert(1)</script>"
DIGEST_AT = START.replace(hour=16) + timedelta(days=4)  # the first Friday's digest, in UTC


async def busy_week(polling: Polling) -> None:
    """A week with newcomers, thanks, a badge, a need met, a meeting and a poll with a response."""
    run, mod = polling.run, polling.mod
    await run("ana", '/intro about="a" goals="g" interests="oer, maths"')
    await run(HOSTILE, '/intro about="x" goals="g" interests="oer"')
    await run("bob", '/intro about="b" goals="g" interests="chemistry"')
    await run("ana", "/kudos @bob for the slides on open textbooks")
    assert (await run(HOSTILE, f"/kudos @ana thanks {HOSTILE}")).ok, polling.sent.answer()
    await mod("/spotlight @bob for hosting the session")
    await mod("/badge grant @ana Advocate Spoke about us at OER Global")
    await run("ana", '/need add what="help writing a grant" tags="grants"')
    await run("ana", "/need done 1 @bob")
    await mod('/poll ask "Which day suits the meetup?" options="Tuesday; Thursday" anonymous=yes')
    await polling.press("bob", "Thursday")
    await polling.press("ana", "Thursday")
    await polling.press("cy", "Tuesday")
    await mod("/poll close 1")
    await mod("/poll respond 1 The meetup moves to Thursdays from next month")
    await met_once(polling.runtime)
    await polling.later(minutes=1)  # the clock is frozen: a period ends before its `until`
    polling.sent.clear()


async def met_once(runtime: Runtime) -> None:
    """One matching group of ana and bob, who both said they met and a need was met."""
    now = runtime.clock.now()
    async with runtime.db.session() as session, session.begin():
        ana, bob = [
            (await session.exec(select(MemberRow).where(MemberRow.name == n))).one()
            for n in ("ana", "bob")
        ]
        round_row = MatchRoundRow(
            community_id=ana.community_id,
            number=1,
            period="test",
            started_at=now,
            pool=2,
            follow_up_at=now + timedelta(days=5),
        )
        session.add(round_row)
        await session.flush()
        group = MatchGroupRow(
            round_id=round_row.id or 0, position=0, community_id=ana.community_id, score=1, why="{}"
        )
        session.add(group)
        await session.flush()
        for member, came in ((ana, NEED_MET), (bob, MADE)):
            session.add(
                MatchSeatRow(
                    group_id=group.id or 0,
                    member_id=member.id,
                    answer=MET,
                    answered_at=now,
                    came_of_it=came,
                )
            )


async def page_now(runtime: Runtime, place: Place, days: int = 7) -> Page:
    """The digest of the last `days`, gathered as the bot in the community."""
    found: list[Page] = []
    now = runtime.clock.now()

    async def body(ctx: Context) -> None:
        found.append(await gather_digest(ctx, now - timedelta(days=days), now))

    transport = runtime.dispatcher.transports[place.platform](place)
    assert await runtime.dispatcher.run_as_bot(place, body, transport)
    return found[0]
