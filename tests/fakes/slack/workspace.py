"""Workspace setup and the recording queries tests assert on."""

from __future__ import annotations

import time
from typing import Any

from .state import (
    Call,
    Channel,
    Ids,
    Message,
    ResponsePost,
    ResponseUrl,
    Trigger,
    UploadedFile,
    User,
    ViewRecord,
)


class Workspace:
    """One Slack team with the app installed, and a log of what the app did in it."""

    def __init__(
        self,
        *,
        team_id: str = "T0FAKE001",
        team_name: str = "Copbot Test",
        team_domain: str = "copbot-test",
        bot_token: str = "xoxb-fake-bot-token",
        app_token: str = "xapp-1-A0FAKEAPP-fake-app-token",
        signing_secret: str = "fake-signing-secret",
        trigger_ttl: float = 3.0,
        users_page_limit: int = 200,
    ) -> None:
        self.team_id, self.team_name, self.team_domain = team_id, team_name, team_domain
        self.bot_token, self.app_token, self.signing_secret = bot_token, app_token, signing_secret
        self.verification_token = "fake-verification-token"
        self.app_id, self.bot_id = "A0FAKEAPP", "B0FAKEBOT"
        self.trigger_ttl = trigger_ttl  # Slack lets a trigger_id open a view for 3 s only
        self.users_page_limit = users_page_limit
        self.url = ""  # set once the server listens
        self.ids = Ids()
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.messages: list[Message] = []
        self.views: dict[str, ViewRecord] = {}
        self.view_log: list[ViewRecord] = []
        self.call_log: list[Call] = []
        self.response_posts: list[ResponsePost] = []
        self.triggers: dict[str, Trigger] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self.socket_tickets: set[str] = set()
        self.files: dict[str, UploadedFile] = {}
        self.upload_keys: dict[str, str] = {}  # the secret part of an upload URL -> file id
        self.warnings: list[str] = []
        self.bot_user = self.add_user("U0FAKEBOT", "copbot", real_name="Copbot", is_bot=True)
        # Every real workspace lists Slackbot in users.list, and it is not flagged is_bot.
        self.add_user("USLACKBOT", "slackbot", real_name="Slackbot")

    # -- setup -------------------------------------------------------------------------

    def add_user(
        self,
        id: str,
        name: str,
        *,
        real_name: str | None = None,
        display_name: str = "",
        is_admin: bool = False,
        is_owner: bool = False,
        is_primary_owner: bool = False,
        is_bot: bool = False,
        deleted: bool = False,
        email: str | None = None,
    ) -> User:
        """Add a member; owners are admins too, as in Slack."""
        is_owner = is_owner or is_primary_owner
        user = User(
            id=id,
            name=name,
            real_name=real_name if real_name is not None else name.title(),
            display_name=display_name,
            is_admin=is_admin or is_owner,
            is_owner=is_owner,
            is_primary_owner=is_primary_owner,
            is_bot=is_bot,
            deleted=deleted,
            email=email if email is not None else f"{name}@example.com",
        )
        self.users[id] = user
        return user

    def add_channel(
        self,
        id: str,
        name: str,
        members: list[str] | tuple[str, ...] = (),
        *,
        is_private: bool = False,
        bot_is_member: bool = True,
        is_archived: bool = False,
    ) -> Channel:
        """Add a channel; bot_is_member=False makes chat.* answer not_in_channel."""
        channel = Channel(
            id=id,
            name=name.lstrip("#"),
            members=list(members),
            is_private=is_private,
            is_archived=is_archived,
            bot_is_member=bot_is_member,
        )
        if bot_is_member and self.bot_user.id not in channel.members:
            channel.members.append(self.bot_user.id)
        self.channels[id] = channel
        return channel

    def set_unreachable(self, user_id: str, error: str = "cannot_dm_bot") -> None:
        """Make conversations.open with this user fail with `error`."""
        self.users[user_id].dm_error = error

    def dm_channel(self, user_id: str) -> Channel:
        """The DM between the bot and a user, created on first use."""
        for channel in self.channels.values():
            if channel.is_im and user_id in channel.members:
                return channel
        channel = Channel(
            id=self.ids.new("D"), name=user_id, is_im=True, members=[user_id, self.bot_user.id]
        )
        self.channels[channel.id] = channel
        return channel

    # -- things the drivers hand out ------------------------------------------------------

    def issue_trigger(self, user_id: str) -> str:
        """A fresh trigger_id, as Slack sends with every interaction."""
        trigger = Trigger(id=self.ids.trigger(), user=user_id, issued_at=time.monotonic())
        self.triggers[trigger.id] = trigger
        return trigger.id

    def issue_response_url(
        self, user_id: str, channel_id: str, message_ts: str | None = None
    ) -> str:
        """A response_url served by the fake, tied to the interaction's user and channel."""
        key = self.ids.new("R").lower()
        self.response_urls[key] = ResponseUrl(key, user_id, channel_id, message_ts)
        return f"{self.url}/response/{key}"

    # -- recording queries ---------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        """Web API calls received, optionally only those to one method."""
        return [c for c in self.call_log if method is None or c.method == method]

    def failed_calls(self) -> list[Call]:
        """Calls the fake answered with ok=false (including rate limits)."""
        return [c for c in self.call_log if not c.response.get("ok")]

    def messages_in(self, channel: str, *, ephemeral: bool = False) -> list[Message]:
        """Messages in a channel (visible ones, or only ephemerals when ephemeral=True)."""
        return [m for m in self.messages if m.channel == channel and m.ephemeral == ephemeral]

    def ephemerals(self, user: str) -> list[Message]:
        """Ephemeral messages shown to a user (chat.postEphemeral, response_url, acks)."""
        return [m for m in self.messages if m.user == user]

    def dms(self, user: str) -> list[Message]:
        """Messages in the bot's DM with a user."""
        dm = next((c for c in self.channels.values() if c.is_im and user in c.members), None)
        return [] if dm is None else self.messages_in(dm.id)

    def files_in(self, channel: str) -> list[UploadedFile]:
        """Files the app uploaded and shared in a channel, oldest first."""
        return [f for f in self.files.values() if f.completed and channel in f.channels]

    def views_published(self, user: str) -> list[dict[str, Any]]:
        """Home tab views published for a user, oldest first."""
        return [r.view for r in self.view_log if r.user == user and r.via == "views.publish"]

    def views_opened(self, user: str) -> list[dict[str, Any]]:
        """Modals opened or pushed for a user, oldest first."""
        return [
            r.view
            for r in self.view_log
            if r.user == user and r.via in ("views.open", "views.push")
        ]

    def current_modal(self, user: str, callback_id: str | None = None) -> ViewRecord | None:
        """The newest modal shown to a user, optionally with a given callback_id."""
        for record in reversed(list(self.views.values())):
            if record.user != user or record.view.get("type") != "modal" or record.closed:
                continue
            if callback_id is None or record.view.get("callback_id") == callback_id:
                return record
        return None

    def responses(self, user: str | None = None) -> list[ResponsePost]:
        """Posts the app made to response_urls, optionally for one user."""
        return [p for p in self.response_posts if user is None or p.user == user]
