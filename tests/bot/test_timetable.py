"""Local-time schedules: across DST changes, in their gap and repeated hour, and crontab's days."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot import timetable
from bot.timetable import WhenError

BERLIN = ZoneInfo("Europe/Berlin")


def utc(*parts: int) -> datetime:
    """A UTC time."""
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def between(when: timetable.When, after: datetime, until: datetime) -> list[datetime]:
    """Every due time in (after, until], in Berlin."""
    return list(timetable.occurrences(when, BERLIN, after, until))


def local(times: list[datetime]) -> list[str]:
    """Due times as Berlin's clocks show them."""
    return [at.astimezone(BERLIN).strftime("%a %d %H:%M %Z") for at in times]


def test_monday_15_00_in_berlin_keeps_its_local_time_across_both_changes() -> None:
    poll = timetable.weekly("mon 15:00")

    autumn = between(poll, utc(2026, 10, 12), utc(2026, 11, 3))
    assert autumn == [
        utc(2026, 10, 12, 13),
        utc(2026, 10, 19, 13),
        utc(2026, 10, 26, 14),
        utc(2026, 11, 2, 14),
    ]
    spring = between(poll, utc(2027, 3, 21), utc(2027, 4, 6))
    assert spring == [utc(2027, 3, 22, 14), utc(2027, 3, 29, 13), utc(2027, 4, 5, 13)]
    assert set(local(autumn + spring)) >= {"Mon 19 15:00 CEST", "Mon 26 15:00 CET"}
    assert timetable.period(autumn[2], BERLIN) == "2026-10-26T15:00"


def test_a_time_in_springs_missing_hour_runs_an_hour_on_that_day_only() -> None:
    times = between(timetable.daily("02:30"), utc(2027, 3, 27), utc(2027, 3, 30))
    assert local(times) == ["Sat 27 02:30 CET", "Sun 28 03:30 CEST", "Mon 29 02:30 CEST"]
    assert timetable.period(times[1], BERLIN) == "2027-03-28T03:30"


def test_a_time_in_autumns_repeated_hour_runs_once_the_first_time_round() -> None:
    for when in (timetable.daily("02:30"), timetable.cron("30 2 * * *")):
        times = between(when, utc(2026, 10, 24), utc(2026, 10, 27))
        assert local(times) == ["Sat 24 02:30 CEST", "Sun 25 02:30 CEST", "Mon 26 02:30 CET"]


def test_a_cron_line_walks_on_past_the_repeated_hour() -> None:
    # It used to step back onto the first 02:30 from the second, for ever.
    quarter = timetable.cron("*/15 * * * *")
    times = between(quarter, utc(2026, 10, 24, 22), utc(2026, 10, 26))
    assert len(times) == len(set(times)) == 4 * 26 - 4  # 26 hours that day, one run once
    assert times == sorted(times)
    assert timetable.latest(quarter, BERLIN, utc(2026, 10, 26, 9, 7)) == utc(2026, 10, 26, 9)


@pytest.mark.parametrize(
    ("field", "days"),
    [
        ("0", ["Sun"]),
        ("7", ["Sun"]),
        ("1-5", ["Mon", "Tue", "Wed", "Thu", "Fri"]),
        ("0-5", ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri"]),
        ("5-7", ["Fri", "Sat", "Sun"]),
        ("*/2", ["Sun", "Tue", "Thu", "Sat"]),
        ("sun-tue", ["Sun", "Mon", "Tue"]),
        ("mon,wed-fri", ["Mon", "Wed", "Thu", "Fri"]),
        ("1,7", ["Sun", "Mon"]),
    ],
)
def test_crontab_weekdays_count_from_sunday(field: str, days: list[str]) -> None:
    line = timetable.cron(f"0 9 * * {field}")
    week = between(line, utc(2026, 11, 1), utc(2026, 11, 8))  # Sunday 1st to Sunday 8th
    found = {at.astimezone(BERLIN).strftime("%a") for at in week}
    assert found == set(days)


def test_a_day_of_month_and_a_weekday_mean_either_as_in_crontab() -> None:
    line = timetable.cron("0 9 1 * 1")  # the 1st, and every Monday
    times = between(line, utc(2026, 6, 26), utc(2026, 7, 14))
    assert local(times) == [
        "Mon 29 09:00 CEST",
        "Wed 01 09:00 CEST",
        "Mon 06 09:00 CEST",
        "Mon 13 09:00 CEST",
    ]


@pytest.mark.parametrize(
    ("make", "text"),
    [
        (timetable.daily, "25:00"),
        (timetable.daily, "3pm"),
        (timetable.daily, ""),
        (timetable.weekly, "funday 10:00"),
        (timetable.weekly, "mon"),
        (timetable.weekly, "15:00 mon"),
        (timetable.cron, "* * * *"),
        (timetable.cron, "61 * * * *"),
        (timetable.cron, "0 9 * * 8"),
        (timetable.cron, "0 9 * * 5-1"),
        (timetable.cron, "0 9 * * ٣"),
        (timetable.cron, "0 9 * * */0"),
    ],
)
def test_a_schedule_that_does_not_read_is_refused(make: object, text: str) -> None:
    with pytest.raises(WhenError):
        make(text)  # type: ignore[operator]


def test_latest_and_following_look_as_far_as_each_kind_needs() -> None:
    now = utc(2026, 11, 4, 12, 0, 30)  # a Wednesday
    assert timetable.latest(timetable.cron("* * * * *"), BERLIN, now) == utc(2026, 11, 4, 12)
    assert timetable.latest(timetable.weekly("mon 15:00"), BERLIN, now) == utc(2026, 11, 2, 14)
    assert timetable.latest(timetable.cron("0 9 1 1 *"), BERLIN, now) is None  # past catching up
    yearly = timetable.following(timetable.cron("0 9 1 1 *"), BERLIN, now)
    assert yearly == utc(2027, 1, 1, 8)  # shown by :jobs, however far
    assert timetable.following(timetable.daily("10:00"), BERLIN, now) == utc(2026, 11, 5, 9)


def test_a_schedule_says_itself_in_words() -> None:
    assert str(timetable.weekly("Monday 15:00")) == "every Mon at 15:00"
    assert str(timetable.daily("03:15")) == "every day at 03:15"
    assert str(timetable.cron("15 3 * * *")) == "cron 15 3 * * *"
