"""Outcomes and work groups in the playground, end to end: recorded, proposed, joined, closed."""

from __future__ import annotations

from pathlib import Path

from tests.bot.adapters.console_play import play


def test_outcomes_and_work_groups_in_the_playground(tmp_path: Path) -> None:
    out = play(
        "\n".join(
            [
                ":as alice",
                "/ping",
                ":as bob",
                "/ping",
                ":as ana",
                '/outcome add title="Open lab manual" type=guide link=https://example.org/lab '
                'license="CC BY 4.0" description="How we run open labs" '
                'contributors="@alice author, @bob reviewer"',
                '/group propose name="Open labs" purpose="Write the next guide" produces=guide '
                "capacity=4 ends=2027-03-01",
                ":as bob",
                '/group join "Open labs"',
                '/group update "Open labs" The first draft is done',
                ":as ana",
                '/group close "Open labs" 1',
                '/group show "Open labs"',
                "/group list",
                "/group list closed",
            ]
        ),
        tmp_path / "play.db",
        cwd=tmp_path,
    )
    assert "Saved as Outcome #1: Open lab manual, crediting" in out
    assert "Outcome #1: Open lab manual (guide)" in out
    assert "[DM @bob]" in out and "Remove me" in out
    assert "Open labs is started, with you as lead" in out
    assert "Call for volunteers: Open labs" in out
    assert "[only @bob] You're in Open labs! 2 places left." in out
    assert "Open labs update from bob: The first draft is done" in out
    assert "Open labs is closed. Its members are credited on Outcome #1." in out
    assert "Members: ana, bob" in out and "The first draft is done" in out
    assert "Outcome: #1 Open lab manual" in out
    assert "No active work groups." in out
    assert "Work groups (closed): 1, newest first" in out
