"""A member's own needs and offers, their history, what is due a check-in, and what is new."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import MemberRow, NeedRow, NeedTagRow
from storage.models.needs import MET, NEED, OFFER, OPEN


async def mine(
    session: AsyncSession, *, community_id: int, member_id: int, kind: str, offset: int, limit: int
) -> tuple[int, Sequence[NeedRow]]:
    """A member's needs (or offers), open first, then newest first; met and dropped ones too."""
    where = (
        NeedRow.community_id == community_id,
        NeedRow.member_id == member_id,
        NeedRow.kind == kind,
    )
    total = (await session.exec(select(func.count()).select_from(NeedRow).where(*where))).one()
    found = await session.exec(
        select(NeedRow)
        .where(*where)
        .order_by(
            (col(NeedRow.status) == OPEN).desc(),
            col(NeedRow.created_at).desc(),
            col(NeedRow.id).desc(),
        )
        .offset(offset)
        .limit(limit)
    )
    return total, found.all()


async def open_of(
    session: AsyncSession, *, community_id: int, member_id: int, kind: str
) -> Sequence[NeedRow]:
    """A member's open needs (or offers), newest first."""
    found = await session.exec(
        select(NeedRow)
        .where(
            NeedRow.community_id == community_id,
            NeedRow.member_id == member_id,
            NeedRow.kind == kind,
            NeedRow.status == OPEN,
        )
        .order_by(col(NeedRow.created_at).desc(), col(NeedRow.id).desc())
    )
    return found.all()


async def open_tags(
    session: AsyncSession, *, community_id: int, member_id: int, kind: str
) -> set[str]:
    """The tags of a member's open needs (or offers)."""
    found = await session.exec(
        select(NeedTagRow.tag)
        .join(NeedRow, col(NeedRow.id) == col(NeedTagRow.need_id))
        .where(
            NeedRow.community_id == community_id,
            NeedRow.member_id == member_id,
            NeedRow.kind == kind,
            NeedRow.status == OPEN,
        )
    )
    return set(found.all())


async def met_needs(
    session: AsyncSession, *, community_id: int, member_id: int, limit: int = 3
) -> tuple[int, Sequence[tuple[NeedRow, str | None]]]:
    """How many of a member's needs were met, and the latest, with who helped (if anyone)."""
    helper = aliased(MemberRow)
    where = (
        NeedRow.community_id == community_id,
        NeedRow.member_id == member_id,
        NeedRow.kind == NEED,
        NeedRow.status == MET,
    )
    total = (await session.exec(select(func.count()).select_from(NeedRow).where(*where))).one()
    found = await session.exec(
        select(NeedRow, helper.name)
        .outerjoin(helper, col(helper.id) == col(NeedRow.helper_id))
        .where(*where)
        .order_by(col(NeedRow.closed_at).desc(), col(NeedRow.id).desc())
        .limit(limit)
    )
    return total, found.all()


async def helped_by(
    session: AsyncSession,
    *,
    community_id: int,
    member_id: int,
    limit: int | None = 3,
    since: datetime | None = None,
    until: datetime | None = None,
) -> tuple[int, Sequence[tuple[NeedRow, str]]]:
    """How many needs a member helped meet (met within [since, until) if given), the latest
    first with whose they were."""
    asker = aliased(MemberRow)
    where = [
        NeedRow.community_id == community_id,
        NeedRow.helper_id == member_id,
        NeedRow.status == MET,
    ]
    if since is not None:
        where.append(col(NeedRow.closed_at) >= since)
    if until is not None:
        where.append(col(NeedRow.closed_at) < until)
    total = (await session.exec(select(func.count()).select_from(NeedRow).where(*where))).one()
    found = await session.exec(
        select(NeedRow, asker.name)
        .join(asker, col(asker.id) == col(NeedRow.member_id))
        .where(*where)
        .order_by(col(NeedRow.closed_at).desc(), col(NeedRow.id).desc())
        .limit(limit)
    )
    return total, found.all()


async def checkins_due(
    session: AsyncSession,
    *,
    community_id: int,
    before: datetime,
    after_id: int,
    limit: int,
) -> Sequence[tuple[NeedRow, MemberRow]]:
    """Open needs, by id after `after_id`, whose clock started before `before` and whose
    current round has had no check-in, of members still here."""
    found = await session.exec(
        select(NeedRow, MemberRow)
        .join(MemberRow, col(MemberRow.id) == col(NeedRow.member_id))
        .where(
            NeedRow.community_id == community_id,
            NeedRow.kind == NEED,
            NeedRow.status == OPEN,
            col(NeedRow.renewed_at) <= before,
            col(NeedRow.checked_in_at).is_(None)
            | (col(NeedRow.checked_in_at) < col(NeedRow.renewed_at)),
            col(NeedRow.id) > after_id,
            col(MemberRow.left_at).is_(None),
        )
        .order_by(col(NeedRow.id))
        .limit(limit)
    )
    return found.all()


async def new_offers_for(
    session: AsyncSession, *, community_id: int, member_id: int, since: datetime, limit: int = 3
) -> tuple[int, list[str]]:
    """Offers added since `since` sharing a tag with the member's open needs: how many, names."""
    mine = (
        select(NeedTagRow.tag)
        .join(NeedRow, col(NeedRow.id) == col(NeedTagRow.need_id))
        .where(
            NeedRow.community_id == community_id,
            NeedRow.member_id == member_id,
            NeedRow.kind == NEED,
            NeedRow.status == OPEN,
        )
    )
    offer = aliased(NeedRow)
    found = await session.exec(
        select(offer.id, MemberRow.name)
        .join(MemberRow, col(MemberRow.id) == offer.member_id)
        .join(NeedTagRow, col(NeedTagRow.need_id) == offer.id)
        .where(
            offer.community_id == community_id,
            offer.kind == OFFER,
            offer.status == OPEN,
            offer.member_id != member_id,
            offer.created_at >= since,
            col(MemberRow.left_at).is_(None),
            col(NeedTagRow.tag).in_(mine),
        )
        .distinct()
        .order_by(offer.id.desc())  # type: ignore[union-attr]
    )
    rows = found.all()
    names = list(dict.fromkeys(name for _, name in rows))
    return len(rows), names[:limit]


async def met_between(
    session: AsyncSession, *, community_id: int, since: datetime, until: datetime, limit: int = 5
) -> tuple[int, Sequence[tuple[NeedRow, str | None]]]:
    """Needs met in [since, until): how many, and the latest, with who helped (if anyone)."""
    helper = aliased(MemberRow)
    where = (
        NeedRow.community_id == community_id,
        NeedRow.kind == NEED,
        NeedRow.status == MET,
        col(NeedRow.closed_at) >= since,
        col(NeedRow.closed_at) < until,
    )
    total = (await session.exec(select(func.count()).select_from(NeedRow).where(*where))).one()
    if not total:
        return 0, []
    found = await session.exec(
        select(NeedRow, helper.name)
        .outerjoin(helper, col(helper.id) == col(NeedRow.helper_id))
        .where(*where)
        .order_by(col(NeedRow.closed_at).desc(), col(NeedRow.id).desc())
        .limit(limit)
    )
    return total, found.all()


def met_tally(community: Any, only: Callable[[Any], Any]) -> Any:
    """Per member: their needs that were met, for the badge metric."""
    return (
        select(col(NeedRow.member_id).label("member_id"), func.count().label("count"))
        .where(
            col(NeedRow.community_id) == community,
            NeedRow.kind == NEED,
            NeedRow.status == MET,
            only(NeedRow.member_id),
        )
        .group_by(NeedRow.member_id)
    )


def helped_tally(community: Any, only: Callable[[Any], Any]) -> Any:
    """Per member: others' needs met with their help, for the badge metric."""
    return (
        select(col(NeedRow.helper_id).label("member_id"), func.count().label("count"))
        .where(
            col(NeedRow.community_id) == community,
            NeedRow.kind == NEED,
            NeedRow.status == MET,
            col(NeedRow.helper_id).is_not(None),
            only(NeedRow.helper_id),
        )
        .group_by(NeedRow.helper_id)
    )
