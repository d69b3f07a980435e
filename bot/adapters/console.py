"""The console playground: try copbot with no account; also the end-to-end test harness."""

from __future__ import annotations

import asyncio
import itertools
import logging
import secrets
import sys
from pathlib import Path
from typing import TextIO

from bot import render
from bot.adapters.console_forms import ask
from bot.adapters.console_meta import MetaCommands
from bot.clock import ManualClock
from bot.commands import Event, Level
from bot.dispatch import Actor, Place
from bot.reply import (
    Button,
    EditMessage,
    Form,
    FormRequest,
    Image,
    Outgoing,
    ToChannel,
    ToInvoker,
    ToMember,
)
from bot.runtime import Runtime
from storage import members

log = logging.getLogger(__name__)

PLATFORM = "console"
COMMUNITY = "playground"
CHANNEL = "general"
OWNER = "owner"
FILES = Path("copbot-files")  # pictures the bot sent, so the playground can show where
# Shown when handling a line raised: a bug somewhere, never a user's mistake.
BUG_NOTE = "That line hit a bug in copbot (the log has the details); nothing more was done."


class ConsoleTransport:
    """Prints each message as a block headed by where it went."""

    def __init__(self, console: Console, invoker: str) -> None:
        self._console = console
        self._invoker = invoker
        self.forms: list[Form] = []

    async def deliver(self, place: Place, item: Outgoing) -> bool | str:
        """Print one message; a form is kept to be asked for after the command."""
        if isinstance(item, FormRequest):
            self.forms.append(item.form)
            return True
        if isinstance(item, EditMessage):
            where = item.ref.rpartition("|")[0] or item.where
            self._console.show(f"edited {where}", item.reply.text, item.reply.buttons)
            return item.ref
        if isinstance(item, ToInvoker):
            where = f"only @{self._invoker}" if item.reply.private else f"#{place.channel}"
        elif isinstance(item, ToChannel):
            where = f"#{item.channel or place.channel}"
        else:
            assert isinstance(item, ToMember)
            where = f"DM @{item.member.name}"
        text = item.reply.text
        if item.reply.image is not None:
            path = save_image(item.reply.image, getattr(item, "nonce", None))
            text = f"{text}\n[image: {path}] {item.reply.image.alt}"
        for attached in item.reply.files:
            path = save_file(attached.filename, attached.data, getattr(item, "nonce", None))
            text = f"{text}\n[file: {path}]"
        self._console.show(where, text, item.reply.buttons)
        # The reference says where it was, so an edit after a restart is still headed right.
        return f"{where}|{self._console.next_ref()}"


def save_image(image: Image, nonce: str | None) -> Path:
    """Write a message's picture under ./copbot-files/, where the block says it is."""
    return save_file(image.filename, image.png, nonce)


def save_file(filename: str, data: bytes, nonce: str | None) -> Path:
    """Write a message's file under ./copbot-files/, where the block says it is."""
    FILES.mkdir(exist_ok=True)
    stem = nonce or secrets.token_hex(6)
    # Only the name's last part: a filename must never climb out of the files folder.
    path = FILES / f"{stem}-{Path(filename).name}"
    path.write_bytes(data)
    return path


class Console:
    """Reads lines, runs them as the acting member, prints what the bot sends."""

    def __init__(
        self, runtime: Runtime, clock: ManualClock, *, stdin: TextIO, stdout: TextIO
    ) -> None:
        self.runtime = runtime
        self.clock = clock
        self.acting = OWNER
        self.buttons: tuple[Button, ...] = ()
        self._buttons_for: str | None = None  # a DM's buttons can only be pressed by its reader
        self._stdin, self._stdout = stdin, stdout
        self._interactive = stdin.isatty()
        self._pending: str | None = None  # a line that cancelled a form, to run next
        self._place = Place(PLATFORM, COMMUNITY, COMMUNITY, CHANNEL)
        self._meta = MetaCommands(self)
        self._refs = itertools.count(1)
        # Scheduled jobs print here too, as if the owner were watching.
        runtime.dispatcher.transports[PLATFORM] = lambda place: ConsoleTransport(self, OWNER)
        # No platform to protect here: what a line caused is printed before the next is read.
        runtime.dispatcher.sender.pacing = None

    def next_ref(self) -> int:
        """A number for each message shown, so edits can name it."""
        return next(self._refs)

    def show(self, where: str, text: str, buttons: tuple[Button, ...] = ()) -> None:
        """Print one block: `[where] text`, then its buttons."""
        # Headers and labels carry names too: the last net applies to them as to the text.
        self._stdout.write(f"[{render.defuse(where)}] {render.to_plain(text)}\n")
        if buttons:
            self.buttons = buttons
            self._buttons_for = where.removeprefix("DM @") if where.startswith("DM @") else None
            labels = "  ".join(f"({n}) {b.label}" for n, b in enumerate(buttons, 1))
            self._stdout.write(f"  {render.defuse(labels)}\n")
        self._stdout.write("\n")
        self._stdout.flush()

    def note(self, text: str) -> None:
        """Print a line from the playground itself (not the bot)."""
        self._stdout.write(f"* {render.defuse(text)}\n\n")
        self._stdout.flush()

    async def run(self) -> int:
        """The read-run-print loop; returns the exit code (0 at end of input)."""
        await self.runtime.dispatcher.community(self._place)
        await self.ensure_member(OWNER)
        if self._interactive:
            self.note("copbot playground: you are @owner. Try /help, or :help for meta-commands.")
        while True:
            line = self._pending if self._pending is not None else await self._read_next()
            self._pending = None
            if line is None:
                return 0
            try:
                if not await self.handle(line.strip()):
                    return 0
                # What the line set off (activity written, a return welcomed, a poll count)
                # happens before the next line is read, as it would within seconds on a platform.
                await self.runtime.scheduler.settle()
                await self.runtime.dispatcher.sender.drain_all()
            except Exception:
                # One bad line must not end a session someone is exploring: say so, go on.
                log.exception("the playground failed on a line")
                self.note(BUG_NOTE)

    async def handle(self, line: str) -> bool:
        """Run one line; False means quit."""
        if not line:
            return True
        if line.startswith("/"):
            await self._command(line)
        elif line.startswith(":"):
            return await self._meta.run(line)
        else:
            self.note(
                "Commands start with / (try /help) and meta-commands with : (try :help). "
                "To post a plain message, use :say TEXT."
            )
        return True

    async def _command(self, line: str) -> None:
        transport = ConsoleTransport(self, self.acting)
        actor = self.actor(self.acting)
        await self.runtime.dispatcher.run_line(self._place, actor, line, transport)
        await self._fill_forms(transport, actor)

    async def press(self, button: Button) -> None:
        """Press a button as whoever may: a DM's reader, or the acting member."""
        presser = self._buttons_for or self.acting
        if presser != self.acting:
            self.note(f"Pressing as @{presser}, whose DM it is.")
        transport = ConsoleTransport(self, presser)
        actor = self.actor(presser)
        await self.runtime.dispatcher.press(self._place, actor, button.custom_id, transport)
        await self._fill_forms(transport, actor)

    async def emit(self, name: str, event: Event) -> None:
        """A community event about a member: joined, left, or opened their home page."""
        transport = ConsoleTransport(self, name)
        actor = self.actor(name)
        await self.runtime.dispatcher.emit(self._place, actor, event, transport)
        await self._fill_forms(transport, actor)

    async def say(self) -> None:
        """The acting member posts a plain message: only the activity counts."""
        await self.runtime.dispatcher.note_message(self._place, self.actor(self.acting))
        self.note(f"@{self.acting} posted in #{CHANNEL}.")

    async def _fill_forms(self, transport: ConsoleTransport, actor: Actor) -> None:
        for form in transport.forms:
            answers = await ask(form, self._read, self.note)
            if answers.values is None:
                self._pending = answers.next_line
                return  # the rest of the forms go with it: the member moved on
            await self.runtime.dispatcher.submit_form(
                self._place, actor, form.command, form.returned(answers.values), transport
            )

    def actor(self, name: str) -> Actor:
        """The platform's view of a console member: only the owner has a level of their own."""
        level = Level.OWNER if name == OWNER else Level.MEMBER
        return Actor(external_id=name, name=name, level=level)

    async def ensure_member(self, name: str, role: str | None = None) -> members.MemberRow:
        """The member called `name`, created without a join event if new."""
        community = await self.runtime.dispatcher.community(self._place)
        async with self.runtime.db.session() as session, session.begin():
            row = await members.upsert(
                session, community_id=community.id, external_id=name, name=name
            )
            if role is not None:
                await members.set_role(session, member=row, role=role)
        return row

    async def _read_next(self) -> str | None:
        return await self._read(f"{self.acting}> ")

    async def _read(self, prompt: str) -> str | None:
        return await asyncio.to_thread(self._read_line, prompt)

    def _read_line(self, prompt: str) -> str | None:
        if self._interactive:
            try:
                return input(prompt)
            except EOFError:
                return None
        line = self._stdin.readline()
        return None if line == "" else line.rstrip("\n")


async def run_console(runtime: Runtime, clock: ManualClock) -> int:
    """Run the playground on the process's stdin and stdout."""
    if sys.stdin.isatty():
        import readline  # noqa: F401  (line editing and history for input())
    # Piped input may hold any bytes: an undecodable one becomes U+FFFD, not a crash.
    for stream in (sys.stdin, sys.stdout):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    console = Console(runtime, clock, stdin=sys.stdin, stdout=sys.stdout)
    runtime.scheduler.start()
    try:
        return await console.run()
    finally:
        await runtime.close()
