"""Delivering what a command queued, for one Slack request (its trigger_id, response_url, user)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import blocks, sending
from bot.adapters.slack.clients import webhook_client
from bot.adapters.slack.directory import Channels
from bot.delivery import Delivered, TransientError
from bot.dispatch import Place
from bot.reply import EditMessage, FormRequest, Outgoing, Reply, ToChannel, ToInvoker, ToMember

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

    async def deliver(self, place: Place, item: Outgoing) -> Delivered:
        """Send one item: False when refused, a post's "channel/ts"; TransientError for later."""
        # Slack has no nonce to drop a repeated post, so an item's nonce is not sent: at worst
        # the one message in flight when copbot stopped is posted twice.
        if isinstance(item, EditMessage):
            return await self._edit(item)
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
            if place.channel and await self._post_or_not(place.channel, reply):
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

    async def direct(self, user_id: str, reply: Reply) -> Delivered:
        """A direct message; False when Slack won't open the DM (so the core falls back)."""
        try:
            channel = await sending.open_dm(self.client, user_id)
            return await sending.post(self.client, channel, reply)
        except sending.Refused as refused:
            log.info("DM to %s refused: %s", user_id, refused.code)
            return False

    async def _to_channel(self, place: Place, item: ToChannel) -> Delivered:
        wanted = item.channel or place.channel
        try:
            channel = await self._where(place, wanted)
        except sending.Refused as refused:
            log.warning("channels of %s unknown: %s", place.community_name, refused.code)
            return False
        if channel is None:
            return False
        return await self._post(channel, item.reply)

    async def _where(self, place: Place, wanted: str | None) -> str | None:
        if wanted:
            resolved = await sending.call("conversations.list", self.channels.resolve(wanted))
            if resolved is not None:
                return resolved
        # A configured channel that doesn't exist (tell the log), or nothing saying where
        # (a Home tab, a DM, a scheduled job): post where it happened, else in the general
        # channel, as Discord does with its system channel.
        if wanted:
            log.warning("no channel %r in %s", wanted, place.community_name)
        return place.channel or await sending.call("conversations.list", self.channels.general())

    async def _post(self, channel: str, reply: Reply) -> Delivered:
        try:
            return await sending.post(self.client, channel, reply)
        except sending.Refused as refused:
            log.warning("post in %s refused: %s", channel, refused.code)
            return False

    async def _post_or_not(self, channel: str, reply: Reply) -> Delivered:
        # An answer to the invoker has other ways to go (response_url, a DM) when this fails.
        try:
            return await self._post(channel, reply)
        except TransientError as error:
            log.info("post in %s put off (%s); answering another way", channel, error)
            return False

    async def _edit(self, item: EditMessage) -> Delivered:
        parsed = sending.parse_ref(item.ref)
        if parsed is None:
            log.warning("not a Slack message reference: %r", item.ref)
            return False
        try:
            return await sending.edit(self.client, *parsed, item.reply)
        except sending.Refused as refused:
            # message_not_found (deleted), cant_update_message, channel_not_found, …
            log.info("edit of %s refused: %s", item.ref, refused.code)
            return False

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
        metadata: dict[str, object] = {"channel": place.channel}
        if item.form.hidden:
            metadata["hidden"] = dict(item.form.hidden)
        view = blocks.modal(item.form, metadata)
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
