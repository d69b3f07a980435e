"""What a need or offer may say, and finding one of the member's own by its number."""

from __future__ import annotations

from bot import render
from bot.context import Context
from bot.errors import UserError
from bot.reply import Field, Form
from cogs.common import row_id
from cogs.tags import normalise_tags
from storage import needs
from storage.models import NeedRow

WHAT_MIN, WHAT_MAX = 5, 300
MAX_TAGS = 5
MAX_OPEN = 10  # open needs a member may have at once, and open offers
NOUN = {needs.NEED: "need", needs.OFFER: "offer"}
ARTICLE = {needs.NEED: "a need", needs.OFFER: "an offer"}
EXAMPLE = {
    needs.NEED: "help writing a grant for open labs",
    needs.OFFER: "I review grant proposals",
}


def form(kind: str) -> Form:
    """The form /need add or /offer add opens when what and tags are not both given."""
    label = "What you're looking for" if kind == needs.NEED else "What you can give"
    return Form(
        title="Ask for help" if kind == needs.NEED else "Offer help",
        command=f"{NOUN[kind]} add",
        fields=(
            Field("what", label, WHAT_MAX, paragraph=True, placeholder=EXAMPLE[kind]),
            Field("tags", "Tags, 1 to 5, comma-separated", 250, placeholder="grants, funding"),
        ),
    )


def read_what(text: str, kind: str) -> str:
    """What a need or offer says: 5 to 300 characters."""
    what = text.strip()
    if not WHAT_MIN <= len(what) <= WHAT_MAX:
        say = "you're looking for" if kind == needs.NEED else "you can give"
        raise UserError(
            f"Say what {say} in {WHAT_MIN} to {WHAT_MAX} characters (that was {len(what)}), "
            f'like: what="{EXAMPLE[kind]}".',
            field="what",
        )
    return what


def read_tags(text: str) -> tuple[str, ...]:
    """1 to 5 tags, normalised as intro interests are."""
    return normalise_tags(text, most=MAX_TAGS, noun="tag", field="tags", example="grants, funding")


async def check_room(ctx: Context, kind: str) -> None:
    """Refuse an 11th open need (or offer)."""
    count = await needs.count_open(
        ctx.session, community_id=ctx.community.id, member_id=ctx.author.id, kind=kind
    )
    if count >= MAX_OPEN:
        noun = NOUN[kind]
        close = "mark one met (/need done ID) or drop one" if kind == needs.NEED else "drop one"
        raise UserError(
            f"You have {MAX_OPEN} open {noun}s, the most at once: {close} "
            f"(/{noun} drop ID) first. See yours with /{noun}s mine."
        )


async def own(ctx: Context, number: int, kind: str, *, still_open: bool = True) -> NeedRow:
    """The member's own need (or offer) with this number, refusing anyone else's."""
    noun = NOUN[kind]
    row = await needs.by_number(ctx.session, community_id=ctx.community.id, number=number)
    if row is None:
        raise UserError(
            f"There is no #{number} here. See yours, with their numbers: /{noun}s mine."
        )
    if row.kind != kind:
        other = "an offer" if row.kind == needs.OFFER else "a need"
        raise UserError(f"#{number} is {other}, not {ARTICLE[kind]}. See yours with /{noun}s mine.")
    if row.member_id != ctx.author.id:
        raise UserError(
            f"#{number} is someone else's {noun}: only they can change it. "
            f"See yours with /{noun}s mine."
        )
    if still_open and row.status != needs.OPEN:
        raise UserError(f"Your {noun} #{number} is already {row.status}; it stays in your history.")
    return row


async def own_by_id(ctx: Context, arg: str) -> NeedRow:
    """The member's own open need a button names by its row id."""
    return await own_by_id_any(ctx, arg, still_open=True)


async def own_by_id_any(ctx: Context, arg: str, *, still_open: bool = False) -> NeedRow:
    """The member's own need (open or not) a button names by its row id."""
    found = row_id(arg)
    row = await ctx.session.get(NeedRow, found) if found is not None else None
    if row is None or row.community_id != ctx.community.id:
        raise UserError("I can't find that need any more: see yours with /needs mine.")
    return await own(ctx, row.number, row.kind, still_open=still_open)


def what_of(row: NeedRow, most: int = 80) -> str:
    """What a need or offer says, on one line, clipped and neutralised."""
    return render.safe(render.clip(" ".join(row.what.split()), most))
