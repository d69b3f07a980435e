"""Members' data is theirs: /my-data exports it, /forget-me and /forget-member erase it."""

from __future__ import annotations

import json
from typing import Annotated

from bot import memberdata, render
from bot.commands import IncludeLeft, Level, Member, action, command, listener
from bot.context import Context
from bot.errors import UserError
from bot.reply import Attachment, Button
from storage.models import MemberRow

FORGET, KEEP = "forget_yes", "forget_keep"
FORGOTTEN = "forgotten:"  # how an erased member's row marks its platform id


async def _erase(ctx: Context, member_id: int) -> None:
    """Erase one member's data here with every feature's hook, in this transaction."""
    await memberdata.erase(ctx, memberdata.with_core(ctx.registry.data_hooks), member_id)


def _asking(ctx: Context, member: Member, whose: str) -> None:
    buttons = (
        Button(
            "Forget me" if member.id == ctx.author.id else "Forget them",
            FORGET,
            str(member.id),
            style="danger",
        ),
        Button("Keep my data" if member.id == ctx.author.id else "Keep their data", KEEP),
    )
    ctx.reply(
        f"This erases everything copbot holds about {whose} in this community: intros, needs "
        "and offers, kudos given and received, badges, matching, preferences and activity. "
        'Credit on outcomes stays, as "a former member". It can\'t be undone.',
        buttons=buttons,
        private=True,
    )


class YourData:
    """Your data: everything copbot holds about you here, sent to you, or forgotten."""

    @command("my-data", private=True, cooldown=(2, 3600.0))
    async def my_data(self, ctx: Context) -> None:
        """DM yourself everything copbot holds about you in this community, as a JSON file."""
        hooks = memberdata.with_core(ctx.registry.data_hooks)
        held = await memberdata.export(ctx, hooks, ctx.author.id)
        document = {
            "community": ctx.community.name,
            "exported_at": ctx.now().isoformat(),
            "note": "Other members appear only by name, where your data refers to them. "
            "Anonymous poll answers are never linked to anyone, so they are not here.",
            **held,
        }
        data = json.dumps(document, indent=2, ensure_ascii=False).encode()
        file = Attachment(
            data, "copbot-my-data.json", "Everything copbot holds about you", "application/json"
        )
        ctx.dm(
            ctx.author,
            "Here is everything copbot holds about you in this community.",
            unsolicited=False,
            files=(file,),
        )
        ctx.reply("Your data is in your DMs, as a JSON file.")

    @command("forget-me", private=True, activity=False)
    async def forget_me(self, ctx: Context) -> None:
        """Erase everything copbot holds about you in this community (asks first)."""
        _asking(ctx, ctx.author, "you")

    @command("forget-member", level=Level.ADMIN, private=True, activity=False)
    async def forget_member(
        self, ctx: Context, member: Annotated[Member, "Who asked to be forgotten", IncludeLeft()]
    ) -> None:
        """Erase a member's data in this community at their request (asks first)."""
        if member.external_id.startswith(FORGOTTEN):
            raise UserError("That member has already been forgotten.")
        _asking(ctx, member, render.name(member))

    @action(FORGET, activity=False)
    async def forget_pressed(self, ctx: Context, arg: str) -> None:
        """Erase the member the button names: oneself, or anyone for an admin."""
        member_id = int(arg) if arg.isascii() and arg.isdigit() and len(arg) < 19 else None
        row = await ctx.session.get(MemberRow, member_id) if member_id is not None else None
        if row is None or row.community_id != ctx.community.id:
            raise UserError("That button has expired: run /forget-me again.")
        if row.id != ctx.author.id and ctx.author.level < Level.ADMIN:
            raise UserError("Only admins can forget someone else: ask them to run /forget-me.")
        if row.external_id.startswith(FORGOTTEN):
            raise UserError("That member has already been forgotten.")
        assert row.id is not None
        await _erase(ctx, row.id)
        ctx.reply("Done: copbot has forgotten it all, here.", private=True, replace=True)

    @action(KEEP, activity=False)
    async def keep_pressed(self, ctx: Context, arg: str) -> None:
        """Change nothing."""
        ctx.reply("Nothing was changed: the data stays.", private=True, replace=True)

    @listener("member_left")
    async def left(self, ctx: Context) -> None:
        """Forget a member who left, where the community chose that (forget_on_leave)."""
        if ctx.config.forget_on_leave:
            await _erase(ctx, ctx.author.id)
