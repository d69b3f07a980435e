"""What a work group may be: its name, purpose, places, end date and roles; finding one."""

from __future__ import annotations

from datetime import date

from bot import render
from bot.context import Context
from bot.errors import UserError
from bot.reply import Field, Form
from cogs.common import local_now, row_id
from cogs.outcomes.records import pick
from storage import groups
from storage.models import WorkGroupRow

NAME_MIN, NAME_MAX = 3, 60
PURPOSE_MAX = 500
CAPACITY_MIN, CAPACITY_MAX = 2, 50
MAX_ROLES, ROLE_MAX = 10, 60

FORM = Form(
    title="Propose a work group",
    command="group propose",
    fields=(
        Field("name", "Name (3 to 60 characters)", NAME_MAX, placeholder="Open labs"),
        Field("purpose", "What it will do", PURPOSE_MAX, paragraph=True),
        Field("produces", "What it produces (guide, toolkit…)", 200, placeholder="guide"),
        Field("capacity", "Places, lead included (2 to 50)", 3, placeholder="4"),
        Field("ends", "End date (YYYY-MM-DD)", 10, placeholder="2027-03-01"),
        Field(
            "roles", "Roles, separated by ;", 500, required=False, placeholder="writer; reviewer"
        ),
    ),
)


def read_name(text: str) -> str:
    """A group's name: 3 to 60 characters on one line."""
    name = " ".join(text.split())
    if not NAME_MIN <= len(name) <= NAME_MAX:
        raise UserError(
            f"Name the group in {NAME_MIN} to {NAME_MAX} characters (that was {len(name)}).",
            field="name",
        )
    return name


def read_purpose(text: str) -> str:
    """What the group will do: 1 to 500 characters."""
    purpose = text.strip()
    if not 1 <= len(purpose) <= PURPOSE_MAX:
        raise UserError(
            f"Say the group's purpose in 1 to {PURPOSE_MAX} characters.", field="purpose"
        )
    return purpose


def read_capacity(text: str) -> int:
    """Places in the group, lead included: a whole number from 2 to 50."""
    typed = text.strip()
    if not (typed.isascii() and typed.isdigit()) or not CAPACITY_MIN <= int(typed) <= CAPACITY_MAX:
        raise UserError(
            f"`capacity` takes a whole number from {CAPACITY_MIN} to {CAPACITY_MAX} "
            f"(not “{render.echo(typed)}”).",
            field="capacity",
        )
    return int(typed)


def read_ends(ctx: Context, text: str) -> date:
    """An end date in the future, written YYYY-MM-DD."""
    typed = text.strip()
    try:
        ends = date.fromisoformat(typed) if len(typed) == 10 else None
    except ValueError:
        ends = None
    if ends is None:
        raise UserError(
            f"Write the end date as YYYY-MM-DD, like 2027-03-01 (not “{render.echo(typed)}”).",
            field="ends",
        )
    if ends <= local_now(ctx).date():
        raise UserError("The end date must be in the future (YYYY-MM-DD).", field="ends")
    return ends


def read_roles(text: str) -> list[str]:
    """The group's roles, separated by ;, at most 10 of at most 60 characters."""
    roles = list(dict.fromkeys(" ".join(r.split()).lower() for r in text.split(";") if r.strip()))
    if len(roles) > MAX_ROLES or any(len(role) > ROLE_MAX for role in roles):
        raise UserError(
            f"List at most {MAX_ROLES} roles of at most {ROLE_MAX} characters, separated by ;.",
            field="roles",
        )
    return roles


def roles_of(row: WorkGroupRow) -> list[str]:
    """A group's roles, as stored."""
    return [role for role in row.roles.split("; ") if role]


def read_role(row: WorkGroupRow, typed: str | None) -> str:
    """A role in the group: one of its roles, or none."""
    if not typed:
        return ""
    roles = roles_of(row)
    if not roles:
        raise UserError(f"**{name_of(row)}** has no roles to pick: join without one.")
    return pick(typed, roles, noun="role", field="role")


async def find(ctx: Context, name: str) -> WorkGroupRow:
    """The community's work group by name, whatever its case."""
    row = await groups.by_name(ctx.session, community_id=ctx.community.id, name=name)
    if row is None:
        raise UserError(
            f"There is no work group called “{render.echo(name)}”. See them with /group list."
        )
    return row


async def find_by_id(ctx: Context, arg: str) -> WorkGroupRow:
    """The group a button names by its row id."""
    found = row_id(arg)
    row = await ctx.session.get(WorkGroupRow, found) if found is not None else None
    if row is None or row.community_id != ctx.community.id:
        raise UserError("I can't find that work group any more: see them with /group list.")
    return row


def check_open(row: WorkGroupRow) -> None:
    """Refuse what only an active group takes."""
    if row.status == groups.CLOSED:
        raise UserError(f"**{name_of(row)}** is closed; see it with /group show.")
    if row.status == groups.PENDING:
        raise UserError(f"**{name_of(row)}** is waiting for a moderator's approval.")


def check_lead(ctx: Context, row: WorkGroupRow) -> None:
    """Only the lead and moderators run a group."""
    if row.lead_id != ctx.author.id and not ctx.is_moderator:
        raise UserError(f"Only the lead of **{name_of(row)}** and moderators can do that.")


def name_of(row: WorkGroupRow) -> str:
    """A group's name, neutralised."""
    return render.safe(row.name)
