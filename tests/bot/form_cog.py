"""A test-only cog whose form has a text, a choice and a member field, as an outcome register's."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from bot.binding import resolve_member
from bot.commands import command
from bot.context import Context
from bot.errors import UserError
from bot.parser import parse_member
from bot.reply import Field, Form

KINDS = ("guide", "webinar", "dataset")
RECORD_FORM = Form(
    "Record an outcome",
    "fieldtest",
    (
        Field("title", "Title", 100),
        Field("kind", "Type", choices=KINDS),
        Field("contributors", "Contributors", members=3),
    ),
    (("register", ""),),
)


@dataclass
class Recorder:
    """Keeps the strings each submission handed the command, and whom they named (ids)."""

    received: list[dict[str, str]] = field(default_factory=list)
    named: list[list[str]] = field(default_factory=list)

    @command("fieldtest", form=RECORD_FORM, private=True)
    async def fieldtest(
        self,
        ctx: Context,
        *,
        title: Annotated[str, "What came of it"],
        kind: Annotated[str, "Which kind"],
        contributors: Annotated[str, "Who made it"],
        register: Annotated[str, "Carried by the form"] = "",
    ) -> None:
        """Record an outcome (a test of form fields)."""
        self.received.append(
            {"title": title, "kind": kind, "contributors": contributors, "register": register}
        )
        if kind not in KINDS:
            raise UserError("Pick a type from the list.", field="kind")
        # The member field's text goes through the parser as if it had been typed.
        refs = [parse_member(piece) for piece in contributors.split(",") if piece.strip()]
        self.named.append([(await resolve_member(ctx, ref)).external_id for ref in refs])
        ctx.reply(f"Recorded {title} ({kind}).")
