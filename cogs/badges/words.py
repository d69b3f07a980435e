"""How badges read: rules in words, progress lines, announcements and the re-check's summary."""

from __future__ import annotations

from collections.abc import Mapping

from bot import render
from bot.commands import Member
from bot.metrics import Metric
from config.community import BadgeInfo
from config.rules import Metrics, Rule

_OP_WORDS = {
    ">=": "at least",
    ">": "more than",
    "<=": "at most",
    "<": "fewer than",
    "==": "exactly",
    "!=": "not",
}
# Discord refuses messages over 2,000 characters; leave room for rendering mentions.
SUMMARY_BUDGET = 1800


def rule_words(rule: Rule | None, metrics: Mapping[str, Metric]) -> str:
    """How a badge is earned, in words: "at least 10 kudos received and …"."""
    if rule is None:
        return "granted by moderators"
    parts = []
    for clause in rule.clauses:
        if isinstance(clause.value, str):
            verb = "is" if clause.op == "==" else "is not"
            parts.append(f"{clause.metric} {verb} {render.trusted(clause.value)}")
        else:
            words = counted(clause.metric, clause.value, metrics)
            parts.append(f"{_OP_WORDS[clause.op]} {clause.value} {words}")
    return " and ".join(parts)


def counted(metric: str, number: int, metrics: Mapping[str, Metric]) -> str:
    """A metric's words after a number: "1 intro", "3 intros" (its name if it has none)."""
    found = metrics.get(metric)
    singular, plural = found.words if found and all(found.words) else (metric, metric)
    return singular if number == 1 else plural


def badge_title(info: BadgeInfo) -> str:
    """The emoji and bold name of a badge."""
    return f"{render.trusted(info.emoji)} **{render.trusted(info.name)}**"


def lower_first(text: str) -> str:
    """A description made to follow a colon: "Received …" → "received …" (not "OER …")."""
    if len(text) > 1 and text[1].isupper():
        return text  # an acronym or a name keeps its capitals
    return text[:1].lower() + text[1:]


def earned_line(member: Member, info: BadgeInfo) -> str:
    """The public announcement of a badge a rule awarded."""
    description = render.trusted(lower_first(info.description))
    return (
        f"{render.trusted(info.emoji)} {render.mention(member)} earned "
        f"**{render.trusted(info.name)}**: {description}"
    )


def progress_line(rule: Rule, values: Metrics, metrics: Mapping[str, Metric]) -> str:
    """Where a member stands on each counted clause: "7/10 kudos received, 3/5 …"."""
    steps = rule.progress(values)
    if not steps:
        return rule_words(rule, metrics)
    return ", ".join(
        f"{min(have, need)}/{need} {counted(metric, need, metrics)}" for metric, have, need in steps
    )


def closeness(rule: Rule, values: Metrics) -> float:
    """How near a member is to a rule, 0 to 1: the mean share of each counted clause."""
    steps = rule.progress(values)
    if not steps:
        return 0.0
    return sum(min(have / need, 1.0) if need > 0 else 1.0 for _, have, need in steps) / len(steps)


def summary(new: dict[str, list[Member]], catalogue: dict[str, BadgeInfo]) -> str:
    """The re-check's one post: each new badge with who earned it, kept within a message."""
    total = sum(len(earners) for earners in new.values())
    noun = "badge" if total == 1 else "badges"
    lines = [f"🏅 **{total} new {noun}** today. Congratulations!"]
    used = len(lines[0])
    for badge, earners in new.items():
        head = f"{badge_title(catalogue[badge])}: "
        named: list[str] = []
        for member in earners:
            piece = render.mention(member)
            if used + len(head) + sum(len(n) + 2 for n in named) + len(piece) > SUMMARY_BUDGET:
                break
            named.append(piece)
        rest = len(earners) - len(named)
        if not named:
            line = f"{head}{rest} {'member' if rest == 1 else 'members'}"
        else:
            line = head + ", ".join(named) + (f" and {rest} more" if rest else "")
        used += len(line) + 1
        lines.append(line)
    return "\n".join(lines)
