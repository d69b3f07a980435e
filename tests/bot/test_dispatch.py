"""The one dispatch path: levels, cooldowns, errors, crashes, forms, buttons and DMs."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Annotated

import pytest
from sqlmodel import select

from bot import render
from bot.activity import ActivityBuffer
from bot.clock import ManualClock
from bot.commands import Level, Member, action, command, listener
from bot.configstore import ConfigStore
from bot.context import Context
from bot.dispatch import Actor, Dispatcher
from bot.errors import UserError
from bot.registry import Registry
from bot.reply import Button, Field, Form, ToChannel, ToMember
from storage.db import Database
from storage.models import MemberRow
from tests.conftest import PLACE, RecordingTransport

NOTE_FORM = Form(
    "A note", "note", (Field("title", "Title", 20), Field("body", "Body", 50, required=False))
)


class Probe:
    """A cog that exercises the dispatcher."""

    def __init__(self) -> None:
        self.committed: list[str] = []

    @command("echo")
    async def echo(self, ctx: Context, *, text: str) -> None:
        """Say it back."""
        ctx.reply(render.safe(text))

    @command("mod only", level=Level.MODERATOR)
    async def mod_only(self, ctx: Context) -> None:
        """Moderators only."""
        ctx.reply("ok")

    @command("limited", cooldown=(2, 60.0))
    async def limited(self, ctx: Context) -> None:
        """Twice a minute."""
        ctx.reply("ok")

    @command("rename")
    async def rename(self, ctx: Context, *, name: str) -> None:
        """Write, then fail: nothing may be stored."""
        row = await ctx.session.get(MemberRow, ctx.author.id)
        assert row is not None
        row.name = name
        ctx.session.add(row)
        await ctx.session.flush()
        raise UserError("Changed my mind.")

    @command("crash")
    async def crash(self, ctx: Context) -> None:
        """Fail unexpectedly."""
        raise RuntimeError("boom")

    @command("greet")
    async def greet(self, ctx: Context, member: Annotated[Member, "Who"]) -> None:
        """Greet someone by DM."""
        ctx.dm(member, "hello", fallback_channel="welcome")
        ctx.after_commit.append(lambda: self.committed.append(member.name))

    @command("note", form=NOTE_FORM)
    async def note(self, ctx: Context, *, title: str, body: str = "") -> None:
        """Take a note."""
        ctx.reply(f"noted {title}|{body}")

    @command("button")
    async def button(self, ctx: Context) -> None:
        """Show a button."""
        ctx.reply("press", buttons=(Button("Go", "probe_go", "42"),))

    @action("probe_go", level=Level.MODERATOR)
    async def go(self, ctx: Context, arg: str) -> None:
        """A moderator's button."""
        ctx.reply(f"went {arg}")

    @listener("member_joined")
    async def joined(self, ctx: Context) -> None:
        """Say hello."""
        ctx.post("welcome", f"hi {render.mention(ctx.author)}")


@pytest.fixture
def dispatcher(db: Database, clock: ManualClock) -> Dispatcher:
    return Dispatcher(
        registry=Registry([Probe()]),
        db=db,
        clock=clock,
        activity=ActivityBuffer(db),
        configs=ConfigStore(),
    )


async def run(dispatcher: Dispatcher, line: str, who: str = "ann", level: Level = Level.MEMBER):  # type: ignore[no-untyped-def]
    transport = RecordingTransport()
    outcome = await dispatcher.run_line(PLACE, Actor(who, who, level), line, transport)
    return outcome, transport


async def test_a_command_runs_and_answers(dispatcher: Dispatcher) -> None:
    outcome, sent = await run(dispatcher, "/echo hello there")
    assert outcome.ok
    assert sent.texts() == ["hello there"]


async def test_unknown_command_suggests_the_closest(dispatcher: Dispatcher) -> None:
    outcome, sent = await run(dispatcher, "/ecko hi")
    assert not outcome.ok
    assert "I don't know /ecko. Did you mean /echo?" in sent.last()
    assert sent.to_invoker()[0].reply.private


async def test_a_group_without_its_subcommand_lists_them(dispatcher: Dispatcher) -> None:
    _, sent = await run(dispatcher, "/mod")
    assert "/mod needs one more word: /mod only" in sent.last()


async def test_missing_argument_shows_usage(dispatcher: Dispatcher) -> None:
    outcome, sent = await run(dispatcher, "/greet")
    assert not outcome.ok
    assert "Missing `member`: Who." in sent.last()
    assert "Usage: `/greet <member>`" in sent.last()


async def test_levels_are_checked(dispatcher: Dispatcher) -> None:
    _, sent = await run(dispatcher, "/mod only")
    assert sent.last() == "Only moderators can use /mod only."
    outcome, sent = await run(dispatcher, "/mod only", level=Level.ADMIN)
    assert outcome.ok and sent.last() == "ok"


async def test_the_moderator_role_grants_moderator_level(
    dispatcher: Dispatcher, db: Database
) -> None:
    await run(dispatcher, "/echo hi", who="mo")
    async with db.session() as session, session.begin():
        row = (await session.exec(select(MemberRow).where(MemberRow.name == "mo"))).one()
        row.role = "moderator"
    outcome, _ = await run(dispatcher, "/mod only", who="mo")
    assert outcome.ok


async def test_cooldown_refuses_then_forgives(dispatcher: Dispatcher, clock: ManualClock) -> None:
    assert (await run(dispatcher, "/limited"))[0].ok
    assert (await run(dispatcher, "/limited"))[0].ok
    outcome, sent = await run(dispatcher, "/limited")
    assert not outcome.ok and "again in 60 s" in sent.last()
    assert (await run(dispatcher, "/limited", who="other"))[0].ok
    clock.advance(timedelta(seconds=61))
    assert (await run(dispatcher, "/limited"))[0].ok


async def test_user_error_rolls_back_every_write(dispatcher: Dispatcher, db: Database) -> None:
    outcome, sent = await run(dispatcher, "/rename zed")
    assert not outcome.ok and sent.last() == "Changed my mind."
    async with db.session() as session:
        names = (await session.exec(select(MemberRow.name))).all()
    assert "zed" not in names


async def test_a_crash_is_logged_with_a_reference_the_user_sees(
    dispatcher: Dispatcher, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        outcome, sent = await run(dispatcher, "/crash")
    assert not outcome.ok
    reference = sent.last().split("`")[1]
    assert len(reference) == 6
    assert f"[{reference}]" in caplog.text and "boom" in caplog.text
    assert "Traceback" not in sent.last()


async def test_unknown_member_is_a_friendly_error(dispatcher: Dispatcher) -> None:
    _, sent = await run(dispatcher, "/greet @nobody")
    assert "I can't find @nobody in this community" in sent.last()


async def test_closed_dms_fall_back_to_a_channel_mentioning_only_them(
    dispatcher: Dispatcher,
) -> None:
    await run(dispatcher, "/echo hi", who="bea")
    transport = RecordingTransport(closed_dms={"bea"})
    await dispatcher.run_line(PLACE, Actor("ann", "ann"), "/greet @bea", transport)
    fallback = transport.posts("welcome")
    assert len(fallback) == 1
    assert render.mentioned_ids(fallback[0].reply.text) == ["bea"]
    assert not any(isinstance(item, ToMember) for item in transport.sent)
    assert dispatcher.registry.cogs[0].committed == ["bea"]  # type: ignore[attr-defined]


async def test_open_dms_are_delivered(dispatcher: Dispatcher) -> None:
    await run(dispatcher, "/echo hi", who="bea")
    _, sent = await run(dispatcher, "/greet @bea")
    assert isinstance(sent.sent[0], ToMember) and sent.sent[0].member.name == "bea"


async def test_a_form_command_without_fields_shows_its_form(dispatcher: Dispatcher) -> None:
    _, sent = await run(dispatcher, "/note")
    assert sent.forms()[0].form.title == "A note"
    _, sent = await run(dispatcher, "/note body=later")
    assert sent.forms()[0].form.fields[1].value == "later"
    _, sent = await run(dispatcher, "/note title=hi body=there")
    assert sent.last() == "noted hi|there"


async def test_form_submissions_are_validated_per_field(dispatcher: Dispatcher) -> None:
    transport = RecordingTransport()
    actor = Actor("ann", "ann")
    outcome = await dispatcher.submit_form(PLACE, actor, "note", {"title": " "}, transport)
    assert outcome.error is not None and outcome.error.field == "title"
    assert "**Title** can't be empty" in transport.last()
    outcome = await dispatcher.submit_form(PLACE, actor, "note", {"title": "x" * 21}, transport)
    assert outcome.error is not None and outcome.error.field == "title"
    outcome = await dispatcher.submit_form(PLACE, actor, "note", {"title": "ok"}, transport)
    assert outcome.ok and transport.last() == "noted ok|"


async def test_buttons_route_by_custom_id_and_check_levels(dispatcher: Dispatcher) -> None:
    transport = RecordingTransport()
    custom_id = Button("Go", "probe_go", "42").custom_id
    await dispatcher.press(PLACE, Actor("ann", "ann"), custom_id, transport)
    assert transport.last() == "Only moderators can use this button."
    await dispatcher.press(PLACE, Actor("mo", "mo", Level.MODERATOR), custom_id, transport)
    assert transport.last() == "went 42"
    await dispatcher.press(PLACE, Actor("mo", "mo"), "cb:gone:1", transport)
    assert "doesn't work any more" in transport.last()


async def test_events_reach_listeners_and_mark_membership(
    dispatcher: Dispatcher, db: Database
) -> None:
    transport = RecordingTransport()
    await dispatcher.emit(PLACE, Actor("cy", "cy"), "member_joined", transport)
    assert isinstance(transport.sent[0], ToChannel) and transport.sent[0].channel == "welcome"
    await dispatcher.emit(PLACE, Actor("cy", "cy"), "member_left", transport)
    async with db.session() as session:
        row = (await session.exec(select(MemberRow).where(MemberRow.name == "cy"))).one()
    assert row.joined_at is not None and row.left_at is not None


async def test_commands_count_as_activity_and_messages_are_buffered(
    dispatcher: Dispatcher, db: Database
) -> None:
    await run(dispatcher, "/echo hi")
    await dispatcher.note_message(PLACE, Actor("dee", "dee"))
    await dispatcher.note_message(PLACE, Actor("bot", "bot", is_bot=True))
    assert dispatcher.activity.pending == 2
    await dispatcher.activity.flush()
    async with db.session() as session:
        rows = {r.name: r for r in (await session.exec(select(MemberRow))).all()}
    assert rows["dee"].active_days == 1 and rows["ann"].last_active_at is not None
    assert "bot" not in rows


async def test_suggestions_come_from_the_cog_and_failures_are_quiet(runtime) -> None:  # type: ignore[no-untyped-def]
    dispatcher = runtime.dispatcher
    spec = runtime.registry.command("role set")
    actor = Actor("ann", "ann")
    assert await dispatcher.suggest(PLACE, actor, spec, "role", "le") == ["leader"]
    assert await dispatcher.suggest(PLACE, actor, spec, "member", "x") == []
    members = runtime.registry.command("members")
    await dispatcher.run_line(
        PLACE, actor, '/intro about=a goals=b interests="oer, art"', RecordingTransport()
    )
    assert await dispatcher.suggest(PLACE, actor, members, "interest", "O") == ["oer"]
