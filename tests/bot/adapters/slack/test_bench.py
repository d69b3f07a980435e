"""The Slack ack bench still runs end to end at a tiny size (figures printed, never asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import slack_ack


def test_slack_ack_bench_runs_both_transports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--members", "50", "--commands", "20", "--batch", "10", "--db", str(tmp_path / "s.db")]
    assert slack_ack.main(argv) == 0
    out = capsys.readouterr().out
    assert "socket" in out and "http" in out
    assert out.count("PASS") + out.count("MISS") == 2
