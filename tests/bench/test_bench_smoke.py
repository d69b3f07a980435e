"""The benchmarks still run end to end at tiny sizes (figures are printed, never asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import (
    activity,
    commands,
    digest,
    impact,
    kudos,
    lapse,
    matching,
    matching_round,
    outbox,
    polls,
    startup,
)


async def test_commands_bench_runs_every_command_through_dispatch(tmp_path: Path) -> None:
    report = await commands.run(members=200, commands=50, db=tmp_path / "c.db", seed_value=1)

    timings = (report.reads, report.first_writes, report.writes, report.bare)
    assert [len(t.latencies) for t in timings] == [50, 50, 50, 50]
    # Warm-up and timed runs: one reply per read, a card and a thanks per write of each kind,
    # and the Hello badge each first intro earns.
    assert report.delivered == (commands.WARMUP + 50) * 6
    assert report.ratio > 0


async def test_commands_bench_survives_the_cooldown_with_few_members(tmp_path: Path) -> None:
    # 60 writes from 10 members is 6 each: over the 5-per-minute cooldown without the clock moves.
    report = await commands.run(members=10, commands=50, db=tmp_path / "c.db", seed_value=2)

    assert len(report.writes.latencies) == 50


def test_commands_main_prints_the_goals_on_both_databases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], shared_postgres: str
) -> None:
    argv = ["--members", "50", "--commands", "5", "--db", str(tmp_path / "c.db")]

    assert commands.main(argv) == 0
    out = capsys.readouterr().out
    assert "bench on sqlite" in out and "bench on postgres" in out
    assert out.count("bare ORM insert") == 2
    assert out.count("PASS") + out.count("MISS") == 8


def test_kudos_main_prints_the_goals_on_both_databases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], shared_postgres: str
) -> None:
    argv = ["--members", "60", "--kudos", "300", "--commands", "20", "--db", str(tmp_path / "k.db")]

    assert kudos.main(argv) == 0
    out = capsys.readouterr().out
    assert "bench on sqlite" in out and "bench on postgres" in out
    assert out.count("PASS") + out.count("MISS") == 6  # two timed goals and the re-check, twice


def test_commands_main_refuses_an_existing_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = tmp_path / "c.db"
    existing.touch()

    assert commands.main(["--members", "5", "--commands", "1", "--db", str(existing)]) == 1
    assert "fresh" in capsys.readouterr().err


@pytest.mark.parametrize("known", [False, True])
async def test_activity_bench_writes_and_verifies_every_member(tmp_path: Path, known: bool) -> None:
    report = await activity.run(
        events=2_000, members=300, flush_every=500, db=tmp_path / "a.db", seed_value=1, known=known
    )

    assert report.checked == 300  # 2,000 picks from 300 members miss none with this seed
    assert report.commits == 4


def test_activity_main_prints_the_goal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--events", "500", "--members", "50", "--db", str(tmp_path / "a.db")]

    assert activity.main(argv) == 0
    out = capsys.readouterr().out
    assert "events per second" in out
    assert out.count("PASS") + out.count("MISS") == 1


def test_outbox_main_drains_everything_and_prints_both_goals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--rows", "300", "--dms", "5", "--rate", "100", "--folder", str(tmp_path)]

    assert outbox.main(argv) == 0  # it raises if a row was left or sent twice
    out = capsys.readouterr().out
    assert "messages/s" in out and "achieved" in out
    assert out.count("PASS") + out.count("MISS") == 2


async def test_polls_bench_counts_every_vote_once_and_edits_by_the_rule(tmp_path: Path) -> None:
    report = await polls.run(
        members=400, votes=50, burst=50, busy=120, db=tmp_path / "p.db", seed_value=1
    )

    assert len(report.latencies) == 50 and report.burst == 50
    assert report.busy_counted == report.busy_voters == report.busy_votes == 120
    assert 1 <= len(report.edits) <= 4
    assert report.closest_edits is None or report.closest_edits >= polls.EDIT_EVERY


def test_polls_main_prints_the_goals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--members", "200", "--votes", "20", "--burst", "20", "--busy", "30"]

    assert polls.main([*argv, "--db", str(tmp_path / "p.db")]) == 0
    out = capsys.readouterr().out
    assert "busy minute: 30 members pressed" in out
    assert out.count("PASS") + out.count("MISS") == 4


async def test_lapse_bench_nudges_what_it_seeded_once(tmp_path: Path) -> None:
    report = await lapse.run(members=3_000, db=tmp_path / "l.db", seed_value=1)

    assert report.expected > 0 and report.nudged == report.expected == report.queued
    assert report.rerun == 0 and report.scan_queries == 1
    assert report.pacing_s == report.queued * 3  # Discord's default: 20 DMs a minute


def test_lapse_main_prints_the_goals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert lapse.main(["--members", "300", "--db", str(tmp_path / "l.db")]) == 0
    out = capsys.readouterr().out
    assert "scan queries, total" in out
    assert out.count("PASS") + out.count("MISS") == 2


def test_matching_bench_compares_pairs_everyone_and_measures_value() -> None:
    report = matching.run(n=300, sizes=[40], seed=1)

    (quality,) = report.quality
    assert 0 < quality.approx_w <= quality.exact_w
    assert report.met > report.met_random > 0 and report.met_interests > 0


def test_matching_main_prints_the_goals(capsys: pytest.CaptureFixture[str]) -> None:
    assert matching.main(["--members", "200", "--sizes", "30,40"]) == 0
    out = capsys.readouterr().out
    assert "event loop's worst pause" in out
    assert out.count("PASS") + out.count("MISS") == 7


async def test_matching_round_bench_runs_two_rounds_through_the_job(tmp_path: Path) -> None:
    report = await matching_round.run(members=60, db=tmp_path / "r.db", seed_value=1)

    assert report.groups == 30 and report.dms == 120  # two rounds, one DM per member each
    assert report.first_s > 0 and report.second_s > 0
    assert "a round < 5 s end to end" in matching_round.render(report)


def test_digest_main_prints_the_goal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--members", "200", "--kudos", "500", "--outcomes", "100", "--runs", "1"]

    assert digest.main([*argv, "--db", str(tmp_path / "d.db")]) == 0
    out = capsys.readouterr().out
    assert out.count("PASS") + out.count("MISS") == 2
    # The month holds some of every seeded kind: outcomes, groups, needs met and meetings.
    month = out[out.index("digest of the month") :]
    for title in ("Kudos", "Outcomes published", "Work groups", "Needs met", "Matching"):
        assert title in month


def test_impact_main_prints_the_goal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--members", "200", "--kudos", "500", "--outcomes", "100", "--runs", "3"]

    assert impact.main([*argv, "--db", str(tmp_path / "i.db")]) == 0
    out = capsys.readouterr().out
    assert "3 runs" in out and out.count("PASS") + out.count("MISS") == 1
    for title in ("Kudos received", "Badges", "Outcomes", "Work groups", "Needs helped meet"):
        assert title in out  # the star's report had something in each


def test_startup_main_starts_copbot_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--members", "50", "--runs", "1", "--db", str(tmp_path / "s.db")]

    assert startup.main(argv) == 0
    out = capsys.readouterr().out
    assert "console/playground" in out and out.count("PASS") + out.count("MISS") == 2
    replies = next(line for line in out.splitlines() if "replies to the community" in line)
    assert int(replies.split()[-1]) >= 2  # /members and /intro show answered (a poll may join)
