"""The fake workspace: users, channels, and everything the app did to them."""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class User:
    """A workspace member as users.info describes it."""

    id: str
    name: str
    real_name: str = ""
    display_name: str = ""
    is_admin: bool = False
    is_owner: bool = False
    is_primary_owner: bool = False
    is_bot: bool = False
    deleted: bool = False
    email: str | None = None
    dm_error: str | None = None  # what conversations.open answers when the user can't be DMed

    def to_slack(self, team_id: str) -> dict[str, Any]:
        """The user object shape of users.info / users.list / team_join."""
        profile: dict[str, Any] = {
            "real_name": self.real_name,
            "display_name": self.display_name,
            "real_name_normalized": self.real_name,
            "display_name_normalized": self.display_name,
            "team": team_id,
        }
        if self.email and not self.is_bot:
            profile["email"] = self.email
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": self.real_name,
            "tz": "Europe/London",
            "tz_label": "Greenwich Mean Time",
            "tz_offset": 0,
            "profile": profile,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": self.is_primary_owner,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1_700_000_000,
        }


@dataclass
class Channel:
    """A conversation: public/private channel (C/G) or a DM (D)."""

    id: str
    name: str
    members: list[str] = field(default_factory=list)
    is_private: bool = False
    is_im: bool = False
    is_archived: bool = False
    bot_is_member: bool = True

    def to_slack(self, bot_user_id: str) -> dict[str, Any]:
        """The channel object shape of conversations.info."""
        if self.is_im:
            user = next((m for m in self.members if m != bot_user_id), "")
            return {
                "id": self.id,
                "created": 1_700_000_000,
                "is_im": True,
                "is_org_shared": False,
                "user": user,
                "is_user_deleted": False,
                "priority": 0,
            }
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": not self.is_private,
            "is_group": self.is_private,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.is_private,
            "is_archived": self.is_archived,
            "is_general": self.name == "general",
            "is_member": self.bot_is_member,
            "created": 1_700_000_000,
            "creator": "",
            "name_normalized": self.name,
            "num_members": len(self.members),
        }


@dataclass
class Message:
    """A message the app posted (or a user posted through a driven event)."""

    channel: str
    text: str | None
    blocks: list[dict[str, Any]] | None
    ts: str
    user: str | None = None  # who sees it, for an ephemeral message
    thread_ts: str | None = None
    author: str | None = None
    source: str = "chat.postMessage"  # or chat.postEphemeral, response_url, ack, event, files
    edits: int = 0
    versions: list[tuple[str | None, list[dict[str, Any]] | None]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # ids of the files a file share carries

    @property
    def ephemeral(self) -> bool:
        """Whether only `user` sees the message."""
        return self.user is not None

    def edit(self, text: str | None, blocks: list[dict[str, Any]] | None) -> None:
        """Replace text and blocks, keeping what they were in `versions`."""
        self.versions.append((self.text, self.blocks))
        self.text, self.blocks = text, blocks
        self.edits += 1

    def to_slack(self, bot_id: str | None) -> dict[str, Any]:
        """The message object shape chat.* responses and payloads use."""
        body: dict[str, Any] = {
            "type": "message",
            "text": self.text or "",
            "ts": self.ts,
            "user": self.author,
        }
        if bot_id and self.source != "event":
            body["bot_id"] = bot_id
        if self.blocks is not None:
            body["blocks"] = self.blocks
        if self.thread_ts:
            body["thread_ts"] = self.thread_ts
        if self.files:
            body["files"] = [{"id": file_id} for file_id in self.files]
            body["upload"] = True
        return body


@dataclass
class UploadedFile:
    """A file the app uploaded: announced, then its bytes, then completed (shared or private)."""

    id: str
    filename: str
    length: int
    alt_txt: str | None = None
    snippet_type: str | None = None
    data: bytes | None = None  # None until the bytes were POSTed to the upload URL
    title: str | None = None
    completed: bool = False
    channels: list[str] = field(default_factory=list)  # where it was shared (none: private)
    thread_ts: str | None = None
    initial_comment: str | None = None


@dataclass
class ViewRecord:
    """A modal or home tab the app opened, pushed, updated or published."""

    id: str
    user: str
    view: dict[str, Any]
    via: str  # views.open, views.push, views.update, views.publish, response_action
    hash: str
    root_view_id: str | None = None
    closed: bool = False  # the user submitted or Slack cleared it


@dataclass
class Call:
    """One Web API request as the fake received it."""

    method: str
    args: dict[str, Any]
    token: str | None
    response: dict[str, Any]
    status: int = 200
    at: float = field(default_factory=time.monotonic)  # when it was served, for pacing checks


@dataclass
class ResponsePost:
    """A POST the app made to a response_url the fake issued."""

    url: str
    user: str
    channel: str
    body: dict[str, Any]
    status: int


@dataclass
class Trigger:
    """A trigger_id the fake handed out; Slack lets it open one view within 3 s."""

    id: str
    user: str
    issued_at: float
    used: bool = False


@dataclass
class ResponseUrl:
    """A response_url the fake handed out with a slash command or block action."""

    key: str
    user: str
    channel: str
    message_ts: str | None = None
    uses: int = 0


class Ids:
    """Slack-looking ids and timestamps, unique within one fake."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def new(self, prefix: str) -> str:
        """An id such as V0000001A or D0000002A."""
        return f"{prefix}{next(self._counter):07d}A"

    def ts(self) -> str:
        """A message timestamp: unique and increasing, like Slack's."""
        return f"{int(time.time())}.{next(self._counter):06d}"

    def trigger(self) -> str:
        """A trigger_id in Slack's dotted shape."""
        return f"{next(self._counter)}.{int(time.time())}.{secrets.token_hex(16)}"
