"""The sender: delivers the outbox after each commit and in the background, paced and retried."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from bot import render
from bot.clock import Clock
from bot.commands import Member
from bot.delivery import TransientError
from bot.outbox import Handle, Queued, away_reason, dump, load, member_of
from bot.pacing import Pacer, Pacing
from bot.places import Place
from bot.reply import EditMessage, Outgoing, Reply, ToChannel, ToMember
from storage import outbox
from storage.db import Database
from storage.models import CommunityRow, OutboxRow

if TYPE_CHECKING:
    from bot.places import Transport

log = logging.getLogger(__name__)

BATCH = 200  # rows read per pass: one query, one write of their outcomes
MAX_ATTEMPTS = 8  # then the row is failed and logged, not retried for ever
IDLE = 30.0  # seconds the background sender sleeps when nothing is due and nobody wakes it


def backoff(attempts: int) -> float:
    """Seconds before the next try after `attempts` failed ones: 2, 4, 8… up to 15 minutes."""
    return float(min(2 ** max(1, attempts), 900))


@dataclass
class _Pass:
    """One pass's outcomes and the rows a refusal adds (a DM's fallback post)."""

    results: list[outbox.Result] = field(default_factory=list)
    extra: list[OutboxRow] = field(default_factory=list)


class Sender:
    """Sends what the outbox holds: a command's own rows at once, the rest as pacing allows."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        transports: dict[str, Callable[[Place], Transport]],
        pacing: Pacing | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.transports = transports  # the dispatcher's: each front-end adds its own
        self.pacing = pacing
        self._pacer = Pacer(clock)
        self._wake = asyncio.Event()
        self._communities: dict[int, CommunityRow] = {}
        self.sent = 0  # delivered since start, for the log and benchmarks
        # Rows a command or job is sending itself: pending until their outcomes are written,
        # so a background pass in the meantime must leave them alone or send them twice.
        self._sending: set[int] = set()
        self._recorded = 0  # outcomes written since start, so drain_all knows it moved on

    @property
    def served(self) -> list[str]:
        """The platforms this process can deliver to."""
        return list(self.transports)

    def wake(self) -> None:
        """Something was queued: look at the outbox now."""
        self._wake.set()

    async def deliver_now(
        self, place: Place, stored: list[tuple[OutboxRow, Queued]], transport: Transport
    ) -> None:
        """Send a command's own posts and DMs through its transport, as pacing allows."""
        mine = {row.id or 0 for row, _ in stored}
        self._sending |= mine
        try:
            targets = await self._targets([row for row, _ in stored])
            work, extra = _Pass(), []
            for row, entry in stored:
                member = entry.item.member if isinstance(entry.item, ToMember) else None
                if self._paced(place.platform, row) > 0:
                    self._sending.discard(row.id or 0)
                    self.wake()  # the background sender takes it when the platform allows
                    continue
                target = targets.get(row.target or "")
                await self._attempt(place, row, member, target, transport, work)
                if not getattr(transport, "dedupes", False):
                    extra += await self._record(work)  # without nonces a crash resends one only
                    work = _Pass()
            extra += await self._record(work)
            work = _Pass()
            mine |= {row.id or 0 for row in extra}
            self._sending |= mine
            for row in extra:  # a refused DM's fallback post, said right after it
                await self._attempt(place, row, None, None, transport, work)
            await self._record(work)
        finally:
            self._sending -= mine

    async def drain(self) -> float:
        """One pass over what is due; seconds until the next row may go."""
        now = self.clock.now()
        async with self.db.session() as session:
            rows = await outbox.due(session, now=now, limit=BATCH, platforms=self.served)
            people = await outbox.members_of(
                session, ids=[row.member_id for row in rows if row.member_id]
            )
            soonest = None if rows else await outbox.next_due(session, platforms=self.served)
        targets = await self._targets(rows)
        work, wait, reach, more = _Pass(), IDLE, {}, False
        for row in rows:
            if row.id in self._sending:
                continue  # a command is sending it this moment
            community = await self._community(row.community_id)
            pause = self._paced(community.platform, row)
            if pause > 0:
                wait = min(wait, pause)
                continue
            place = self._place(community, row)
            key = (row.community_id, row.here)
            transport = reach.get(key) or self.transports[community.platform](place)
            reach[key] = transport
            person = people.get(row.member_id or 0)
            member = member_of(person) if person else None
            if row.unsolicited and person and (reason := away_reason(person, now)):
                work.results.append(outbox.Result(row.id or 0, outbox.SKIPPED, outcome=reason))
                continue
            await self._attempt(place, row, member, targets.get(row.target or ""), transport, work)
            if not getattr(transport, "dedupes", False):
                more |= bool(await self._record(work))  # without nonces a crash resends one only
                work = _Pass()
        if await self._record(work) or more:
            return 0.0  # fallback posts were queued: send them next
        if len(rows) == BATCH:
            return 0.0
        if soonest is not None:
            wait = min(wait, max(0.0, (soonest - self.clock.now()).total_seconds()))
        return wait

    async def drain_all(self) -> None:
        """Send everything due now, however many passes it takes (the console, tests)."""
        while await self._any_due():
            before = self._recorded
            await self.drain()
            if self._recorded == before:
                return  # what is left waits for pacing: the background sender takes it

    async def run(self) -> None:
        """Deliver for ever: what was pending at start first, then whatever is queued."""
        while True:
            try:
                wait = await self.drain()
            except Exception:
                log.exception("the sender failed a pass; it tries again shortly")
                wait = 5.0
            if wait <= 0:
                await asyncio.sleep(0)  # let commands run between full batches
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    async def _any_due(self) -> bool:
        async with self.db.session() as session:
            found = await outbox.due(session, now=self.clock.now(), limit=1, platforms=self.served)
            return bool(found)

    def _paced(self, platform: str, row: OutboxRow) -> float:
        if self.pacing is None:
            return 0.0
        channel = row.channel or row.here or ""
        if row.kind == "dm":
            channel = f"dm:{row.member_id}"
        needs = self.pacing.needs(platform, row.kind, row.community_id, channel)
        return self._pacer.reserve(needs)

    async def _attempt(
        self,
        place: Place,
        row: OutboxRow,
        member: object,
        target: OutboxRow | None,
        transport: Transport,
        work: _Pass,
    ) -> None:
        assert row.id is not None
        item = _item(row, member, target)
        if isinstance(item, str):
            work.results.append(outbox.Result(row.id, outbox.SKIPPED, outcome=item))
            return
        if item is None:  # an edit of a message not sent yet: soon
            later = self.clock.now() + timedelta(seconds=2)
            work.results.append(outbox.Result(row.id, outbox.PENDING, not_before=later))
            return
        try:
            delivered = await transport.deliver(place, item)
        except TransientError as error:
            work.results.append(self._retry(row, error.reason, error.retry_after))
            return
        except Exception as error:
            log.exception("sending outbox row %s failed", row.id)
            work.results.append(self._retry(row, f"{type(error).__name__}: {error}"[:300], None))
            return
        if delivered is False:
            work.results.append(self._refused(row, item, work))
            return
        self.sent += 1
        ref = delivered if isinstance(delivered, str) else None
        work.results.append(outbox.Result(row.id, outbox.SENT, ref=ref))

    def _retry(self, row: OutboxRow, reason: str, retry_after: float | None) -> outbox.Result:
        assert row.id is not None
        if row.attempts + 1 >= MAX_ATTEMPTS:
            log.error("giving up on outbox row %s after %s tries: %s", row.id, MAX_ATTEMPTS, reason)
            return outbox.Result(row.id, outbox.FAILED, outcome=reason)
        delay = max(retry_after or 0.0, backoff(row.attempts + 1))
        later = self.clock.now() + timedelta(seconds=delay)
        return outbox.Result(row.id, outbox.PENDING, outcome=reason, not_before=later)

    def _refused(self, row: OutboxRow, item: Outgoing, work: _Pass) -> outbox.Result:
        assert row.id is not None
        if isinstance(item, ToMember) and row.fallback_channel:
            # Their DMs are closed: say it in the fallback channel, pinging only them.
            text = f"{render.mention(item.member)} {item.reply.text}"
            fallback = OutboxRow(
                community_id=row.community_id,
                handle=Handle.new().id,
                kind="post",
                channel=row.fallback_channel,
                here=row.here,
                body=row.body,
                not_before=self.clock.now(),
                created_at=self.clock.now(),
            )
            fallback.body = _with_text(row, text)
            work.extra.append(fallback)
            return outbox.Result(row.id, outbox.REFUSED, outcome="DMs closed: posted instead")
        return outbox.Result(row.id, outbox.REFUSED, outcome="refused by the platform")

    async def _record(self, work: _Pass) -> list[OutboxRow]:
        """Write a pass's outcomes; the fallback rows it queued."""
        if not work.results and not work.extra:
            return []
        self._recorded += len(work.results)
        async with self.db.session() as session, session.begin():
            await outbox.record(session, results=work.results, now=self.clock.now())
            if work.extra:
                await outbox.queue(session, rows=work.extra)
        return work.extra

    async def _targets(self, rows: list[OutboxRow]) -> dict[str, OutboxRow]:
        wanted = [row.target for row in rows if row.kind == "edit" and row.target]
        if not wanted:
            return {}
        async with self.db.session() as session:
            return await outbox.by_handles(session, handles=wanted)

    async def _community(self, community_id: int) -> CommunityRow:
        found = self._communities.get(community_id)
        if found is None:
            async with self.db.session() as session:
                found = await session.get(CommunityRow, community_id)
            assert found is not None
            self._communities[community_id] = found
        return found

    def _place(self, community: CommunityRow, row: OutboxRow) -> Place:
        return Place(community.platform, community.external_id, community.name, row.here)


def _item(row: OutboxRow, member: object, target: OutboxRow | None) -> Outgoing | str | None:
    """The item a row sends; a reason to skip it; or None to try again soon."""
    reply = load(row)
    if row.kind == "post":
        return ToChannel(row.channel, reply, nonce=row.handle)
    if row.kind == "dm":
        if member is None:
            return "the member is gone"
        assert isinstance(member, Member)
        return ToMember(member, reply, row.fallback_channel, nonce=row.handle)
    if target is None:
        return "the message to edit was never queued"
    if target.status == outbox.PENDING:
        return None
    if target.status != outbox.SENT:
        return f"the message to edit was not sent ({target.status})"
    if not target.ref:
        return "the platform gave no reference to edit it by"
    where = f"#{target.channel or target.here}" if target.kind == "post" else "DM"
    return EditMessage(target.ref, reply, where)


def _with_text(row: OutboxRow, text: str) -> str:
    reply = load(row)
    return dump(Reply(text, reply.buttons, image=reply.image))
