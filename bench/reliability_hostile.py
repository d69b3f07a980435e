"""Hostile command lines through the console playground and the dispatcher: no crash, no ping."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.adapters.console import Console
from bot.adapters.discord import render as discord_ui
from bot.adapters.slack import blocks
from bot.clock import ManualClock
from bot.commands import Level
from bot.dispatch import Actor, Place
from bot.reply import EditMessage, FormRequest, Outgoing, Reply
from bot.runtime import Runtime, build_runtime
from config.settings import Settings
from tests.bot.adapters.test_console_hostile import CRASH, MASS_MENTION, RAW_SYNTAX
from tests.hostile import MEMBERS, UNDECODABLE, Hostile

# A mass ping each platform would act on: Discord's @everyone/@here or an unescaped role
# mention; Slack's special mentions (and bare @here, in case a client sets link_names).
DISCORD_LIVE = re.compile(r"@(everyone|here)|(?<!\\)<@&\d+>", re.IGNORECASE)
SLACK_LIVE = re.compile(r"<!(everyone|here|channel|subteam)|@(everyone|here|channel)", re.I)
DRAIN_EVERY = 250  # lines between outbox drains: per line, the drain would be most of the time
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class Errors(logging.Handler):
    """Counts log records that carry a traceback, or are errors at all."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record."""
        self.records.append(record)


@dataclass
class Hostility:
    """What the hostile lines produced."""

    lines: int = 0
    console_tracebacks: int = 0
    console_live: int = 0
    dispatched: int = 0
    replies: int = 0
    tracebacks: int = 0
    live: dict[str, int] = field(default_factory=lambda: {"discord": 0, "slack": 0})
    examples: list[str] = field(default_factory=list)


class Rendering:
    """A transport that renders every reply as Discord and Slack would send it, and checks it."""

    def __init__(self, found: Hostility) -> None:
        self.found = found
        self.forms: list[FormRequest] = []
        self.buttons: list[str] = []

    async def deliver(self, place: Place, item: Outgoing) -> bool | str:
        """Render and check one message; keep forms and buttons to answer later."""
        if isinstance(item, FormRequest):
            self.forms.append(item)
            return True
        reply: Reply = item.reply
        self.found.replies += 1
        self.buttons.extend(button.custom_id for button in reply.buttons)
        self._check(reply)
        return item.ref if isinstance(item, EditMessage) else f"C1/{self.found.replies}"

    def _check(self, reply: Reply) -> None:
        mentions = discord_ui.allowed_mentions(reply.text)
        discord_text = "\n".join(discord_ui.chunks(reply.text))
        if DISCORD_LIVE.search(discord_text) or mentions.everyone or mentions.roles:
            self._live("discord", discord_text)
        slack_text = json.dumps(blocks.message(reply), ensure_ascii=False)
        if SLACK_LIVE.search(slack_text):
            self._live("slack", slack_text)

    def _live(self, platform: str, text: str) -> None:
        self.found.live[platform] += 1
        if len(self.found.examples) < 5:
            self.found.examples.append(f"{platform}: {text[:200]!r}")


async def through_console(lines: list[str], db: Path, found: Hostility) -> None:
    """The playground as a person piping the lines in would run it, in this process."""
    script = "\n".join([*lines, *(raw.decode("utf-8", "replace") for raw in UNDECODABLE)])
    clock = ManualClock(START)
    runtime = await build_runtime(Settings(database_url=f"sqlite+aiosqlite:///{db}"), clock=clock)
    out = io.StringIO()
    console = Console(runtime, clock, stdin=io.StringIO(script + "\n:help\n"), stdout=out)
    errors = Errors()
    logging.getLogger().addHandler(errors)
    runtime.scheduler.start()
    try:
        await console.run()
    finally:
        logging.getLogger().removeHandler(errors)
        await runtime.close()
    text = out.getvalue()
    blocks_printed = text.split("\n\n")
    found.lines = len(lines) + len(UNDECODABLE) + 1
    found.console_tracebacks = len(errors.records) + sum(
        1 for block in blocks_printed if CRASH.search(block)
    )
    found.console_live = sum(
        1 for block in blocks_printed if MASS_MENTION.search(block) or RAW_SYNTAX.search(block)
    )


async def through_dispatcher(lines: list[str], db: Path, found: Hostility, seed: int) -> None:
    """Every command line straight into the dispatcher, its replies rendered per platform."""
    rng = random.Random(seed)
    clock = ManualClock(START)
    runtime = await build_runtime(Settings(database_url=f"sqlite+aiosqlite:///{db}"), clock=clock)
    runtime.dispatcher.sender.pacing = None
    place = Place("bench", "hostile", "Hostile", "general")
    transport = Rendering(found)
    runtime.dispatcher.transports["bench"] = lambda place: transport
    hostile = Hostile(seed)
    errors = Errors()
    logging.getLogger().addHandler(errors)
    try:
        for index, line in enumerate(lines, start=1):
            name = rng.choice(MEMBERS)
            actor = Actor(name, name, Level.OWNER if name == "owner" else Level.MEMBER)
            found.dispatched += 1
            try:
                await runtime.dispatcher.run_line(place, actor, line, transport)
                await answer_forms(runtime, place, actor, transport, hostile)
                if transport.buttons and rng.random() < 0.2:
                    pressed = rng.choice(transport.buttons)
                    await runtime.dispatcher.press(place, actor, pressed, transport)
                transport.buttons.clear()
                if index % DRAIN_EVERY == 0 or index == len(lines):
                    await runtime.dispatcher.sender.drain_all()  # what jobs and retries send
            except Exception as error:  # counted: an escape from the one path is a traceback
                found.tracebacks += 1
                found.examples.append(f"{line!r}: {error!r}"[:200])
    finally:
        logging.getLogger().removeHandler(errors)
        await runtime.close()
    found.tracebacks += len(errors.records)
    found.examples.extend(record.getMessage()[:200] for record in errors.records[:3])


async def answer_forms(
    runtime: Runtime, place: Place, actor: Actor, transport: Rendering, hostile: Hostile
) -> None:
    """Submit each form the line opened with junk in every field."""
    forms, transport.forms = transport.forms, []
    for request in forms:
        values = {f.name: hostile.junk() for f in request.form.fields}
        await runtime.dispatcher.submit_form(
            place, actor, request.form.command, request.form.returned(values), transport
        )


async def run(commands: int, console_lines: int, seed: int, folder: Path) -> Hostility:
    """`commands` hostile command lines through the dispatcher, and a playground session."""
    found = Hostility()
    with contextlib.chdir(folder):  # the playground saves files it shows under ./copbot-files
        await through_console(Hostile(seed).lines(console_lines), folder / "console.db", found)
    hostile, lines = Hostile(seed + 1), []
    while len(lines) < commands:
        lines.extend(line for line in hostile.lines(commands) if line.startswith("/"))
    await through_dispatcher(lines[:commands], folder / "dispatch.db", found, seed)
    return found
