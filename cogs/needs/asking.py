"""Intro requests: ask a possible helper, and their Happy to help or Not now."""

from __future__ import annotations

from bot import render
from bot.binding import as_member
from bot.context import Context
from bot.errors import UserError
from bot.outbox import away_reason
from bot.reply import Button
from cogs.common import row_id
from cogs.needs.records import own_by_id, what_of
from storage import needs
from storage.models import MemberRow, NeedIntroRow, NeedRow

YES, NO = "need_yes", "need_no"


async def ask(ctx: Context, arg: str) -> None:
    """The asker pressed Ask for an intro: DM the helper, or say at once why not."""
    need_arg, _, helper_arg = arg.partition(":")
    need = await own_by_id(ctx, need_arg)
    found = row_id(helper_arg)
    helper = await ctx.session.get(MemberRow, found) if found is not None else None
    if helper is None or helper.community_id != ctx.community.id:
        raise UserError("I can't find that member any more. See who offers help with /offers.")
    name = render.safe(helper.name)
    if helper.id == ctx.author.id:
        raise UserError("That's you! Ask someone else, or see who offers help with /offers.")
    # The outbox would skip this DM silently; the asker should know now, and try someone else.
    if away_reason(helper, ctx.now()) is not None:
        raise UserError(
            f"{name} isn't taking messages right now. Try someone else, or see /offers."
        )
    assert need.id is not None and helper.id is not None
    if await needs.asked(ctx.session, need_id=need.id, helper_id=helper.id):
        raise UserError(f"You already asked {name} about need #{need.number}.")
    await needs.ask(ctx.session, need=need, helper_id=helper.id, now=ctx.now())
    ctx.dm(
        as_member(helper),
        f"**{render.name(ctx.author)}** is looking for help with {what_of(need)}; "
        "you said you can help. Open to a chat?",
        buttons=(
            Button("Happy to help", YES, str(need.id), style="success"),
            Button("Not now", NO, str(need.id)),
        ),
        key=f"intro:{need.id}:{helper.id}",
        unsolicited=True,
    )
    ctx.reply(f"I've asked **{name}**; I'll tell you what they say.")


async def answered(ctx: Context, arg: str, said: str) -> tuple[NeedRow, MemberRow] | None:
    """Record the helper's answer; the need and its asker, or None if the asker left."""
    found = row_id(arg)
    intro: NeedIntroRow | None = None
    if found is not None:
        intro = await needs.asked(ctx.session, need_id=found, helper_id=ctx.author.id)
    if intro is None or intro.community_id != ctx.community.id:
        raise UserError("I can't find that request any more.")
    if intro.answer is not None:
        raise UserError("You've answered that request already. Thank you!")
    await needs.answer(ctx.session, intro=intro, said=said, now=ctx.now())
    need = await ctx.session.get(NeedRow, intro.need_id)
    asker = need and await ctx.session.get(MemberRow, need.member_id)
    if need is None or asker is None or asker.left_at is not None:
        ctx.reply("They have left the community meanwhile. Thank you all the same!", replace=True)
        return None
    return need, asker


async def yes(ctx: Context, arg: str) -> None:
    """Happy to help: introduce both, each in a DM."""
    found = await answered(ctx, arg, "yes")
    if found is None:
        return
    need, asker_row = found
    asker, helper = as_member(asker_row), ctx.author
    # The asker asked for this intro, so it is an answer, not an unasked DM: it reaches them
    # even while they are away. The helper's DM answers their own press.
    ctx.dm(
        asker,
        f"🤝 **{render.name(helper)}** is happy to help with your need #{need.number} "
        f"({what_of(need)}). Say hello: {render.mention(helper)}",
        unsolicited=False,
    )
    ctx.dm(
        helper,
        f"🤝 Thank you! Meet {render.mention(asker)}, who is looking for help with "
        f"{what_of(need)} (need #{need.number}). Say hello to them.",
        unsolicited=False,
    )
    ctx.reply(f"Thanks! I've introduced you and **{render.name(asker)}** by DM.", replace=True)


async def no(ctx: Context, arg: str) -> None:
    """Not now: tell the asker kindly, without a reason."""
    found = await answered(ctx, arg, "no")
    if found is None:
        return
    need, asker = found
    tag = render.safe(need.tags.split(", ")[0])
    ctx.dm(
        as_member(asker),
        f"**{render.name(ctx.author)}** can't help with your need #{need.number} right now. "
        f"Others may: see /offers {tag}.",
        unsolicited=False,  # the answer to their own request
    )
    ctx.reply(f"No problem. I've let **{render.safe(asker.name)}** know, kindly.", replace=True)
