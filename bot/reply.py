"""What features send: neutral replies, buttons and forms that each adapter renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from bot.commands import Member

if TYPE_CHECKING:
    from bot.outbox import Queued

CUSTOM_ID_PREFIX = "cb"
# Discord caps a component's custom_id at 100 characters (Slack's action_id at 255); adapters
# may prefix up to 28 more, e.g. the guild a DM's button belongs to.
CUSTOM_ID_LIMIT = 72


@dataclass(frozen=True)
class Button:
    """A button whose press comes back to a cog's action handler, even after a restart."""

    label: str
    action: str
    arg: str = ""
    style: Literal["primary", "secondary", "success", "danger"] = "secondary"

    @property
    def custom_id(self) -> str:
        """Everything needed to route a press, so no state is kept between restarts."""
        custom_id = f"{CUSTOM_ID_PREFIX}:{self.action}:{self.arg}"
        if len(custom_id) > CUSTOM_ID_LIMIT:
            raise ValueError(f"button id too long ({len(custom_id)} > {CUSTOM_ID_LIMIT})")
        return custom_id


def parse_custom_id(custom_id: str) -> tuple[str, str] | None:
    """Split a button's custom id into (action, arg); None if it is not ours."""
    prefix, _, remainder = custom_id.partition(":")
    if prefix != CUSTOM_ID_PREFIX or not remainder:
        return None
    action_name, _, arg = remainder.partition(":")
    return action_name, arg


@dataclass(frozen=True)
class Image:
    """One PNG picture sent with a message, with the words that describe it."""

    png: bytes
    alt: str
    filename: str = "image.png"


@dataclass(frozen=True)
class Attachment:
    """A file of any kind sent with a message (a report as Markdown or HTML)."""

    data: bytes
    filename: str
    description: str = ""
    mime: str = "application/octet-stream"


@dataclass(frozen=True)
class Reply:
    """A message in the neutral Markdown subset; member text in it went through render.safe."""

    text: str
    buttons: tuple[Button, ...] = ()
    private: bool = False
    # An answer to a button press that takes the place of the message pressed (a paginator's
    # next page), where the platform can edit it; elsewhere it is sent as a new message.
    replace: bool = False
    image: Image | None = None
    files: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Field:
    """One input of a form."""

    name: str
    label: str
    max_length: int = 500
    required: bool = True
    paragraph: bool = False
    placeholder: str = ""
    value: str = ""  # the prefilled value


@dataclass(frozen=True)
class Form:
    """A set of inputs whose submission runs `command` with the fields as arguments."""

    title: str
    command: str
    fields: tuple[Field, ...]
    # Values the member does not see that come back with the submission (which poll an answer
    # is for), so a form needs no memory between showing it and its return, restarts included.
    # They are the member's input like any other: the command checks them.
    hidden: tuple[tuple[str, str], ...] = ()

    def prefilled(self, values: dict[str, str]) -> Form:
        """The same form with some fields filled in."""
        fields = tuple(
            Field(**{**f.__dict__, "value": values.get(f.name, f.value)}) for f in self.fields
        )
        return Form(self.title, self.command, fields, self.hidden)

    def carrying(self, **values: str) -> Form:
        """The same form with hidden values set."""
        return Form(
            self.title, self.command, self.fields, tuple({**dict(self.hidden), **values}.items())
        )

    def returned(self, values: dict[str, str]) -> dict[str, str]:
        """A submission's values, with the hidden ones it carried where nothing was given."""
        return {**dict(self.hidden), **values}


@dataclass(frozen=True)
class ToInvoker:
    """An answer to whoever ran the command or pressed the button."""

    reply: Reply


@dataclass(frozen=True)
class ToChannel:
    """A public post in a named channel (None: where the command ran)."""

    channel: str | None
    reply: Reply
    # Set by the outbox: the same nonce on a resend lets the platform drop a duplicate.
    nonce: str | None = None


@dataclass(frozen=True)
class ToMember:
    """A direct message, posted in `fallback_channel` when the platform refuses it."""

    member: Member
    reply: Reply
    fallback_channel: str | None = None
    nonce: str | None = None


@dataclass(frozen=True)
class EditMessage:
    """A new text (and buttons: none removes them) for a message the bot sent earlier."""

    ref: str  # the platform's reference, as its transport returned it when sending
    reply: Reply
    where: str = ""  # how the console names it: "#general" or "DM @ana"


@dataclass(frozen=True)
class FormRequest:
    """Ask the invoker to fill a form (a modal, or prompts in the console)."""

    form: Form


Outgoing = ToInvoker | ToChannel | ToMember | FormRequest | EditMessage


@dataclass
class Outbox:
    """What a command says, in order: answers go direct after the commit, the rest is queued."""

    # Answers and forms (Outgoing) are sent straight after the commit; posts, DMs and edits
    # (bot.outbox.Queued) are written to the outbox table in the same transaction first.
    items: list[Outgoing | Queued] = field(default_factory=list)

    def add(self, item: Outgoing | Queued) -> None:
        """Queue one message."""
        self.items.append(item)

    def queued(self) -> list[Queued]:
        """The posts, DMs and edits, which go through the outbox table."""
        from bot.outbox import Queued

        return [item for item in self.items if isinstance(item, Queued)]
