"""What polls say: the open post, the closed post, the results, and the lines of a list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from bot import render
from cogs.common import plural
from storage.models import PollOptionRow, PollResponseRow, PollRow
from storage.polls import Chooser, WeekAverage

BAR_WIDTH = 10  # blocks in the longest bar
# A post stays one message on every platform (Discord: 2,000 characters; an edit can't split):
# so many responses atop a poll, and so many written answers in its results, each clipped.
LISTED_MAX, LISTED_CLIP = 5, 200
ANSWERS_MAX, ANSWER_CLIP = 40, 300
ANONYMOUS_NOTE = (
    "Anonymous: nobody, moderators included, can see who answered what. "
    "The results show when it closes."
)
NAMED_NOTE = (
    "Not anonymous: who chose what is shown when it closes, and you can change your vote "
    "until then."
)


@dataclass(frozen=True)
class Results:
    """Everything a closed poll shows."""

    poll: PollRow
    options: Sequence[PollOptionRow]
    answered: int
    answers: Sequence[str] = ()  # written answers, already in random order
    choosers: Sequence[Chooser] = ()
    trend: Sequence[WeekAverage] = ()
    responses: Sequence[PollResponseRow] = field(default_factory=tuple)


def when(moment: datetime, zone: tzinfo) -> str:
    """A moment in the community's zone: "Thu 2026-12-10 15:00 (UTC)"."""
    return f"{moment.astimezone(zone):%a %Y-%m-%d %H:%M} ({zone})"


def title(poll: PollRow) -> str:
    """ "Poll #3 · Weekly check-in", or "Poll #4" for a moderator's question."""
    return f"Poll #{poll.number} · Weekly check-in" if poll.period else f"Poll #{poll.number}"


def named(poll: PollRow) -> str:
    """A poll by number and, for a moderator's question, what it asked."""
    return title(poll) if poll.period else f"{title(poll)}: {render.safe(poll.question)}"


def answered_words(count: int) -> str:
    """ "12 answered"."""
    return f"{count} answered"


def open_post(
    poll: PollRow,
    answered: int,
    zone: tzinfo,
    listed: Sequence[tuple[PollResponseRow, PollRow]] = (),
) -> str:
    """The post while the poll is open: the questions and how many answered, nothing more."""
    lines = [f"📋 **{title(poll)}**"]
    if listed:
        lines.append("💬 Last time you told us what you need; here is what we did:")
        lines += [
            f"- Poll #{asked.number}: {render.echo(r.text, LISTED_CLIP)}"
            for r, asked in listed[:LISTED_MAX]
        ]
        if len(listed) > LISTED_MAX:
            lines.append(f"- …and {len(listed) - LISTED_MAX} more: see /polls results")
    lines.append(f"**{render.safe(poll.question)}** Choose with the buttons below.")
    if poll.open_question:
        lines.append(
            f"**{render.safe(poll.open_question)}** Press ✍️ Answer to say it in your own words."
        )
    lines.append(f"Open until {when(poll.closes_at, zone)}: {answered_words(answered)} so far.")
    lines.append(ANONYMOUS_NOTE if poll.anonymous else NAMED_NOTE)
    return "\n".join(lines)


def closed_post(results: Results, zone: tzinfo) -> str:
    """The post once closed: how each option did, in brief (the results post has the rest)."""
    poll = results.poll
    assert poll.closed_at is not None
    lines = [
        f"📋 **{title(poll)}** (closed)",
        f"**{render.safe(poll.question)}**",
        *(f"- {render.safe(o.label)}: {o.votes}" for o in results.options),
    ]
    average = rating(results.options) if poll.period else None
    if average is not None:
        lines.append(f"Average: {average:.1f} of {len(results.options)}.")
    lines.append(
        f"Closed on {when(poll.closed_at, zone)}, {answered_words(results.answered)}; "
        "the results are posted below."
    )
    return "\n".join(lines)


def results_text(results: Results, zone: tzinfo) -> str:
    """The results: a bar per option, the average, written answers, who chose what, responses."""
    poll = results.poll
    assert poll.closed_at is not None
    lines = [
        f"📊 **Results of {title(poll)}**",
        f"Closed on {when(poll.closed_at, zone)}, {answered_words(results.answered)}.",
        f"**{render.safe(poll.question)}**",
        *bars(results.options),
    ]
    if poll.period:
        lines += _average_lines(results)
    if poll.open_question:
        lines.append(_answers_heading(poll, len(results.answers)))
        shown = results.answers[:ANSWERS_MAX]
        lines += [f"- {render.echo(text, ANSWER_CLIP)}" for text in shown]
        if len(results.answers) > ANSWERS_MAX:
            lines.append(f"…and {len(results.answers) - ANSWERS_MAX} more.")
    if not poll.anonymous:
        lines += _who_chose(results)
    if results.responses:
        lines.append("💬 **You said, we did**")
        lines += [f"- {render.echo(r.text, 500)}" for r in results.responses]
    return "\n".join(lines)


def bars(options: Sequence[PollOptionRow]) -> list[str]:
    """One line per option: its label, a bar as long as its share of the most chosen, a count."""
    most = max((o.votes for o in options), default=0)
    total = sum(o.votes for o in options)
    lines = []
    for option in options:
        blocks = int(BAR_WIDTH * option.votes / most + 0.5) if most else 0  # half up
        share = f" ({100 * option.votes / total:.0f}%)" if option.votes else ""
        bar = "▇" * max(blocks, 1 if option.votes else 0) + " " if option.votes else ""
        lines.append(f"- {render.safe(option.label)}: {bar}{option.votes}{share}")
    return lines


def rating(options: Sequence[PollOptionRow]) -> float | None:
    """The average position chosen (a 1-to-5 rating), or None when nobody chose."""
    votes = sum(o.votes for o in options)
    return sum(o.position * o.votes for o in options) / votes if votes else None


def _average_lines(results: Results) -> list[str]:
    average = rating(results.options)
    if average is None:
        return ["Nobody rated this week."]
    earlier = [w for w in results.trend if w.number < results.poll.number]
    line = f"**Average: {average:.1f} of {len(results.options)}**"
    if earlier:
        before = earlier[-1]
        line += f" ({trend_word(average - before.average)}; poll #{before.number}: "
        line += f"{before.average:.1f})"
    return [line]


def trend_word(change: float) -> str:
    """A change in the average, in words: "up 0.3", "down 0.5", "level"."""
    if change >= 0.05:
        return f"up {change:.1f}"
    if change <= -0.05:
        return f"down {-change:.1f}"
    return "level"


def _answers_heading(poll: PollRow, count: int) -> str:
    question = render.safe(poll.open_question or "")
    if not count:
        return f"**{question}** Nobody wrote an answer this time."
    order = ", in random order" if count > 1 else ""
    return f"**{question}** {plural(count, 'answer')}{order}:"


def _who_chose(results: Results) -> list[str]:
    if not results.choosers:
        return []
    lines = ["**Who chose what**"]
    for option in results.options:
        names = [
            render.safe(c.name) + (" (left)" if c.left else "")
            for c in results.choosers
            if c.position == option.position
        ]
        if names:
            lines.append(f"- {render.safe(option.label)}: {', '.join(names)}")
    return lines


def list_line(poll: PollRow, zone: tzinfo, now: datetime) -> str:
    """One poll in a list: its number, what it asks, and where it stands."""
    if poll.closed_at is not None:
        state = f"closed {when(poll.closed_at, zone)}"
    elif poll.closes_at <= now:
        state = "closing now"
    else:
        state = f"open until {when(poll.closes_at, zone)}"
    asks = "" if poll.period else f" {render.safe(poll.question)}"
    kind = "" if poll.anonymous else ", names shown at close"
    return f"- **{title(poll)}**{asks}: {state}, {answered_words(poll.shown)}{kind}"
