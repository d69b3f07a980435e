"""The console through the outbox: drained after each line, edits and pictures shown as such."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.adapters.console import Console
from bot.clock import ManualClock
from bot.runtime import Runtime
from tests.bot.conftest import Herald


async def play(runtime: Runtime, clock: ManualClock, *lines: str) -> str:
    """Run lines in an in-process playground with the Herald cog; what it printed."""
    runtime.registry.add_cog(Herald())
    stdout = io.StringIO()
    console = Console(runtime, clock, stdin=io.StringIO("\n".join(lines) + "\n"), stdout=stdout)
    assert await console.run() == 0
    return stdout.getvalue()


async def test_posts_dms_and_their_edits_are_printed_in_order_after_each_line(
    runtime: Runtime, clock: ManualClock
) -> None:
    out = await play(
        runtime,
        clock,
        ":as bea",
        ":as owner",
        "/herald poll Tea or coffee?",
        "/amend poll Closed: tea won",
        "/whisper @bea Your turn to host",
        "/amend dm Never mind, I'll host",
    )
    blocks = [block for block in out.split("\n\n") if block.startswith("[")]
    assert blocks == [
        "[#news] Tea or coffee?",
        "[#general] queued poll",
        "[edited #news] Closed: tea won",
        "[#general] amended",
        "[DM @bea] Your turn to host\n  (1) Pause for a month  (2) Stop these messages",
        "[#general] whispered",
        "[edited DM @bea] Never mind, I'll host",
        "[#general] amended",
    ]


async def test_a_picture_is_written_under_copbot_files_and_named_in_the_block(
    runtime: Runtime, clock: ManualClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = await play(runtime, clock, "/chart")

    [line] = [line for line in out.splitlines() if line.startswith("[image: ")]
    path = Path(line.removeprefix("[image: ").split("]")[0])
    assert line.endswith("] Kudos per week, rising")
    assert path.parent == Path("copbot-files") and path.name.endswith("-chart.png")
    assert (tmp_path / path).read_bytes().startswith(b"\x89PNG")
    assert out.index("[#news] This week in numbers") < out.index("[image: ")
