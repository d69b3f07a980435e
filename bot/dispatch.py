"""The one path every command, button, form and event takes: checks, run, commit, answer."""

from __future__ import annotations

import logging
import math
import secrets
from collections.abc import Awaitable, Callable

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import outbox
from bot.activity import ActivityBuffer
from bot.binding import as_member, bind
from bot.clock import Clock
from bot.commands import CommandSpec, Event, Level, Member
from bot.configstore import ConfigStore
from bot.context import Community, Context
from bot.cooldowns import Cooldowns
from bot.delivery import deliver_all, send_in_order
from bot.errors import ParseError, UserError
from bot.hints import misspelt_subcommand, unknown_command
from bot.pacing import Pacing
from bot.parser import parse_args, split_command
from bot.places import Actor as Actor
from bot.places import Outcome as Outcome
from bot.places import Place as Place
from bot.places import Transport as Transport
from bot.registry import Registry
from bot.reply import Outgoing, Reply, ToInvoker, parse_custom_id
from bot.sender import Sender
from config.community import CommunityConfig
from storage import communities, members
from storage.db import Database
from storage.models import MemberRow, OutboxRow

log = logging.getLogger(__name__)


Body = Callable[[Context], Awaitable[None]]
# Who a scheduled job acts as: no member row, the top of the ladder.
BOT = Member(id=0, external_id="", name="copbot", level=Level.OWNER, is_bot=True)


class Dispatcher:
    """Runs commands, button presses, form submissions and events for every adapter."""

    def __init__(
        self,
        *,
        registry: Registry,
        db: Database,
        clock: Clock,
        activity: ActivityBuffer,
        configs: ConfigStore,
        pacing: Pacing | None = None,
    ) -> None:
        self.registry = registry
        self.db = db
        self.clock = clock
        self.activity = activity
        self.configs = configs
        self.cooldowns = Cooldowns(clock)
        # Each front-end registers how to reach a community without a request to answer, so
        # scheduled jobs can post (the console, Discord and Slack each add theirs).
        self.transports: dict[str, Callable[[Place], Transport]] = {}
        self.sender = Sender(db, clock, self.transports, pacing)
        self._communities: dict[tuple[str, str], Community] = {}

    async def run_line(
        self, place: Place, actor: Actor, line: str, transport: Transport
    ) -> Outcome:
        """Run a typed command line such as `/role set @bob leader`."""
        line = line.strip().removeprefix("/").strip() or "help"  # a bare "/" asks for help
        path, rest = split_command(line, self.registry.paths())
        spec = self.registry.find(path) if path else None
        if spec is None:
            return await self._refuse(place, unknown_command(self.registry, line), transport)
        misspelt = misspelt_subcommand(self.registry, path, rest)
        if misspelt is not None:
            return await self._refuse(place, misspelt, transport)
        try:
            raw = parse_args(spec, rest)
        except ParseError as error:
            return await self._refuse(place, error, transport, usage=spec.usage())
        return await self.run(place, actor, spec, raw, transport)

    async def run(
        self,
        place: Place,
        actor: Actor,
        spec: CommandSpec,
        raw: dict[str, object],
        transport: Transport,
        *,
        submitted: bool = False,
    ) -> Outcome:
        """Run a command with raw arguments (from the parser, a platform's options or a form)."""

        async def body(ctx: Context) -> None:
            refusal = self._refusal(ctx.community.id, ctx.author, spec, submitted=submitted)
            if refusal:
                raise UserError(refusal)
            kwargs = await bind(ctx, spec, raw, submitted=submitted)
            if kwargs is None:
                return  # a form was shown: only its submission is a use
            assert spec.callback is not None
            await spec.callback(ctx, **kwargs)
            if spec.cooldown:
                key, per = (ctx.community.id, ctx.author.id, spec.path), spec.cooldown[1]
                ctx.after_commit.append(lambda: self.cooldowns.use(key, per))

        return await self._execute(
            place, actor, body, transport, spec.private, spec.usage(), activity=spec.activity
        )

    def precheck(self, place: Place, actor: Actor, spec: CommandSpec) -> str | None:
        """Refuse at once, from memory alone, what a level or cooldown would refuse anyway."""
        # Adapters call this before acknowledging, so a refusal can be private even where the
        # acknowledgement fixes the answer's visibility (Discord's deferred replies).
        community = self._communities.get((place.platform, place.community_id))
        known = community and self.db.known_members.get(community.id, actor.external_id)
        if community is None or not known:
            return None  # not seen yet: the full check runs with the command
        return self._refusal(community.id, as_member(known, actor.level), spec)

    def _refusal(
        self, community_id: int, member: Member, spec: CommandSpec, *, submitted: bool = False
    ) -> str | None:
        """Why this member may not run this command now, or None: the one such check."""
        if member.level < spec.level:
            return f"Only {spec.level.title} can use /{spec.name}."
        if spec.cooldown and not submitted:  # a form's submission is never refused: work typed in
            rate, per = spec.cooldown
            wait = self.cooldowns.retry_after((community_id, member.id, spec.path), rate, per)
            if wait > 0:
                return f"Easy there: you can use /{spec.name} again in {math.ceil(wait)} s."
        return None

    async def submit_form(
        self, place: Place, actor: Actor, command: str, values: dict[str, str], transport: Transport
    ) -> Outcome:
        """Run a form's command with the submitted fields."""
        spec = self.registry.command(command)
        if spec is None:
            return await self._refuse(place, UserError("That form has expired."), transport)
        return await self.run(place, actor, spec, dict(values), transport, submitted=True)

    async def press(
        self, place: Place, actor: Actor, custom_id: str, transport: Transport
    ) -> Outcome:
        """Handle a button press; the custom id carries everything, so restarts don't matter."""
        parsed = parse_custom_id(custom_id)
        action = self.registry.actions.get(parsed[0]) if parsed else None
        if action is None or parsed is None:
            gone = UserError("This button doesn't work any more. Run the command again.")
            return await self._refuse(place, gone, transport)

        async def body(ctx: Context) -> None:
            if ctx.author.level < action.level:
                raise UserError(f"Only {action.level.title} can use this button.")
            await action.callback(ctx, parsed[1])

        return await self._execute(
            place, actor, body, transport, private=True, activity=action.activity
        )

    async def emit(self, place: Place, actor: Actor, event: Event, transport: Transport) -> Outcome:
        """A community event about `actor`: joined, left, or opened their home page."""

        async def body(ctx: Context) -> None:
            row = await ctx.session.get(MemberRow, ctx.author.id)
            assert row is not None
            if event == "member_joined":
                await members.joined(ctx.session, member=row, now=ctx.now())
            elif event == "member_left":
                await members.left(ctx.session, member=row, now=ctx.now())
            for listener in self.registry.listeners.get(event, []):
                await listener(ctx)

        private = event == "home_opened"  # a home page is the member's own
        return await self._execute(place, actor, body, transport, private, activity=False)

    async def suggest(
        self, place: Place, actor: Actor, spec: CommandSpec, param: str, typed: str
    ) -> list[str]:
        """Values to offer for a parameter as the member types (Discord's autocomplete)."""
        wanted = spec.param(param)
        if wanted is None or wanted.suggest is None:
            return []
        community = await self.community(place)
        try:
            async with self.db.session() as session:
                ctx = await self._context(session, community, place, actor, private=True)
                offered: list[str] = await getattr(spec.cog, wanted.suggest)(ctx, typed)
        except Exception:
            log.exception("suggestions for /%s %s failed", spec.name, param)
            return []
        return offered[:25]  # Discord shows at most 25 choices

    async def config(self, place: Place) -> CommunityConfig:
        """A community's current values, for adapters that map platform roles to levels."""
        community = await self.community(place)
        cached = self.configs.cached(community.id)
        if cached is not None:
            return cached  # no session at all: adapters call this before acknowledging
        async with self.db.session() as session:
            return await self.configs.get(session, community.id)

    async def note_message(self, place: Place, actor: Actor) -> None:
        """A member posted: count it as activity (the text itself is never seen or stored)."""
        if actor.is_bot:
            return
        community = await self.community(place)
        self.activity.record(
            community_id=community.id,
            external_id=actor.external_id,
            name=actor.name,
            at=self.clock.now(),
        )

    async def community(self, place: Place) -> Community:
        """The community for a place, created on first sight and cached (ids never change)."""
        key = (place.platform, place.community_id)
        found = self._communities.get(key)
        if found is None:
            async with self.db.session() as session, session.begin():
                row = await communities.get_or_create(
                    session,
                    platform=place.platform,
                    external_id=place.community_id,
                    name=place.community_name or place.community_id,
                    now=self.clock.now(),
                )
                assert row.id is not None
            found = self._communities[key] = Community(
                row.id, row.platform, row.external_id, row.name
            )
        return found

    async def _execute(
        self,
        place: Place,
        actor: Actor,
        body: Body,
        transport: Transport,
        private: bool,
        usage: str | None = None,
        *,
        activity: bool = True,
    ) -> Outcome:
        community = await self.community(place)
        ctx: Context | None = None
        stored: dict[int, OutboxRow] = {}
        try:
            async with self.db.session() as session, session.begin():
                ctx = await self._context(session, community, place, actor, private, transport)
                await body(ctx)
                await self._after_progress(ctx)
                stored = await self._store(ctx, place)
        except UserError as error:
            self.sender.release(stored.values())  # rolled back: those rows never existed
            return await self._refuse(
                place, error, transport, usage=usage if isinstance(error, ParseError) else None
            )
        except Exception:
            self.sender.release(stored.values())
            reference = secrets.token_hex(3)
            log.exception("[%s] failed in %s for %s", reference, community.name, actor.name)
            crash = UserError(
                f"Sorry, something went wrong on my side (reference `{reference}`). "
                "Nothing you had saved was lost. Please try again; if it keeps happening, "
                "give a moderator the reference."
            )
            await self._deliver(place, [ToInvoker(Reply(crash.message, private=True))], transport)
            return Outcome(False, crash)
        except BaseException:
            self.sender.release(stored.values())  # cancelled: whatever was kept goes later
            raise
        for hook in ctx.after_commit:
            hook()
        if activity and not actor.is_bot:
            self.activity.record(
                community_id=community.id,
                external_id=actor.external_id,
                name=actor.name,
                at=self.clock.now(),
            )
        await send_in_order(place, ctx.outbox.items, stored, transport, self.sender, defer=True)
        return Outcome(True)

    async def _context(
        self,
        session: AsyncSession,
        community: Community,
        place: Place,
        actor: Actor,
        private: bool,
        transport: Transport | None = None,
    ) -> Context:
        config = await self.configs.get(session, community.id)
        known = self.db.known_members.get(community.id, actor.external_id)
        row = None
        if known is None or known.name != actor.name[:100] or known.is_bot != actor.is_bot:
            row = await members.upsert(
                session,
                community_id=community.id,
                external_id=actor.external_id,
                name=actor.name,
                is_bot=actor.is_bot,
                default_role=config.default_role,
            )
        ctx = Context(
            community=community,
            author=as_member(row or known, actor.level),  # type: ignore[arg-type]
            channel=place.channel,
            session=session,
            config=config,
            clock=self.clock,
            registry=self.registry,
            private_by_default=private,
        )
        # Transports that can list the community's channels say so (Discord, Slack); optional,
        # so the console and test transports need nothing.
        channel_names = getattr(transport, "channel_names", None)
        if channel_names is not None:
            ctx.channel_names = channel_names
        if row is not None:
            ctx.after_commit.append(lambda: self.db.known_members.remember(row))
        return ctx

    async def _after_progress(self, ctx: Context) -> None:
        # Listeners see the command's own writes, in its transaction, so what it earned is
        # awarded with it (or not at all, if it fails).
        if ctx.progress:
            for listener in self.registry.listeners.get("progress", []):
                await listener(ctx)

    async def run_as_bot(self, place: Place, body: Body, transport: Transport) -> bool:
        """Run a scheduled job's work in one community, as the bot itself; True if it committed."""
        community = await self.community(place)
        stored: dict[int, OutboxRow] = {}
        try:
            async with self.db.session() as session, session.begin():
                ctx = Context(
                    community=community,
                    author=BOT,
                    channel=place.channel,
                    session=session,
                    config=await self.configs.get(session, community.id),
                    clock=self.clock,
                    registry=self.registry,
                )
                await body(ctx)
                await self._after_progress(ctx)
                stored = await self._store(ctx, place)
        except Exception:
            self.sender.release(stored.values())  # rolled back: those rows never existed
            log.exception("a job failed in %s; it will try again next time", community.name)
            return False
        except BaseException:
            self.sender.release(stored.values())  # cancelled: whatever was kept goes later
            raise
        for hook in ctx.after_commit:
            hook()
        await send_in_order(place, ctx.outbox.items, stored, transport, self.sender)
        return True

    async def _store(self, ctx: Context, place: Place) -> dict[int, OutboxRow]:
        """Write what the work queued into the outbox, in its transaction: entry -> row."""
        entries = ctx.outbox.queued()
        if not entries:
            return {}
        kept = await outbox.store(
            ctx.session,
            community_id=ctx.community.id,
            here=place.channel,
            entries=entries,
            now=self.clock.now(),
            claim=self.sender.claims.stamp(),
        )
        # Claimed before the commit makes them visible: the background sender leaves them to
        # this command's own delivery, so none goes twice.
        self.sender.hold(row for row, _ in kept)
        return {id(entry): row for row, entry in kept}

    async def _refuse(
        self, place: Place, error: UserError, transport: Transport, usage: str | None = None
    ) -> Outcome:
        text = error.message if usage is None else f"{error.message}\nUsage: `{usage}`"
        await self._deliver(place, [ToInvoker(Reply(text, private=True))], transport)
        return Outcome(False, error)

    async def _deliver(self, place: Place, items: list[Outgoing], transport: Transport) -> None:
        await deliver_all(place, items, transport)
