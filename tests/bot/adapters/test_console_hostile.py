"""Thousands of hostile lines through the playground: it must survive and never ping or crash.

Figures (seed 2: 3,006 lines, 4 of them undecodable bytes; about 4 s): the session survives to
the last line, with no crash, no internal-error reference, no live @everyone/@here/@channel and
no raw platform mention syntax. What earlier runs found is fixed and kept fixed by these checks:
a member list given as key=value then positionally crashed the parser, and the console showed
`<!here>`, `<#C1>` and `<@&1>` raw after un-escaping member and setting text.
"""

from __future__ import annotations

import re

import pytest

from bot.adapters.console import BUG_NOTE
from bot.adapters.console_meta import HELP
from tests.bot.adapters.console_play import Played, run
from tests.hostile import UNDECODABLE, Hostile

SEED = 2
COUNT = 3000
MASS_MENTION = re.compile(r"@(everyone|here|channel)", re.IGNORECASE)
RAW_SYNTAX = re.compile(r"<@&|<#|<!")
# The dispatcher's reply to an unexpected error, and the console's note for one it caught.
INTERNAL = r"something went wrong on my side \(reference `"
CRASH = re.compile(rf"Traceback|{INTERNAL}|{re.escape(BUG_NOTE)}")
LAST = ":help"  # the script ends on it, so its answer shows every line before was read


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Played:
    lines = Hostile(SEED).lines(COUNT)
    script = b"\n".join([line.encode() for line in lines] + list(UNDECODABLE) + [LAST.encode()])
    result = run(script + b"\n", tmp_path_factory.mktemp("hostile") / "play.db", timeout=120)
    print(f"hostile input: {len(lines) + len(UNDECODABLE) + 1} lines run")
    return result


def findings(pattern: re.Pattern[str], text: str) -> list[str]:
    """Each printed block that matches, for the failure message."""
    blocks = [block for block in text.split("\n\n") if pattern.search(block)]
    print(f"{pattern.pattern}: {len(blocks)} blocks")
    return blocks


def test_hostile_input_never_ends_the_playground(played: Played) -> None:
    assert played.returncode == 0, played.stderr[-2000:]
    assert played.stdout.rstrip().endswith(HELP)


def test_hostile_input_never_prints_a_live_mass_mention(played: Played) -> None:
    found = findings(MASS_MENTION, played.stdout)
    assert not found, found[:5]


def test_hostile_input_never_crashes(played: Played) -> None:
    found = findings(CRASH, played.stdout + "\n\n" + played.stderr)
    assert not found, found[:5]


def test_hostile_input_never_prints_raw_platform_syntax(played: Played) -> None:
    found = findings(RAW_SYNTAX, played.stdout)
    assert not found, found[:5]
