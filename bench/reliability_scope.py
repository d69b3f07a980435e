"""Reads across communities: every read command in one community, looking for the other's data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import ManualClock
from bot.commands import Level
from bot.dispatch import Actor, Place
from bot.reply import FormRequest, Outgoing
from bot.runtime import Runtime, build_runtime
from config.settings import Settings

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
# Each community's marker, in every text its members write, and its members' names.
MARKERS = {"alpha": "narwhal", "beta": "quokka"}
PEOPLE = {"alpha": ("nwann", "nwben", "nwcy"), "beta": ("qkann", "qkben", "qkcy")}  # owner first
# What a line names (an @member, a "quoted" value) may come back in its answer: an echo.
ARGUMENT = re.compile(r'"([^"]*)"|@(\S+)')
# The read commands of every cog, with what they ask about; {other} is a member of the other
# community, {mine} one of this one, {n} each number up to the rows written in both.
READS = (
    "/intro show @{mine}",
    "/intro show @{other}",
    "/intro history @{other}",
    "/members",
    "/members chemistry",
    "/members {marker}",
    "/expectations",
    "/roles",
    "/kudos history @{mine}",
    "/kudos history @{other}",
    "/kudos top month",
    "/kudos top all given",
    "/advocates",
    "/badges list",
    "/badges @{mine}",
    "/badges @{other}",
    "/badges export",
    "/polls",
    "/polls results {n}",
    "/poll list",
    "/poll results {n}",
    "/needs",
    "/needs chemistry",
    "/needs mine",
    "/offers",
    "/offers mine",
    "/outcome show {n}",
    "/outcomes",
    "/outcomes guide",
    "/outcomes member=@{other}",
    "/group list",
    '/group show "{marker} lab"',
    '/group show "{other_marker} lab"',
    "/match status",
    "/match stats",
    "/digest",
    "/digest month",
    "/lapsed",
    "/impact",
    "/impact month",
    "/my-data",
    "/config show",
    "/help",
)


def writes(marker: str, people: list[str]) -> Iterator[tuple[str, str]]:
    """(who, line): a community's intros, kudos, needs, offers, outcome, group, poll, rounds."""
    owner, ben, cy = people
    for who in people:
        yield (
            who,
            (
                f'/intro about="{marker} teacher" goals="{marker} goals" '
                f'interests="chemistry, {marker}" can_help="{marker} help"'
            ),
        )
        yield who, f'/need add what="a {marker} need of {who}" tags="chemistry, {marker}"'
        yield who, f'/offer add what="a {marker} offer of {who}" tags="chemistry"'
        yield who, "/match join"
    yield owner, f"/kudos @{ben} @{cy} for the {marker} notes"
    yield ben, f"/kudos @{owner} for the {marker} workshop"
    yield owner, f"/need done 1 @{cy}"
    yield (
        owner,
        (
            f'/outcome add title="The {marker} guide" type=guide link=https://{marker}.example/g '
            f'description="{marker} made it" contributors="@{ben} author"'
        ),
    )
    yield (
        owner,
        (
            f'/group propose name="{marker} lab" purpose="{marker} purpose" produces=guide '
            'capacity=4 ends=2027-03-01 roles="writer"'
        ),
    )
    yield ben, f'/group join "{marker} lab" writer'
    yield owner, f'/poll ask "{marker} question?" options="{marker} yes; {marker} no"'


class Reading:
    """A transport that keeps every text the bot sends: replies, files and button labels."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    async def deliver(self, place: Place, item: Outgoing) -> bool | str:
        """Keep the message's text."""
        if isinstance(item, FormRequest):
            self.texts.append(" ".join(f.value for f in item.form.fields))
            return True
        reply = item.reply
        parts = [reply.text, *(b.label for b in reply.buttons)]
        parts += [f.data.decode("utf-8", "replace") for f in reply.files]
        self.texts.append("\n".join(parts))
        return f"C/{len(self.texts)}"


@dataclass
class Scope:
    """How many reads ran and how many answers held the other community's data."""

    written: int = 0
    write_refusals: list[str] = field(default_factory=list)
    reads: int = 0
    answers: int = 0
    cross: list[str] = field(default_factory=list)
    own_seen: int = 0  # answers that showed this community's own data (the check can see)


def place(community: str) -> Place:
    """Where a community's commands run."""
    return Place("bench", community, f"{community.title()} community", "general")


def actor(name: str, owner: bool) -> Actor:
    """A member of a community, the first of each its owner."""
    return Actor(name, name, Level.OWNER if owner else Level.MEMBER)


async def run(folder: Path) -> Scope:
    """Write the same kinds of data in two communities, then read everything in each."""
    clock = ManualClock(NOW, frozen=True)
    url = f"sqlite+aiosqlite:///{folder / 'scope.db'}"
    runtime = await build_runtime(Settings(database_url=url), clock=clock)
    runtime.dispatcher.sender.pacing = None
    found = Scope()
    try:
        for community, marker in MARKERS.items():
            await write(runtime, community, marker, found)
            clock.advance(timedelta(minutes=2))  # past every cooldown
        for community, marker in MARKERS.items():
            other = next(m for c, m in MARKERS.items() if c != community)
            await read(runtime, community, marker, other, found)
    finally:
        await runtime.close()
    return found


async def write(runtime: Runtime, community: str, marker: str, found: Scope) -> None:
    """A community's data, written through the dispatcher as its members would."""
    people = list(PEOPLE[community])
    out = Reading()
    runtime.dispatcher.transports["bench"] = lambda place: out
    for who, line in writes(marker, people):
        outcome = await runtime.dispatcher.run_line(
            place(community), actor(who, who == people[0]), line, out
        )
        found.written += 1
        if not outcome.ok:
            found.write_refusals.append(f"{community} {line[:40]}: {outcome.error}")
    await runtime.dispatcher.sender.drain_all()


async def read(runtime: Runtime, community: str, marker: str, other: str, found: Scope) -> None:
    """Every read command as each member; an answer holding the other's data is a cross read."""
    mine = PEOPLE[community]
    theirs = next(people for c, people in PEOPLE.items() if c != community)
    values = {"mine": mine[1], "other": theirs[1], "marker": marker, "other_marker": other}
    for who in mine[:2]:  # the owner, who may run every command, and a member
        for template in READS:
            for n in range(1, 9) if "{n}" in template else (0,):
                line = template.format(n=n, **values)
                out = Reading()
                runtime.dispatcher.transports["bench"] = lambda place, out=out: out
                await runtime.dispatcher.run_line(
                    place(community), actor(who, who == mine[0]), line, out
                )
                await runtime.dispatcher.sender.drain_all()
                found.reads += 1
                for text in out.texts:
                    found.answers += 1
                    found.own_seen += marker in text.lower()
                    if crosses(text, line, (other, *theirs)):
                        found.cross.append(f"{community} {line!r}: {text[:160]!r}")


def crosses(text: str, line: str, foreign: tuple[str, ...]) -> bool:
    """Whether the answer holds any of the other community's words, beyond echoing the line."""
    seen = text.lower()
    for match in ARGUMENT.finditer(line.lower()):
        seen = seen.replace(match.group(1) or match.group(2), "")
    return any(word in seen for word in foreign)
