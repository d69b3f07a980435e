"""Files a reply carries: kept through the outbox beside a picture, and shown by the console."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated

import pytest

from bot.adapters.console import Console
from bot.clock import ManualClock
from bot.commands import command
from bot.context import Context
from bot.outbox import blob, dump, load
from bot.reply import Attachment, Image, Reply
from bot.runtime import Runtime
from storage.models import OutboxRow
from tests.conftest import START
from tests.fakes.discord.uploads import tiny_png

ROW = dict(community_id=1, handle="h1", kind="dm", not_before=START, created_at=START)
NOTES = Attachment(b"# Notes\n", "notes.md", "My notes", "text/markdown")
PAGE = Attachment(b"<html></html>", "notes.html", "", "text/html")


def test_files_are_kept_after_the_picture_in_the_one_bytes_column() -> None:
    chart = Image(tiny_png(), "a chart", "chart.png")
    for reply in (
        Reply("both", image=chart, files=(NOTES, PAGE)),
        Reply("files only", files=(NOTES, PAGE)),
        Reply("picture only", image=chart),
        Reply("nothing"),
    ):
        row = OutboxRow(body=dump(reply), image=blob(reply), **ROW)
        assert load(row) == reply
    # A picture alone is stored as it always was: its PNG, and no files in the body.
    alone = Reply("picture only", image=chart)
    assert blob(alone) == chart.png and "files" not in dump(alone)


class Filer:
    """A test cog that DMs its invoker a file."""

    @command("notes")
    async def notes(self, ctx: Context, *, text: Annotated[str, "What"]) -> None:
        """DM yourself your notes as a file."""
        ctx.dm(ctx.author, text, files=(Attachment(text.encode(), "../notes.md", "Notes"),))


async def test_the_console_writes_files_under_copbot_files_and_names_them(
    runtime: Runtime, clock: ManualClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runtime.registry.add_cog(Filer())
    stdout = io.StringIO()
    console = Console(runtime, clock, stdin=io.StringIO("/notes tea at four\n"), stdout=stdout)
    assert await console.run() == 0
    out = stdout.getvalue()
    [line] = [line for line in out.splitlines() if line.startswith("[file: ")]
    path = Path(line.removeprefix("[file: ").removesuffix("]"))
    assert path.parent == Path("copbot-files") and path.name.endswith("-notes.md")
    assert (tmp_path / path).read_text() == "tea at four"
