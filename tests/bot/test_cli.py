"""The copbot command: help everywhere, and misconfiguration as one paragraph and exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def copbot(
    *args: str, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ARGS` with a clean environment plus `env`."""
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("COPBOT_", "DISCORD", "SLACK"))
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**base, **(env or {})},
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "args", [["--help"], ["run", "--help"], ["console", "--help"], ["db", "upgrade", "--help"]]
)
def test_every_command_has_help(args: list[str]) -> None:
    result = copbot(*args)
    assert result.returncode == 0 and "Usage:" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DISCORD_TOKEN": "nope"}, "does not look like a Discord bot token"),
        ({"COPBOT_NOT_A_SETTING": "1"}, "Unknown setting COPBOT_NOT_A_SETTING"),
        (
            {"COPBOT_DATABASE_URL": "sqlite+aiosqlite:////no/such/folder/x.db"},
            "can't open its database",
        ),
    ],
)
def test_misconfiguration_exits_2_without_a_traceback(env: dict[str, str], message: str) -> None:
    result = copbot("run", env=env)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_run_without_tokens_is_the_console(tmp_path: Path) -> None:
    result = copbot("run", "--db", str(tmp_path / "x.db"), stdin="/ping\n")
    assert result.returncode == 0 and "[only @owner] Pong!" in result.stdout


def test_db_upgrade(tmp_path: Path) -> None:
    result = copbot("db", "upgrade", "--db", str(tmp_path / "x.db"))
    assert result.returncode == 0 and "up to date" in result.stdout
    assert (tmp_path / "x.db").exists()
