"""Needs and offers in the playground, end to end: added, matched, introduced, met, thanked."""

from __future__ import annotations

from pathlib import Path

from tests.bot.adapters.console_play import play


def test_needs_and_offers_in_the_playground(tmp_path: Path) -> None:
    out = play(
        "\n".join(
            [
                ":as ben",
                '/offer add what="I review grant proposals" tags="grants"',
                ":as ana",
                '/need add what="help writing a grant for open labs" tags="grants, funding"',
                ":click 1",
                ":as ben",
                ":click 1",
                ":as ana",
                "/needs grants",
                "/offers",
                "/needs mine",
                '/need edit 2 what="help writing a grant for open science labs"',
                "/need done 2 @ben",
                ":click 1",
                "/need drop 2",
                "/need add",
                "a venue for the meetup",
                "events",
                "/needs mine",
            ]
        ),
        tmp_path / "play.db",
        cwd=tmp_path,
    )
    blocks = out.split("\n\n")
    assert "[only @ben] Saved as offer #1: “I review grant proposals” (grants)." in out
    assert (
        "[only @ana] Saved as need #2: “help writing a grant for open labs” (grants, funding)."
        in out
    )
    assert "- ben (grants)\n  (1) Ask ben for an intro" in out
    assert (
        "[DM @ben] ana is looking for help with help writing a grant for open labs; you said "
        "you can help. Open to a chat?\n  (1) Happy to help  (2) Not now" in out
    )
    assert "[only @ana] I've asked ben; I'll tell you what they say." in out
    assert "[DM @ana] 🤝 ben is happy to help with your need #2" in out
    assert "[DM @ben] 🤝 Thank you! Meet @ana" in out
    assert "- #2 ana: help writing a grant for open labs (grants, funding)" in out
    assert "- #1 ben: I review grant proposals (grants) · " in out and "✨ fits your needs" in out
    assert "[only @ana] Need #2 now reads: “help writing a grant for open science labs”" in out
    assert "🎉 Need #2 is met with help from ben" in out
    assert "🙌 ana thanked @ben: for helping with need #2: help writing a grant" in out
    assert "[only @ana] Your need #2 is already met; it stays in your history." in out
    assert "Saved as need #3: “a venue for the meetup” (events)." in out
    mine = next(b for b in reversed(blocks) if b.startswith("[only @ana] Your needs: 2"))
    assert mine.splitlines()[1].startswith("- #3 a venue for the meetup (events): open since")
    assert mine.splitlines()[2].startswith(
        "- #2 help writing a grant for open science labs (grants, funding): met with help from "
        "ben on "
    )
