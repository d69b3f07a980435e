"""What an outcome may say: title, type, link, license, description and its contributors."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bot import render
from bot.binding import resolve_member
from bot.commands import Member
from bot.context import Context
from bot.errors import ParseError, UserError
from bot.parser import parse_member
from bot.reply import Field, Form
from cogs.common import row_id
from storage import outcomes
from storage.models import OutcomeRow

TITLE_MAX, DESCRIPTION_MAX, LINK_MAX = 120, 500, 2000
MAX_CONTRIBUTORS = 20
_HOST = re.compile(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?", re.IGNORECASE)

FORM = Form(
    title="Add an outcome",
    command="outcome add",
    fields=(
        Field("title", "Title", TITLE_MAX, placeholder="Open lab manual"),
        Field("type", "Type", 200, placeholder="guide", choices_from="outcome_types"),
        Field("link", "Link (http or https)", LINK_MAX, placeholder="https://example.org/lab"),
        Field(
            "license",
            "License (empty: the community's default)",
            200,
            required=False,
            choices_from="outcome_licenses",
        ),
        Field(
            "contributors",
            "Contributors: @name role, comma-separated",
            1000,
            required=False,
            placeholder="@alice author, @bob reviewer",
        ),
        # Last: Discord's modal holds five inputs, and drops this one (/outcome edit sets it).
        Field("description", "What it is", DESCRIPTION_MAX, required=False, paragraph=True),
    ),
)


EDIT_FORM = Form(
    title="Change an outcome",
    command="outcome edit",
    fields=(
        Field("title", "Title", TITLE_MAX, required=False),
        Field("type", "Type", 200, required=False, choices_from="outcome_types"),
        Field("link", "Link (http or https)", LINK_MAX, required=False),
        Field("license", "License", 200, required=False, choices_from="outcome_licenses"),
        Field("description", "What it is", DESCRIPTION_MAX, required=False, paragraph=True),
    ),
    hidden=(("outcome", ""),),
)


def edit_form(ctx: Context, row: OutcomeRow) -> Form:
    """The edit form, with the community's menus, the outcome's values, and which one it is."""
    form = EDIT_FORM.choosing(lambda key: getattr(ctx.config, key, None))
    current = {
        "title": row.title,
        "type": row.type,
        "link": row.link,
        "license": row.license,
        "description": row.description,
    }
    return form.prefilled(current).carrying(outcome=str(row.number))


def read_title(text: str) -> str:
    """A title: 1 to 120 characters on one line."""
    title = " ".join(text.split())
    if not 1 <= len(title) <= TITLE_MAX:
        raise UserError(
            f"Give the outcome a title of 1 to {TITLE_MAX} characters (that was {len(title)}).",
            field="title",
        )
    return title


def pick(typed: str, menu: list[str], *, noun: str, field: str) -> str:
    """One item of a community's menu, matched whatever its case, as the menu spells it."""
    wanted = " ".join(typed.split()).lower()
    for item in menu:
        if item.lower() == wanted:
            return item
    raise UserError(
        f"The {noun} must be one of: {'; '.join(menu)} (not “{render.echo(typed)}”).", field=field
    )


def read_type(ctx: Context, typed: str) -> str:
    """An outcome type from the community's outcome_types."""
    return pick(typed, ctx.config.outcome_types, noun="type", field="type")


def read_license(ctx: Context, typed: str) -> str:
    """A license from outcome_licenses; nothing given means outcome_default_license."""
    if not typed.strip():
        return ctx.config.outcome_default_license
    return pick(typed, ctx.config.outcome_licenses, noun="license", field="license")


def read_link(typed: str) -> str:
    """A web address, checked for its shape only (http or https and a host), never fetched."""
    link = typed.strip()
    refuse = UserError(
        f"The link must be a web address starting with http:// or https://, like "
        f"https://example.org/lab (not “{render.echo(render.clip(link, 80))}”).",
        field="link",
    )
    if len(link) > LINK_MAX or any(c.isspace() or ord(c) < 32 for c in link):
        raise refuse
    try:
        parts = urlsplit(link)
    except ValueError:
        raise refuse from None
    host = parts.netloc.rpartition("@")[2]
    if parts.scheme.lower() not in ("http", "https") or not _HOST.fullmatch(host):
        raise refuse
    return link


def read_description(text: str) -> str:
    """An optional description of at most 500 characters."""
    described = text.strip()
    if len(described) > DESCRIPTION_MAX:
        raise UserError(
            f"Keep the description to {DESCRIPTION_MAX} characters (that was {len(described)}).",
            field="description",
        )
    return described


def read_role(ctx: Context, typed: str) -> str:
    """A contributor role from the community's contributor_roles."""
    return pick(typed, ctx.config.contributor_roles, noun="role", field="contributors")


async def read_contributors(ctx: Context, text: str) -> list[tuple[Member, str]]:
    """`@name role` pairs, comma-separated; the adder is an author unless they list themselves."""
    pairs: list[tuple[Member, str]] = []
    for piece in (p.strip() for p in text.split(",")):
        if not piece:
            continue
        name, _, role = piece.partition(" ")
        if not name.startswith(("@", "<@")) or not role.strip():
            raise UserError(
                f"Write each contributor as @name role, separated by commas, like "
                f"“@alice author, @bob reviewer” (not “{render.echo(render.clip(piece, 60))}”).",
                field="contributors",
            )
        try:
            ref = parse_member(name)
        except ParseError as error:
            raise UserError(str(error), field="contributors") from None
        member = await resolve_member(ctx, ref)
        if member.is_bot:
            raise UserError(f"{render.name(member)} is a bot: credit people only.")
        pairs.append((member, read_role(ctx, role)))
    unique = list({member.id: (member, role) for member, role in pairs}.values())
    if all(member.id != ctx.author.id for member, _ in unique):
        unique.insert(0, (ctx.author, "author"))
    check_count(len(unique))
    return unique


def check_count(count: int) -> None:
    """At most 20 contributors on one outcome."""
    if count > MAX_CONTRIBUTORS:
        raise UserError(
            f"That's {count} contributors; an outcome credits {MAX_CONTRIBUTORS} at most.",
            field="contributors",
        )


async def find(ctx: Context, number: int) -> OutcomeRow:
    """The community's outcome with this number, still in the register."""
    row = await outcomes.by_number(ctx.session, community_id=ctx.community.id, number=number)
    if row is None or row.removed_at is not None:
        gone = " any more" if row is not None else ""
        raise UserError(f"There is no outcome #{number}{gone}. See the register with /outcomes.")
    return row


async def find_by_id(ctx: Context, arg: str) -> OutcomeRow:
    """The outcome a button names by its row id."""
    found = row_id(arg)
    row = await ctx.session.get(OutcomeRow, found) if found is not None else None
    if row is None or row.community_id != ctx.community.id:
        raise UserError("I can't find that outcome any more: see the register with /outcomes.")
    return row


async def check_may_change(ctx: Context, row: OutcomeRow) -> None:
    """Only the outcome's contributors and moderators change it."""
    if ctx.is_moderator:
        return
    assert row.id is not None
    credited = await outcomes.credits(ctx.session, outcome_id=row.id)
    if all(member.id != ctx.author.id for _, member in credited):
        raise UserError(
            f"Only outcome #{row.number}'s contributors and moderators can change it. "
            "Ask one of them, or see it with /outcome show."
        )


def title_of(row: OutcomeRow, most: int = 80) -> str:
    """An outcome's title, clipped and neutralised."""
    return render.safe(render.clip(row.title, most))
