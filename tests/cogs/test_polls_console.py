"""The weekly poll in the playground, end to end: posted, answered, closed, responded to."""

from __future__ import annotations

import re
from pathlib import Path

from tests.bot.adapters.console_play import play


def test_the_weekly_poll_in_the_playground(tmp_path: Path) -> None:
    # A Monday long after today (the playground is created at the real time of its first start,
    # and no job owes anything from before then), reached with the poll off, or the jump would
    # replay the weeks before it.
    out = play(
        "\n".join(
            [
                "/config set weekly_poll no",
                ":clock 2037-12-07T14:59",
                "/config set weekly_poll yes",
                ":clock +2m",
                ":as ana",
                ":click 4",
                ":click 6",
                "more demos, please",
                ":click 2",
                ":as bob",
                ":click 5",
                ":as owner",
                "/poll results 1",
                ":clock +3d",
                "/poll respond 1 We now hold a demo every Friday",
                "/polls",
                ":clock 2037-12-14T15:01",
            ]
        ),
        tmp_path / "play.db",
        cwd=tmp_path,
    )
    blocks = out.split("\n\n")
    posted = next(b for b in blocks if b.startswith("[#general] 📋 Poll #1 · Weekly check-in"))
    assert "(4) 4 · Very" in posted and "(6) ✍️ Answer" in posted
    assert "Open until Thu 2037-12-10 15:00 (UTC): 0 answered so far." in posted
    thanks = "Thanks, your answer is counted anonymously. Anonymous answers can't be changed."
    assert out.count(f"[only @ana] {thanks}") == 2  # the rating and the written answer
    assert "[only @ana] You've already answered this poll." in out
    assert f"[only @bob] {thanks}" in out
    assert "[only @owner] Poll #1 is still open (until Thu 2037-12-10 15:00 (UTC))" in out
    edited = [b for b in blocks if b.startswith("[edited #general] 📋 Poll #1")]
    assert "2 answered so far" in edited[0]
    assert "(closed)" in edited[-1] and "(1)" not in edited[-1]  # no buttons left
    results = next(b for b in blocks if b.startswith("[#general] 📊 Results of Poll #1"))
    assert "- 4 · Very: ▇▇▇▇▇▇▇▇▇▇ 1 (50%)" in results
    assert "Average: 4.5 of 5" in results
    assert "- more demos, please" in results
    picture = re.search(r"\[image: (copbot-files/\S+\.png)\] Average rating of poll #1", results)
    assert picture and (tmp_path / picture.group(1)).read_bytes().startswith(b"\x89PNG")
    assert "[#general] 💬 You said, we did · Poll #1 · Weekly check-in" in out
    assert "- Poll #1 · Weekly check-in: closed Thu 2037-12-10 15:00 (UTC), 2 answered" in out
    following = next(b for b in blocks if b.startswith("[#general] 📋 Poll #2 · Weekly check-in"))
    assert following.splitlines()[1:3] == [
        "💬 Last time you told us what you need; here is what we did:",
        "- Poll #1: We now hold a demo every Friday",
    ]
