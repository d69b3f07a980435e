"""`copbot digest`: a community's digest written as Markdown or HTML; an unknown name exits 2."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.runtime import build_runtime
from config.settings import Settings
from tests.bot.test_cli import copbot
from tests.cogs.digesting import HOSTILE
from tests.conftest import PLACE, Driver


@pytest.fixture
async def database(tmp_path: Path) -> Path:
    """A database file where, an hour ago, three members introduced themselves and thanked."""
    path = tmp_path / "copbot.db"
    settings = Settings(database_url=f"sqlite+aiosqlite:///{path}")
    clock = ManualClock(datetime.now(UTC) - timedelta(hours=1), frozen=True)
    runtime = await build_runtime(settings, clock=clock)
    try:
        driver = Driver(runtime)
        await driver.run("ana", '/intro about="a" goals="g" interests="oer, maths"')
        await driver.run(HOSTILE, '/intro about="x" goals="g" interests="oer"')
        await driver.run("bob", "/ping")
        assert (await driver.run("ana", f"/kudos @bob thanks {HOSTILE}")).ok
    finally:
        await runtime.close()
    return path


@pytest.mark.parametrize("form", ["md", "html"])
def test_the_digest_is_written_as_markdown_or_html(database: Path, form: str) -> None:
    out = database.parent / f"digest.{form}"
    result = copbot(
        *("digest", "--community", PLACE.community_name, "--period", "week"),
        *("--format", form, "--out", str(out), "--db", str(database)),
    )
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "Testers digest" in text and "Made with copbot" in text
    assert "ana" in text and "oer" in text
    if form == "html":
        assert text.startswith("<!DOCTYPE html>")
        assert "<script>" not in text and "&lt;script&gt;" in text
    else:
        assert text.startswith("# Testers digest")
        assert "<script>" not in text


def test_an_unknown_community_is_named_with_the_known_ones(database: Path) -> None:
    out = database.parent / "digest.md"
    result = copbot("digest", "--community", "Nobody", "--out", str(out), "--db", str(database))
    assert result.returncode == 2
    assert "no community named 'Nobody'" in result.stderr and "Known: Testers." in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


def test_a_bad_period_or_format_exits_2(database: Path) -> None:
    out = str(database.parent / "x")
    for args in (("--period", "year"), ("--format", "pdf")):
        result = copbot("digest", "--community", "Testers", "--out", out, *args)
        assert result.returncode == 2
        assert "week or month" in result.stderr or "md or html" in result.stderr
