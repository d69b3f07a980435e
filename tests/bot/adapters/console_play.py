"""Running `copbot console` as a subprocess on a script, as a person piping input would."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Played:
    """What a playground run printed, and how it ended."""

    stdout: str
    stderr: str
    returncode: int


def run(
    script: str | bytes, db: Path, *extra: str, timeout: float = 60, cwd: Path | None = None
) -> Played:
    """Run the playground on a script (text, or raw bytes) in `cwd`; what it printed."""
    # Pictures go under the working directory's copbot-files/; PYTHONPATH keeps this
    # checkout's code running wherever that is.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COPBOT_", "DISCORD", "SLACK"))}
    data = script.encode() if isinstance(script, str) else script
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--db", str(db), *extra],
        input=data,
        capture_output=True,
        cwd=cwd or REPO,
        env={**env, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(REPO)},
        timeout=timeout,
        check=False,
    )
    return Played(_text(result.stdout), _text(result.stderr), result.returncode)


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def play(script: str, db: Path, *extra: str, cwd: Path | None = None) -> str:
    """Run the playground on a script and return what it printed; it must exit 0, cleanly."""
    result = run(script, db, *extra, cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout
