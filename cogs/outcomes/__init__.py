"""Outcomes register: what the community made, who made it (with their consent), and where."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from bot import render
from bot.binding import as_member, resolve_member
from bot.commands import Level, Member, Range, action, command, listener
from bot.context import Context
from bot.errors import UserError
from bot.metrics import Metric
from bot.pages import Gathering
from bot.paging import split_key
from bot.parser import parse_member
from cogs.common import page_of, reply_page, row_id
from cogs.outcomes import data as outcomes_data
from cogs.outcomes import records, reports, words
from storage import outcomes
from storage.models import MemberRow, OutcomeRow

Number = Annotated[int, "The outcome's number, as the register shows it", Range(1, 10**9)]


class Outcomes:
    """Record what the community made and credit everyone who made it."""

    data = outcomes_data.HOOK  # what it holds about a member, for /my-data and /forget-me

    metrics = (
        Metric(
            "outcomes_contributed",
            "outcomes the member is credited on",
            outcomes.contributed_tally,
            "count",
            ("outcome contributed to", "outcomes contributed to"),
        ),
    )

    @command("outcome add", form=records.FORM, private=True)
    async def outcome_add(
        self,
        ctx: Context,
        *,
        title: str,
        type: str,
        link: str,
        license: str = "",
        description: str = "",
        contributors: str = "",
    ) -> None:
        """Record an outcome (title="…" type=… link=… license="…" contributors="@ana author")."""
        row = await outcomes.add(
            ctx.session,
            community_id=ctx.community.id,
            added_by=ctx.author.id,
            title=records.read_title(title),
            type=records.read_type(ctx, type),
            link=records.read_link(link),
            license=records.read_license(ctx, license),
            description=records.read_description(description),
            now=ctx.now(),
        )
        pairs = await records.read_contributors(ctx, contributors)
        assert row.id is not None
        for member, role in pairs:
            await outcomes.credit(
                ctx.session, row=row, member_id=member.id, role=role, now=ctx.now()
            )
        credits = await outcomes.credits(ctx.session, outcome_id=row.id)
        ctx.post(ctx.config.outcomes_channel, words.post(row, credits))
        for credit, member in credits:
            if member.id != ctx.author.id:
                words.tell_credited(ctx, row, member, credit.role)
        ctx.progressed(*(as_member(member) for _, member in credits))
        ctx.reply(
            f"Saved as Outcome #{row.number}: **{records.title_of(row)}**, crediting "
            f"{words.credited(credits, mention=False)}. It's posted in "
            f"#{render.safe(ctx.config.outcomes_channel)}."
        )

    @command("outcomes", private=True)
    async def outcomes_register(
        self,
        ctx: Context,
        type: Annotated[str | None, "Only outcomes of this type"] = None,
        member: Annotated[Member | None, "Only outcomes crediting this member"] = None,
    ) -> None:
        """The outcomes register, newest first: all of it, of one type, or one member's."""
        if type is not None and type.startswith(("@", "<@")) and member is None:
            member, type = await resolve_member(ctx, parse_member(type)), None
        kind = records.read_type(ctx, type) if type is not None else None
        index = "" if kind is None else str(ctx.config.outcome_types.index(kind))
        await self._register(ctx, index, member.id if member else None, page=1)

    @action("outcomes_page")
    async def register_page(self, ctx: Context, arg: str) -> None:
        """Another page of the register."""
        key, page = split_key(arg)
        index, _, who = key.partition("|")
        await self._register(ctx, index, row_id(who), page=page)

    async def _register(
        self, ctx: Context, index: str, member_id: int | None, *, page: int
    ) -> None:
        menu = ctx.config.outcome_types
        found = row_id(index)
        kind = menu[found] if found is not None and found < len(menu) else None

        async def fetch(offset: int, limit: int) -> tuple[int, Sequence[OutcomeRow]]:
            return await outcomes.register(
                ctx.session,
                community_id=ctx.community.id,
                type=kind,
                member_id=member_id,
                offset=offset,
                limit=limit,
            )

        shown, rows = await page_of(ctx, fetch, page)
        who = member_id and await ctx.session.get(MemberRow, member_id)
        about = (f" of type {render.safe(kind)}" if kind else "") + (
            f" crediting {render.safe(who.name)}" if who else ""
        )
        if shown.total == 0:
            ctx.reply(f"No outcomes{about} yet. Record one with /outcome add.", private=True)
            return
        lines = [shown.heading(f"Outcomes{about}: {shown.total}, newest first")]
        for row in rows:
            assert row.id is not None
            credits = await outcomes.credits(ctx.session, outcome_id=row.id)
            lines.append(words.line(ctx, row, credits))
        key = f"{index if kind else ''}|{member_id or ''}"
        reply_page(ctx, shown, lines, action="outcomes_page", key=key)

    @command("outcome show", private=True)
    async def outcome_show(self, ctx: Context, number: Number) -> None:
        """One outcome in full: its link, license, description and contributors."""
        row = await records.find(ctx, number)
        assert row.id is not None
        credits = await outcomes.credits(ctx.session, outcome_id=row.id)
        ctx.reply(words.shown(ctx, row, credits))

    @command("outcome edit", form=records.EDIT_FORM, private=True)
    async def outcome_edit(
        self,
        ctx: Context,
        number: Annotated[int | None, "The outcome's number", Range(1, 10**9)] = None,
        *,
        title: Annotated[str, "A new title"] = "",
        type: Annotated[str, "A new type"] = "",
        link: Annotated[str, "A new link"] = "",
        license: Annotated[str, "A new license"] = "",
        description: Annotated[str, "A new description"] = "",
        outcome: Annotated[str, "The outcome's number (carried by the edit form)"] = "",
    ) -> None:
        """Change an outcome you contributed to; with nothing to change, a form opens."""
        found = number if number is not None else row_id(outcome)
        if found is None:
            raise UserError("Say which outcome to change: /outcome edit N (see /outcomes).")
        row = await records.find(ctx, found)
        await records.check_may_change(ctx, row)
        submitted = bool(outcome)  # the edit form came back: every field holds its new value
        if not submitted and not any((title, type, link, license, description)):
            ctx.show_form(records.edit_form(ctx, row))
            return
        if title:
            row.title = records.read_title(title)
        if type:
            row.type = records.read_type(ctx, type)
        if link:
            row.link = records.read_link(link)
        if license:
            row.license = records.read_license(ctx, license)
        if description or submitted:  # an emptied description in the form clears it
            row.description = records.read_description(description) if description else ""
        row.edited_at = ctx.now()
        ctx.session.add(row)
        assert row.id is not None
        credits = await outcomes.credits(ctx.session, outcome_id=row.id)
        ctx.reply(f"Outcome #{row.number} is changed:\n{words.shown(ctx, row, credits)}")

    @command("outcome credit", private=True)
    async def outcome_credit(
        self,
        ctx: Context,
        number: Number,
        member: Annotated[Member, "Who to credit"],
        role: Annotated[str, "Their role, from contributor_roles"],
    ) -> None:
        """Credit a member on an outcome you contributed to, with their role."""
        row = await records.find(ctx, number)
        await records.check_may_change(ctx, row)
        if member.is_bot:
            raise UserError(f"{render.name(member)} is a bot: credit people only.")
        role = records.read_role(ctx, role)
        assert row.id is not None
        credits = await outcomes.credits(ctx.session, outcome_id=row.id)
        if all(m.id != member.id for _, m in credits):
            records.check_count(len(credits) + 1)
        if not await outcomes.credit(
            ctx.session, row=row, member_id=member.id, role=role, now=ctx.now()
        ):
            raise UserError(f"{render.name(member)} is already credited as {role} on #{number}.")
        if member.id != ctx.author.id:
            found = await ctx.session.get(MemberRow, member.id)
            assert found is not None
            words.tell_credited(ctx, row, found, role)
        ctx.progressed(member)
        ctx.reply(f"Credited **{render.name(member)}** as {role} on Outcome #{number}.")

    @command("outcome uncredit", private=True)
    async def outcome_uncredit(
        self, ctx: Context, number: Number, member: Annotated[Member, "Whose credit to withdraw"]
    ) -> None:
        """Withdraw a member's credit on an outcome you contributed to."""
        row = await records.find(ctx, number)
        await records.check_may_change(ctx, row)
        assert row.id is not None
        if not await outcomes.uncredit(
            ctx.session, outcome_id=row.id, member_id=member.id, now=ctx.now()
        ):
            raise UserError(f"{render.name(member)} isn't credited on Outcome #{number}.")
        ctx.reply(f"**{render.name(member)}** is no longer credited on Outcome #{number}.")

    @command("outcome remove", level=Level.MODERATOR, private=True)
    async def outcome_remove(
        self, ctx: Context, number: Number, *, reason: Annotated[str, "Why (kept on record)"]
    ) -> None:
        """Take an outcome out of the register, saying why (kept on record)."""
        row = await records.find(ctx, number)
        why = " ".join(reason.split())
        if not 3 <= len(why) <= 300:
            raise UserError("Say why in 3 to 300 characters; the reason is kept on record.")
        row.removed_at, row.removed_by, row.removed_reason = ctx.now(), ctx.author.id, why
        ctx.session.add(row)
        ctx.reply(f"Outcome #{number} is out of the register; who, when and why are on record.")

    @action(words.REMOVE_ME)
    async def remove_me(self, ctx: Context, arg: str) -> None:
        """Remove me: withdraw the presser's own credit, and change nothing else."""
        row = await records.find_by_id(ctx, arg)
        assert row.id is not None
        if not await outcomes.uncredit(
            ctx.session, outcome_id=row.id, member_id=ctx.author.id, now=ctx.now()
        ):
            raise UserError(f"You aren't credited on Outcome #{row.number} any more.")
        ctx.reply(f"Done: you're no longer credited on Outcome #{row.number}.", replace=True)

    @listener("home_opened")
    async def home(self, ctx: Context) -> None:
        """The outcomes the member contributed to, on their home page."""
        ctx.reply(await words.home(ctx))

    @listener("digest")
    async def digest(self, ctx: Context, gathering: Gathering) -> None:
        """Outcomes published in the period, for the community's digest."""
        await reports.digest(ctx, gathering)

    @listener("impact")
    async def impact(self, ctx: Context, gathering: Gathering) -> None:
        """The member's own outcomes, with roles, links and licenses, for their impact report."""
        await reports.impact(ctx, gathering)
