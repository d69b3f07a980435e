"""Meta-commands read their arguments strictly and answer anything else with a usage line."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from bot.adapters.console import BUG_NOTE, Console
from bot.adapters.console_meta import CLOCK_USAGE, HELP_ROWS
from bot.clock import ManualClock
from bot.runtime import Runtime
from bot.scheduler import Job
from tests.bot.adapters.console_play import REPO, play


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "play.db"


def test_click_takes_only_ascii_digits_in_range(db: Path) -> None:
    odd = ["²", "³", "9" * 5000, "١", "0x1", "1e0", "-0", "0", "2", "1.0", "one", "", "1 1"]
    out = play("\n".join([":join alice", *(f":click {n}" for n in odd), "/ping"]), db)
    assert out.count("* Usage: :click N, with N from 1 to 1.") == len(odd)
    assert "Pong!" in out and BUG_NOTE not in out


def test_the_clock_stays_within_its_years(db: Path) -> None:
    out = play(
        "\n".join(
            [
                ":clock +99999999d",
                ":clock -999999d",
                ":clock +" + "9" * 5000 + "m",
                ":clock 9999-12-31T23:59",
                ":clock 0001-01-01T00:00+05:00",
                ":clock ２０２６-01-01",
                ":clock 2026-13-01",
                ":clock +²d",
                ":clock 9000-12-31T22:00",
                ":clock +1d",
                ":clock +1h",
                ":clock -1h",
                ":clock 2000-01-01T05:00+05:00",
                ":clock -1m",
                ":clock",
                "/ping",
            ]
        ),
        db,
    )
    assert out.count(CLOCK_USAGE) == 10
    assert "The time is now 9000-12-31 22:00 UTC." in out
    assert "The time is now 9000-12-31 23:00 UTC." in out  # within the last day is fine
    assert "The time is now 2000-01-01 00:00 UTC." in out  # a time zone is converted
    assert "Pong! copbot" in out and BUG_NOTE not in out


def test_every_meta_command_answers_junk_with_its_usage(db: Path) -> None:
    out = play(
        "\n".join(
            [
                ":as",
                ":as alice bob",
                ":as everyone",
                ":join @Here",
                ":leave",
                ":mod a/b",
                ":unmod @",
                ":say",
                ":home now",
                ":help me",
                ":run flush_activity twice",
                ":quit later",
                ":",
                ":frobnicate @everyone",
                ":as\talice",
                "/ping",
            ]
        ),
        db,
    )
    for usage in (":as NAME", ":join NAME", ":leave NAME", ":mod NAME", ":unmod NAME"):
        assert f"* Usage: {usage} (" in out
    assert out.count("* Usage: :as NAME (") == 3
    assert "ping everyone on the platforms, so they are not names" in out
    assert "* Usage: :say TEXT" in out
    for verb in ("home", "help", "quit"):
        assert f"* Usage: :{verb} (nothing after it)." in out
    assert "There is no job flush_activity twice." in out
    assert "* Usage: :VERB [ARGUMENT]" in out
    assert "There is no :frobnicate." in out
    assert "* You are now @alice." in out  # a tab separates too
    assert "[only @alice] Pong!" in out  # :quit later did not quit
    assert re.search(r"@(everyone|here|channel)", out, re.IGNORECASE) is None
    assert BUG_NOTE not in out


def test_help_describes_every_meta_command_as_the_readme_does(db: Path) -> None:
    readme = (REPO / "README.md").read_text()
    table = readme[readme.index("| meta-command | what it does |") :].split("\n\n")[0]
    rows = [line.strip("|").split(" | ") for line in table.splitlines()[2:]]
    assert [(a.strip().replace("\\|", "|"), b.strip()) for a, b in rows] == list(HELP_ROWS)
    out = play(":help\n", db)
    for shown, what in HELP_ROWS:
        assert f"  {shown} — {what}".replace("`", "") in out
    assert ":help, :quit — list these" in out
    assert "your own page (intro, role, kudos, badges): what Slack shows in its Home tab" in out


def test_acting_as_a_member_who_left_says_so(db: Path) -> None:
    out = play(
        "\n".join(
            [
                ":join alice",
                ":leave alice",
                ":as alice",
                ":as owner",
                "/intro show @alice",
                ":join alice",
                ":as alice",
            ]
        ),
        db,
    )
    assert (
        "* You are now @alice. @alice left the community; you act as them anyway "
        "(others can't find them until :join alice)." in out
    )
    assert "I can't find @alice in this community" in out
    assert out.rstrip().endswith("* You are now @alice.")


async def test_a_line_that_fails_is_noted_and_the_session_goes_on(
    runtime: Runtime, clock: ManualClock
) -> None:
    async def broken() -> object:
        raise RuntimeError("a job with a bug")

    runtime.scheduler.add(Job("broken", broken, "Fails every time", every=3600))
    stdout = io.StringIO()
    console = Console(runtime, clock, stdin=io.StringIO(":run broken\n:say hi\n"), stdout=stdout)
    assert await console.run() == 0
    assert f"* {BUG_NOTE}" in stdout.getvalue()
    assert "* @owner posted in #general." in stdout.getvalue()
