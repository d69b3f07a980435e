"""The neutral context a feature runs in: who, where, the session, and a way to answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.commands import CommandSpec, Level, Member
from bot.outbox import Edit, Handle, Queued
from bot.reply import (
    Attachment,
    Button,
    Form,
    FormRequest,
    Image,
    Outbox,
    Reply,
    ToChannel,
    ToInvoker,
    ToMember,
)
from config.community import CommunityConfig

if TYPE_CHECKING:
    from bot.registry import Registry


@dataclass(frozen=True)
class Community:
    """The community a command runs in."""

    id: int
    platform: str
    external_id: str
    name: str


async def cannot_tell() -> list[str] | None:
    """The channel lookup where the platform can't list its channels (the console, jobs)."""
    return None


@dataclass
class Context:
    """Everything a command, button or listener needs; answers queue until the commit."""

    community: Community
    author: Member
    channel: str | None
    session: AsyncSession
    config: CommunityConfig
    clock: Clock
    registry: Registry
    private_by_default: bool = False
    outbox: Outbox = field(default_factory=Outbox)
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    progress: dict[int, Member] = field(default_factory=dict)  # whose standing may have changed
    # The community's channel names, from the platform, for settings that name a channel.
    channel_names: Callable[[], Awaitable[list[str] | None]] = cannot_tell

    def now(self) -> datetime:
        """The current time from the injected clock."""
        return self.clock.now()

    def reply(
        self,
        text: str,
        *,
        buttons: tuple[Button, ...] = (),
        private: bool | None = None,
        replace: bool = False,
    ) -> None:
        """Answer whoever ran the command; private replies only they see."""
        private = self.private_by_default if private is None else private
        self.outbox.add(ToInvoker(Reply(text, buttons, private, replace)))

    def post(
        self,
        channel: str | None,
        text: str,
        *,
        buttons: tuple[Button, ...] = (),
        image: Image | None = None,
        key: str | None = None,
    ) -> Handle:
        """Post publicly in a channel (None: where the command ran); the handle edits it later.

        A `key` says it once: a second post with the same key, ever, is dropped.
        """
        handle = Handle.new(key)
        reply = Reply(text, buttons, image=image)
        self.outbox.add(Queued(ToChannel(channel, reply), handle, key))
        return handle

    def dm(
        self,
        member: Member,
        text: str,
        *,
        buttons: tuple[Button, ...] = (),
        fallback_channel: str | None = None,
        key: str | None = None,
        unsolicited: bool | None = None,
        files: tuple[Attachment, ...] = (),
    ) -> Handle:
        """Message a member directly, or post in `fallback_channel` if their DMs are closed.

        A DM is unsolicited unless it answers what that member just did: the member's away and
        DM preferences then apply, and it carries a way out (pause, stop).
        """
        if unsolicited is None:
            unsolicited = member.id != self.author.id
        handle = Handle.new(key)
        item = ToMember(member, Reply(text, buttons, files=files), fallback_channel)
        self.outbox.add(Queued(item, handle, key, unsolicited))
        return handle

    def edit(self, handle: Handle, text: str, *, buttons: tuple[Button, ...] = ()) -> None:
        """Change a message queued earlier; no buttons removes its buttons (a poll that closed)."""
        self.outbox.add(Queued(Edit(handle, Reply(text, buttons)), Handle.new()))

    def progressed(self, *members: Member) -> None:
        """Note that these members did something that may earn recognition (badges listen)."""
        for member in members:
            self.progress[member.id] = member

    def show_form(self, form: Form) -> None:
        """Ask the invoker to fill a form; its submission runs the form's command."""
        self.outbox.add(FormRequest(form))

    async def open_form(self, command_name: str) -> None:
        """Show the form of a command, prefilled with the values it keeps."""
        spec = self.registry.command(command_name)
        if spec is None or spec.form is None:
            raise LookupError(f"/{command_name} has no form")
        self.show_form(await self.form_for(spec))

    async def form_for(self, spec: CommandSpec, given: dict[str, str] | None = None) -> Form:
        """A command's form with its current values, and what was just typed, filled in."""
        assert spec.form is not None
        current = await getattr(spec.cog, spec.prefill)(self) if spec.prefill else {}
        form = spec.form.choosing(lambda key: getattr(self.config, key, None))
        return form.prefilled({**current, **(given or {})})

    @property
    def is_moderator(self) -> bool:
        """Whether the author may moderate."""
        return self.author.level >= Level.MODERATOR
