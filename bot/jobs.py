"""What scheduled jobs can do: run work in every community the bot can reach right now."""

from __future__ import annotations

from sqlmodel import select

from bot.dispatch import Body, Dispatcher, Place
from storage.models import CommunityRow


class Jobs:
    """Handed to every cog job; each community's work is one transaction of its own."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self._dispatcher = dispatcher

    async def each_community(self, body: Body) -> int:
        """Run `body` as the bot in each community whose front-end is running; how many ran."""
        async with self._dispatcher.db.session() as session:
            rows = (await session.exec(select(CommunityRow).order_by(CommunityRow.id))).all()
        done = 0
        for row in rows:
            reach = self._dispatcher.transports.get(row.platform)
            if reach is None:
                continue  # that platform isn't being served by this process
            place = Place(row.platform, row.external_id, row.name, None)
            if await self._dispatcher.run_as_bot(place, body, reach(place)):
                done += 1
        return done
