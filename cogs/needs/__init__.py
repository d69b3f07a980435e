"""Needs and offers: say what you look for and what you can give, and meet who fits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

from bot import render
from bot.binding import as_member
from bot.commands import Member, Range, Suggest, action, command, job
from bot.context import Context
from bot.errors import UserError
from bot.metrics import Metric
from bot.paging import split_key
from bot.reply import Button
from cogs.common import page_of, reply_page
from cogs.kudos import limits, thank
from cogs.needs import asking, records, words
from cogs.needs import data as needs_data
from cogs.needs.listening import NeedsListeners
from cogs.needs.records import NOUN
from cogs.tags import MAX_TAG_LENGTH, normalise_tag
from storage import needs
from storage.models import MemberRow, NeedRow

if TYPE_CHECKING:
    from bot.jobs import JobRun

CHUNK = 500  # needs per transaction in the check-in job
Number = Annotated[int, "Its number, as lists show it (#4)", Range(1, 10**9)]
What = Annotated[str, "What it is about (5 to 300 characters)"]
Tags = Annotated[str, "1 to 5 comma-separated tags, like grants, funding", Suggest("tag_names")]
BoardTag = Annotated[str | None, "Only those with this tag", Suggest("tag_names")]


class Needs(NeedsListeners):
    """Say what you're looking for and what you can give; meet the members who fit."""

    data = needs_data.HOOK  # what it holds about a member, for /my-data and /forget-me

    metrics = (
        Metric(
            "needs_met",
            "the member's needs that were met",
            needs.met_tally,
            "count",
            ("need met", "needs met"),
        ),
        Metric(
            "needs_helped",
            "others' needs met with the member's help",
            needs.helped_tally,
            "count",
            ("need helped with", "needs helped with"),
        ),
    )

    @command("need add", form=records.form(needs.NEED), private=True)
    async def need_add(self, ctx: Context, *, what: What, tags: Tags) -> None:
        """Say what you're looking for (what="…" tags="…"), and see who may help."""
        row = await self._add(ctx, needs.NEED, what, tags)
        fits = await needs.helpers_for(
            ctx.session,
            community_id=ctx.community.id,
            asker_id=ctx.author.id,
            tags=needs.tag_list(row),
        )
        lines, buttons = words.helpers(row, fits)
        ctx.reply("\n".join([words.saved(row), *lines]), buttons=buttons)

    @command("offer add", form=records.form(needs.OFFER), private=True)
    async def offer_add(self, ctx: Context, *, what: What, tags: Tags) -> None:
        """Say what you can give (what="…" tags="…"), and see the open needs it fits."""
        row = await self._add(ctx, needs.OFFER, what, tags)
        found = await needs.fitting_needs(
            ctx.session,
            community_id=ctx.community.id,
            offerer_id=ctx.author.id,
            tags=needs.tag_list(row),
        )
        ctx.reply("\n".join([words.saved(row), *words.fitting(found)]))

    async def _add(self, ctx: Context, kind: str, what: str, tags: str) -> NeedRow:
        text, tagged = records.read_what(what, kind), records.read_tags(tags)
        await records.check_room(ctx, kind)
        return await needs.add(
            ctx.session,
            community_id=ctx.community.id,
            member_id=ctx.author.id,
            kind=kind,
            what=text,
            tags=tagged,
            now=ctx.now(),
        )

    @command("need edit", private=True)
    async def need_edit(
        self,
        ctx: Context,
        number: Number,
        what: Annotated[str | None, "What you're looking for now"] = None,
        tags: Annotated[str | None, "1 to 5 tags instead", Suggest("tag_names")] = None,
    ) -> None:
        """Change what an open need of yours says (what="…") or its tags (tags="…")."""
        if what is None and tags is None:
            raise UserError(f'Say what to change: /need edit {number} what="…" or tags="…".')
        row = await records.own(ctx, number, needs.NEED)
        await needs.edit(
            ctx.session,
            row=row,
            what=None if what is None else records.read_what(what, needs.NEED),
            tags=None if tags is None else records.read_tags(tags),
            now=ctx.now(),
        )
        tagged = render.safe(row.tags)
        ctx.reply(f"Need #{number} now reads: “{records.what_of(row)}” ({tagged}).")

    @command("need done", private=True)
    async def need_done(
        self,
        ctx: Context,
        number: Number,
        helper: Annotated[Member | None, "Who helped (you can thank them)"] = None,
    ) -> None:
        """Mark a need of yours met, naming who helped if someone did."""
        row = await records.own(ctx, number, needs.NEED)
        if helper is not None and (helper.id == ctx.author.id or helper.is_bot):
            raise UserError("Name the member who helped you, not yourself or a bot.")
        helper_id = helper.id if helper else None
        await needs.close(
            ctx.session, row=row, status=needs.MET, helper_id=helper_id, now=ctx.now()
        )
        if helper is None:
            ctx.reply(f"🎉 Need #{number} is met, and kept in your history (/needs mine).")
            return
        name = render.name(helper)
        ctx.reply(
            f"🎉 Need #{number} is met with help from **{name}**, and kept in your history. "
            "Thank them with kudos?",
            buttons=(Button(f"Thank {render.clip(helper.name, 40)}", "need_thank", str(row.id)),),
        )

    @command("need drop", private=True)
    async def need_drop(self, ctx: Context, number: Number) -> None:
        """Drop a need you no longer have; it stays in your history."""
        await self._drop(ctx, await records.own(ctx, number, needs.NEED))

    @command("offer drop", private=True)
    async def offer_drop(self, ctx: Context, number: Number) -> None:
        """Withdraw an offer you can no longer give; it stays in your history."""
        await self._drop(ctx, await records.own(ctx, number, needs.OFFER))

    async def _drop(self, ctx: Context, row: NeedRow, *, replace: bool = False) -> None:
        await needs.close(ctx.session, row=row, status="dropped", helper_id=None, now=ctx.now())
        noun = NOUN[row.kind]
        ctx.reply(
            f"Dropped {noun} #{row.number}; it stays in your history (/{noun}s mine).",
            replace=replace,
        )

    @action("need_thank")
    async def thank_helper(self, ctx: Context, arg: str) -> None:
        """The one-press kudos to whoever helped meet a need, by the kudos rules."""
        row = await self._met(ctx, arg)
        helper = row.helper_id and await ctx.session.get(MemberRow, row.helper_id)
        if not helper or helper.left_at is not None:
            raise UserError("Whoever helped has left the community, so they can't be thanked.")
        if row.thanked:
            raise UserError(f"You've thanked **{render.safe(helper.name)}** for #{row.number}.")
        reason = f"for helping with need #{row.number}: {render.clip(row.what, 240)}"
        left = await thank(ctx, [as_member(helper)], reason)
        row.thanked = True
        ctx.session.add(row)
        ctx.reply(f"Thanks sent! {limits.still_to_give(ctx, left)}", replace=True)

    async def _met(self, ctx: Context, arg: str) -> NeedRow:
        found = await records.own_by_id_any(ctx, arg)
        if found.status != needs.MET:
            raise UserError(f"Need #{found.number} isn't met; /need done {found.number} first.")
        return found

    @command("needs", private=True, root_name="board")
    async def needs_board(self, ctx: Context, tag: BoardTag = None) -> None:
        """The open needs, newest first, marking those your offers fit."""
        await self._board(ctx, needs.NEED, tag, page=1)

    @command("offers", private=True, root_name="board")
    async def offers_board(self, ctx: Context, tag: BoardTag = None) -> None:
        """The open offers, newest first, marking those that fit your needs."""
        await self._board(ctx, needs.OFFER, tag, page=1)

    @action("needs_board")
    async def board_page(self, ctx: Context, arg: str) -> None:
        """Another page of a board."""
        key, page = split_key(arg)
        kind, _, tag = key.partition(":")
        if kind not in NOUN:
            raise UserError("That list has expired: run /needs or /offers again.")
        await self._board(ctx, kind, tag or None, page=page)

    async def _board(self, ctx: Context, kind: str, typed: str | None, *, page: int) -> None:
        tag = normalise_tag(typed) if typed else None
        other = needs.OFFER if kind == needs.NEED else needs.NEED
        mine = await needs.open_tags(
            ctx.session, community_id=ctx.community.id, member_id=ctx.author.id, kind=other
        )

        async def fetch(offset: int, limit: int) -> tuple[int, Sequence[tuple[NeedRow, MemberRow]]]:
            if tag is not None and len(tag) > MAX_TAG_LENGTH:
                return 0, []  # no tag is that long
            return await needs.board(
                ctx.session,
                community_id=ctx.community.id,
                kind=kind,
                tag=tag,
                offset=offset,
                limit=limit,
            )

        shown, rows = await page_of(ctx, fetch, page)
        noun = NOUN[kind]
        about = f" tagged {render.echo(tag)}" if tag else ""
        if shown.total == 0:
            ctx.reply(f"No open {noun}s{about} yet. Add one with /{noun} add.", private=True)
            return
        lines = [shown.heading(f"Open {noun}s{about}: {shown.total}, newest first")]
        for row, member in rows:
            fits = bool(mine & set(needs.tag_list(row))) and member.id != ctx.author.id
            lines.append(words.board_line(ctx, row, member, fits=fits))
        reply_page(ctx, shown, lines, action="needs_board", key=f"{kind}:{tag or ''}")

    @command("needs mine", private=True)
    async def needs_mine(self, ctx: Context) -> None:
        """Your needs with their numbers: open ones first, then those met or dropped."""
        await self._mine(ctx, needs.NEED, page=1)

    @command("offers mine", private=True)
    async def offers_mine(self, ctx: Context) -> None:
        """Your offers with their numbers: open ones first, then those withdrawn."""
        await self._mine(ctx, needs.OFFER, page=1)

    @action("needs_mine")
    async def mine_page(self, ctx: Context, arg: str) -> None:
        """Another page of your own needs or offers."""
        kind, page = split_key(arg)
        if kind not in NOUN:
            raise UserError("That list has expired: run /needs mine again.")
        await self._mine(ctx, kind, page=page)

    async def _mine(self, ctx: Context, kind: str, *, page: int) -> None:
        async def fetch(offset: int, limit: int) -> tuple[int, Sequence[NeedRow]]:
            return await needs.mine(
                ctx.session,
                community_id=ctx.community.id,
                member_id=ctx.author.id,
                kind=kind,
                offset=offset,
                limit=limit,
            )

        shown, rows = await page_of(ctx, fetch, page)
        noun = NOUN[kind]
        if shown.total == 0:
            ctx.reply(f"You have no {noun}s yet. Add one with /{noun} add.", private=True)
            return
        lines = [shown.heading(f"Your {noun}s: {shown.total}")]
        for row in rows:
            helper = row.helper_id and await ctx.session.get(MemberRow, row.helper_id)
            lines.append(words.own_line(ctx, row, helper.name if helper else None))
        reply_page(ctx, shown, lines, action="needs_mine", key=kind)

    async def tag_names(self, ctx: Context, typed: str) -> list[str]:
        """Tags in use on the boards and in intros, the most used first, matching what was typed."""
        typed = normalise_tag(typed)
        used = await needs.tags_in_use(ctx.session, community_id=ctx.community.id)
        return [tag for tag in used if typed in tag]

    @job("need_checkin", daily="10:00")
    async def need_checkin(self, run: JobRun) -> int:
        """Ask, once per round, whether a need open need_checkin_days is still needed."""
        asked, after = 0, 0
        while True:
            found = await self._checkin_run(run, after)
            asked += len(found)
            if len(found) < CHUNK:
                return asked
            after = found[-1].id or 0

    async def _checkin_run(self, run: JobRun, after: int) -> list[NeedRow]:
        found: list[NeedRow] = []

        async def body(ctx: Context) -> None:
            found.extend(await self.checkin_chunk(ctx, after=after))

        if not await run.work(body):
            # Chunks already done are recorded: the run that follows takes up the rest.
            raise RuntimeError("a chunk of the need check-in failed")
        return found

    async def checkin_chunk(self, ctx: Context, *, after: int) -> list[NeedRow]:
        """Queue the check-in DMs of the next needs (by id) that are due one."""
        days = ctx.config.need_checkin_days
        due = await needs.checkins_due(
            ctx.session,
            community_id=ctx.community.id,
            before=ctx.now() - timedelta(days=days),
            after_id=after,
            limit=CHUNK,
        )
        for row, member in due:
            row.checkins += 1
            row.checked_in_at = ctx.now()
            ctx.session.add(row)
            arg = str(row.id)
            ctx.dm(
                as_member(member),
                f"Your need #{row.number} ({records.what_of(row)}) has been open a while. "
                "Do you still need it?",
                buttons=(
                    Button("Still need it", "need_keep", arg, style="primary"),
                    Button("Met", "need_met", arg, style="success"),
                    Button("Drop", "need_drop", arg),
                ),
                key=f"need_checkin:{row.id}:{row.checkins}",
                unsolicited=True,
            )
        return [row for row, _ in due]

    @action("need_keep")
    async def keep(self, ctx: Context, arg: str) -> None:
        """Still need it: keep it open, and check in again after another need_checkin_days."""
        row = await records.own_by_id(ctx, arg)
        await needs.renew(ctx.session, row=row, now=ctx.now())
        days = ctx.config.need_checkin_days
        ctx.reply(f"Kept open. I'll check in again in {days} days.", replace=True)

    @action("need_met")
    async def met(self, ctx: Context, arg: str) -> None:
        """Met: close the need as met, kept in the member's history."""
        row = await records.own_by_id(ctx, arg)
        await needs.close(ctx.session, row=row, status=needs.MET, helper_id=None, now=ctx.now())
        ctx.reply(
            f"🎉 Glad need #{row.number} is met! It's kept in your history. "
            "If someone helped, thank them with /kudos.",
            replace=True,
        )

    @action("need_drop")
    async def drop_pressed(self, ctx: Context, arg: str) -> None:
        """Drop: close the need as dropped, kept in the member's history."""
        await self._drop(ctx, await records.own_by_id(ctx, arg), replace=True)

    @action(words.ASK_ACTION)
    async def ask_pressed(self, ctx: Context, arg: str) -> None:
        """Ask for an intro: DM a possible helper about the need."""
        await asking.ask(ctx, arg)

    @action(asking.YES)
    async def yes_pressed(self, ctx: Context, arg: str) -> None:
        """Happy to help: introduce the helper and the asker to each other."""
        await asking.yes(ctx, arg)

    @action(asking.NO)
    async def no_pressed(self, ctx: Context, arg: str) -> None:
        """Not now: tell the asker kindly."""
        await asking.no(ctx, arg)
