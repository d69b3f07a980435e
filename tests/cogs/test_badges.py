"""Badges: awarded right after the action, the daily re-check, the lists, grants and revocations."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import pytest
from sqlmodel import select

from bot import render
from bot.clock import ManualClock
from bot.commands import Level, Member, command
from bot.context import Context
from bot.dispatch import Actor
from bot.runtime import Runtime
from storage.models import BadgeAwardRow, BadgeEventRow, KudosGroupRow, KudosRow, MemberRow
from tests.conftest import PLACE, START, Driver

MOD = Level.MODERATOR
PEOPLE = ("ana", "bob", "cy", "dee", "eve", "fay", "mod")


class Nudge:
    """A stand-in for any command that earns recognition (kudos, intros)."""

    @command("nudge")
    async def nudge(
        self, ctx: Context, member: Annotated[Member | None, "Who else progressed"] = None
    ) -> None:
        """Mark the author (and a member) as having progressed."""
        ctx.progressed(ctx.author, *([member] if member else []))
        ctx.reply("nudged", private=True)


@pytest.fixture
async def people(driver: Driver, runtime: Runtime) -> Driver:
    """Members ana … fay and mod have been seen; /nudge exists; jobs reach the test platform."""
    runtime.registry.add_cog(Nudge())
    runtime.dispatcher.transports[PLACE.platform] = lambda place: driver.transport
    for name in PEOPLE:
        await driver.run(name, "/ping")
    driver.transport.clear()
    return driver


async def _ids(runtime: Runtime) -> dict[str, int]:
    async with runtime.db.session() as session:
        rows = (await session.exec(select(MemberRow))).all()
    return {row.name: row.id or 0 for row in rows}


async def give(
    runtime: Runtime, giver: str, receiver: str, *, times: int = 1, days_ago: int = 0
) -> None:
    """Kudos written straight to the tables, as the kudos cog would write them."""
    ids = await _ids(runtime)
    async with runtime.db.session() as session, session.begin():
        community_id = (await session.get(MemberRow, ids[giver])).community_id  # type: ignore[union-attr]
        for _ in range(times):
            at = START - timedelta(days=days_ago)
            group = KudosGroupRow(
                community_id=community_id, giver_id=ids[giver], reason="thanks", created_at=at
            )
            session.add(group)
            await session.flush()
            assert group.id is not None
            session.add(
                KudosRow(
                    community_id=community_id,
                    group_id=group.id,
                    giver_id=ids[giver],
                    receiver_id=ids[receiver],
                    created_at=at,
                )
            )


async def set_member(runtime: Runtime, name: str, **values: object) -> None:
    """Change a member's stored columns (active days, when they left)."""
    async with runtime.db.session() as session, session.begin():
        row = (await session.exec(select(MemberRow).where(MemberRow.name == name))).one()
        for key, value in values.items():
            setattr(row, key, value)


async def awards(runtime: Runtime) -> list[tuple[str, str]]:
    """Every (member, badge) held, in a stable order."""
    ids = {v: k for k, v in (await _ids(runtime)).items()}
    async with runtime.db.session() as session:
        rows = (await session.exec(select(BadgeAwardRow).order_by(BadgeAwardRow.id))).all()
    return [(ids[row.member_id], row.badge) for row in rows]


async def appreciate(runtime: Runtime, name: str = "ana") -> None:
    """Enough kudos for Appreciated: 10 from 5 people."""
    for giver in ("bob", "cy", "dee", "eve", "fay"):
        await give(runtime, giver, name, times=2)


async def test_a_rule_badge_is_announced_right_after_the_action_once(
    people: Driver, runtime: Runtime
) -> None:
    await appreciate(runtime)
    await people.run("ana", "/nudge")
    posts = people.transport.posts(None)
    assert [p.reply.text for p in posts] == [
        f"🌱 {render.mention(Member(0, 'ana', 'ana'))} earned **Appreciated**: "
        "received 10 kudos from at least 5 people"
    ]
    assert render.mentioned_ids(posts[0].reply.text) == ["ana"]
    await people.run("ana", "/nudge")
    await people.run("mod", "/nudge @ana")
    assert len(people.transport.posts(None)) == 1  # never twice
    assert await awards(runtime) == [("ana", "appreciated")]


async def test_awards_go_to_the_badge_channel_and_cover_everyone_who_progressed(
    people: Driver, runtime: Runtime
) -> None:
    await people.run("mod", "/config set badge_channel #badges", MOD)
    await appreciate(runtime)
    await give(runtime, "ana", "bob")
    await people.run("ana", "/nudge @bob")
    texts = [p.reply.text for p in people.transport.posts("badges")]
    assert len(texts) == 3 and "earned **First thanks**" in texts[0]  # ana thanked bob
    assert "**Appreciated**" in texts[1] and render.mentioned_ids(texts[2]) == ["bob"]
    assert await awards(runtime) == [
        ("ana", "first_thanks"),
        ("ana", "appreciated"),
        ("bob", "first_thanks"),
    ]


async def test_the_daily_recheck_backfills_with_one_summary_and_is_idempotent(
    people: Driver, runtime: Runtime
) -> None:
    await set_member(runtime, "ana", active_days=20)
    await set_member(runtime, "bob", active_days=25)
    await set_member(runtime, "cy", active_days=30, left_at=START)  # gone: not awarded
    assert await runtime.scheduler.run_now("badge_recheck") == 2
    posts = people.transport.posts("general")
    assert len(posts) == 1 and len(people.transport.sent) == 1
    assert posts[0].reply.text.startswith("🏅 **2 new badges** today")
    assert "📅 **Regular**: " in posts[0].reply.text
    assert render.mentioned_ids(posts[0].reply.text) == ["ana", "bob"]
    assert await runtime.scheduler.run_now("badge_recheck") == 0
    assert len(people.transport.sent) == 1  # nothing new, no post
    # A rule changed later is backfilled, in the kudos channel when there is one.
    await people.run("mod", "/config set kudos_channel thanks", MOD)
    await people.run("mod", "/config set badges.spotlight.rule active_days >= 25", MOD)
    people.transport.clear()
    assert await runtime.scheduler.run_now("badge_recheck") == 1
    [post] = people.transport.posts("thanks")
    assert "⭐ **Spotlight**: " in post.reply.text and render.mentioned_ids(post.reply.text) == [
        "bob"
    ]


async def test_badges_shows_dates_and_progress_toward_the_next(
    people: Driver, runtime: Runtime
) -> None:
    await give(runtime, "ana", "bob")
    await people.run("ana", "/nudge")
    for giver in ("bob", "cy", "dee"):
        await give(runtime, giver, "ana", times=2)
    await give(runtime, "bob", "ana")
    await people.run("ana", "/badges")
    shown = people.transport.last()
    assert shown.startswith("**Your badges (1)**\n- 🙏 **First thanks**, 2026-11-02")
    assert "- 🌱 **Appreciated**: 7/10 kudos received, 3/5 distinct givers" in shown
    assert shown.index("Appreciated") < shown.index("Valued")  # nearest first
    await people.run("bob", "/badges @ana")
    assert people.transport.last().startswith("**ana's badges (1)**")
    assert people.transport.to_invoker()[-1].reply.private


async def test_badges_list_shows_rules_in_words_and_counts(
    people: Driver, runtime: Runtime
) -> None:
    for name in ("ana", "bob"):
        await give(runtime, name, "cy")
        await people.run(name, "/nudge")
    await people.run("cy", "/badges list")
    listed = people.transport.last()
    assert (
        "- 🙏 **First thanks** (`first_thanks`): Thanked someone for the first time. "
        "How: at least 1 kudos given. Held by 2 members." in listed
    )
    assert "How: at least 10 kudos received and at least 5 distinct givers" in listed
    assert "**Advocate** (`advocate`)" in listed and "How: granted by moderators." in listed


async def test_grant_and_revoke_are_announced_and_recorded(
    people: Driver, runtime: Runtime
) -> None:
    await people.run("mod", "/badge grant @ana Advocate Spoke about us at OER Global", MOD)
    [post] = people.transport.posts(None)
    assert post.reply.text == (
        f"📣 {render.mention(Member(0, 'ana', 'ana'))} was granted **Advocate** by mod: "
        "Spoke about us at OER Global"
    )
    assert render.mentioned_ids(post.reply.text) == ["ana"]
    assert "Done: ana now holds 📣 **Advocate**." in people.transport.last()
    await people.run(
        "mod", '/badge grant @bob "first THANKS" A correction: the rule missed it', MOD
    )
    await people.run("mod", "/badge revoke @ana advocate Granted to the wrong person", MOD)
    assert "ana no longer holds 📣 **Advocate**" in people.transport.last()
    assert await awards(runtime) == [("bob", "first_thanks")]
    ids = await _ids(runtime)
    async with runtime.db.session() as session:
        events = (await session.exec(select(BadgeEventRow).order_by(BadgeEventRow.id))).all()
    assert [(e.member_id, e.badge, e.action, e.by_id, e.reason) for e in events] == [
        (ids["ana"], "advocate", "grant", ids["mod"], "Spoke about us at OER Global"),
        (ids["bob"], "first_thanks", "grant", ids["mod"], "A correction: the rule missed it"),
        (ids["ana"], "advocate", "revoke", ids["mod"], "Granted to the wrong person"),
    ]


async def test_a_revoked_rule_badge_is_not_awarded_again(people: Driver, runtime: Runtime) -> None:
    await give(runtime, "ana", "bob")
    await people.run("ana", "/nudge")
    await people.run("mod", "/badge revoke @ana first_thanks Thanks were a test only", MOD)
    await give(runtime, "ana", "cy")
    await people.run("ana", "/nudge")
    assert await runtime.scheduler.run_now("badge_recheck") == 0
    assert await awards(runtime) == []


async def test_bad_grants_and_revokes_get_clear_refusals(people: Driver) -> None:
    await people.run("mod", "/badge grant @ana mentor Welcomes every newcomer", MOD)
    cases = {
        "/badge grant @ana cheerleader Always cheering": "There is no badge “cheerleader”. "
        "The badges are: hello, first_thanks,",
        "/badge grant @ana mentor ok": "`reason` needs at least 5 characters",
        "/badge grant @ana mentor": "Missing `reason`",
        "/badge grant @ana mentor Welcomes them all again": "**ana** already holds 🧭 **Mentor**",
        "/badge revoke @bob mentor Not a mentor after all": "**bob** doesn't hold 🧭 **Mentor**",
        "/badge grant @zed mentor Welcomes every newcomer": "I can't find @zed",
    }
    for line, message in cases.items():
        outcome = await people.run("mod", line, MOD)
        assert not outcome.ok, line
        assert message in people.transport.last(), (line, people.transport.last())
        assert people.transport.to_invoker()[-1].reply.private
    outcome = await people.run("ana", "/badge grant @ana mentor I deserve it surely")
    assert not outcome.ok and "Only moderators can use /badge grant" in people.transport.last()


async def test_advocates_lists_holders_and_the_most_generous(
    people: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await people.run("mod", "/badge grant @bob mentor Welcomes every newcomer", MOD)
    clock.advance(timedelta(hours=1))  # holders are listed earliest first
    await people.run("mod", "/badge grant @ana mentor Runs the mentoring circle", MOD)
    await give(runtime, "cy", "ana", times=4)
    await give(runtime, "dee", "ana", times=2)
    await give(runtime, "eve", "ana", times=9, days_ago=120)  # long ago: not counted
    await people.run("fay", "/advocates")
    shown = people.transport.last()
    assert "- 📣 **Advocate**: nobody yet" in shown
    assert "- 🧭 **Mentor**: bob, ana" in shown
    assert shown.endswith(
        "**Most generous in the last 90 days** (kudos given)\n1. cy: 4\n2. dee: 2"
    )
    assert people.transport.to_invoker()[-1].reply.private


async def test_home_page_lists_badges_or_the_nearest_one(people: Driver, runtime: Runtime) -> None:
    async def home() -> str:
        people.transport.clear()
        await runtime.dispatcher.emit(PLACE, Actor("ana", "ana"), "home_opened", people.transport)
        return next(t for t in people.transport.texts() if t.startswith("**Your badges**"))

    first = await home()
    assert first.startswith("**Your badges**\nNone yet. The nearest: ")
    assert "See how to earn each with /badges list." in first
    await people.run("mod", "/badge grant @ana mentor Runs the mentoring circle", MOD)
    assert await home() == "**Your badges**\n🧭 **Mentor**"


async def test_badge_names_are_suggested_by_id_or_name(people: Driver, runtime: Runtime) -> None:
    spec = runtime.registry.command("badge grant")
    assert spec is not None
    actor = Actor("mod", "mod", MOD)
    offered = await runtime.dispatcher.suggest(PLACE, actor, spec, "badge", "ENT")
    assert offered == ["mentor"]
    assert "appreciated" in await runtime.dispatcher.suggest(PLACE, actor, spec, "badge", "")


async def leave(runtime: Runtime, driver: Driver, name: str) -> None:
    """A member leaves the community."""
    await runtime.dispatcher.emit(PLACE, Actor(name, name), "member_left", driver.transport)


async def test_moderators_cannot_grant_themselves_a_badge(people: Driver, runtime: Runtime) -> None:
    outcome = await people.run("mod", "/badge grant @mod mentor I welcome everyone", MOD)
    assert not outcome.ok
    assert people.transport.last().startswith("You can't grant yourself a badge.")
    outcome = await people.run("boss", "/badge grant @boss mentor I welcome all", Level.ADMIN)
    assert not outcome.ok and await awards(runtime) == []
    assert (await people.run("boss", "/badge grant @mod mentor Welcomes everyone", Level.ADMIN)).ok


async def test_members_who_left_can_be_seen_and_revoked_but_not_granted(
    people: Driver, runtime: Runtime
) -> None:
    await people.run("mod", "/badge grant @ana mentor Runs the mentoring circle", MOD)
    await leave(runtime, people, "ana")
    await people.run("bob", "/badges @ana")
    assert people.transport.last().startswith("**Badges of ana (left) (1)**\n- 🧭 **Mentor**")
    outcome = await people.run("mod", "/badge grant @ana advocate Spoke at the summit", MOD)
    assert not outcome.ok and "I can't find @ana" in people.transport.last()
    assert (await people.run("mod", "/badge revoke @ana mentor Left the programme", MOD)).ok
    assert await awards(runtime) == []


async def test_advocates_without_leaderboards_lists_holders_but_ranks_nobody(
    people: Driver, runtime: Runtime
) -> None:
    await people.run("mod", "/badge grant @bob mentor Welcomes every newcomer", MOD)
    await give(runtime, "cy", "ana", times=4)
    await people.run("mod", "/config set leaderboards off", MOD)
    await people.run("fay", "/advocates")
    shown = people.transport.last()
    assert "- 🧭 **Mentor**: bob" in shown
    assert "Most generous" not in shown and "cy" not in shown


async def test_badge_names_typed_back_are_clipped_and_neutralised(people: Driver) -> None:
    await people.run("mod", "/badge grant @ana **" + "z" * 90 + " For the help", MOD)
    shown = people.transport.last()
    assert shown.startswith("There is no badge “\\*\\*zzz") and "z" * 80 not in shown
