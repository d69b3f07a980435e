"""The playground's moderator can't make anyone a moderator: each path that sets standing."""

from __future__ import annotations

from pathlib import Path

from tests.bot.adapters.console_play import play


def test_a_moderator_cannot_make_newcomers_moderators(tmp_path: Path) -> None:
    out = play(
        "\n".join(
            [
                ":mod mo",
                ":as mo",
                "/config set default_role moderator",
                "/config set moderator_role everyone",
                "/config set roles.moderator.meaning Anyone who likes",
                "/role set @mo leader",
                "/badge grant @mo mentor For all my own hard work",
                ":join eve",
                ":as eve",
                "/badge grant @eve mentor I am great, honestly",
                "/roles moderator",
            ]
        ),
        tmp_path / "play.db",
    )
    assert out.count("Only admins can") == 3
    assert "You can't change your own role." in out
    assert "You can't grant yourself a badge." in out
    assert "Only moderators can use /badge grant." in out
    assert "Moderator (1): mo" in out  # eve joined as a plain member
