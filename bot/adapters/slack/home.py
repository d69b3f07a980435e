"""The Home tab: the member's own page, built from the cogs' home_opened sections."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import blocks
from bot.dispatch import Actor, Dispatcher, Place
from bot.reply import Outgoing, Reply, ToInvoker

log = logging.getLogger(__name__)


@dataclass
class SectionCollector:
    """A transport that keeps each home_opened section instead of sending it."""

    sections: list[Reply] = field(default_factory=list)

    async def deliver(self, place: Place, item: Outgoing) -> bool:
        """Keep answers to the member; anything else has no place on a Home tab."""
        if isinstance(item, ToInvoker):
            self.sections.append(item.reply)
            return True
        log.warning("home_opened sent a %s; a Home tab only shows sections", type(item).__name__)
        return False


async def publish_home(
    client: AsyncWebClient, dispatcher: Dispatcher, place: Place, actor: Actor
) -> bool:
    """Gather the member's sections and publish them as their Home tab."""
    collector = SectionCollector()
    outcome = await dispatcher.emit(place, actor, "home_opened", collector)
    if not outcome.ok and not collector.sections:
        return False
    try:
        await client.views_publish(user_id=actor.external_id, view=blocks.home(collector.sections))
    except SlackApiError as error:
        log.warning(
            "views.publish for %s failed: %s", actor.external_id, error.response.get("error")
        )
        return False
    return True
