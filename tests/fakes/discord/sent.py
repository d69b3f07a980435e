"""A handle on an interaction the fake dispatched, for tests to await the bot's answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .models import RecordedMessage
from .state import InteractionRecord

if TYPE_CHECKING:
    from .server import FakeDiscord


@dataclass
class SentInteraction:
    """Handle for a dispatched interaction; await `callback()` for the bot's answer."""

    fake: FakeDiscord
    record: InteractionRecord

    @property
    def id(self) -> int:
        """The interaction id."""
        return self.record.id

    @property
    def token(self) -> str:
        """The interaction token (also the follow-up webhook token)."""
        return self.record.token

    @property
    def payload(self) -> dict[str, Any]:
        """The INTERACTION_CREATE `d` as sent."""
        return self.record.payload

    async def callback(self, timeout: float = 2.0) -> dict[str, Any]:
        """Wait for the interaction callback body."""
        return await self.fake.wait_for_callback(self.id, timeout)

    def response_message(self) -> RecordedMessage | None:
        """The message the initial response created or updated, if any."""
        return self.fake.state.messages.get(self.record.original_message_id or 0)

    def followups(self) -> list[RecordedMessage]:
        """Follow-up messages sent through the interaction webhook."""
        return [self.fake.state.messages[i] for i in self.record.followup_ids]
