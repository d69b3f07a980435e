"""Welcome back in the playground: a member drifts away, is nudged once, and comes back."""

from __future__ import annotations

from pathlib import Path

from tests.bot.adapters.console_play import play


def test_a_lapse_is_nudged_and_the_return_welcomed(tmp_path: Path) -> None:
    days = [line for _ in range(4) for line in (":say hi", ":clock +1d")]
    out = play(
        "\n".join(
            [
                ":as ana",
                *days,
                ":clock +30d",
                ":as owner",
                "/lapsed",
                ":as ana",
                ":say back",
                ":click 1",
            ]
        ),
        tmp_path / "play.db",
    )
    nudge = out.index("[DM @ana] We miss you, ana! playground has been quieter without you since")
    ways = "  (1) Pause for a month  (2) Stop these messages"
    assert out.index(ways, nudge) < out.index("[only @owner] Lapsed and drifting members (1)")
    assert "- ana: lapsed, last active " in out
    back = out.index("[DM @ana] Welcome back, ana! Since ")
    # Welcomed before the next line is read: right after the message that was the return.
    said = out.index("* @ana posted in #general.", nudge)
    assert said < back and "[" not in out[said + 1 : back].replace("[DM @ana]", "")
    assert out.count("We miss you") == 1 and out.count("Welcome back, ana!") == 1
    assert "Pick up where you left off: /members" in out[back:]
    assert out.index(ways, back) < out.index("[only @ana] Paused until ", back)
    assert "; /away off to come back sooner." in out[back:]


def test_away_and_dms_in_the_playground(tmp_path: Path) -> None:
    lines = ["/away", "/away 14", "/away off", "/away 0", "/away 10000"]
    lines += ["/dms off", "/dms on", "/dms maybe"]
    out = play("\n".join(lines), tmp_path / "play.db")
    assert out.count("[only @owner] Paused until ") == 2
    assert "[only @owner] Pause ended: copbot may send you nudges" in out
    refusal = "[only @owner] /away takes a number of days from 1 to 365, or off, not “{}”."
    assert refusal.format("0") in out and refusal.format("10000") in out
    assert "[only @owner] Done: copbot won't DM you unasked. /dms on to undo." in out
    assert "[only @owner] DMs on: copbot may send you nudges" in out
    assert "[only @owner] `setting` must be one of: off, on (not “maybe”)." in out
    assert "Traceback" not in out
