"""The console playground: try copbot with no account; also the end-to-end test harness."""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TextIO

from bot import render
from bot.clock import ManualClock
from bot.commands import Level
from bot.dispatch import Actor, Place
from bot.reply import Button, Form, FormRequest, Outgoing, ToChannel, ToInvoker, ToMember
from bot.runtime import Runtime
from storage import members

PLATFORM = "console"
COMMUNITY = "playground"
CHANNEL = "general"
OWNER = "owner"
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
_OFFSET = re.compile(r"^([+-])(\d+)([dhm])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}
META_HELP = """Meta-commands:
  :as NAME        act as NAME            :join NAME   NAME joins the community
  :leave NAME     NAME leaves            :say TEXT    post a plain message (activity)
  :mod NAME       make NAME a moderator  :unmod NAME  make NAME a plain member
  :click N        press button N of the latest message with buttons
  :clock +3d      move time (+2h, +30m, or 2026-12-01T09:00)
  :home           your own page (intro, role): what Slack shows in its Home tab
  :run [JOB]      run a scheduled job now (alone: list jobs)
  :quit           leave the playground
Commands start with /: try /help."""


class ConsoleTransport:
    """Prints each message as a block headed by where it went."""

    def __init__(self, console: Console, invoker: str) -> None:
        self._console = console
        self._invoker = invoker
        self.forms: list[Form] = []

    async def deliver(self, place: Place, item: Outgoing) -> bool:
        """Print one message; a form is kept to be asked for after the command."""
        if isinstance(item, FormRequest):
            self.forms.append(item.form)
            return True
        if isinstance(item, ToInvoker):
            where = f"only @{self._invoker}" if item.reply.private else f"#{place.channel}"
        elif isinstance(item, ToChannel):
            where = f"#{item.channel or place.channel}"
        else:
            assert isinstance(item, ToMember)
            where = f"DM @{item.member.name}"
        self._console.show(where, item.reply.text, item.reply.buttons)
        return True


class Console:
    """Reads lines, runs them as the acting member, prints what the bot sends."""

    def __init__(
        self, runtime: Runtime, clock: ManualClock, *, stdin: TextIO, stdout: TextIO
    ) -> None:
        self.runtime = runtime
        self.clock = clock
        self.acting = OWNER
        self._stdin, self._stdout = stdin, stdout
        self._interactive = stdin.isatty()
        self._buttons: tuple[Button, ...] = ()
        self._buttons_for: str | None = None  # a DM's buttons can only be pressed by its reader
        self._place = Place(PLATFORM, COMMUNITY, COMMUNITY, CHANNEL)
        # Scheduled jobs print here too, as if the owner were watching.
        runtime.dispatcher.transports[PLATFORM] = lambda place: ConsoleTransport(self, OWNER)

    def show(self, where: str, text: str, buttons: tuple[Button, ...] = ()) -> None:
        """Print one block: `[where] text`, then its buttons."""
        self._stdout.write(f"[{where}] {render.to_plain(text)}\n")
        if buttons:
            self._buttons = buttons
            self._buttons_for = where.removeprefix("DM @") if where.startswith("DM @") else None
            labels = "  ".join(f"({n}) {b.label}" for n, b in enumerate(buttons, 1))
            self._stdout.write(f"  {labels}\n")
        self._stdout.write("\n")
        self._stdout.flush()

    def note(self, text: str) -> None:
        """Print a line from the playground itself (not the bot)."""
        self._stdout.write(f"* {text}\n\n")
        self._stdout.flush()

    async def run(self) -> int:
        """The read-run-print loop; returns the exit code (0 at end of input)."""
        await self.runtime.dispatcher.community(self._place)
        await self._ensure_member(OWNER)
        if self._interactive:
            self.note("copbot playground: you are @owner. Try /help, or :help for meta-commands.")
        while True:
            line = await self._read(f"{self.acting}> ")
            if line is None:
                return 0
            if not await self.handle(line.strip()):
                return 0

    async def handle(self, line: str) -> bool:
        """Run one line; False means quit."""
        if not line:
            return True
        if line.startswith("/"):
            await self._command(line)
        elif line.startswith(":"):
            return await self._meta(line)
        else:
            self.note(
                "Commands start with / (try /help) and meta-commands with : (try :help). "
                "To post a plain message, use :say TEXT."
            )
        return True

    async def _command(self, line: str) -> None:
        transport = ConsoleTransport(self, self.acting)
        actor = self._actor(self.acting)
        await self.runtime.dispatcher.run_line(self._place, actor, line, transport)
        await self._fill_forms(transport, actor)

    async def _ask(self, form: Form) -> dict[str, str] | None:
        self.note(f"{form.title}: one line per field; an empty line keeps the value shown.")
        values: dict[str, str] = {}
        for field in form.fields:
            need = "required" if field.required else "optional"
            current = f" [{render.clip(field.value, 60)}]" if field.value else ""
            answer = await self._read(
                f"  {field.label} ({need}, up to {field.max_length}){current}: "
            )
            if answer is None:
                self.note("The form was left unfinished; nothing was saved.")
                return None
            values[field.name] = answer.strip() or field.value
        return values

    async def _meta(self, line: str) -> bool:
        verb, _, arg = line[1:].partition(" ")
        verb, arg = verb.lower(), arg.strip()
        if verb in ("quit", "exit", "q"):
            return False
        handlers: dict[str, Callable[[str], object]] = {
            "as": self._as,
            "join": self._join,
            "leave": self._leave,
            "say": self._say,
            "mod": self._mod,
            "unmod": self._unmod,
            "click": self._click,
            "clock": self._clock,
            "run": self._run_job,
            "home": self._home,
            "help": lambda _: self.note(META_HELP),
        }
        handler = handlers.get(verb)
        if handler is None:
            self.note(f"There is no :{render.clip(verb, 20)}. {META_HELP}")
            return True
        result = handler(arg)
        if asyncio.iscoroutine(result):
            await result
        return True

    def _valid_name(self, name: str, usage: str) -> str | None:
        name = name.lstrip("@")
        if _NAME.match(name):
            return name
        self.note(f"Usage: {usage} (a name of letters, digits, . _ or -, up to 32 characters).")
        return None

    async def _as(self, arg: str) -> None:
        name = self._valid_name(arg, ":as NAME")
        if name:
            await self._ensure_member(name)
            self.acting = name
            self.note(f"You are now @{name}.")

    async def _join(self, arg: str) -> None:
        name = self._valid_name(arg, ":join NAME")
        if name:
            self.note(f"@{name} joins the community.")
            transport = ConsoleTransport(self, name)
            await self.runtime.dispatcher.emit(
                self._place, self._actor(name), "member_joined", transport
            )

    async def _leave(self, arg: str) -> None:
        name = self._valid_name(arg, ":leave NAME")
        if name:
            transport = ConsoleTransport(self, name)
            await self.runtime.dispatcher.emit(
                self._place, self._actor(name), "member_left", transport
            )
            self.note(f"@{name} left the community.")

    async def _say(self, arg: str) -> None:
        if not arg:
            self.note("Usage: :say TEXT")
            return
        await self.runtime.dispatcher.note_message(self._place, self._actor(self.acting))
        self.note(f"@{self.acting} posted in #{CHANNEL}.")

    async def _mod(self, arg: str, *, role: str | None = "moderator") -> None:
        name = self._valid_name(arg, ":mod NAME" if role else ":unmod NAME")
        if name:
            row = await self._ensure_member(name, role=role or "member")
            self.note(f"@{row.name} is now {'a moderator' if role else 'a plain member'}.")

    async def _unmod(self, arg: str) -> None:
        await self._mod(arg, role=None)

    async def _click(self, arg: str) -> None:
        if not self._buttons:
            self.note("There is no button to press yet.")
            return
        if not arg.isdigit() or not 1 <= int(arg) <= len(self._buttons):
            self.note(f"Usage: :click N, with N from 1 to {len(self._buttons)}.")
            return
        button = self._buttons[int(arg) - 1]
        presser = self._buttons_for or self.acting
        if presser != self.acting:
            self.note(f"Pressing as @{presser}, whose DM it is.")
        transport = ConsoleTransport(self, presser)
        actor = self._actor(presser)
        await self.runtime.dispatcher.press(self._place, actor, button.custom_id, transport)
        await self._fill_forms(transport, actor)

    async def _fill_forms(self, transport: ConsoleTransport, actor: Actor) -> None:
        for form in transport.forms:
            values = await self._ask(form)
            if values is not None:
                await self.runtime.dispatcher.submit_form(
                    self._place, actor, form.command, values, transport
                )

    def _clock(self, arg: str) -> None:
        offset = _OFFSET.match(arg)
        if offset:
            sign, amount, unit = offset.groups()
            delta = timedelta(**{_UNITS[unit]: int(amount)})
            self.clock.advance(delta if sign == "+" else -delta)
        else:
            try:
                when = datetime.fromisoformat(arg)
            except ValueError:
                self.note("Usage: :clock +3d, :clock +2h, :clock +30m or :clock 2026-12-01T09:00")
                return
            self.clock.set(when if when.tzinfo else when.replace(tzinfo=UTC))
        self.note(f"The time is now {self.clock.now():%Y-%m-%d %H:%M} UTC.")

    async def _home(self, arg: str) -> None:
        transport = ConsoleTransport(self, self.acting)
        actor = self._actor(self.acting)
        await self.runtime.dispatcher.emit(self._place, actor, "home_opened", transport)
        await self._fill_forms(transport, actor)

    async def _run_job(self, arg: str) -> None:
        jobs = self.runtime.scheduler.jobs
        if arg not in jobs:
            listed = "\n".join(f"  {j.name}: {j.help} ({j.when})" for j in jobs.values())
            prefix = f"There is no job {render.clip(arg, 30)}. " if arg else ""
            self.note(f"{prefix}Jobs:\n{listed}")
            return
        result = await self.runtime.scheduler.run_now(arg)
        self.note(f"Ran {arg}: {result}.")

    def _actor(self, name: str) -> Actor:
        level = Level.OWNER if name == OWNER else Level.MEMBER
        return Actor(external_id=name, name=name, level=level)

    async def _ensure_member(self, name: str, role: str | None = None) -> members.MemberRow:
        community = await self.runtime.dispatcher.community(self._place)
        async with self.runtime.db.session() as session, session.begin():
            row = await members.upsert(
                session, community_id=community.id, external_id=name, name=name
            )
            if role is not None:
                await members.set_role(session, member=row, role=role)
        return row

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
    console = Console(runtime, clock, stdin=sys.stdin, stdout=sys.stdout)
    runtime.scheduler.start()
    try:
        return await console.run()
    finally:
        await runtime.close()
