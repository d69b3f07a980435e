"""Delivering what a command queued, for one Slack request (its trigger_id, response_url, user)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import blocks
from bot.adapters.slack.clients import webhook_client
from bot.adapters.slack.directory import Channels
from bot.dispatch import Place
from bot.reply import FormRequest, Outgoing, Reply, ToChannel, ToInvoker, ToMember

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Interaction:
    """What one Slack request gave us to answer with."""

    user_id: str
    trigger_id: str | None = None  # opens a modal, once, within 3 s
    response_url: str | None = None  # ephemeral or in-channel answers, 5 uses in 30 min
    pressed: bool = False  # a button press: its response_url can replace the pressed message


@dataclass
class SlackTransport:
    """Sends neutral items through the Web API; one per request, made after the ack."""

    client: AsyncWebClient
    channels: Channels
    interaction: Interaction
    holding: bool = False  # keep answers to the invoker until release() (modal submissions)
    held: list[tuple[Place, Reply]] = field(default_factory=list)

    async def deliver(self, place: Place, item: Outgoing) -> bool:
        """Send one item; False when Slack refused it."""
        if isinstance(item, FormRequest):
            return await self._open_form(place, item)
        if isinstance(item, ToInvoker):
            if self.holding:
                self.held.append((place, item.reply))
                return True
            return await self.to_invoker(place, item.reply)
        if isinstance(item, ToChannel):
            return await self._to_channel(place, item)
        assert isinstance(item, ToMember)
        return await self.direct(item.member.external_id, item.reply)

    async def channel_names(self) -> list[str] | None:
        """The workspace's public channels by name, for settings that name one."""
        return await self.channels.names()

    async def release(self) -> None:
        """Stop holding, and send what was held."""
        self.holding = False
        held, self.held = self.held, []
        for place, reply in held:
            await self.to_invoker(place, reply)

    async def to_invoker(self, place: Place, reply: Reply) -> bool:
        """Answer the invoker: privately (ephemeral) or in the channel."""
        body = blocks.message(reply)
        replaced = reply.replace and self.interaction.pressed
        if replaced and await self._respond({**body, "replace_original": True}):
            return True
        if not reply.private:
            if place.channel and await self._post(place.channel, body):
                return True
            if await self._respond({**body, "response_type": "in_channel"}):
                return True
            return await self.direct(self.interaction.user_id, reply)
        if await self._respond({**body, "response_type": "ephemeral"}):
            return True
        if place.channel and not place.channel.startswith("D"):
            try:
                await self.client.chat_postEphemeral(
                    channel=place.channel, user=self.interaction.user_id, **body
                )
                return True
            except SlackApiError as error:
                log.info("ephemeral refused (%s); sending a DM", error.response.get("error"))
        # No response_url and no channel we can whisper in (a Home tab or a modal): DM them.
        return await self.direct(self.interaction.user_id, reply)

    async def direct(self, user_id: str, reply: Reply) -> bool:
        """A direct message; False when Slack won't open the DM (so the core falls back)."""
        try:
            opened = await self.client.conversations_open(users=user_id)
            await self.client.chat_postMessage(
                channel=opened["channel"]["id"], **blocks.message(reply)
            )
        except SlackApiError as error:
            log.info("DM to %s refused: %s", user_id, error.response.get("error"))
            return False
        return True

    async def _to_channel(self, place: Place, item: ToChannel) -> bool:
        wanted = item.channel or place.channel
        channel = await self.channels.resolve(wanted) if wanted else None
        if channel is None:
            # A configured channel that doesn't exist (tell the log), or nothing saying where
            # (a Home tab, a DM, a scheduled job): post where it happened, else in the general
            # channel, as Discord does with its system channel.
            if wanted:
                log.warning("no channel %r in %s", wanted, place.community_name)
            channel = place.channel or await self.channels.general()
        if channel is None:
            return False
        return await self._post(channel, blocks.message(item.reply))

    async def _post(self, channel: str, body: dict[str, Any]) -> bool:
        try:
            await self.client.chat_postMessage(channel=channel, **body)
        except SlackApiError as error:
            log.warning("post in %s refused: %s", channel, error.response.get("error"))
            return False
        return True

    async def _respond(self, body: dict[str, Any]) -> bool:
        url = self.interaction.response_url
        if not url:
            return False
        response = await webhook_client(url, self.client.session).send_dict(body)
        if response.status_code != 200:
            log.info("response_url refused (%s %s)", response.status_code, response.body)
        return response.status_code == 200

    async def _open_form(self, place: Place, item: FormRequest) -> bool:
        trigger = self.interaction.trigger_id
        if trigger is None:
            log.warning("form %s asked for without a trigger_id", item.form.command)
            return False
        view = blocks.modal(item.form, {"channel": place.channel})
        try:
            await self.client.views_open(trigger_id=trigger, view=view)
        except SlackApiError as error:
            # A trigger_id lasts 3 s; past that the member has to ask again.
            log.warning("views.open failed: %s", error.response.get("error"))
            retry = Reply(
                "The form could not open in time. Please run the command again.", private=True
            )
            await self.to_invoker(place, retry)
            return False
        return True
