"""What features send: neutral replies, buttons and forms that each adapter renders."""

from __future__ import annotations

from collections.abc import Callable
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


MAX_CHOICES = 25  # Discord's string select offers at most 25 options (Slack 100)
CHOICE_MAX = 100  # Discord's limit for an option's value
MAX_MEMBERS = 25  # Discord's user select picks at most 25
# A picked member travels as "<@id>, ": Discord ids are up to 20 digits, Slack's shorter.
MENTION_ROOM = 26


@dataclass(frozen=True)
class Field:
    """One input of a form: free text, one of `choices`, or up to `members` members."""

    name: str
    label: str
    max_length: int = 500
    required: bool = True
    paragraph: bool = False
    placeholder: str = ""
    value: str = ""  # the prefilled value (a choice, or mentions for a member field)
    # One of a fixed list, shown as a menu; the command gets the chosen string.
    choices: tuple[str, ...] = ()
    # The most members that may be picked (0: not a member field); the command gets their
    # mentions as typed text, "<@id>, <@id>", which the parser already reads.
    members: int = 0
    # A community setting (a list) whose items become the choices when the form is shown, so
    # a menu moderators change (outcome types) is the menu members pick from.
    choices_from: str = ""

    def __post_init__(self) -> None:
        """Refuse what no platform could show, when the form is written rather than sent."""
        if self.choices and self.members:
            raise ValueError(f"field {self.name!r} is either a choice or a member field")
        if self.choices:
            if len(self.choices) > MAX_CHOICES or len(set(self.choices)) != len(self.choices):
                raise ValueError(f"field {self.name!r} needs 1-{MAX_CHOICES} distinct choices")
            if not all(0 < len(choice) <= CHOICE_MAX for choice in self.choices):
                raise ValueError(f"field {self.name!r} has a choice over {CHOICE_MAX} characters")
        if not 0 <= self.members <= MAX_MEMBERS:
            raise ValueError(f"field {self.name!r} may pick 1-{MAX_MEMBERS} members")

    @property
    def limit(self) -> int:
        """The most characters a submission may carry for this field."""
        if self.choices:
            return max(len(choice) for choice in self.choices)
        if self.members:
            return max(self.max_length, self.members * MENTION_ROOM)
        return self.max_length


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

    def choosing(self, setting: Callable[[str], object]) -> Form:
        """The same form with each `choices_from` field's choices read from `setting(key)`."""
        fields = []
        for f in self.fields:
            items = setting(f.choices_from) if f.choices_from else None
            if isinstance(items, list | tuple):
                offered = tuple(
                    dict.fromkeys(str(i) for i in items if 0 < len(str(i)) <= CHOICE_MAX)
                )
                if offered:
                    f = Field(**{**f.__dict__, "choices": offered[:MAX_CHOICES]})
            fields.append(f)
        return Form(self.title, self.command, tuple(fields), self.hidden)

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
