"""Tags as members write them: intro interests, and what needs and offers are about."""

from __future__ import annotations

import re

from bot import render
from bot.errors import UserError

MAX_TAG_LENGTH = 40


def normalise_tag(text: str) -> str:
    """One tag as stored: lower-case, single-spaced, without a leading #."""
    return " ".join(text.strip().lstrip("#").lower().split())


def normalise_tags(
    text: str,
    *,
    most: int,
    noun: str = "interest",
    field: str = "interests",
    example: str = "oer, chemistry",
) -> tuple[str, ...]:
    """Lower-case, de-duplicated tags from a comma-separated list, at least one, at most `most`."""
    tags = [normalise_tag(part) for part in re.split(r"[,;\n]", text)]
    unique = tuple(dict.fromkeys(tag for tag in tags if tag))
    if not unique:
        raise UserError(f"List at least one {noun}, like: {example}.", field=field)
    if len(unique) > most:
        raise UserError(f"That's {len(unique)} {noun}s; pick your top {most}.", field=field)
    too_long = next((tag for tag in unique if len(tag) > MAX_TAG_LENGTH), None)
    if too_long:
        raise UserError(
            f"Keep each {noun} to {MAX_TAG_LENGTH} characters "
            f"(“{render.echo(too_long, 20)}” is longer). Separate them with commas.",
            field=field,
        )
    return unique
