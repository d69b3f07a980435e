"""Cooldowns count successful runs only, are checked before a form, and never refuse one."""

from __future__ import annotations

import pytest

from bot.activity import ActivityBuffer
from bot.clock import ManualClock
from bot.commands import command
from bot.configstore import ConfigStore
from bot.context import Context
from bot.dispatch import Actor, Dispatcher
from bot.errors import UserError
from bot.registry import Registry
from bot.reply import Field, Form
from storage.db import Database
from tests.conftest import PLACE, RecordingTransport

NOTE_FORM = Form("A note", "note", (Field("title", "Title", 20),))


class Limited:
    """Commands with a cooldown of two uses a minute."""

    @command("note", form=NOTE_FORM, cooldown=(2, 60.0))
    async def note(self, ctx: Context, *, title: str) -> None:
        """Take a note."""
        ctx.reply(f"noted {title}")

    @command("picky", cooldown=(2, 60.0))
    async def picky(self, ctx: Context, *, word: str) -> None:
        """Accept only "yes"."""
        if word != "yes":
            raise UserError("Say yes.")
        ctx.reply("ok")


@pytest.fixture
def dispatcher(db: Database, clock: ManualClock) -> Dispatcher:
    registry = Registry([Limited()])
    return Dispatcher(
        registry=registry, db=db, clock=clock, activity=ActivityBuffer(db), configs=ConfigStore()
    )


async def line(dispatcher: Dispatcher, text: str) -> RecordingTransport:
    sent = RecordingTransport()
    await dispatcher.run_line(PLACE, Actor("ann", "ann"), text, sent)
    return sent


async def submit(dispatcher: Dispatcher, title: str) -> RecordingTransport:
    sent = RecordingTransport()
    await dispatcher.submit_form(PLACE, Actor("ann", "ann"), "note", {"title": title}, sent)
    return sent


async def test_showing_a_form_is_not_a_use(dispatcher: Dispatcher) -> None:
    for _ in range(5):
        assert (await line(dispatcher, "/note")).forms()
    assert (await submit(dispatcher, "one")).last() == "noted one"
    assert (await submit(dispatcher, "two")).last() == "noted two"


async def test_a_submission_is_never_refused_but_a_new_form_is(dispatcher: Dispatcher) -> None:
    assert (await line(dispatcher, '/note title="a"')).last() == "noted a"
    assert (await line(dispatcher, '/note title="b"')).last() == "noted b"
    refused = await line(dispatcher, "/note")
    assert not refused.forms() and "again in 60 s" in refused.last()
    # A form opened before the limit was reached still saves what was typed into it.
    assert (await submit(dispatcher, "typed it all")).last() == "noted typed it all"


async def test_failed_attempts_do_not_count(dispatcher: Dispatcher, clock: ManualClock) -> None:
    for _ in range(4):
        assert (await line(dispatcher, "/picky no")).last() == "Say yes."
    assert (await line(dispatcher, "/picky yes")).last() == "ok"
    assert (await line(dispatcher, "/picky yes")).last() == "ok"
    assert "again in" in (await line(dispatcher, "/picky yes")).last()


async def test_precheck_and_the_run_give_the_same_answer(
    dispatcher: Dispatcher, clock: ManualClock
) -> None:
    await line(dispatcher, "/picky yes")
    await line(dispatcher, "/picky yes")
    spec = dispatcher.registry.command("picky")
    assert spec is not None
    refusal = dispatcher.precheck(PLACE, Actor("ann", "ann"), spec)
    assert refusal == (await line(dispatcher, "/picky yes")).last()
