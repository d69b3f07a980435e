"""What polls say, word for word: bars, the average, the trend in words, and bounded posts."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from cogs.polls import words
from cogs.polls.chart import alt_text
from storage.models import PollOptionRow, PollResponseRow, PollRow
from storage.polls import WeekAverage
from tests.conftest import START

UTC = ZoneInfo("UTC")


def _poll(**values: object) -> PollRow:
    base = dict(
        id=7, community_id=1, number=3, question="Lunch?", options=3, channel="general",
        post="k1", opened_at=START, closes_at=START + timedelta(hours=72), edited_at=START,
    )  # fmt: skip
    return PollRow(**{**base, **values})


def _options(*votes: int) -> list[PollOptionRow]:
    return [
        PollOptionRow(poll_id=7, position=n, label=f"Option {n}", votes=v)
        for n, v in enumerate(votes, start=1)
    ]


def test_bars_scale_to_the_most_chosen_and_empty_options_show_a_plain_zero() -> None:
    assert words.bars(_options(4, 1, 0)) == [
        "- Option 1: ▇▇▇▇▇▇▇▇▇▇ 4 (80%)",
        "- Option 2: ▇▇▇ 1 (20%)",
        "- Option 3: 0",
    ]
    assert words.bars(_options(0, 0)) == ["- Option 1: 0", "- Option 2: 0"]


def test_the_rating_is_the_average_position_chosen() -> None:
    assert words.rating(_options(1, 0, 3)) == 2.5
    assert words.rating(_options(0, 0, 0)) is None


def test_the_trend_is_said_in_words() -> None:
    assert [words.trend_word(c) for c in (0.3, -0.5, 0.01)] == ["up 0.3", "down 0.5", "level"]
    weeks = [WeekAverage(1, START, 3.0, 4), WeekAverage(2, START, 2.5, 2)]
    assert alt_text(weeks) == (
        "Average rating of the last 2 weekly polls, of 5: #1 3.0, #2 2.5; down 0.5 since poll #1."
    )
    assert alt_text([]) == "No weekly ratings yet."


def test_a_post_stays_one_message_however_much_was_said() -> None:
    poll = _poll(period="2026-11-02T15:00", open_question="More of?", closed_at=START)
    said = [
        (PollResponseRow(community_id=1, poll_id=1, text="x" * 500, created_at=START), poll)
        for _ in range(9)
    ]
    text = words.open_post(poll, 12, UTC, said)
    assert len(text) < 2000 and text.count("- Poll #3: ") == words.LISTED_MAX
    assert "- …and 4 more: see /polls results" in text
    answers = [f"line one\nline {n} " + "y" * 500 for n in range(100)]
    results = words.Results(poll, _options(1, 2, 3), 100, answers=answers)
    shown = words.results_text(results, UTC)
    assert "…and 60 more." in shown and "\nline 0" not in shown  # one line each
    assert max(len(line) for line in shown.splitlines()) <= words.ANSWER_CLIP + 2
