"""Who and where: Slack users as actors (levels from users.info) and channel names as ids."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock
from bot.commands import Level
from bot.dispatch import Actor

log = logging.getLogger(__name__)

USER_TTL = timedelta(minutes=5)  # admin changes show within minutes; not one call per command
CHANNEL_TTL = timedelta(minutes=10)
CHANNEL_RETRY = timedelta(minutes=1)  # an unknown name re-reads the list at most this often
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")


def actor_from(user: dict[str, Any]) -> Actor:
    """An actor from a Slack user object: the primary owner owns, owners and admins administer."""
    profile = user.get("profile") or {}
    name = (
        profile.get("display_name")
        or profile.get("real_name")
        or user.get("real_name")
        or user.get("name")
        or user["id"]
    )
    if user.get("is_primary_owner"):
        level = Level.OWNER
    elif user.get("is_owner") or user.get("is_admin"):
        level = Level.ADMIN
    else:
        level = Level.MEMBER
    return Actor(user["id"], name, level, is_bot=bool(user.get("is_bot")))


class People:
    """Actors for Slack user ids, from users.info, cached for a few minutes."""

    def __init__(self, client: AsyncWebClient, clock: Clock) -> None:
        self._client = client
        self._clock = clock
        self._cache: dict[str, tuple[datetime, Actor]] = {}
        self._pending: dict[str, asyncio.Future[Actor]] = {}

    def remember(self, user: dict[str, Any]) -> Actor:
        """Cache an actor from a full user object an event carried (team_join)."""
        actor = actor_from(user)
        self._cache[actor.external_id] = (self._clock.now() + USER_TTL, actor)
        return actor

    async def actor(self, user_id: str, fallback_name: str = "") -> Actor:
        """The actor for a user id; a failed lookup grants nothing beyond member."""
        hit = self._cache.get(user_id)
        if hit is not None and hit[0] > self._clock.now():
            return hit[1]
        pending = self._pending.get(user_id)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Actor] = asyncio.get_running_loop().create_future()
        self._pending[user_id] = future
        try:
            actor = await self._look_up(user_id, fallback_name)
            future.set_result(actor)
            return actor
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved here, so waiters alone see it
            raise
        finally:
            del self._pending[user_id]

    async def _look_up(self, user_id: str, fallback_name: str) -> Actor:
        try:
            response = await self._client.users_info(user=user_id)
        except SlackApiError as error:
            log.warning("users.info %s failed: %s", user_id, error.response.get("error"))
            return Actor(user_id, fallback_name or user_id)
        except Exception:
            log.exception("users.info %s failed", user_id)
            return Actor(user_id, fallback_name or user_id)
        return self.remember(response["user"])


class Channels:
    """Channel names from the community's settings resolved to ids with conversations.list."""

    def __init__(self, client: AsyncWebClient, clock: Clock) -> None:
        self._client = client
        self._clock = clock
        self._ids: dict[str, str] = {}
        self._general: str | None = None  # the workspace's default channel, whatever its name
        self._loaded_at: datetime | None = None
        self._lock = asyncio.Lock()

    async def resolve(self, channel: str) -> str | None:
        """The id for a channel name or id; None when no public channel has that name."""
        name = channel.strip().lstrip("#")
        if _CHANNEL_ID.match(name):
            return name
        key = name.lower()
        async with self._lock:
            now = self._clock.now()
            stale = self._loaded_at is None or now - self._loaded_at > CHANNEL_TTL
            missing = key not in self._ids and (
                self._loaded_at is None or now - self._loaded_at > CHANNEL_RETRY
            )
            if stale or missing:
                await self._load()
        return self._ids.get(key)

    async def general(self) -> str | None:
        """The workspace's general channel: where to post when nothing else says where."""
        async with self._lock:
            if self._loaded_at is None or self._clock.now() - self._loaded_at > CHANNEL_TTL:
                await self._load()
        return self._general

    async def names(self) -> list[str] | None:
        """Every public channel's name, read afresh when a minute old; None when Slack won't say."""
        # A moderator naming a channel may just have made it, so the list is re-read sooner
        # than for posting; a failed read means "can't tell", never "no such channel".
        try:
            async with self._lock:
                now = self._clock.now()
                if self._loaded_at is None or now - self._loaded_at > CHANNEL_RETRY:
                    await self._load()
        except SlackApiError as error:
            log.warning("conversations.list failed: %s", error.response.get("error"))
            return None
        except Exception:
            log.exception("conversations.list failed")
            return None
        return list(self._ids)

    def forget(self) -> None:
        """Drop the cache (the bot joined a channel, or one was renamed)."""
        self._loaded_at = None

    async def _load(self) -> None:
        ids: dict[str, str] = {}
        cursor: str | None = None
        while True:
            response = await self._client.conversations_list(
                types="public_channel", exclude_archived=True, limit=1000, cursor=cursor
            )
            for found in response.get("channels", []):
                ids[found["name"].lower()] = found["id"]
                if found.get("is_general"):
                    self._general = found["id"]
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        self._ids, self._loaded_at = ids, self._clock.now()
