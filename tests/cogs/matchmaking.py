"""What the matching tests share: members with tags, the round's DMs, and a moved clock."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from sqlmodel import select

from bot.clock import ManualClock
from bot.commands import Level
from bot.reply import ToMember
from bot.runtime import Runtime
from storage.models import MatchSeatRow, MemberRow
from tests.conftest import PLACE, START, Driver

MOD = Level.MODERATOR
ROUND_AT = START.replace(hour=10)  # the first Monday's round, in UTC
GRANTS = '/need add what="help writing a grant" tags="grants"'
REVIEWS = '/offer add what="I review grant proposals" tags="grants"'


async def people(driver: Driver, *names: str, join: bool = True) -> None:
    """Jobs reach the test platform; each member says hello and, if asked, joins rounds."""
    driver.runtime.dispatcher.transports[PLACE.platform] = lambda place: driver.transport
    for name in names:
        await driver.run(name, "/match join" if join else "/ping")
    await driver.runtime.activity.flush()
    driver.transport.clear()


def dms(driver: Driver, to: str | None = None) -> list[ToMember]:
    """The DMs sent so far, to one member or to anyone."""
    sent = [item for item in driver.transport.sent if isinstance(item, ToMember)]
    return [item for item in sent if to is None or item.member.name == to]


def partners(driver: Driver) -> set[frozenset[str]]:
    """The groups the round DMs made, by member name."""
    groups: dict[str, set[str]] = defaultdict(set)
    for item in dms(driver):
        if item.reply.text.startswith("🤝 **Matching round"):
            groups[item.reply.buttons[0].arg.split(":")[0]].add(item.member.name)
    return {frozenset(members) for members in groups.values()}


def button(item: ToMember, label: str) -> str:
    """The custom id of a DM's button by its label."""
    return next(b.custom_id for b in item.reply.buttons if b.label == label)


async def later(runtime: Runtime, clock: ManualClock, **delta: float) -> None:
    """Move the clock on, running what falls due on the way."""
    await runtime.scheduler.advance(clock, clock.now() + timedelta(**delta))


async def change(runtime: Runtime, name: str, **fields: Any) -> None:
    """Set a member's row fields directly (what no command sets, like long silence)."""
    async with runtime.db.session() as session, session.begin():
        row = (await session.exec(select(MemberRow).where(MemberRow.name == name))).one()
        for key, value in fields.items():
            setattr(row, key, value)
        session.add(row)


async def seats(runtime: Runtime) -> list[tuple[int, str, str | None, str | None]]:
    """Every seat: its group, member, answer and what came of it."""
    async with runtime.db.session() as session:
        found = await session.exec(
            select(MatchSeatRow.group_id, MemberRow.name, MatchSeatRow.answer)
            .add_columns(MatchSeatRow.came_of_it)
            .join(MemberRow, MemberRow.id == MatchSeatRow.member_id)  # type: ignore[arg-type]
            .order_by(MatchSeatRow.group_id, MemberRow.name)
        )
        return [tuple(row) for row in found.all()]  # type: ignore[misc]
