"""The console playground end to end: `copbot console` as a subprocess, a script on stdin."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.adapters.console_play import play


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "play.db"


def test_a_session_from_join_to_directory(db: Path) -> None:
    out = play(
        "\n".join(
            [
                ":join alice",
                ":click 1",
                "I teach chemistry @everyone <!channel>",
                "find partners",
                "OER, Chemistry",
                "",
                "/members chemistry",
                "/role set @alice leader",
                ":as alice",
                "/intro show",
                "/role set @owner member",
            ]
        ),
        db,
    )
    assert "[DM @alice] Welcome to playground, alice!" in out
    assert "  (1) Introduce yourself" in out
    assert "Pressing as @alice, whose DM it is." in out
    assert "[#introductions] 👋 @alice introduced themselves" in out
    assert "@everyone" not in out and "@\u200beveryone" in out
    assert "[only @alice] Thanks for introducing yourself!" in out
    assert "[only @owner] 1 member interested in chemistry" in out
    assert "[#general] 🎉 @alice is now a leader" in out
    assert "[only @alice] 👋 @alice introduced themselves" in out
    assert "[only @alice] Only moderators can use /role set." in out


def test_form_fields_as_key_values_need_no_prompt(db: Path) -> None:
    out = play('/intro about="Designer" goals="learn research" interests="ux, research"\n', db)
    assert "one line per field" not in out
    assert "[#introductions] 👋 @owner introduced themselves" in out


def test_bad_input_never_ends_the_playground(db: Path) -> None:
    out = play(
        "\n".join(
            [
                "/nope",
                "/intro show @ghost",
                "/role set",
                "hello?",
                ":frobnicate",
                ":clock soon",
                ":click 3",
                ':as "bad name"',
                "/intro",
                "",
                "x",
                "y",
                "",
                "/ping",
                f'/intro about="{"a" * 501}" goals="g" interests="t"',
            ]
        ),
        db,
    )
    assert "[only @owner] I don't know /nope." in out
    assert "I can't find @ghost in this community" in out
    assert "Missing `member`" in out and "Usage: `/role set <member> <role>`" in out
    assert "Commands start with / (try /help)" in out
    assert "There is no :frobnicate." in out
    assert "Usage: :clock +3d" in out
    assert "There is no button to press yet." in out
    assert "Usage: :as NAME" in out
    assert "About you is required: type a value" in out  # asked again, not submitted
    assert "The form was cancelled; nothing was saved." in out  # /ping ended the form
    assert "**About you** is 501" not in out  # Markdown is rendered for the console
    assert "About you is 501 characters; keep it to 500." in out
    assert "[only @owner] Pong!" in out


def test_the_playground_persists_between_runs_and_fresh_starts_empty(db: Path) -> None:
    play('/intro about="me" goals="g" interests="t"\n', db)
    assert "introduced themselves" in play("/intro show\n", db)
    assert "You haven't introduced yourself yet" in play("/intro show\n", db, "--fresh")


def test_clock_jobs_moderators_and_leaving(db: Path) -> None:
    out = play(
        "\n".join(
            [
                ":clock 2026-12-01T09:00",
                ":clock +2h",
                ":say hello",
                ":run",
                ":jobs",
                ":run flush_activity",
                ":mod bob",
                ":as bob",
                "/config set page_size 5",
                ":unmod bob",
                "/config set page_size 6",
                ":leave carol",
                ":quit",
                "/ping",
            ]
        ),
        db,
    )
    assert "The time is now 2026-12-01 09:00 UTC." in out
    assert "The time is now 2026-12-01 11:00 UTC." in out
    jobs = "flush_activity, close_polls, poll_counts, match_follow_up, welcome_back"
    jobs += ", badge_recheck, weekly_poll, need_checkin, group_checkin, match_round, digest"
    jobs += ", lapse_scan"
    assert f"Jobs: {jobs} (:jobs says when each runs)." in out
    assert "flush_activity: Write buffered member activity to the database (every 5 s)" in out
    assert "badge_recheck: Award every badge" in out
    assert "(next Wed 2026-12-02 03:15 UTC)" in out
    assert "Ran flush_activity: 0." in out  # written already, right after the :say line
    assert "[only @bob] Saved: `page_size` is now 5." in out
    assert "[only @bob] Only moderators can use /config set." in out
    assert "@carol left the community." in out
    assert "Pong" not in out  # :quit stops reading


def test_kudos_and_plus_one_in_the_playground(db: Path) -> None:
    out = play(
        "\n".join(
            [
                ":as bob",
                ":as carol",
                ":as ana",
                "/kudos @bob @carol for the workshop",
                ":as dee",
                ":click 1",
                ":click 1",
                "/kudos @dee for helping myself",
                "/kudos top",
                "/kudos history @bob",
            ]
        ),
        db,
    )
    assert "[#general] 🙌 ana thanked @bob, @carol: for the workshop" in out
    assert "  (1) +1" in out
    assert "[only @dee] Your +1 is added: you thanked bob, carol too." in out
    assert "[only @dee] You've already added your +1 to these thanks." in out
    assert "[only @dee] You can't thank yourself" in out
    assert "1. bob: 2" in out
    assert "from dee: for the workshop" in out and "from ana: for the workshop" in out


def test_the_clock_runs_the_daily_badge_recheck_at_03_15(db: Path) -> None:
    out = play(
        "\n".join(
            [
                ":clock 2026-12-01T09:00",
                ":join ana",
                "/config set badges.regular.rule days_since_join >= 1",
                ":jobs",
                ":clock 2026-12-03T03:14",  # the 2nd's re-check finds nobody a day in yet
                ":clock +1m",
                ":jobs",
            ]
        ),
        db,
    )
    first, second = out.split("* Jobs:")[1:]
    assert "badge_recheck: Award every badge" in first
    assert "(next Wed 2026-12-02 03:15 UTC)" in first
    at_03_14 = out.index("* The time is now 2026-12-03 03:14 UTC.")
    summary = out.index("[#general] 🏅 1 new badge today. Congratulations!\n📅 Regular: @ana")
    at_03_15 = out.index("* The time is now 2026-12-03 03:15 UTC.")
    assert at_03_14 < summary < at_03_15  # posted on the way to 03:15, once
    assert out.count("new badge") == 1
    assert "(next Fri 2026-12-04 03:15 UTC)" in second
    assert "last done" not in first  # nothing done yet
    assert "(next Fri 2026-12-04 03:15 UTC), last done Thu 2026-12-03 03:15" in second
