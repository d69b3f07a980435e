"""Reliability figures (issue 12): hostile input, forged Slack requests, a /kudos burst on SQLite
and Postgres, 429s and 5xx while a job sends, and reads across communities, in one run.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from bench import (
    reliability_hostile,
    reliability_kudos,
    reliability_outbox,
    reliability_outbox_slack,
    reliability_scope,
    reliability_slack,
)

HOSTILE_GOAL = 10_000  # hostile command lines tried, at least
T = TypeVar("T")


@dataclass(frozen=True)
class Figure:
    """One measured figure, its goal and whether it met it."""

    name: str
    value: str
    goal: str
    passed: bool

    def line(self) -> str:
        """The figure as a row of the table."""
        verdict = "PASS" if self.passed else "MISS"
        return f"  {self.name:52} {self.value:>14}  {self.goal:14} {verdict}"


def zero(name: str, count: int) -> Figure:
    """A count whose goal is none at all."""
    return Figure(name, f"{count:,}", "0", count == 0)


def hostile_figures(found: reliability_hostile.Hostility) -> list[Figure]:
    """Hostile lines tried, tracebacks and live mass mentions, per front-end rendering."""
    tried = found.dispatched + found.lines
    return [
        Figure(
            "hostile lines tried (dispatcher + playground)",
            f"{tried:,}",
            "≥ 10,000",
            found.dispatched >= HOSTILE_GOAL,
        ),
        zero("tracebacks, dispatcher", found.tracebacks),
        zero(f"tracebacks, playground session ({found.lines:,} lines)", found.console_tracebacks),
        zero(f"live mass mentions, Discord ({found.replies:,} replies)", found.live["discord"]),
        zero("live mass mentions, Slack (same replies)", found.live["slack"]),
        zero("live mass mentions or raw syntax, playground", found.console_live),
    ]


def slack_figures(found: reliability_slack.Signatures) -> list[Figure]:
    """Forged, stale and unsigned requests refused; signed ones accepted."""
    return [
        Figure(
            "Slack requests badly signed, refused with 401",
            f"{found.refused:,}/{found.sent:,}",
            "all",
            found.sent > 0 and found.refused == found.sent,
        ),
        zero("  ... of them handled (acked, API calls, answers)", found.handled),
        Figure(
            "Slack requests signed right, answered",
            f"{found.good_answered}/{found.good_sent}",
            "all",
            found.good_sent > 0 and found.good_answered == found.good_sent,
        ),
    ]


def kudos_figures(bursts: list[reliability_kudos.Burst]) -> list[Figure]:
    """Exact counts after the burst on each database, refusals and time."""
    figures = []
    for burst in bursts:
        figures += [
            Figure(
                f"/kudos from {burst.sent:,} members at once, {burst.database}: exact",
                "yes" if burst.exact else "no",
                "yes",
                burst.exact,
            ),
            zero(f"  ... refused ({burst.seconds:.1f} s for the burst)", len(burst.refused)),
        ]
    return figures


def outbox_figures(platform: str, found: reliability_outbox.Delivery) -> list[Figure]:
    """Failures injected while the job sent, and what arrived."""
    return [
        Figure(
            f"429s and 5xx injected while a job sent ({platform})",
            f"{found.injected:,}",
            "> 0",
            found.injected > 0,
        ),
        Figure(
            "  ... messages delivered (the poll edited too)",
            f"{found.delivered:,}/{found.expected:,}",
            "all",
            found.delivered == found.expected and found.edited,
        ),
        zero("  ... lost", found.lost + found.failed),
        zero("  ... duplicated", found.duplicated),
    ]


def scope_figures(found: reliability_scope.Scope) -> list[Figure]:
    """Reads across communities, with proof the check sees a community's own data."""
    reads = f"{found.reads:,} reads"
    return [
        zero(f"reads across communities ({reads}, {found.answers:,} answers)", len(found.cross)),
        Figure(
            "  ... answers showing their own community's data",
            f"{found.own_seen:,}",
            "> 0",
            found.own_seen > 0 and not found.write_refusals,
        ),
    ]


async def kudos_bursts(
    givers: int, seed: int, folder: Path, postgres: bool, postgres_url: str | None
) -> list[reliability_kudos.Burst]:
    """The burst on SQLite, then on Postgres: a server started for it and stopped after."""
    sqlite = f"sqlite+aiosqlite:///{folder / 'kudos.db'}"
    bursts = [await reliability_kudos.run(sqlite, "SQLite", givers, seed)]
    if postgres_url:
        bursts.append(await reliability_kudos.run(postgres_url, "Postgres", givers, seed))
    elif postgres:
        from tests.postgres import PostgresServer

        server = PostgresServer()
        try:
            await asyncio.to_thread(server.admin_url)  # starts it (and its template database)
            url = await server.create()
            bursts.append(await reliability_kudos.run(url, "Postgres", givers, seed))
        finally:
            await asyncio.to_thread(server.stop)
    return bursts


async def measure(options: argparse.Namespace, folder: Path) -> tuple[list[Figure], list[str]]:
    """Run every part; the figures, and notes on what any check found."""
    timings: list[str] = []
    notes: list[str] = []

    async def timed(name: str, work: Awaitable[T]) -> T:
        began = time.perf_counter()
        result = await work
        timings.append(f"{name} {time.perf_counter() - began:.1f} s")
        return result

    hostile = await timed(
        "hostile",
        reliability_hostile.run(options.commands, options.console_lines, options.seed, folder),
    )
    notes += hostile.examples
    slack = await timed("slack", reliability_slack.run(options.rounds, options.good, folder))
    notes += [f"not refused every time: {name}" for name in reliability_slack.hits(slack)]
    bursts = await timed(
        "kudos",
        kudos_bursts(options.givers, options.seed, folder, options.postgres, options.postgres_url),
    )
    notes += [f"{b.database}: {problem}" for b in bursts for problem in b.refused[:3]]
    notes += [f"{b.database}: {problem}" for b in bursts for problem in b.mismatches[:3]]
    # Together: the senders spend most of their time asleep in the clients' own retries. Only
    # the scope part migrates its database with Alembic, which is not safe in two at once.
    outbox, slack_outbox, scope = await asyncio.gather(
        timed(
            "outbox (Discord)",
            reliability_outbox.run(
                options.members, options.failures, options.waves, options.seed, folder
            ),
        ),
        timed(
            "outbox (Slack)",
            reliability_outbox_slack.run(options.members, options.waves, options.seed, folder),
        ),
        timed("reads across communities", reliability_scope.run(folder)),
    )
    notes += scope.cross[:5] + scope.write_refusals[:5]
    figures = [
        *hostile_figures(hostile),
        *slack_figures(slack),
        *kudos_figures(bursts),
        *outbox_figures("Discord", outbox),
        *outbox_figures("Slack", slack_outbox),
        *scope_figures(scope),
    ]
    return figures, [*notes, "time: " + ", ".join(timings)]


def render(figures: list[Figure], notes: list[str], seconds: float) -> str:
    """The table of figures, goals and verdicts, then what the checks noticed."""
    lines = [
        f"copbot reliability bench ({seconds:.0f} s)",
        "",
        f"  {'figure':52} {'measured':>14}  {'goal':14} verdict",
        *(figure.line() for figure in figures),
    ]
    if notes:
        lines += ["", *(f"  note: {note}" for note in notes)]
    return "\n".join(lines)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.reliability", description=__doc__)
    add = parser.add_argument
    add("--commands", type=int, default=10_000, help="hostile command lines via the dispatcher")
    add("--console-lines", type=int, default=1_000, help="hostile lines in a playground session")
    add("--rounds", type=int, default=20, help="rounds of each badly signed Slack request kind")
    add("--good", type=int, default=20, help="correctly signed Slack requests")
    add("--givers", type=int, default=1_000, help="members sending /kudos at once")
    add("--no-postgres", dest="postgres", action="store_false", help="the burst on SQLite only")
    add("--postgres-url", help="a fresh, migrated Postgres database (default: start a server)")
    add("--members", type=int, default=300, help="members the job DMs on Discord and Slack")
    add("--failures", type=int, default=30, help="failure rules injected before the job sends")
    add("--waves", type=int, default=3, help="sender passes that meet more failures")
    add("--seed", type=int, default=1, help="random seed")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bench and print the table; 0 whether the goals pass or miss."""
    options = parse(argv)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="copbot-bench-") as folder:
        figures, notes = asyncio.run(measure(options, Path(folder)))
    print(render(figures, notes, time.perf_counter() - began))
    return 0


if __name__ == "__main__":
    sys.exit(main())
