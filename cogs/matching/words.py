"""What matching rounds say: why a group was made, the round's DM, its follow-up, the buttons."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from bot import render
from bot.commands import Member
from bot.matching import Group, PairReasons
from bot.reply import Button
from cogs.common import in_words, plural
from storage.models.matching import CANT, CHAT, MADE, MET, NEED_MET, NOT_YET

ANSWER_ACTION, CAME_ACTION = "match_answer", "match_came"
SAID = {MET: "you met", NOT_YET: "not yet", CANT: "couldn't this time"}
CAME = {NEED_MET: "a need was met", MADE: "you made something", CHAT: "a good chat"}


def why_json(group: Group) -> str:
    """A group's reasons as the round's record keeps them: ids and tags, never names."""
    return json.dumps([_reason(pair) for pair in group.reasons], separators=(",", ":"))


def _reason(pair: PairReasons) -> dict[str, Any]:
    return {
        "pair": list(pair.pair),
        "needs": [[met.needer, met.offerer, met.tag] for met in pair.needs_met],
        "shared": list(pair.shared_interests),
        "newcomer": pair.newcomer,
        "repeat": pair.met_weeks_ago,
    }


def answer_buttons(group_id: int, *, waiting: bool = False) -> tuple[Button, ...]:
    """We met / Not yet / Can't this time (after Not yet, only the other two)."""
    arg = str(group_id)
    buttons = [Button("We met", ANSWER_ACTION, f"{arg}:{MET}", style="success")]
    if not waiting:
        buttons.append(Button("Not yet", ANSWER_ACTION, f"{arg}:{NOT_YET}"))
    buttons.append(Button("Can't this time", ANSWER_ACTION, f"{arg}:{CANT}"))
    return tuple(buttons)


def came_buttons(group_id: int) -> tuple[Button, ...]:
    """What came of it: A need was met / We made something / Just a good chat."""
    return tuple(
        Button(label, CAME_ACTION, f"{group_id}:{what}")
        for label, what in (
            ("A need was met", NEED_MET),
            ("We made something", MADE),
            ("Just a good chat", CHAT),
        )
    )


def round_dm(
    number: int,
    me: Member,
    others: Sequence[Member],
    why: str,
    *,
    follow_up_days: int,
) -> str:
    """The round's one DM to a member: whom they meet, why, and how to say how it went."""
    names = {member.id: f"**{render.name(member)}**" for member in others}
    listed = in_words([render.name(member) for member in others])  # the title is bold already
    lines = [f"🤝 **Matching round {number}: meet {listed}!**"]
    if len(others) > 1:
        lines.append("You're a group of three this round.")
    hello = in_words([render.mention(member) for member in others])
    lines.append(f"Say hello to {hello} and find a time for a chat in the next days.")
    reasons = reasons_for(me.id, why)
    for member in others:
        said = _why_pair(me.id, member.id, reasons.get(member.id), names)
        lines.append(f"Why {names[member.id]}: {said}" if len(others) > 1 else f"Why: {said}")
    lines.append(
        "Did you meet? Tell me with a button below whenever you have; if I haven't heard, "
        f"I'll ask once, in {plural(follow_up_days, 'day')}."
    )
    return "\n".join(lines)


def follow_up_dm(number: int, others: Sequence[Member]) -> str:
    """The one follow-up question of a round."""
    names = in_words([f"**{render.name(member)}**" for member in others])
    together = f"you and {names}" if len(others) == 1 else f"you, {names}"
    return f"Did {together} meet? (matching round {number})"


def reasons_for(member_id: int, why: str) -> dict[int, dict[str, Any]]:
    """The reasons of each pair the member is in, by the other member's id."""
    found: dict[int, dict[str, Any]] = {}
    for reason in json.loads(why):
        a, b = reason["pair"]
        if member_id in (a, b):
            found[b if a == member_id else a] = reason
    return found


def _why_pair(
    me: int, other: int, reason: Mapping[str, Any] | None, names: Mapping[int, str]
) -> str:
    """Why two members were put together, from `me`'s side, in a sentence or three."""
    if reason is None:
        return "A chance to meet someone new."
    said = []
    given: dict[tuple[int, int], list[str]] = defaultdict(list)
    for needer, offerer, tag in reason["needs"]:
        given[(needer, offerer)].append(f"*{render.safe(tag)}*")
    for (needer, offerer), tags in given.items():
        topics = in_words(tags)
        if needer == me:
            said.append(f"you need help with {topics}; {names[offerer]} offers {topics}")
        else:
            said.append(f"{names[needer]} needs help with {topics}; you offer {topics}")
    if reason["shared"]:
        shared = in_words([f"*{render.safe(tag)}*" for tag in reason["shared"]])
        said.append(f"you share an interest in {shared}")
    if reason["newcomer"] == other:
        said.append(f"{names[other]} is new here, and a warm welcome goes a long way")
    elif reason["newcomer"] == me:
        said.append(f"{names[other]} has been here a while and can show you around")
    if reason["repeat"] is not None:
        ago = plural(reason["repeat"], "week")
        said.append(f"you met {ago} ago, and there was nobody new to pair you with this time")
    if not said:
        return "Nothing in common yet, which makes it a chance to meet someone new."
    text = "; ".join(said) + "."
    return text[0].upper() + text[1:]
