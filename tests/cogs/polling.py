"""What the poll tests share: a transport that lets edits through, and a moved clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import select

from bot.clock import ManualClock
from bot.commands import Level
from bot.dispatch import Actor, Outcome, Place
from bot.reply import EditMessage, Outgoing, ToChannel, ToMember
from bot.runtime import Runtime
from storage.models import PollRow
from tests.conftest import PLACE, START, Driver, RecordingTransport

MOD = Level.MODERATOR
WEEKLY_AT = START.replace(hour=15)  # the first Monday's check-in, in UTC


class Referenced(RecordingTransport):
    """Records what is sent, and gives each post a reference, so a later edit reaches it."""

    async def deliver(self, place: Place, item: Outgoing) -> bool | str:
        """Keep the item; a post or DM is answered with a reference, as a platform would."""
        delivered = await super().deliver(place, item)
        if isinstance(item, EditMessage):
            return item.ref
        if delivered and isinstance(item, ToChannel | ToMember):
            return f"ref-{len(self.sent)}"
        return delivered

    def edits(self) -> list[EditMessage]:
        """Every edit, in order."""
        return [item for item in self.sent if isinstance(item, EditMessage)]

    def polls(self) -> list[ToChannel]:
        """Every post that carries a poll's buttons."""
        return [
            item
            for item in self.sent
            if isinstance(item, ToChannel)
            and any(b.action == "poll_vote" for b in item.reply.buttons)
        ]


@dataclass
class Polling:
    """A driver whose jobs deliver to its transport, on the frozen clock."""

    driver: Driver
    runtime: Runtime
    clock: ManualClock

    @property
    def sent(self) -> Referenced:
        """What the bot sent."""
        assert isinstance(self.driver.transport, Referenced)
        return self.driver.transport

    async def at(self, when: datetime) -> None:
        """Move the clock, running what falls due on the way, as `:clock` does."""
        await self.runtime.scheduler.advance(self.clock, when)

    async def later(self, **delta: float) -> None:
        """Move the clock on by a span."""
        await self.at(self.clock.now() + timedelta(**delta))

    async def run(self, who: str, line: str, level: Level = Level.MEMBER) -> Outcome:
        """Run a command line."""
        return await self.driver.run(who, line, level)

    async def mod(self, line: str) -> Outcome:
        """Run a command line as the moderator."""
        return await self.driver.run("mod", line, MOD)

    def button(self, label: str, post: ToChannel | None = None) -> str:
        """The custom id of a button of the latest poll post (or of `post`)."""
        shown = post or self.sent.polls()[-1]
        return next(b.custom_id for b in shown.reply.buttons if b.label.startswith(label))

    async def press(self, who: str, label: str, post: ToChannel | None = None) -> Outcome:
        """Press a poll's button as a member."""
        return await self.driver.press(who, self.button(label, post))

    async def write(self, who: str, answer: str, post: ToChannel | None = None) -> Outcome:
        """Press ✍️ Answer and submit the form it opens."""
        pressed = await self.press(who, "✍️", post)
        if not pressed.ok:
            return pressed
        form = self.sent.forms()[-1].form
        return await self.driver.submit(who, form.command, {"answer": answer})

    async def submit(self, who: str, command: str, values: dict[str, str], level: Level) -> Outcome:
        """Submit a form as a member of some standing."""
        dispatcher = self.runtime.dispatcher
        actor = Actor(who, who, level)
        return await dispatcher.submit_form(PLACE, actor, command, values, self.driver.transport)

    async def rows(self) -> list[PollRow]:
        """Every poll, by id."""
        async with self.runtime.db.session() as session:
            return list((await session.exec(select(PollRow).order_by(PollRow.id))).all())


async def polling_on(runtime: Runtime, clock: ManualClock) -> Polling:
    """The community exists (seen at START), and jobs deliver to the test transport."""
    driver = Driver(runtime, Referenced())
    runtime.dispatcher.transports[PLACE.platform] = lambda place: driver.transport
    await driver.run("mod", "/ping", MOD)
    driver.transport.clear()
    return Polling(driver, runtime, clock)
