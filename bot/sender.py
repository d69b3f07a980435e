"""The sender: delivers the outbox after each commit and in the background, paced and retried."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.claims import Claims
from bot.clock import Clock
from bot.delivery import TransientError
from bot.outbox import Queued, away_reason, fallback_for, item_of, member_of
from bot.pacing import PaceKeeper, Pacing
from bot.passes import Edits, Pass, edits_of, retry
from bot.places import Place
from bot.reply import Outgoing, ToMember
from storage import outbox
from storage.db import Database
from storage.models import CommunityRow, MemberRow, OutboxRow

if TYPE_CHECKING:
    from bot.commands import Member
    from bot.places import Transport

log = logging.getLogger(__name__)

BATCH = 200  # rows read per pass: one query, one write of their outcomes
# Then the row is failed and logged, not retried for ever: twelve tries span about 47 minutes,
# so an outage of the length platforms have now and then loses nothing (eight spanned four).
IDLE = 30.0  # seconds the background sender sleeps when nothing is due and nobody wakes it
EDIT_WAIT = 2.0  # seconds an edit waits before looking again for its unsent message
# Seconds of pacing a background pass waits out before it lets its rows go and reads again:
# at 20 DMs a second, reading 200 rows for each DM would cost a quarter of the rate.
LINGER = 1.0
# Seconds a command's delivered messages may wait to have their outcomes written together:
# only where the platform drops a resent message by its nonce, so a crash meanwhile loses
# nothing and doubles nothing, and a command's answer is not held up by one more commit.
DEFER = 0.25


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
        self._pacer = PaceKeeper(db, clock)  # shared by every process, on Postgres
        self._wake = asyncio.Event()
        self._communities: dict[int, CommunityRow] = {}
        self.claims = Claims(clock)  # so a row never goes twice, from this process or another
        # Held while a pass reads what is due and claims it, and while a finished row's claim
        # is let go: a read that began before the outcome was written then still sees it claimed.
        self._reading = asyncio.Lock()
        # Outcomes kept back (see DEFER) and their rows, still claimed until written.
        self._deferred: list[outbox.Result] = []
        self._deferred_rows: list[OutboxRow] = []
        self._writer: asyncio.Task[None] | None = None
        self.sent = 0  # delivered since start, for the log and benchmarks
        self._progress = 0  # outcomes written since start, so drain_all knows a pass moved on

    @property
    def served(self) -> list[str]:
        """The platforms this process can deliver to."""
        return list(self.transports)

    def wake(self) -> None:
        """Something was queued: look at the outbox now."""
        self._wake.set()

    def hold(self, rows: Iterable[OutboxRow]) -> None:
        """Claim a command's rows before its commit: its own delivery sends them, nobody else."""
        self.claims.hold(rows)

    def release(self, rows: Iterable[OutboxRow]) -> None:
        """Give back rows still pending (unsent, or rolled back): whoever comes next sends them."""
        self.claims.release(rows)

    async def take_over(self) -> int:
        """Let every claim go, this process being alone on its database; how many there were."""
        async with self.db.session() as session, session.begin():
            return await outbox.unclaim_all(session)

    async def release_gone(self) -> int:
        """On Postgres, let go the claims of processes that died mid-send, and send them now."""
        if self.db.engine.dialect.name != "postgresql":
            return 0  # one process alone: take_over() let every claim go at start
        async with self.db.session() as session, session.begin():
            released = await outbox.unclaim_gone(session)
        if released:
            log.info("took over %s outbox rows a stopped copbot was sending", released)
            self.wake()
        return released

    async def deliver_now(
        self,
        place: Place,
        stored: list[tuple[OutboxRow, Queued]],
        transport: Transport,
        *,
        defer: bool = False,
    ) -> None:
        """Send a command's own posts and DMs (claimed by hold()) through its transport.

        With `defer`, where the transport dedupes, the outcomes are written a moment later
        with others' (see DEFER) rather than in a commit of their own.
        """
        held: dict[int | None, OutboxRow] = {row.id: row for row, _ in stored}
        work = Pass(own=True, defer=defer)
        try:
            edits = Edits()
            targets = {row.target for row, _ in stored if row.kind == "edit"}
            if targets:
                if any(row.handle in targets for row in self._deferred_rows):
                    # The message an edit changes went out a moment ago, its reference kept
                    # back with others' (DEFER): written first, the edit finds it sent.
                    await self.flush()
                async with self.db.session() as session:
                    edits = await edits_of(session, [row for row, _ in stored])
            mine = [
                (row, entry.item.member if isinstance(entry.item, ToMember) else None)
                for row, entry in stored
            ]
            await self._send_own(place, mine, edits, transport, work, held)
            # A refused DM's fallback post, said right after it.
            fallbacks = [(row, None) for row in work.fallbacks]
            held.update((row.id, row) for row, _ in fallbacks)
            await self._send_own(place, fallbacks, Edits(), transport, work, held)
        finally:
            self.release(held.values())  # a cancelled send: still pending, sent after
            if work.later:
                self.wake()

    async def _send_own(
        self,
        place: Place,
        rows: list[tuple[OutboxRow, Member | None]],
        edits: Edits,
        transport: Transport,
        work: Pass,
        held: dict[int | None, OutboxRow],
    ) -> None:
        dedupes = getattr(transport, "dedupes", False)
        for row, member in rows:
            if await self._turn(place, row, member, edits, transport, work):
                self.release([held.pop(row.id)])  # held back: the background sender takes it
                work.later = True
            elif not dedupes:
                await self._record(work, held)  # without nonces a crash resends this one only
        if dedupes and work.defer and self._deferrable(work):
            self._defer(work, held)
        await self._record(work, held)

    def _deferrable(self, work: Pass) -> bool:
        """Whether a pass's outcomes may wait: all final, and no fallback post to queue."""
        return not work.extra and all(r.status != outbox.PENDING for r in work.results)

    def _defer(self, work: Pass, held: dict[int | None, OutboxRow]) -> None:
        """Keep a pass's outcomes to write with others; their rows stay claimed till then."""
        self._deferred += work.results
        self._deferred_rows += [held.pop(r.id) for r in work.results if r.id in held]
        work.recorded += len(work.results)
        work.results = []
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_soon(), name="outbox outcomes")

    async def _write_soon(self) -> None:
        await asyncio.sleep(DEFER)
        try:
            await self.flush()
        except Exception:
            log.exception("could not write outbox outcomes; those messages may be resent")

    async def flush(self) -> None:
        """Write the outcomes kept back now (before a pass, at shutdown), and let their rows go."""
        results, rows = self._deferred, self._deferred_rows
        if not results:
            return
        self._deferred, self._deferred_rows = [], []
        try:
            async with self.db.session() as session, session.begin():
                await outbox.record(session, results=results, now=self.clock.now())
            self._progress += len(results)
        finally:
            async with self._reading:
                self.release(rows)  # unwritten after a failure: pending, and resent by nonce

    async def drain(self, *, linger: float = 0.0) -> float:
        """One pass over what is due; seconds until the next row may go.

        On the real clock a pass may wait out pacing, up to `linger` seconds in all, rather
        than read the outbox again for each message a bucket lets through.
        """
        work, wait = Pass(), IDLE
        await self.flush()  # what was kept back is written first, so the read below sees it
        claimed_at = self.clock.now()
        found, rows = await self._claim_due(claimed_at)
        held: dict[int | None, OutboxRow] = {row.id: row for row in rows}
        try:
            async with self.db.session() as session:
                people = await outbox.members_of(
                    session, ids=[row.member_id for row in rows if row.member_id]
                )
                edits = await edits_of(session, rows)
            reach: dict[tuple[int, str | None], Transport] = {}
            for row in rows:
                community = await self._community(row.community_id)
                place = self._place(community, row)
                key = (row.community_id, row.here)
                transport = reach.get(key) or self.transports[community.platform](place)
                reach[key] = transport
                person = people.get(row.member_id or 0)
                hold = await self._turn(place, row, person, edits, transport, work)
                while 0 < hold <= linger:
                    linger -= hold
                    await asyncio.sleep(hold)
                    hold = await self._turn(place, row, person, edits, transport, work)
                if hold:
                    self.release([held.pop(row.id)])
                    wait = min(wait, hold)
                elif not getattr(transport, "dedupes", False):
                    await self._record(work, held)  # without nonces a crash resends one only
            if await self._record(work, held):
                return 0.0  # fallback posts were queued: send them next
        finally:
            self.release(held.values())
        if len(found) == BATCH and work.recorded:
            return 0.0  # more may be due behind this batch
        now = self.clock.now()
        # What fell due since the claim comes back (at once, so wait 0) with what falls due
        # later; what was due then and not taken is another sender's or waits on pacing.
        async with self.db.session() as session:
            later = await outbox.next_due(session, platforms=self.served, after=claimed_at)
        if later is not None:
            wait = min(wait, (later - now).total_seconds())
        return max(0.0, wait)

    async def _claim_due(self, now: datetime) -> tuple[list[OutboxRow], list[OutboxRow]]:
        """What this sender claimed of what is due and, for this pass, those nobody here holds."""
        async with self.db.session() as session, self._reading:
            async with session.begin():  # committed at once: other processes see the claims
                found = await outbox.claim(
                    session,
                    now=now,
                    until=self.claims.until(),
                    by=self.claims.name,
                    limit=BATCH,
                    platforms=self.served,
                )
            rows = [row for row in found if row.id not in self.claims.held]
            self.hold(rows)
        return found, rows

    async def drain_all(self) -> None:
        """Send everything due now, however many passes it takes (the console, tests)."""
        while True:
            before = self._progress
            wait = await self.drain()
            if wait > 0 or self._progress == before:
                return  # what is left waits for its time or for pacing: the background takes it

    async def run(self) -> None:
        """Deliver for ever: what was pending at start first, then whatever is queued."""
        while True:
            self._wake.clear()  # before the pass: a wake() during it means look again at once
            try:
                wait = await self.drain(linger=LINGER)
            except Exception:
                log.exception("the sender failed a pass; it tries again shortly")
                wait = 5.0
            if wait <= 0:
                await asyncio.sleep(0)  # let commands run between full batches
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    async def _turn(
        self,
        place: Place,
        row: OutboxRow,
        member: Member | MemberRow | None,
        edits: Edits,
        transport: Transport,
        work: Pass,
    ) -> float:
        """Try one row, noting its outcome in `work`; else the seconds it is held back."""
        assert row.id is not None
        now = self.clock.now()
        if isinstance(member, MemberRow):
            if row.unsolicited and (reason := away_reason(member, now)):
                work.note(row, outbox.Result(row.id, outbox.SKIPPED, outcome=reason))
                return 0.0
            member = member_of(member)
        if row.kind == "edit" and edits.newest.get(row.target or "", row.id) > row.id:
            superseded = "a newer edit of the message replaces it"
            work.note(row, outbox.Result(row.id, outbox.SKIPPED, outcome=superseded))
            return 0.0
        target = edits.targets.get(row.target or "")
        item = item_of(row, member, target, work.settled)
        if isinstance(item, str):
            work.note(row, outbox.Result(row.id, outbox.SKIPPED, outcome=item))
            return 0.0
        if item is None:  # an edit of a message not sent yet: soon, and no attempt spent
            later = now + timedelta(seconds=EDIT_WAIT)
            wait = outbox.Result(row.id, outbox.PENDING, not_before=later, tried=False)
            work.note(row, wait)
            return 0.0
        if not self.claims.fresh(row):
            return EDIT_WAIT  # its claim may run out mid-send: claimed afresh by the next pass
        if pause := await self._pause(place.platform, row, edits):
            return pause
        await self._attempt(place, row, item, transport, work)
        return 0.0

    async def _pause(self, platform: str, row: OutboxRow, edits: Edits) -> float:
        """Seconds pacing holds this row back; 0 spends the tokens it needs."""
        if self.pacing is None:
            return 0.0
        target = edits.targets.get(row.target or "") if row.kind == "edit" else None
        return await self._pacer.turn(self.pacing, platform, row, target)

    async def _attempt(
        self, place: Place, row: OutboxRow, item: Outgoing, transport: Transport, work: Pass
    ) -> None:
        assert row.id is not None
        try:
            delivered = await transport.deliver(place, item)
        except TransientError as error:
            work.note(row, retry(row, error.reason, error.retry_after, self.clock.now()))
            return
        except Exception as error:
            log.exception("sending outbox row %s failed", row.id)
            work.note(
                row, retry(row, f"{type(error).__name__}: {error}"[:300], None, self.clock.now())
            )
            return
        if delivered is False:
            work.note(row, self._refused(row, item, work))
            return
        self.sent += 1
        ref = delivered if isinstance(delivered, str) else None
        work.note(row, outbox.Result(row.id, outbox.SENT, ref=ref))

    def _refused(self, row: OutboxRow, item: Outgoing, work: Pass) -> outbox.Result:
        assert row.id is not None
        if isinstance(item, ToMember) and row.fallback_channel:
            work.extra.append(fallback_for(row, item.member, self.clock.now()))
            return outbox.Result(row.id, outbox.REFUSED, outcome="DMs closed: posted instead")
        return outbox.Result(row.id, outbox.REFUSED, outcome="refused by the platform")

    async def _record(self, work: Pass, held: dict[int | None, OutboxRow]) -> list[OutboxRow]:
        """Write the outcomes noted so far and let their rows go; the fallback rows queued."""
        results, extra = work.results, work.extra
        if not results and not extra:
            return []
        work.results, work.extra = [], []
        async with self.db.session() as session, session.begin():
            await outbox.record(session, results=results, now=self.clock.now())
            if extra:
                for row in extra if work.own else ():
                    row.claimed_by, row.claimed_until = self.claims.name, self.claims.until()
                await outbox.queue(session, rows=extra)
                if work.own:
                    self.hold(extra)  # before the commit, as a command's own rows are
                    work.fallbacks += extra
        work.recorded += len(results)
        self._progress += len(results)
        work.later |= any(result.status == outbox.PENDING for result in results)
        async with self._reading:
            self.release([held.pop(result.id) for result in results if result.id in held])
        return extra

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
