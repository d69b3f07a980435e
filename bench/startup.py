"""The resident size of `copbot run` serving a 100k-member community, and its start to ready."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.seed import member_name, seed
from bot.adapters.console import COMMUNITY, PLATFORM

RSS_GOAL_MB = 200.0
READY_GOAL_S = 2.0
READY_LINE = "Pong!"
TIMEOUT_S = 120.0
QUIT_S = 15.0  # :quit sometimes leaves the process waiting: killed after this, and counted
# Settings that would make `copbot run` serve a platform, or point it elsewhere.
_DROPPED = ("DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET")
_LIBRARIES = "import bot.adapters.discord, bot.adapters.slack"
_BARE = "import bot.adapters.console"


@dataclass(frozen=True)
class Run:
    """One start of `copbot run`: until ready, and its peak resident size."""

    ready_s: float
    peak_kb: int  # VmHWM just before quitting
    replies: int  # lines the bot printed for the reads after /ping
    hung: bool  # :quit did not end the process within QUIT_S (it was killed)


@dataclass(frozen=True)
class Report:
    """What the bench measured."""

    members: int
    runs: Sequence[Run]
    bare_kb: int  # a Python importing only the console front-end
    libraries_kb: int  # the same, with the Discord and Slack front-ends imported too


def command() -> list[str]:
    """How to start the real bot: the installed console script, else `python -m bot`."""
    script = Path(sys.executable).with_name("copbot")
    return [str(script), "run"] if script.exists() else [sys.executable, "-m", "bot", "run"]


def environment(url: str) -> dict[str, str]:
    """This process's environment with the database set and no platform token."""
    env = {k: v for k, v in os.environ.items() if k.upper() not in _DROPPED}
    env = {k: v for k, v in env.items() if not k.upper().startswith("COPBOT_")}
    env["COPBOT_DATABASE_URL"] = url
    env["COPBOT_LOG_LEVEL"] = "WARNING"
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    return env


def high_water_kb(pid: int) -> int:
    """The process's peak resident set size so far (VmHWM), in KB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/PID/status (the bench needs Linux)")


def _read_until(stream: object, marker: str, lines: list[str], found: threading.Event) -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.append(line)
        if marker in line:
            found.set()
            return
    found.set()


def start_once(url: str, cwd: Path, reads: Sequence[str]) -> Run:
    """Start `copbot run`, time it to the first Pong!, read the community, quit; note its peak."""
    began = time.perf_counter()
    child = subprocess.Popen(
        command(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(url),
        cwd=cwd,
    )
    assert child.stdin is not None and child.stdout is not None
    try:
        lines: list[str] = []
        ready = threading.Event()
        child.stdin.write("/ping\n")
        child.stdin.flush()
        reader = threading.Thread(
            target=_read_until, args=(child.stdout, READY_LINE, lines, ready), daemon=True
        )
        reader.start()
        if not ready.wait(TIMEOUT_S) or not any(READY_LINE in line for line in lines):
            raise RuntimeError(f"copbot run never said {READY_LINE}: {''.join(lines)[-500:]}")
        ready_s = time.perf_counter() - began
        reader.join()
        # A second /ping after the reads shows they were answered before the peak is taken.
        marker = READY_LINE
        child.stdin.write("".join(f"{line}\n" for line in reads) + "/ping\n")
        child.stdin.flush()
        after: list[str] = []
        done = threading.Event()
        reader = threading.Thread(
            target=_read_until, args=(child.stdout, marker, after, done), daemon=True
        )
        reader.start()
        if not done.wait(TIMEOUT_S) or not any(marker in line for line in after):
            raise RuntimeError(f"copbot run stopped answering: {''.join(after)[-500:]}")
        peak_kb = high_water_kb(child.pid)
        replies = sum(1 for line in after if line.startswith("["))
        try:
            _, errors = child.communicate(":quit\n", timeout=QUIT_S)
            hung = False
        except subprocess.TimeoutExpired:
            errors, hung = "", True
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    if not hung and child.returncode != 0:
        raise RuntimeError(f"copbot run exited {child.returncode}: {errors[-500:]}")
    return Run(ready_s, peak_kb, replies - 1, hung)


def import_peak_kb(code: str) -> int:
    """The peak resident size of a fresh Python that runs `code`, in KB."""
    # VmHWM, not ru_maxrss: that one keeps the high-water of the bench process forked before exec.
    peak = "import os\nfrom bench.startup import high_water_kb\nprint(high_water_kb(os.getpid()))"
    script = f"{code}\n{peak}"
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env=environment("sqlite+aiosqlite:///unused.db"),
    )
    return int(done.stdout.split()[-1])


async def seed_console(db: Path, members: int, seed_value: int) -> str:
    """Seed the console playground's own community with members and intros; its URL."""
    rng = random.Random(seed_value)
    seeded = await seed(db, members=members, rng=rng, platform=PLATFORM, community=COMMUNITY)
    return seeded.url


def run(*, members: int, runs: int, db: Path, seed_value: int) -> Report:
    """Seed once, then start `copbot run` on it `runs` times."""
    url = asyncio.run(seed_console(db, members, seed_value))
    someone = member_name(members // 2)
    reads = ["/members", f"/intro show @{someone}"]
    with tempfile.TemporaryDirectory(prefix="copbot-bench-cwd-") as cwd:
        # Its own folder: no copbot.toml of ours is read, and copbot-files lands there.
        results = [start_once(url, Path(cwd), reads) for _ in range(runs)]
    # RUSAGE_CHILDREN's maximum over every child so far: a cross-check of the samples.
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if children_kb < max(r.peak_kb for r in results):
        raise RuntimeError("RUSAGE_CHILDREN saw less than VmHWM: the samples are off")
    return Report(members, results, import_peak_kb(_BARE), import_peak_kb(_LIBRARIES))


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def render(report: Report) -> str:
    """The figures, with the goals marked PASS or MISS."""
    ready = [r.ready_s for r in report.runs]
    peak = [r.peak_kb / 1024 for r in report.runs]
    share = (report.libraries_kb - report.bare_kb) / 1024
    worst_ready, worst_peak = max(ready), max(peak)
    hung = sum(r.hung for r in report.runs)
    return "\n".join(
        [
            f"copbot startup bench: `copbot run` (console front-end: no platform tokens) serving "
            f"{report.members:,} members",
            f"with intros, seeded as the playground's community ({PLATFORM}/{COMMUNITY}); "
            f"{len(report.runs)} starts, each /ping, /members, /intro show, :quit",
            "",
            f"  start to ready (first Pong!), median   {statistics.median(ready):10.2f} s",
            f"  start to ready, worst                  {worst_ready:10.2f} s",
            f"  peak resident size (VmHWM), median     {statistics.median(peak):10.1f} MB",
            f"  peak resident size, worst              {worst_peak:10.1f} MB",
            f"  replies to the community reads         {min(r.replies for r in report.runs):10}",
            f"  starts whose :quit hung ({QUIT_S:g} s, killed) {hung:8}",
            "",
            "the front-ends' libraries (a fresh Python, imports only, nothing connected)",
            f"  import bot.adapters.console            {report.bare_kb / 1024:10.1f} MB",
            f"  + bot.adapters.discord, .slack         {report.libraries_kb / 1024:10.1f} MB",
            f"  their share, on top of the console     {share:10.1f} MB",
            "  (the Discord and Slack clients add this, and their caches, to the figures above)",
            "",
            "goals",
            f"  peak resident size < {RSS_GOAL_MB:g} MB (worst){'':8}{worst_peak:10.1f}  "
            f"{_verdict(worst_peak < RSS_GOAL_MB)}",
            f"  start to ready < {READY_GOAL_S:g} s (worst){'':15}{worst_ready:10.2f}  "
            f"{_verdict(worst_ready < READY_GOAL_S)}",
        ]
    )


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__)
    parser.add_argument("--members", type=int, default=100_000, help="members in the community")
    parser.add_argument("--runs", type=int, default=3, help="starts of `copbot run`")
    parser.add_argument("--db", type=Path, help="a new SQLite file (default: a temp file)")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    options = parser.parse_args(argv)
    if options.members < 10:
        parser.error("--members must be at least 10")
    if options.runs < 1:
        parser.error("--runs must be at least 1")
    return options


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bench and print the figures; 0 whether the goals pass or miss, 1 on an error."""
    options = parse(argv)
    with tempfile.TemporaryDirectory(prefix="copbot-bench-") as folder:
        db = (options.db or Path(folder) / "startup.db").resolve()
        try:
            report = run(members=options.members, runs=options.runs, db=db, seed_value=options.seed)
        except (RuntimeError, FileExistsError, subprocess.SubprocessError) as error:
            print(f"bench failed: {error}", file=sys.stderr)
            return 1
    print(render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
