"""Who fits a need (their offers, their intro's interests and "can help with"), and the reverse."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import InterestRow, IntroRow, MemberRow, NeedRow, NeedTagRow
from storage.models.needs import NEED, OFFER, OPEN


@dataclass
class Fit:
    """A member who may help: the tags they share with the need, and how lately they said so."""

    member: MemberRow
    shared: set[str] = field(default_factory=set)
    at: datetime | None = None

    def note(self, tag: str, at: datetime) -> None:
        """One more reason this member fits."""
        self.shared.add(tag)
        self.at = at if self.at is None or at > self.at else self.at


async def helpers_for(
    session: AsyncSession,
    *,
    community_id: int,
    asker_id: int,
    tags: Sequence[str],
    limit: int = 3,
) -> list[Fit]:
    """The members who fit a need best: most shared tags first, then the most recent."""
    found: dict[int, list[tuple[str, datetime]]] = {}
    offers = await session.exec(
        select(NeedRow.member_id, NeedTagRow.tag, NeedRow.created_at)
        .join(NeedTagRow, col(NeedTagRow.need_id) == col(NeedRow.id))
        .where(
            NeedRow.community_id == community_id,
            NeedRow.kind == OFFER,
            NeedRow.status == OPEN,
            col(NeedTagRow.tag).in_(tags),
        )
    )
    interests = await session.exec(
        select(InterestRow.member_id, InterestRow.tag, InterestRow.since).where(
            InterestRow.community_id == community_id, col(InterestRow.tag).in_(tags)
        )
    )
    for member_id, tag, at in [*offers.all(), *interests.all()]:
        found.setdefault(member_id, []).append((tag, at))
    stems = {tag: _stem(tag) for tag in tags}
    can_help = await session.exec(
        select(IntroRow.member_id, IntroRow.can_help, IntroRow.created_at).where(
            IntroRow.community_id == community_id,
            col(IntroRow.is_current).is_(True),
            or_(
                *(
                    func.lower(IntroRow.can_help).contains(stem, autoescape=True)
                    for stem in stems.values()
                )
            ),
        )
    )
    for member_id, text, at in can_help.all():
        lowered = text.lower()
        found.setdefault(member_id, []).extend(
            (tag, at) for tag, stem in stems.items() if stem in lowered
        )
    found.pop(asker_id, None)
    if not found:
        return []
    members = await session.exec(
        select(MemberRow).where(
            col(MemberRow.id).in_(found),
            col(MemberRow.left_at).is_(None),
            col(MemberRow.is_bot).is_(False),
        )
    )
    fits = []
    for member in members.all():
        fit = Fit(member)
        for tag, at in found[member.id or 0]:
            fit.note(tag, at)
        fits.append(fit)
    fits.sort(key=lambda f: (-len(f.shared), -(f.at.timestamp() if f.at else 0), f.member.id))
    return fits[:limit]


def _stem(tag: str) -> str:
    """A tag as free text may say it: "grants" is found in "grant writing"."""
    # Tags are often plural nouns and "can help with" is prose; a plural's stem finds both.
    return tag[:-1] if len(tag) > 3 and tag.endswith("s") and not tag.endswith("ss") else tag


async def fitting_needs(
    session: AsyncSession,
    *,
    community_id: int,
    offerer_id: int,
    tags: Sequence[str],
    limit: int = 3,
) -> list[tuple[NeedRow, MemberRow, set[str]]]:
    """Open needs an offer fits best, of others still here: most shared tags, then newest."""
    found = await session.exec(
        select(NeedRow, MemberRow, NeedTagRow.tag)
        .join(NeedTagRow, col(NeedTagRow.need_id) == col(NeedRow.id))
        .join(MemberRow, col(MemberRow.id) == col(NeedRow.member_id))
        .where(
            NeedRow.community_id == community_id,
            NeedRow.kind == NEED,
            NeedRow.status == OPEN,
            NeedRow.member_id != offerer_id,
            col(NeedTagRow.tag).in_(tags),
            col(MemberRow.left_at).is_(None),
            col(MemberRow.is_bot).is_(False),
        )
    )
    needs: dict[int, tuple[NeedRow, MemberRow, set[str]]] = {}
    for need, member, tag in found.all():
        needs.setdefault(need.id or 0, (need, member, set()))[2].add(tag)
    ranked = sorted(
        needs.values(), key=lambda n: (-len(n[2]), -n[0].created_at.timestamp(), -(n[0].id or 0))
    )
    return ranked[:limit]
