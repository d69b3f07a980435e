"""Forms in the console: a command gives way to nothing, and an empty required field is asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapters.console_forms import CANCELLED, TRIES, UNFINISHED
from tests.bot.adapters.console_play import play


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "play.db"


def test_a_command_line_cancels_the_form_and_then_runs(db: Path) -> None:
    out = play(
        "\n".join(
            [
                "/intro",
                "I teach chemistry",
                ":clock +2m",
                "/intro",
                '/intro about="Designer" goals="learn research" interests="ux, research"',
            ]
        ),
        db,
    )
    assert out.count(f"* {CANCELLED}") == 2
    assert "The time is now" in out  # the meta-command ran, not kept as a goal
    assert out.count("[#introductions]") == 1
    assert "[#introductions] 👋 @owner introduced themselves" in out
    assert "Designer" in out and "I teach chemistry" not in out


def test_an_empty_required_field_is_asked_again(db: Path) -> None:
    out = play("\n".join(["/intro", "", "", "Designer", "", "learn", "ux", "", "/intro show"]), db)
    assert out.count("About you is required: type a value") == 2
    assert "What you hope to get" in out
    assert out.count("is required: type a value") == 3
    assert "[#introductions] 👋 @owner introduced themselves" in out
    assert CANCELLED not in out and UNFINISHED not in out


def test_a_form_gives_up_after_a_few_empty_answers_or_at_the_end(db: Path) -> None:
    out = play("\n".join(["/intro", *[""] * TRIES, "/ping", "/intro", "Designer"]), db)
    assert out.count("About you is required") == TRIES
    assert out.count(f"* {UNFINISHED}") == 2  # gave up, then the input ended mid-form
    assert "Pong!" in out
    assert "introduced themselves" not in out
