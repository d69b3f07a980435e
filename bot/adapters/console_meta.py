"""The playground's meta-commands (`:as`, `:clock`, …): each reads its argument strictly."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot import render
from bot.clock import EARLIEST, LATEST, ClockRangeError
from config.values import ValueRuleError, whole_number
from storage import jobruns

if TYPE_CHECKING:
    from bot.adapters.console import Console

# The README's meta-command table, row for row (a test keeps the two in step); `:help` prints
# it without the backticks.
HELP_ROWS: tuple[tuple[str, str], ...] = (
    (
        "`:as NAME`",
        "act as NAME (created as a plain member if new, without a join event; "
        "a member who left stays gone until `:join NAME`)",
    ),
    ("`:join NAME`", "NAME joins the community (they get the welcome DM)"),
    ("`:leave NAME`", "NAME leaves the community"),
    ("`:say TEXT`", "the acting member posts a plain message (it counts as activity)"),
    ("`:mod NAME` / `:unmod NAME`", "make NAME a moderator / a plain member"),
    (
        "`:click N`",
        "press button N of the latest message that had buttons "
        "(a DM's buttons are pressed by its reader)",
    ),
    (
        "`:clock +3d`, `:clock +2h`, `:clock +30m`, `:clock 2026-12-01T09:00`",
        "move the playground's clock, between the years 2000 and 9000 (alone: tell the time); "
        "moving forward runs, in time order, the jobs that fall due on the way",
    ),
    (
        "`:jobs`",
        "the scheduled jobs, when each runs next and last did its work, "
        "in the community's time zone",
    ),
    (
        "`:run` / `:run JOB`",
        "list the scheduled jobs / run one now, outside its schedule",
    ),
    ("`:home`", "your own page (intro, role, kudos, badges): what Slack shows in its Home tab"),
    ("`:help`, `:quit`", "list these / leave (end of input also leaves)"),
)
HELP = "\n".join(
    ["Meta-commands:"]
    + [f"  {shown} — {what}".replace("`", "") for shown, what in HELP_ROWS]
    + ["Commands start with /: try /help."]
)
QUIT = ("quit", "exit", "q")

_NAME = re.compile(r"[A-Za-z0-9_.-]{1,32}")
# Names the platforms keep for pinging everyone: a member cannot be called that.
_RESERVED = {"everyone", "here", "channel"}
_OFFSET = re.compile(r"([+-])([0-9]+)([dhm])", re.IGNORECASE)
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}
# The most of each unit the clock's span can hold; larger amounts are refused before any
# arithmetic, so no timedelta or datetime can overflow.
_MOST = {"d": 3_300_000, "h": 24 * 3_300_000, "m": 1440 * 3_300_000}
# ISO dates as people type them, in ASCII digits only (fromisoformat takes more than this).
_WHEN = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2})?)?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})?"
)
CLOCK_USAGE = (
    "Usage: :clock +3d, :clock +2h, :clock +30m or :clock 2026-12-01T09:00 "
    f"(between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}; alone: the time now)"
)


def shown(text: str, limit: int = 30) -> str:
    """Typed text quoted back in a note: one line, clipped, no pings, no hidden characters."""
    return render.to_plain(render.echo(text, limit))


class MetaCommands:
    """Runs the `:verb argument` lines of one console."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._handlers: dict[str, Callable[[str], Awaitable[None]]] = {
            "as": self._as,
            "join": self._join,
            "leave": self._leave,
            "say": self._say,
            "mod": self._mod,
            "unmod": self._unmod,
            "click": self._click,
            "clock": self._clock,
            "run": self._run_job,
            "jobs": self._jobs,
            "home": self._home,
            "help": self._help,
        }

    async def run(self, line: str) -> bool:
        """Run one meta-command line; False means quit."""
        # Any whitespace separates the verb (a tab too), and the argument is taken as typed.
        parts = line[1:].split(maxsplit=1)
        verb = parts[0].lower() if parts else ""
        arg = parts[1].strip() if len(parts) > 1 else ""
        if verb in QUIT:
            if not arg:
                return False
            self._note(f"Usage: :{verb} (nothing after it).")
            return True
        handler = self._handlers.get(verb)
        if not verb:
            self._note("Usage: :VERB [ARGUMENT], such as :as alice. Try :help for the list.")
        elif handler is None:
            self._note(f"There is no :{shown(verb, 20)}. Try :help for the meta-commands.")
        else:
            await handler(arg)
        return True

    def _note(self, text: str) -> None:
        self.console.note(text)

    def _name(self, arg: str, usage: str) -> str | None:
        name = arg.removeprefix("@")
        if _NAME.fullmatch(name) and name.lower() not in _RESERVED:
            return name
        why = "a name of letters, digits, . _ or -, up to 32 characters"
        if name.lower() in _RESERVED:
            why = "everyone, here and channel ping everyone on the platforms, so they are not names"
        self._note(f"Usage: {usage} ({why}).")
        return None

    def _nothing_after(self, verb: str, arg: str) -> bool:
        if arg:
            self._note(f"Usage: :{verb} (nothing after it).")
        return not arg

    async def _as(self, arg: str) -> None:
        name = self._name(arg, ":as NAME")
        if name:
            row = await self.console.ensure_member(name)
            self.console.acting = name
            if row.left_at is None:
                self._note(f"You are now @{name}.")
            else:
                self._note(
                    f"You are now @{name}. @{name} left the community; you act as them anyway "
                    f"(others can't find them until :join {name})."
                )

    async def _join(self, arg: str) -> None:
        name = self._name(arg, ":join NAME")
        if name:
            self._note(f"@{name} joins the community.")
            await self.console.emit(name, "member_joined")

    async def _leave(self, arg: str) -> None:
        name = self._name(arg, ":leave NAME")
        if name:
            await self.console.emit(name, "member_left")
            self._note(f"@{name} left the community.")

    async def _say(self, arg: str) -> None:
        if not arg:
            self._note("Usage: :say TEXT")
            return
        await self.console.say()

    async def _mod(self, arg: str, *, role: str | None = "moderator") -> None:
        name = self._name(arg, ":mod NAME" if role else ":unmod NAME")
        if name:
            row = await self.console.ensure_member(name, role=role or "member")
            self._note(f"@{row.name} is now {'a moderator' if role else 'a plain member'}.")

    async def _unmod(self, arg: str) -> None:
        await self._mod(arg, role=None)

    async def _click(self, arg: str) -> None:
        buttons = self.console.buttons
        if not buttons:
            self._note("There is no button to press yet.")
            return
        try:
            number = whole_number(arg, name="N", low=1, high=len(buttons))
        except ValueRuleError:
            self._note(f"Usage: :click N, with N from 1 to {len(buttons)}.")
            return
        await self.console.press(buttons[number - 1])

    async def _clock(self, arg: str) -> None:
        clock = self.console.clock
        try:
            if not arg:
                target = None
            elif offset := _OFFSET.fullmatch(arg):
                target = _moved(clock.now(), _delta(*offset.groups()))
            elif _WHEN.fullmatch(arg):
                target = _when(arg)
            else:
                raise ValueError(arg)
        except ValueError:  # a malformed time, or one outside the clock's span
            self._note(CLOCK_USAGE)
            return
        if target is not None and target > clock.now():
            # As the real scheduler would have: what fell due on the way runs, in time order.
            await self.console.runtime.scheduler.advance(clock, target)
        elif target is not None:
            clock.set(target)  # back in time: nothing runs
        self._note(f"The time is now {clock.now():%Y-%m-%d %H:%M} UTC.")

    async def _jobs(self, arg: str) -> None:
        if not self._nothing_after("jobs", arg):
            return
        scheduler = self.console.runtime.scheduler
        now = self.console.clock.now()
        lines = [f"  {job.name}: {job.help} ({job.when})" for job in scheduler.jobs.values()]
        coming = await scheduler.local.upcoming(now) if scheduler.local else []
        for due in coming:
            zone = ZoneInfo(due.config.timezone)
            local = due.at.astimezone(zone)
            line = (
                f"  {due.spec.name}: {due.spec.help} (next {local:%a %Y-%m-%d %H:%M} "
                f"{due.config.timezone})"
            )
            async with self.console.runtime.db.session() as session:
                done = await jobruns.latest(
                    session, community_id=due.community.id or 0, job=due.spec.name
                )
            if done is not None:  # the job-run record says when its last period was done
                line += f", last done {done.started_at.astimezone(zone):%a %Y-%m-%d %H:%M}"
            lines.append(line)
        self._note("Jobs:\n" + "\n".join(lines))

    async def _home(self, arg: str) -> None:
        if self._nothing_after("home", arg):
            await self.console.emit(self.console.acting, "home_opened")

    async def _help(self, arg: str) -> None:
        if self._nothing_after("help", arg):
            self._note(HELP)

    async def _run_job(self, arg: str) -> None:
        scheduler = self.console.runtime.scheduler
        if arg not in scheduler.names:
            prefix = f"There is no job {shown(arg)}. " if arg else ""
            self._note(f"{prefix}Jobs: {', '.join(scheduler.names)} (:jobs says when each runs).")
            return
        result = await scheduler.run_now(arg)
        self._note(f"Ran {arg}: {result}.")


def _delta(sign: str, amount: str, unit: str) -> timedelta:
    """A signed span of days, hours or minutes, refused (ValueError) beyond the clock's span."""
    unit = unit.lower()
    number = whole_number(amount, name="amount", low=0, high=_MOST[unit])
    delta = timedelta(**{_UNITS[unit]: number})
    return delta if sign == "+" else -delta


def _moved(now: datetime, delta: timedelta) -> datetime:
    """The clock's time moved by `delta`, refused (ValueError) outside the clock's span."""
    if not EARLIEST - now <= delta <= LATEST - now:
        raise ClockRangeError("outside the clock's span")
    return now + delta


def _when(text: str) -> datetime:
    """An ISO time (UTC unless it says otherwise), refused (ValueError) outside the span."""
    when = datetime.fromisoformat(text)
    if not EARLIEST.year <= when.year <= LATEST.year:
        raise ClockRangeError(text)  # checked first: a time zone could push it past year 1
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
