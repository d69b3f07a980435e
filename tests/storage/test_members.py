"""Member queries: role holders paged in the community's order, and how many hold each role."""

from __future__ import annotations

from storage import members
from storage.db import Database
from tests.conftest import START
from tests.storage.test_badges import _place

ORDER = ["member", "contributor", "leader"]


async def test_holders_page_in_role_order_then_name(db: Database) -> None:
    place = await _place(
        db,
        Zed={"role": "leader"},
        amy={"role": "member"},
        Bea={"role": "leader"},
        old={"role": "elder"},  # a role the community no longer lists
        cal={"role": "member"},
        gone={"role": "member", "left_at": START},
        robo={"is_bot": True},
    )

    async def page(role: str | None, offset: int, limit: int) -> tuple[int, list[str]]:
        total, rows = await members.holders_page(
            session,
            community_id=place.community_id,
            role=role,
            order=ORDER,
            offset=offset,
            limit=limit,
        )
        return total, [row.name for row in rows]

    async with db.session() as session:
        assert await page(None, 0, 10) == (5, ["amy", "cal", "Bea", "Zed", "old"])
        assert await page(None, 2, 2) == (5, ["Bea", "Zed"])
        assert await page("leader", 0, 10) == (2, ["Bea", "Zed"])
        counts = await members.role_counts(session, community_id=place.community_id)
    assert counts == {"member": 2, "leader": 2, "elder": 1}
