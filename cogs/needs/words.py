"""How needs and offers read: board lines, a member's own list, fits, and the home section."""

from __future__ import annotations

from collections.abc import Sequence

from bot import render
from bot.context import Context
from bot.pages import Gathering, Line
from bot.reply import Button
from cogs.common import local_date, plural
from cogs.needs.records import NOUN, what_of
from storage import needs
from storage.models import MemberRow, NeedRow
from storage.needs import Fit

ASK_ACTION = "need_ask"
NAME_IN_LABEL = 40  # a button label stays short on every platform


def board_line(ctx: Context, row: NeedRow, member: MemberRow, *, fits: bool) -> str:
    """One open need or offer on a board, marked when it fits the reader's own."""
    other = "offers" if row.kind == needs.NEED else "needs"
    mark = f" ✨ fits your {other}" if fits else ""
    return (
        f"- #{row.number} **{render.safe(member.name)}**: {what_of(row, 120)} "
        f"({render.safe(row.tags)}) · {local_date(ctx, row.created_at)}{mark}"
    )


def own_line(ctx: Context, row: NeedRow, helper: str | None = None) -> str:
    """One of the member's own needs or offers, with its number and where it stands."""
    if row.status == needs.OPEN:
        state = f"open since {local_date(ctx, row.created_at)}"
    elif row.status == needs.MET:
        assert row.closed_at is not None
        by = f" with help from **{render.safe(helper)}**" if helper else ""
        state = f"met{by} on {local_date(ctx, row.closed_at)}"
    else:
        assert row.closed_at is not None
        state = f"{row.status} on {local_date(ctx, row.closed_at)}"
    return f"- #{row.number} {what_of(row)} ({render.safe(row.tags)}): {state}"


def saved(row: NeedRow) -> str:
    """What the member is told when a need or offer is saved."""
    noun = NOUN[row.kind]
    first = row.tags.split(", ")[0]
    return (
        f"Saved as {noun} #{row.number}: “{what_of(row)}” ({render.safe(row.tags)}). "
        f"It's on the board: /{noun}s {render.safe(first)}."
    )


def helpers(row: NeedRow, fits: Sequence[Fit]) -> tuple[list[str], tuple[Button, ...]]:
    """Who may help with a new need, each with an Ask for an intro button."""
    if not fits:
        return ["Nobody offers this yet; whoever offers help with these tags will see it."], ()
    lines = ["**Who may help** (from their offers and intros)"]
    buttons = []
    for fit in fits:
        name = fit.member.name
        lines.append(f"- **{render.safe(name)}** ({render.safe(', '.join(sorted(fit.shared)))})")
        label = f"Ask {render.clip(name, NAME_IN_LABEL)} for an intro"
        buttons.append(Button(label, ASK_ACTION, f"{row.id}:{fit.member.id}", style="primary"))
    return lines, tuple(buttons)


def fitting(found: Sequence[tuple[NeedRow, MemberRow, set[str]]]) -> list[str]:
    """Open needs a new offer fits."""
    if not found:
        return ["No open need fits it yet; members asking for these tags will see it."]
    lines = ["**Open needs it fits**"]
    for row, member, _ in found:
        lines.append(
            f"- #{row.number} **{render.safe(member.name)}**: {what_of(row)} "
            f"({render.safe(row.tags)}). Reach out to them!"
        )
    return lines


async def home(ctx: Context) -> str:
    """The member's needs, offers and what was met, for their home page."""
    session, where = ctx.session, {"community_id": ctx.community.id, "member_id": ctx.author.id}
    lines = ["**Your needs and offers**"]
    for kind in (needs.NEED, needs.OFFER):
        rows = await needs.open_of(session, **where, kind=kind)
        if rows:
            shown = "; ".join(f"#{row.number} {what_of(row, 50)}" for row in rows[:5])
            more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
            lines.append(f"Open {NOUN[kind]}s: {shown}{more}")
    met, latest = await needs.met_needs(session, **where)
    if met:
        row, helper = latest[0]
        by = f" with help from **{render.safe(helper)}**" if helper else ""
        lines.append(f"Needs met: {met} (latest: #{row.number} {what_of(row, 50)}{by})")
    helped, given = await needs.helped_by(session, **where)
    if helped:
        row, asker = given[0]
        lines.append(
            f"You helped meet {plural(helped, 'need')} "
            f"(latest: **{render.safe(asker)}**'s #{row.number} {what_of(row, 50)})"
        )
    if len(lines) == 1:
        lines.append("Ask for help with /need add, or offer what you can give with /offer add.")
    return "\n".join(lines)


async def digest(ctx: Context, gathering: Gathering) -> None:
    """The needs met in the digest's period: how many, and the latest with who helped."""
    count, found = await needs.met_between(
        ctx.session, community_id=ctx.community.id, since=gathering.since, until=gathering.until
    )
    lines = []
    for row, helper in found:
        # As written, clipped: each rendering of the page escapes it its own way.
        what = render.clip(" ".join(row.what.split()), 120)
        # A helper who paused their public credit goes unnamed; the need met is still news.
        named = helper and row.helper_id is not None and row.helper_id not in gathering.paused
        by = f", with help from {helper}" if named else ""
        helpers = (row.helper_id,) if named and row.helper_id is not None else ()
        lines.append(Line(f"#{row.number} {what}{by}", members=helpers))
    summary = f"{plural(count, 'need')} met. Ask for help with /need add." if count else ""
    gathering.add("🤝 Needs met", lines, summary)
