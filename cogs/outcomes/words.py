"""How outcomes read: the post crediting everyone, register lines, one outcome, the consent DM."""

from __future__ import annotations

from collections.abc import Sequence

from bot import render
from bot.binding import as_member
from bot.context import Context
from bot.reply import Button
from cogs.common import in_words, local_date, plural
from cogs.outcomes.records import title_of
from storage import outcomes
from storage.models import MemberRow, OutcomeRow
from storage.outcomes import Credit

REMOVE_ME = "outcome_unme"


def link_of(row: OutcomeRow) -> str:
    """An outcome's link as text: shown, never fetched."""
    return render.safe(row.link)


def credited(credits: Sequence[Credit], *, mention: bool) -> str:
    """Contributors with their roles: "@alice (author) and @bob (reviewer)"."""
    shown = [
        f"{render.mention(as_member(member)) if mention else render.safe(member.name)} "
        f"({render.safe(credit.role)})"
        for credit, member in credits
    ]
    return in_words(shown) or "nobody credited"


def post(row: OutcomeRow, credits: Sequence[Credit]) -> str:
    """The public post of a new outcome, crediting every contributor by mention and role."""
    lines = [
        f"📚 **Outcome #{row.number}: {title_of(row, 120)}** ({render.safe(row.type)})",
        f"By {credited(credits, mention=True)}",
        f"🔗 {link_of(row)} · License: {render.safe(row.license)}",
    ]
    if row.description:
        lines.append(render.safe(row.description))
    return "\n".join(lines)


def line(ctx: Context, row: OutcomeRow, credits: Sequence[Credit]) -> str:
    """One outcome in the register."""
    return (
        f"- Outcome #{row.number} **{title_of(row)}** ({render.safe(row.type)}, "
        f"{render.safe(row.license)}) by {credited(credits, mention=False)} · "
        f"{local_date(ctx, row.created_at)} · {link_of(row)}"
    )


def shown(ctx: Context, row: OutcomeRow, credits: Sequence[Credit]) -> str:
    """One outcome in full."""
    lines = [
        f"**Outcome #{row.number}: {title_of(row, 120)}**",
        f"Type: {render.safe(row.type)} · License: {render.safe(row.license)} · "
        f"added {local_date(ctx, row.created_at)}",
        f"Link: {link_of(row)}",
        f"Contributors: {credited(credits, mention=False)}",
    ]
    if row.description:
        lines.append(render.safe(row.description))
    return "\n".join(lines)


def tell_credited(ctx: Context, row: OutcomeRow, member: MemberRow, role: str) -> None:
    """DM a newly credited member, with a Remove me button: credit is consented."""
    by = render.name(ctx.author)
    ctx.dm(
        as_member(member),
        f"{by} credited you as {render.safe(role)} on Outcome #{row.number}: "
        f"**{title_of(row)}** ({link_of(row)}). Not yours, or rather not be named? "
        "Press Remove me and your credit is withdrawn.",
        buttons=(Button("Remove me", REMOVE_ME, str(row.id), style="danger"),),
        key=f"outcome_credit:{row.id}:{member.id}:{ctx.now().isoformat()}",
        unsolicited=True,
    )


async def home(ctx: Context) -> str:
    """The outcomes the member contributed to, for their home page."""
    mine = await outcomes.of_member(
        ctx.session, community_id=ctx.community.id, member_id=ctx.author.id
    )
    lines = ["**Your outcomes**"]
    if not mine:
        lines.append("Add something you made with /outcome add; see the register with /outcomes.")
        return "\n".join(lines)
    row, role = mine[0]
    lines.append(
        f"Credited on {plural(len(mine), 'outcome')} (latest: Outcome #{row.number} "
        f"{title_of(row, 50)} as {render.safe(role)})"
    )
    return "\n".join(lines)
