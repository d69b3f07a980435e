"""A matching round: the pool, the matcher off the event loop, the record, and the DMs."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot import timetable
from bot.binding import as_member
from bot.context import Context
from bot.matching import Candidate, Group, plan_round
from cogs.matching import words
from config.community import CommunityConfig
from storage import matching
from storage.known import KnownMember
from storage.matching import Entrant, Formed
from storage.models import MatchRoundRow

NEWCOMER_DAYS = 30  # a member who joined this lately is a newcomer
# A round is due when the interval has passed, give or take a day: a moved match_day or a
# clock change must not skip a round.
SLACK = timedelta(days=1)


def schedule(config: CommunityConfig) -> str:
    """When rounds may run, in the community's time: each week; the interval is checked then."""
    return f"{config.match_day} {config.match_time}"


def too_soon(config: CommunityConfig, last: MatchRoundRow | None, at: datetime) -> bool:
    """Whether a round at `at` comes before match_every_weeks have passed since the last one."""
    return (
        last is not None
        and at - last.started_at < timedelta(weeks=config.match_every_weeks) - SLACK
    )


def next_round(
    config: CommunityConfig, last: MatchRoundRow | None, now: datetime
) -> datetime | None:
    """When the next round runs."""
    when, zone = timetable.weekly(schedule(config)), ZoneInfo(config.timezone)
    after = now
    if last is not None:
        after = max(now, last.started_at + timedelta(weeks=config.match_every_weeks) - SLACK)
    return timetable.following(when, zone, after)


async def run_round(ctx: Context, *, period: str, by_hand: bool) -> MatchRoundRow | None:
    """Pair this round's pool and DM every group; None when no round was due or possible."""
    community_id = ctx.community.id
    if await matching.round_of(ctx.session, community_id=community_id, period=period):
        return None  # done already (its job-run record was lost to a crash after the commit)
    last = await matching.latest_round(ctx.session, community_id=community_id)
    if not by_hand and too_soon(ctx.config, last, ctx.now()):
        return None
    now = ctx.now()
    entrants = await matching.pool(
        ctx.session, community_id=community_id, now=now, default_in=ctx.config.match_default_in
    )
    if len(entrants) < 2:
        return None
    number = (last.number if last else 0) + 1
    weeks = ctx.config.match_recency_weeks
    planned = await plan_round(
        [_candidate(entry, now) for entry in entrants],
        history=await matching.history(
            ctx.session, community_id=community_id, now=now, weeks=weeks
        ),
        avoid=await matching.avoid_pairs(ctx.session, community_id=community_id),
        recency_weeks=weeks,
        seed=community_id * 100_003 + number,  # the same round replays the same pairs
    )
    formed = [
        Formed(group.members, group.score, words.why_json(group), _needs_met(group))
        for group in planned.groups
    ]
    days = ctx.config.match_followup_days
    row, groups = await matching.record_round(
        ctx.session,
        community_id=community_id,
        period=period,
        now=now,
        follow_up_at=now + timedelta(days=days),
        pool=len(entrants),
        unpaired=len(planned.unpaired),
        groups=formed,
    )
    members = {
        entry.id: as_member(KnownMember(entry.id, entry.external_id, entry.name, entry.role, False))
        for entry in entrants
    }
    for group_id, made in zip(groups, formed, strict=True):
        for member_id in made.members:
            me = members[member_id]
            others = [members[other] for other in made.members if other != member_id]
            ctx.dm(
                me,
                words.round_dm(row.number, me, others, made.why, follow_up_days=days),
                buttons=words.answer_buttons(group_id),
                key=f"match:{group_id}:{member_id}",
                unsolicited=True,
            )
    return row


async def follow_up(ctx: Context) -> int:
    """Ask, once per round, those who haven't said whether they met; how many were asked."""
    due = await matching.followups_due(ctx.session, community_id=ctx.community.id, now=ctx.now())
    if not due:
        return 0
    latest = await matching.latest_round(ctx.session, community_id=ctx.community.id)
    asked = 0
    for row, seats in due:
        if latest is not None and row.id != latest.id:
            continue  # a newer round has begun: asking about the old one would only confuse
        groups = await matching.members_of_groups(
            ctx.session, group_ids=[seat.group_id for seat in seats]
        )
        for seat in seats:
            crew = groups.get(seat.group_id, [])
            me = next((member for member in crew if member.id == seat.member_id), None)
            if me is None or me.left_at is not None:
                continue
            others = [as_member(member) for member in crew if member.id != seat.member_id]
            seat.followed_up = True
            ctx.session.add(seat)
            ctx.dm(
                as_member(me),
                words.follow_up_dm(row.number, others),
                buttons=words.answer_buttons(seat.group_id),
                key=f"match_follow_up:{seat.group_id}:{seat.member_id}",
                unsolicited=True,
            )
            asked += 1
    await matching.followed_up(
        ctx.session, round_ids=[row.id or 0 for row, _ in due], now=ctx.now()
    )
    return asked


def _candidate(entry: Entrant, now: datetime) -> Candidate:
    newcomer = entry.joined_at is not None and now - entry.joined_at < timedelta(days=NEWCOMER_DAYS)
    return Candidate(
        entry.id,
        needs=frozenset(entry.needs),
        offers=frozenset(entry.offers),
        interests=frozenset(entry.interests),
        newcomer=newcomer,
    )


def _needs_met(group: Group) -> int:
    return sum(len(pair.needs_met) for pair in group.reasons)
