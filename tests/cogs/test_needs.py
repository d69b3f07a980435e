"""Needs and offers: adding (form or fields), refusals, boards, editing, closing, home, news."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot import news
from bot.binding import as_member
from bot.clock import ManualClock
from bot.commands import Level
from bot.context import Context
from bot.dispatch import Actor
from bot.runtime import Runtime
from storage.models import BadgeAwardRow, MemberRow
from tests.conftest import PLACE, Driver

GRANT = '/need add what="help writing a grant for open labs" tags="grants, funding"'
REVIEW = '/offer add what="I review grant proposals" tags="grants"'


@pytest.fixture
async def people(driver: Driver) -> Driver:
    """ana, ben and cy have been seen."""
    for name in ("ana", "ben", "cy"):
        await driver.run(name, "/ping")
    driver.transport.clear()
    return driver


async def test_a_need_is_saved_with_its_number_and_without_both_fields_the_form_opens(
    people: Driver,
) -> None:
    assert (await people.run("ana", GRANT)).ok
    assert people.transport.answer().splitlines() == [
        "Saved as need #1: “help writing a grant for open labs” (grants, funding). "
        "It's on the board: /needs grants.",
        "Nobody offers this yet; whoever offers help with these tags will see it.",
    ]
    people.transport.clear()
    await people.run("ana", '/need add what="something else entirely"')
    [form] = people.transport.forms()
    assert form.form.command == "need add"
    assert [f.name for f in form.form.fields] == ["what", "tags"]
    await people.run("ben", "/offer add")
    assert people.transport.forms()[-1].form.command == "offer add"


async def test_bad_needs_are_refused_saying_what_is_allowed(people: Driver) -> None:
    cases = {
        '/need add what="abc" tags="grants"': "5 to 300 characters (that was 3)",
        '/need add what="help with grants" tags=" , "': "List at least one tag",
        '/need add what="help with grants" tags="a, b, c, d, e, f"': "That's 6 tags; pick your "
        "top 5.",
        "/need done 99": "There is no #99 here",
        "/need drop 0": "`number` takes a whole number from 1",
    }
    for line, message in cases.items():
        outcome = await people.run("ana", line)
        assert not outcome.ok, line
        assert message in people.transport.answer(), (line, people.transport.answer())
    await people.run("ben", GRANT)
    await people.run("ben", REVIEW)
    for line, message in {
        "/need done 1": "#1 is someone else's need: only they can change it",
        "/need edit 1 what='mine now, please'": "someone else's need",
        "/need done 2": "#2 is an offer, not a need",
        "/need done 1 @ana": "someone else's need",
    }.items():
        assert not (await people.run("ana", line)).ok, line
        assert message in people.transport.answer(), (line, people.transport.answer())
    await people.run("ben", "/need done 1 @ben")
    assert "not yourself or a bot" in people.transport.answer()


async def test_at_most_ten_open_needs_and_ten_offers(people: Driver) -> None:
    for n in range(10):
        assert (await people.run("ana", f'/need add what="need number {n}" tags="t{n}"')).ok
        assert (await people.run("ana", f'/offer add what="offer number {n}" tags="t{n}"')).ok
    assert not (await people.run("ana", '/need add what="one more need" tags="x"')).ok
    assert "You have 10 open needs, the most at once" in people.transport.answer()
    assert not (await people.run("ana", '/offer add what="one more offer" tags="x"')).ok
    assert "You have 10 open offers" in people.transport.answer()
    assert (await people.run("ana", "/need drop 1")).ok
    assert (await people.run("ana", '/need add what="one more need" tags="x"')).ok


async def test_boards_filter_by_tag_and_mark_what_fits_mine(people: Driver) -> None:
    await people.run("ana", GRANT)
    await people.run("cy", '/need add what="someone to pair on python" tags="python"')
    await people.run("ben", REVIEW)
    await people.run("ben", "/needs")
    board = people.transport.answer().splitlines()
    assert board[0] == "**Open needs: 2, newest first**"
    assert board[1].startswith("- #2 **cy**: someone to pair on python (python)")
    assert not board[1].endswith("fits your offers")
    assert board[2].endswith("✨ fits your offers") and "#1 **ana**" in board[2]
    await people.run("ben", "/needs #Grants")
    assert people.transport.answer().splitlines()[0] == (
        "**Open needs tagged grants: 1, newest first**"
    )
    await people.run("ana", "/offers grants")
    assert people.transport.answer().splitlines()[1].endswith("✨ fits your needs")
    await people.run("ana", "/needs nothing-like-this")
    assert people.transport.answer() == (
        "No open needs tagged nothing-like-this yet. Add one with /need add."
    )


async def test_mine_lists_every_need_with_its_number_and_state(people: Driver) -> None:
    await people.run("ana", GRANT)
    await people.run("ana", '/need add what="a venue for the meetup" tags="events"')
    await people.run("ana", '/need add what="a co-organiser" tags="events"')
    assert (await people.run("ana", '/need edit 3 what="a co-organiser for May"')).ok
    assert people.transport.answer() == "Need #3 now reads: “a co-organiser for May” (events)."
    assert (await people.run("ana", '/need edit 3 tags="events, may"')).ok
    await people.run("ana", "/need done 1 @ben")
    await people.run("ana", "/need drop 2")
    assert "Dropped need #2" in people.transport.answer()
    await people.run("ana", "/needs mine")
    lines = people.transport.answer().splitlines()
    assert lines[0] == "**Your needs: 3**"
    assert lines[1].startswith("- #3 a co-organiser for May (events, may): open since")
    assert "#1 help writing a grant for open labs (grants, funding): met with help from " in (
        "\n".join(lines)
    )
    assert any(
        line.startswith("- #2 a venue for the meetup (events): dropped on") for line in lines
    )
    assert not (await people.run("ana", "/need done 1")).ok
    assert "already met" in people.transport.answer()


async def test_tag_suggestions_come_from_the_boards_and_intros(
    people: Driver, runtime: Runtime
) -> None:
    await people.run("cy", '/intro about="c" goals="g" interests="fundraising"')
    await people.run("ana", GRANT)
    spec = runtime.registry.command("need add")
    assert spec is not None
    offered = await runtime.dispatcher.suggest(PLACE, Actor("ben", "ben"), spec, "tags", "FUND")
    assert offered == ["funding", "fundraising"]


async def test_home_and_whats_new(people: Driver, runtime: Runtime, clock: ManualClock) -> None:
    await people.run("ana", GRANT)
    await people.run("ana", "/need done 1 @ben")
    await people.run("ana", '/need add what="a venue for the meetup" tags="events"')
    await people.run("ana", '/offer add what="I can teach R" tags="r"')
    await runtime.dispatcher.emit(PLACE, Actor("ana", "ana"), "home_opened", people.transport)
    home = next(t for t in people.transport.texts() if t.startswith("**Your needs and offers**"))
    assert home.splitlines() == [
        "**Your needs and offers**",
        "Open needs: #2 a venue for the meetup",
        "Open offers: #3 I can teach R",
        "Needs met: 1 (latest: #1 help writing a grant for open labs with help from **ben**)",
    ]
    people.transport.clear()
    await runtime.dispatcher.emit(PLACE, Actor("ben", "ben"), "home_opened", people.transport)
    assert any(
        "You helped meet 1 need (latest: **ana**'s #1" in t for t in people.transport.texts()
    )
    since = clock.now()
    clock.advance(timedelta(days=1))
    await people.run("cy", '/offer add what="I know every venue in town" tags="events"')
    await people.run("ben", '/offer add what="I can teach R as well" tags="r"')
    found: list[str] = []

    async def body(ctx: Context) -> None:
        row = (await ctx.session.exec(select(MemberRow).where(MemberRow.name == "ana"))).one()
        found.extend(await news.gather(ctx, as_member(row), since))

    assert await runtime.dispatcher.run_as_bot(PLACE, body, people.transport)
    assert [line for line in found if line.startswith("🤝")] == [
        "🤝 1 new offer fit your needs, from **cy**: see /offers"
    ]


async def test_needs_met_and_helped_are_badge_metrics(people: Driver, runtime: Runtime) -> None:
    runtime.dispatcher.transports[PLACE.platform] = lambda place: people.transport
    mod = Level.MODERATOR
    await people.run("mod", "/config set badges.regular.rule needs_helped >= 1", mod)
    await people.run("mod", "/config set badges.stalwart.rule needs_met >= 1", mod)
    await people.run("ana", '/need add what="help writing a grant" tags="grants"')
    await people.run("ana", "/need done 1 @ben")
    await runtime.scheduler.run_now("badge_recheck")
    async with runtime.db.session() as session:
        held = {
            (name, badge)
            for name, badge in (
                await session.exec(
                    select(MemberRow.name, BadgeAwardRow.badge).join(
                        BadgeAwardRow, col(BadgeAwardRow.member_id) == MemberRow.id
                    )
                )
            ).all()
        }
    assert ("ben", "regular") in held and ("ana", "stalwart") in held
    assert ("ana", "regular") not in held and ("ben", "stalwart") not in held
