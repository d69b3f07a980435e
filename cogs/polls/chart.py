"""The weekly trend as a small PNG line chart, with alt text that says the same in words."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from io import BytesIO

from bot.reply import Image
from cogs.polls.words import trend_word
from storage.polls import WeekAverage

SCALE = 5  # the weekly rating's top mark
_LINE, _GRID = "#2f6fcb", "#d9d9d9"


def trend_chart(weeks: Sequence[WeekAverage], zone: tzinfo, *, number: int) -> Image:
    """A chart of the weekly average rating over the last weeks, ending with poll `number`."""
    # The object API (Figure + Agg canvas), not pyplot: no global state, safe in any thread.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.0, 2.6), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    xs = list(range(len(weeks)))
    averages = [week.average for week in weeks]
    axes.plot(xs, averages, marker="o", color=_LINE, linewidth=2)
    for x, average in zip(xs, averages, strict=True):
        axes.annotate(
            f"{average:.1f}", (x, average), textcoords="offset points", xytext=(0, 7), ha="center"
        )
    labels = [f"#{w.number}\n{w.opened_at.astimezone(zone):%b %d}" for w in weeks]
    axes.set_xticks(xs, labels, fontsize=8)
    axes.set_xlim(-0.5, max(len(weeks) - 0.5, 0.5))
    axes.set_ylim(0.8, SCALE + 0.6)
    axes.set_yticks(range(1, SCALE + 1))
    axes.grid(axis="y", color=_GRID)
    axes.set_title("Average rating, week by week (of 5)", fontsize=10)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    out = BytesIO()
    # No software or date stamp: the same results make the same picture.
    figure.savefig(out, format="png", metadata={"Software": None})
    return Image(out.getvalue(), alt_text(weeks), f"poll-{number}-trend.png")


def alt_text(weeks: Sequence[WeekAverage]) -> str:
    """The chart in words: each week's average and which way it went."""
    if not weeks:
        return "No weekly ratings yet."
    last = weeks[-1]
    if len(weeks) == 1:
        return (
            f"Average rating of poll #{last.number}: {last.average:.1f} of {SCALE}. "
            "It is the first weekly poll with ratings, so there is no trend yet."
        )
    first = weeks[0]
    each = ", ".join(f"#{w.number} {w.average:.1f}" for w in weeks)
    return (
        f"Average rating of the last {len(weeks)} weekly polls, of {SCALE}: {each}; "
        f"{trend_word(last.average - first.average)} since poll #{first.number}."
    )
