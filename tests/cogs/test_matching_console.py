"""A matching round in the playground, end to end: joined, paired when `:clock` passes, answered."""

from __future__ import annotations

from pathlib import Path

from tests.bot.adapters.console_play import play


def test_a_round_in_the_playground(tmp_path: Path) -> None:
    out = play(
        "\n".join(
            [
                ":clock 2026-12-01T09:00",
                "/config set match_every_weeks 1",
                "/config set match_day tue",
                "/config set match_time 10:00",
                ":as ana",
                '/need add what="help writing a grant for open labs" tags="grants, funding"',
                "/match join",
                ":as ben",
                '/offer add what="I review grant proposals" tags="grants"',
                "/match join",
                "/match avoid @ben",
                "/match pause 0",
                ":clock 2026-12-01T10:01",
                ":as ana",
                ":click 1",
                ":as ben",
                ":click 1",
                ":clock +6d",
                ":as ben",
                "/match status",
                ":as owner",
                "/match stats",
            ]
        ),
        tmp_path / "play.db",
        cwd=tmp_path,
    )
    assert "[only @ana] 🤝 You're in matching rounds! The next round is on Tuesday" in out
    assert "[only @ben] That's you! Name the member you'd rather not be paired with." in out
    assert "[only @ben] `weeks` takes a whole number from 1 to 52, not “0”." in out
    blocks = out.split("\n\n")
    ana = next(b for b in blocks if b.startswith("[DM @ana] 🤝 Matching round 1: meet ben!"))
    assert "Say hello to @ben" in ana
    assert "Why: You need help with *grants*; ben offers *grants*." in ana
    assert "(1) We met  (2) Not yet  (3) Can't this time  (4) Pause for a month" in ana
    ben = next(b for b in blocks if b.startswith("[DM @ben] 🤝 Matching round 1: meet ana!"))
    assert "ana needs help with *grants*; you offer *grants*." in ben
    # ben's DM came last, and the playground presses the newest buttons as their reader.
    assert "* Pressing as @ben, whose DM it is." in out
    assert "[only @ben] 🎉 Wonderful, thanks for telling me! Did anything come of meeting" in out
    assert "(1) A need was met  (2) We made something  (3) Just a good chat" in out
    assert "[only @ben] 🎉 A need met: that's what rounds are for." in out
    # ben said they met, for the group: nobody in it gets the follow-up question.
    assert "Did you and" not in out
    assert "- Round 1 (1 December): ana · you met: a need was met" in out
    assert "1 group made; 1 group met (100%); 1 answered at all." in out
    assert "Needs met through matches: 1" in out


def test_the_silent_are_asked_once_and_an_old_rounds_buttons_close(tmp_path: Path) -> None:
    out = play(
        "\n".join(
            [
                ":clock 2026-12-01T09:00",
                "/config set match_day tue",
                ":as ana",
                "/match join",
                ":as ben",
                "/match join",
                ":run match_round",
                ":clock +5d",
                ":clock +5d",
                ":as ana",
                ":say still here",
                ":as ben",
                ":say me too",
                ":run match_round",
                ":as ana",
                "/match status",
            ]
        ),
        tmp_path / "play.db",
        cwd=tmp_path,
    )
    assert out.count("🤝 Matching round 1: meet") == 2
    assert "[DM @ana] Did you and ben meet? (matching round 1)" in out
    assert "[DM @ben] Did you and ana meet? (matching round 1)" in out
    assert out.count("Did you and") == 2  # once each, however far the clock moves
    assert out.count("🤝 Matching round 2: meet") == 2
    assert "- Round 2 (11 December): ben · no answer yet" in out
    assert "- Round 1 (1 December): ben · no answer yet" in out
