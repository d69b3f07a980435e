"""Preferences: members pause what copbot sends unasked, or stop it, and pause their credit."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from bot import render
from bot.commands import action, command
from bot.context import Context
from bot.errors import UserError
from bot.outbox import PAUSE_ACTION, STOP_ACTION
from cogs import preferences_data
from cogs.common import day_month
from config.values import ValueRuleError, whole_number
from storage import members, privacy
from storage.models import MemberRow

AWAY_DAYS = 30
MOST_DAYS = 365
UNASKED = "nudges, welcome-backs and the other messages copbot sends unasked"
# Said with every change, so nobody believes more is hidden than is.
STILL_NAMED = "Kudos posts, leaderboards and your own impact report still name you."


class Preferences:
    """What copbot may send you unasked (pause or stop it), and whether the digest names you."""

    data = preferences_data.HOOK  # what it holds about a member, for /my-data and /forget-me

    @command("away", private=True)
    async def away(
        self,
        ctx: Context,
        days: Annotated[str | None, f"How many days (1 to {MOST_DAYS}), or off"] = None,
    ) -> None:
        """Pause copbot's unasked messages for 30 days (or DAYS); /away off ends the pause."""
        row = await _own_row(ctx)
        if days is not None and days.strip().lower() == "off":
            await self._back(ctx, row)
            return
        await self._pause(ctx, row, _days(days))

    @action(PAUSE_ACTION, activity=False)
    async def pause_pressed(self, ctx: Context, arg: str) -> None:
        """The way out on an unasked DM: pause for a month."""
        try:
            days = whole_number(arg, name="days", low=1, high=MOST_DAYS)
        except ValueRuleError:
            days = AWAY_DAYS  # an odd argument still means "pause me"
        await self._pause(ctx, await _own_row(ctx), days, short=True)

    async def _pause(self, ctx: Context, row: MemberRow, days: int, *, short: bool = False) -> None:
        until = ctx.now() + timedelta(days=days)
        await members.set_away(ctx.session, member=row, until=until)
        if short:
            ctx.reply(f"Paused until {day_month(ctx, until)}; /away off to come back sooner.")
            return
        ctx.reply(
            f"Paused until {day_month(ctx, until)}: no {UNASKED}. Replies to what you do still "
            "come. /away off to come back sooner."
        )

    async def _back(self, ctx: Context, row: MemberRow) -> None:
        was = _paused_until(ctx, row)
        await members.set_away(ctx.session, member=row, until=None)
        if not was:
            ctx.reply("You weren't paused. To pause, use /away (30 days) or /away DAYS.")
            return
        off = " Your DMs are still off: /dms on allows them again." if row.dms_off else ""
        ctx.reply(f"Pause ended: copbot may send you {UNASKED} again.{off}")

    @command("dms", private=True)
    async def dms(
        self,
        ctx: Context,
        setting: Annotated[
            Literal["off", "on"] | None, "off stops copbot's unasked DMs, on allows them"
        ] = None,
    ) -> None:
        """Stop every DM copbot would send you unasked (/dms off), or allow them again (/dms on)."""
        row = await _own_row(ctx)
        if setting is None:
            ctx.reply(_state(ctx, row))
        elif setting == "off":
            await self._stop(ctx, row)
        else:
            await members.set_dms_off(ctx.session, member=row, off=False)
            until = _paused_until(ctx, row)
            still = f" You are still paused until {until}." if until else ""
            ctx.reply(f"DMs on: copbot may send you {UNASKED} again. /dms off to stop.{still}")

    @action(STOP_ACTION, activity=False)
    async def stop_pressed(self, ctx: Context, arg: str) -> None:
        """The way out on an unasked DM: stop them all."""
        await self._stop(ctx, await _own_row(ctx))

    async def _stop(self, ctx: Context, row: MemberRow) -> None:
        await members.set_dms_off(ctx.session, member=row, off=True)
        ctx.reply("Done: copbot won't DM you unasked. /dms on to undo.")

    @command("privacy", private=True)
    async def privacy(
        self,
        ctx: Context,
        what: Annotated[Literal["credit"] | None, "credit: your name in the digest"] = None,
        setting: Annotated[
            Literal["off", "on"] | None, "off leaves your name out of the digest, on brings it back"
        ] = None,
    ) -> None:
        """Leave your name out of the digest (/privacy credit off) or bring it back (on)."""
        row = await _own_row(ctx)
        assert row.id is not None
        where = {"community_id": ctx.community.id, "member_id": row.id}
        if setting is None:
            off = await privacy.credit_off(ctx.session, **where)
            ctx.reply(_credit_state(off=off))
            return
        await privacy.set_credit_off(ctx.session, **where, off=setting == "off", now=ctx.now())
        if setting == "off":
            ctx.reply(
                "Done: the digest won't name you; you are still counted in its totals. "
                f"{STILL_NAMED} /privacy credit on to undo."
            )
        else:
            ctx.reply("Done: the digest may name you again. /privacy credit off to pause it.")


def _days(typed: str | None) -> int:
    if typed is None:
        return AWAY_DAYS
    try:
        return whole_number(typed, name="days", low=1, high=MOST_DAYS)
    except ValueRuleError:
        raise UserError(
            f"/away takes a number of days from 1 to {MOST_DAYS}, or off, not "
            f"“{render.echo(typed)}”. Try /away 14, or /away off to end a pause."
        ) from None


def _state(ctx: Context, row: MemberRow) -> str:
    if row.dms_off:
        return f"copbot doesn't DM you unasked ({UNASKED}). /dms on allows them again."
    until = _paused_until(ctx, row)
    if until:
        return (
            f"You are paused until {until}. "
            "/away off ends it; /dms off stops copbot's unasked DMs for good."
        )
    return f"copbot may send you {UNASKED}. /dms off stops them; /away pauses them."


def _credit_state(*, off: bool) -> str:
    if off:
        return (
            "Your public credit is paused: the digest leaves your name out (you are still "
            f"counted). {STILL_NAMED} /privacy credit on brings it back."
        )
    return (
        "The digest may name you (as a newcomer, for kudos, badges, needs you helped meet and "
        "outcomes you made). /privacy credit off leaves your name out."
    )


def _paused_until(ctx: Context, row: MemberRow) -> str | None:
    """The day a member's pause ends, if they are paused now."""
    if row.away_until is None or row.away_until <= ctx.now():
        return None
    return day_month(ctx, row.away_until)


async def _own_row(ctx: Context) -> MemberRow:
    row = await ctx.session.get(MemberRow, ctx.author.id)
    if row is None or row.community_id != ctx.community.id:
        raise UserError("copbot doesn't know you here yet: say hello in a channel first.")
    return row
