"""Binding raw arguments to a command: conversion, forms, and looking members up."""

from __future__ import annotations

from bot import render
from bot.commands import WORD_MAX, CommandSpec, Level, Member, MemberRef, convert
from bot.context import Context
from bot.errors import ParseError, UserError
from bot.reply import Form
from config.community import MODERATOR_ROLE
from storage import members
from storage.known import KnownMember
from storage.models import MemberRow


async def bind(
    ctx: Context, spec: CommandSpec, raw: dict[str, object], *, submitted: bool
) -> dict[str, object] | None:
    """Typed keyword arguments for the command, or None when a form was shown instead."""
    values: dict[str, object] = {}
    for param in spec.params:
        given = raw.get(param.name)
        if param.form_field:
            continue
        if given is not None and given != "":
            values[param.name] = convert(param, given)
        elif param.required:
            hint = f": {param.description}" if param.description else ""
            raise ParseError(f"Missing `{param.name}`{hint}.")
        else:
            values[param.name] = param.default
    if spec.form is not None:
        fields = _form_values(spec, spec.form, raw, submitted=submitted)
        if fields is None:
            given = {k: str(v) for k, v in raw.items() if v not in (None, "")}
            ctx.show_form(await ctx.form_for(spec, given))
            return None
        values.update(fields)
    for param in spec.params:
        value = values.get(param.name)
        left = param.include_left
        if isinstance(value, MemberRef):
            values[param.name] = await resolve_member(ctx, value, include_left=left)
        elif isinstance(value, list):
            values[param.name] = [
                await resolve_member(ctx, ref, include_left=left) for ref in value
            ]
    return values


def _form_values(
    spec: CommandSpec, form: Form, raw: dict[str, object], *, submitted: bool
) -> dict[str, object] | None:
    missing = [f for f in form.fields if f.required and not str(raw.get(f.name) or "").strip()]
    if missing and not submitted:
        return None
    values: dict[str, object] = {}
    for field in form.fields:
        text = str(raw.get(field.name) or "").strip()
        if field.required and not text:
            raise UserError(
                f"**{field.label}** can't be empty. Run /{spec.name} again and fill it in.",
                field=field.name,
            )
        if field.choices and text and text not in field.choices:
            # A platform's menu only offers the choices, but a submission is still input.
            offered = ", ".join(field.choices)
            raise UserError(
                f"**{field.label}** must be one of: {render.echo(offered)}.", field=field.name
            )
        if len(text) > field.limit:
            raise UserError(
                f"**{field.label}** is {len(text)} characters; keep it to {field.limit}. "
                "Nothing was saved.",
                field=field.name,
            )
        param = spec.param(field.name)
        values[field.name] = text if text or param is None else (param.default or "")
    for name, _ in form.hidden:  # what the form carried back (or was typed by that name)
        values[name] = str(raw.get(name) or "").strip()[:WORD_MAX]
    return values


async def resolve_member(ctx: Context, ref: MemberRef, *, include_left: bool = False) -> Member:
    """Find a mentioned member in this community, or say how to name one."""
    community_id = ctx.community.id
    row: MemberRow | None = None
    if ref.external_id:
        row = await members.by_external_id(
            ctx.session, community_id=community_id, external_id=ref.external_id
        )
        if row is None and ctx.community.platform != "console":
            # The platform produced the mention, so the person exists; they just haven't
            # spoken since copbot arrived.
            row = await members.upsert(
                ctx.session,
                community_id=community_id,
                external_id=ref.external_id,
                name=ref.name or ref.external_id,
                is_bot=ref.is_bot,
                default_role=ctx.config.default_role,
            )
    elif ref.name:
        row = await members.by_name(
            ctx.session, community_id=community_id, name=ref.name, include_left=include_left
        )
    if row is None or (row.left_at is not None and not include_left):
        gone = " (they left the community)" if row is not None else ""
        raise UserError(
            f"I can't find {render.echo(str(ref))} in this community{gone}. "
            "Check the spelling, or see who is here with /members."
        )
    return as_member(row)


def role_level(role: str) -> Level:
    """The standing a community role carries: the moderator role moderates, others are members."""
    return Level.MODERATOR if role == MODERATOR_ROLE else Level.MEMBER


def as_member(row: MemberRow | KnownMember, platform_level: Level = Level.MEMBER) -> Member:
    """The neutral member for a stored row, at the higher of its platform and role standing."""
    level = max(platform_level, role_level(row.role))
    assert row.id is not None
    left = getattr(row, "left_at", None) is not None
    return Member(row.id, row.external_id, row.name, level, row.role, row.is_bot, left)
