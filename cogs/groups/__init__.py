"""Volunteer work groups: a call for volunteers, members with roles, updates, and an outcome."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from bot import render
from bot.binding import as_member
from bot.commands import Level, Member, Range, action, command, job, listener
from bot.context import Context
from bot.errors import UserError
from bot.outbox import Handle
from bot.pages import Gathering
from bot.reply import Button
from cogs.common import page_of, plural, reply_page
from cogs.groups import checkin, records, reports, words
from cogs.groups import data as groups_data
from cogs.groups.records import name_of
from cogs.outcomes import records as outcome_records
from cogs.outcomes.words import tell_credited
from storage import groups, outcomes
from storage.models import OutcomeRow, WorkGroupRow

if TYPE_CHECKING:
    from bot.jobs import JobRun

Name = Annotated[str, "The group's name (quote it if it has spaces)"]
UPDATE_MAX = 1000


class Groups:
    """Start volunteer work groups, join them, post updates, and close them with an outcome."""

    data = groups_data.HOOK  # what it holds about a member, for /my-data and /forget-me

    @command("group propose", form=records.FORM, private=True)
    async def group_propose(
        self,
        ctx: Context,
        *,
        name: str,
        purpose: str,
        produces: str,
        capacity: str,
        ends: str,
        roles: str = "",
    ) -> None:
        """Propose a work group (name="…" purpose="…" produces=guide capacity=4 ends=YYYY-MM-DD)."""
        named = records.read_name(name)
        if await groups.by_name(ctx.session, community_id=ctx.community.id, name=named):
            raise UserError(
                f"There is already a work group called **{render.safe(named)}**: "
                "pick another name, or join it with /group join.",
                field="name",
            )
        pending = ctx.config.groups_need_approval
        row = await groups.propose(
            ctx.session,
            community_id=ctx.community.id,
            lead_id=ctx.author.id,
            name=named,
            purpose=records.read_purpose(purpose),
            produces=outcome_records.pick(
                produces, ctx.config.outcome_types, noun="type produced", field="produces"
            ),
            capacity=records.read_capacity(capacity),
            ends_on=records.read_ends(ctx, ends),
            roles=records.read_roles(roles),
            pending=pending,
            now=ctx.now(),
        )
        if pending:
            ctx.post(
                checkin.moderators_channel(ctx),
                f"🗳️ {render.name(ctx.author)} proposes the work group **{name_of(row)}**: "
                f"{render.safe(render.clip(row.purpose, 200))}. A moderator can approve it.",
                buttons=(Button("Approve", words.APPROVE, str(row.id), style="success"),),
            )
            ctx.reply(f"Proposed **{name_of(row)}**; it's posted once a moderator approves it.")
            return
        await self._call(ctx, row)
        ctx.reply(f"**{name_of(row)}** is started, with you as lead; the call is posted.")

    async def _call(self, ctx: Context, row: WorkGroupRow) -> None:
        assert row.id is not None
        text, buttons = words.call(row, await groups.members(ctx.session, group_id=row.id))
        row.post = ctx.post(ctx.config.outcomes_channel, text, buttons=buttons).id
        ctx.session.add(row)

    async def _refresh(self, ctx: Context, row: WorkGroupRow) -> None:
        """Edit the call for volunteers to show the places left (or that the group closed)."""
        assert row.id is not None
        if row.post:
            text, buttons = words.call(row, await groups.members(ctx.session, group_id=row.id))
            ctx.edit(Handle(row.post), text, buttons=buttons)

    @action(words.APPROVE, level=Level.MODERATOR)
    async def approve(self, ctx: Context, arg: str) -> None:
        """Approve a proposed work group: post its call for volunteers."""
        row = await records.find_by_id(ctx, arg)
        if row.status != groups.PENDING:
            raise UserError(f"**{name_of(row)}** is already {row.status}.")
        row.status, row.started_at = groups.ACTIVE, ctx.now()
        await self._call(ctx, row)
        ctx.reply(f"Approved **{name_of(row)}**: its call for volunteers is posted.", replace=True)

    @command("group join", private=True)
    async def group_join(
        self, ctx: Context, name: Name, role: Annotated[str | None, "Your role in it"] = None
    ) -> None:
        """Join a work group, with one of its roles if you like."""
        await self._join(ctx, await records.find(ctx, name), role)

    @action(words.JOIN)
    async def join_pressed(self, ctx: Context, arg: str) -> None:
        """Join: take a place in the group."""
        await self._join(ctx, await records.find_by_id(ctx, arg), None)

    async def _join(self, ctx: Context, row: WorkGroupRow, role: str | None) -> None:
        records.check_open(row)
        assert row.id is not None
        members = await groups.members(ctx.session, group_id=row.id)
        if any(member.id == ctx.author.id for _, member in members):
            raise UserError(f"You're already in **{name_of(row)}**.")
        if len(members) >= row.capacity:
            raise UserError(
                f"**{name_of(row)}** is full ({row.capacity} places): joining would put it over "
                "capacity. Ask the lead whether a place opens up."
            )
        place = records.read_role(row, role)
        await groups.join(ctx.session, row=row, member_id=ctx.author.id, role=place, now=ctx.now())
        await self._refresh(ctx, row)
        left = row.capacity - len(members) - 1
        ctx.reply(f"You're in **{name_of(row)}**! {plural(left, 'place')} left.")

    @command("group leave", private=True)
    async def group_leave(self, ctx: Context, name: Name) -> None:
        """Leave a work group you're in."""
        row = await records.find(ctx, name)
        if row.lead_id == ctx.author.id and row.status != groups.CLOSED:
            raise UserError(
                "You lead this group: hand it over first with /group lead NAME @member."
            )
        assert row.id is not None
        if not await groups.leave(
            ctx.session, group_id=row.id, member_id=ctx.author.id, now=ctx.now()
        ):
            raise UserError(f"You aren't in **{name_of(row)}**.")
        await self._refresh(ctx, row)
        ctx.reply(f"You've left **{name_of(row)}**.")

    @command("group list", private=True)
    async def group_list(
        self, ctx: Context, status: Literal["active", "closed"] = "active"
    ) -> None:
        """The work groups, active (and waiting for approval) or closed, newest first."""
        await self._list(ctx, status, page=1)

    @action("group_list")
    async def list_page(self, ctx: Context, arg: str) -> None:
        """Another page of the work groups."""
        status, _, page = arg.partition(":")
        await self._list(
            ctx,
            status if status == groups.CLOSED else groups.ACTIVE,
            page=int(page or 1) if page.isdigit() else 1,
        )

    async def _list(self, ctx: Context, status: str, *, page: int) -> None:
        async def fetch(offset: int, limit: int) -> tuple[int, list[WorkGroupRow]]:
            total, rows = await groups.listed(
                ctx.session,
                community_id=ctx.community.id,
                status=status,
                offset=offset,
                limit=limit,
            )
            return total, list(rows)

        shown, rows = await page_of(ctx, fetch, page)
        if shown.total == 0:
            ctx.reply(f"No {status} work groups. Start one with /group propose.", private=True)
            return
        lines = [shown.heading(f"Work groups ({status}): {shown.total}, newest first")]
        for row in rows:
            assert row.id is not None
            taken = len(await groups.members(ctx.session, group_id=row.id))
            lines.append(words.line(row, taken))
        reply_page(ctx, shown, lines, action="group_list", key=status)

    @command("group show", private=True)
    async def group_show(self, ctx: Context, name: Name) -> None:
        """One work group: purpose, lead, members and roles, updates and outcome."""
        row = await records.find(ctx, name)
        assert row.id is not None
        members = await groups.members(ctx.session, group_id=row.id)
        updates = await groups.updates(ctx.session, group_id=row.id)
        outcome = row.outcome_id and await ctx.session.get(OutcomeRow, row.outcome_id)
        ctx.reply(words.shown(ctx, row, members, updates, outcome or None))

    @command("group lead", private=True)
    async def group_lead(
        self, ctx: Context, name: Name, member: Annotated[Member, "The new lead"]
    ) -> None:
        """Hand a work group's lead to one of its members (the lead or a moderator)."""
        row = await records.find(ctx, name)
        records.check_lead(ctx, row)
        records.check_open(row)
        assert row.id is not None
        members = await groups.members(ctx.session, group_id=row.id)
        if all(m.id != member.id for _, m in members):
            raise UserError(f"{render.name(member)} isn't in **{name_of(row)}**: they join first.")
        row.lead_id = member.id
        ctx.session.add(row)
        await self._refresh(ctx, row)
        ctx.reply(f"**{render.name(member)}** now leads **{name_of(row)}**.")

    @command("group update", private=True)
    async def group_update(
        self, ctx: Context, name: Name, *, text: Annotated[str, "How it's going"]
    ) -> None:
        """Post an update on a work group you're in."""
        row = await records.find(ctx, name)
        records.check_open(row)
        assert row.id is not None
        members = await groups.members(ctx.session, group_id=row.id)
        if all(m.id != ctx.author.id for _, m in members):
            raise UserError(f"Only members of **{name_of(row)}** post its updates.")
        said = text.strip()
        if not 1 <= len(said) <= UPDATE_MAX:
            raise UserError(f"Keep an update to 1 to {UPDATE_MAX} characters.")
        await groups.update(ctx.session, row=row, member_id=ctx.author.id, text=said, now=ctx.now())
        ctx.post(
            ctx.config.outcomes_channel,
            f"🛠️ **{name_of(row)}** update from {render.name(ctx.author)}: {render.safe(said)}",
        )
        ctx.reply(f"Posted your update on **{name_of(row)}**; it's listed on /group show.")

    @action(words.UPDATE)
    async def update_pressed(self, ctx: Context, arg: str) -> None:
        """Post an update: say how to post it."""
        row = await records.find_by_id(ctx, arg)
        ctx.reply(f'Post it with: /group update "{name_of(row)}" how it is going')

    @command("group close", private=True)
    async def group_close(
        self,
        ctx: Context,
        name: Name,
        outcome: Annotated[
            int | None, "The outcome it produced, by number", Range(1, 10**9)
        ] = None,
    ) -> None:
        """Close a work group (the lead or a moderator), naming the outcome it produced."""
        row = await records.find(ctx, name)
        records.check_lead(ctx, row)
        if row.status == groups.CLOSED:
            raise UserError(f"**{name_of(row)}** is already closed.")
        found = await outcome_records.find(ctx, outcome) if outcome is not None else None
        assert row.id is not None
        members = await groups.members(ctx.session, group_id=row.id)
        row.status, row.closed_at = groups.CLOSED, ctx.now()
        credited = ""
        if found is not None:
            row.outcome_id = found.id
            credited = await self._credit(ctx, found, members)
        ctx.session.add(row)
        await self._refresh(ctx, row)
        ctx.reply(f"**{name_of(row)}** is closed.{credited}")

    async def _credit(self, ctx: Context, found: OutcomeRow, members: words.Members) -> str:
        """Credit the group's members on its outcome with their group role (or author)."""
        assert found.id is not None
        already = {m.id for _, m in await outcomes.credits(ctx.session, outcome_id=found.id)}
        fresh = [(p, m) for p, m in members if m.id not in already]
        outcome_records.check_count(len(already) + len(fresh))
        for place, member in fresh:
            role = place.role or "author"
            await outcomes.credit(
                ctx.session, row=found, member_id=member.id, role=role, now=ctx.now()
            )
            if member.id != ctx.author.id:
                tell_credited(ctx, found, member, role)
        ctx.progressed(*(as_member(m) for _, m in fresh))
        return f" Its members are credited on Outcome #{found.number}."

    @job("group_checkin", daily="10:00")
    async def group_checkin(self, run: JobRun) -> int:
        """Ask each lead for an update every group_checkin_days; flag groups silent for two."""
        done: list[int] = []

        async def body(ctx: Context) -> None:
            done.append(await checkin.run(ctx))

        if not await run.work(body):
            raise RuntimeError("the work group check-in failed")
        return done[0] if done else 0

    @listener("home_opened")
    async def home(self, ctx: Context) -> None:
        """The member's work groups, on their home page."""
        ctx.reply(await words.home(ctx))

    @listener("digest")
    async def digest(self, ctx: Context, gathering: Gathering) -> None:
        """Work groups started, updated or closed in the period."""
        await reports.digest(ctx, gathering)

    @listener("impact")
    async def impact(self, ctx: Context, gathering: Gathering) -> None:
        """The member's work groups and roles."""
        await reports.impact(ctx, gathering)
