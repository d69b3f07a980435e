"""Queries for communities and their settings overrides."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.members import insert_or_ignore
from storage.models import CommunityRow, SettingRow


async def get_or_create(
    session: AsyncSession, *, platform: str, external_id: str, name: str, now: datetime
) -> CommunityRow:
    """The community for a (platform, workspace) pair, created on first sight."""
    community = await _find(session, platform, external_id)
    if community is None:
        # First sight can come from several events at once: the first insert wins.
        await session.exec(
            insert_or_ignore(session, CommunityRow).values(
                platform=platform, external_id=external_id, name=name[:100], created_at=now
            )
        )
        community = await _find(session, platform, external_id)
        assert community is not None
    elif name and community.name != name[:100]:
        community.name = name[:100]
    return community


async def _find(session: AsyncSession, platform: str, external_id: str) -> CommunityRow | None:
    found = await session.exec(
        select(CommunityRow).where(
            CommunityRow.platform == platform, CommunityRow.external_id == external_id
        )
    )
    return found.first()


async def overrides(session: AsyncSession, *, community_id: int) -> dict[str, str]:
    """A community's stored setting overrides: dotted key → JSON value."""
    rows = await session.exec(select(SettingRow).where(SettingRow.community_id == community_id))
    return {row.key: row.value for row in rows}


async def set_override(
    session: AsyncSession,
    *,
    community_id: int,
    key: str,
    value: str,
    member_id: int | None,
    now: datetime,
) -> None:
    """Store (or replace) one override, recording who changed it."""
    row = await session.get(SettingRow, (community_id, key))
    if row is None:
        row = SettingRow(community_id=community_id, key=key, value=value)
    row.value, row.updated_by, row.updated_at = value, member_id, now
    session.add(row)


async def delete_override(session: AsyncSession, *, community_id: int, key: str) -> bool:
    """Drop one override, so the default applies again; False when none was stored."""
    result = await session.exec(
        delete(SettingRow).where(SettingRow.community_id == community_id, SettingRow.key == key)
    )
    return bool(result.rowcount)  # type: ignore[union-attr]
