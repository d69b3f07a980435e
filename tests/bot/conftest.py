"""The outbox tests' cog, platform and helpers: commands and jobs that post, DM and edit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import pytest
from sqlmodel import col, select

from bot.commands import Level, Member, command
from bot.context import Context
from bot.dispatch import Actor, Outcome, Place
from bot.errors import UserError
from bot.outbox import Handle
from bot.reply import Image
from bot.runtime import Runtime
from storage.db import Database
from storage.models import MemberRow, OutboxRow
from tests.bot.fake_platform import FakePlatform
from tests.conftest import PLACE
from tests.fakes.discord.uploads import tiny_png


class Herald:
    """Posts, DMs and edits on request, keeping each message's handle by a name."""

    def __init__(self) -> None:
        self.handles: dict[str, Handle] = {}

    @command("herald")
    async def herald(
        self, ctx: Context, name: Annotated[str, "Handle"], *, text: Annotated[str, "What"]
    ) -> None:
        """Post in #news."""
        self.handles[name] = ctx.post("news", text)
        ctx.reply(f"queued {name}")

    @command("whisper")
    async def whisper(
        self, ctx: Context, member: Annotated[Member, "Who"], *, text: Annotated[str, "What"]
    ) -> None:
        """DM a member; #lobby if their DMs are closed."""
        self.handles["dm"] = ctx.dm(member, text, fallback_channel="lobby")
        ctx.reply("whispered")

    @command("memo")
    async def memo(self, ctx: Context, *, text: Annotated[str, "What"]) -> None:
        """DM yourself."""
        ctx.dm(ctx.author, text)

    @command("amend")
    async def amend(
        self, ctx: Context, name: Annotated[str, "Handle"], *, text: Annotated[str, "What"]
    ) -> None:
        """Edit a message queued earlier."""
        ctx.edit(self.handles[name], text)
        ctx.reply("amended")

    @command("chart")
    async def chart(self, ctx: Context) -> None:
        """Post a picture in #news."""
        picture = Image(tiny_png(), "Kudos per week, rising", "chart.png")
        self.handles["chart"] = ctx.post("news", "This week in numbers", image=picture)

    @command("flop")
    async def flop(self, ctx: Context) -> None:
        """Queue a post and a DM, then refuse."""
        ctx.post("news", "never")
        ctx.dm(ctx.author, "never")
        raise UserError("Changed my mind.")


@pytest.fixture
def platform(runtime: Runtime) -> FakePlatform:
    """The platform every community of the test place reaches, from commands and jobs alike."""
    fake = FakePlatform()
    runtime.dispatcher.transports[PLACE.platform] = lambda place: fake
    return fake


@pytest.fixture
def herald(runtime: Runtime) -> Herald:
    """The Herald cog, added to the runtime's registry."""
    cog = Herald()
    runtime.registry.add_cog(cog)
    return cog


async def run(
    runtime: Runtime,
    transport: FakePlatform,
    who: str,
    line: str,
    *,
    place: Place = PLACE,
    level: Level = Level.MEMBER,
) -> Outcome:
    """Run a line as a member, answered through `transport`."""
    return await runtime.dispatcher.run_line(place, Actor(who, who, level), line, transport)


async def as_job(
    runtime: Runtime,
    body: Callable[[Context], Awaitable[None]],
    transport: FakePlatform,
    place: Place = PLACE,
) -> bool:
    """Run `body` as a scheduled job's transaction in the place's community."""
    where = Place(place.platform, place.community_id, place.community_name, None)
    return await runtime.dispatcher.run_as_bot(where, body, transport)


async def outbox_rows(db: Database) -> list[OutboxRow]:
    """Every outbox row, oldest first."""
    async with db.session() as session:
        return list((await session.exec(select(OutboxRow).order_by(col(OutboxRow.id)))).all())


async def member(db: Database, name: str) -> Member:
    """A member by name, as features see them."""
    async with db.session() as session:
        row = (await session.exec(select(MemberRow).where(MemberRow.name == name))).one()
    assert row.id is not None
    return Member(row.id, row.external_id, row.name)
