"""Declaring commands once: the decorated signature is the spec."""

from __future__ import annotations

import enum
import inspect
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union, get_args, get_origin

from bot import render
from bot.errors import ParseError
from bot.events import Event
from config.values import ValueRuleError, whole_number, yes_no

if TYPE_CHECKING:
    from bot.reply import Form


class Level(enum.IntEnum):
    """The permission ladder: each level may do what the ones below it may."""

    MEMBER = 0
    MODERATOR = 1
    ADMIN = 2
    OWNER = 3

    @property
    def title(self) -> str:
        """The level's plural name for messages: "moderators"."""
        return {0: "members", 1: "moderators", 2: "admins", 3: "owners"}[self.value]


@dataclass(frozen=True)
class Member:
    """A member as features see them, whatever the platform."""

    id: int
    external_id: str
    name: str
    level: Level = Level.MEMBER
    role: str = "member"
    is_bot: bool = False
    left: bool = False  # they left the community; still found in history and by moderators


@dataclass(frozen=True)
class MemberRef:
    """A member as written in a command, before it is looked up."""

    external_id: str | None = None
    name: str | None = None
    is_bot: bool = False  # as the platform says, where it says (Discord's resolved users)

    def __str__(self) -> str:
        return f"@{self.name or self.external_id}"


@dataclass(frozen=True)
class Length:
    """Bounds on a text parameter, in characters."""

    min: int = 0
    max: int | None = None


@dataclass(frozen=True)
class Range:
    """Bounds on a whole-number parameter."""

    min: int | None = None
    max: int | None = None


@dataclass(frozen=True)
class IncludeLeft:
    """A member parameter that also finds members who left (for history and moderation)."""


@dataclass(frozen=True)
class Suggest:
    """Values for a text parameter come from a cog method `(ctx, typed) -> list[str]`."""

    method: str


@dataclass(frozen=True)
class Param:
    """One parameter of a command, read off its signature."""

    name: str
    kind: type  # str, int, bool or Member
    description: str = ""
    choices: tuple[str, ...] = ()
    required: bool = True
    default: Any = None
    rest: bool = False  # the keyword-only last str that takes the rest of the line
    many: int = 0  # a list of members: at most this many (Length(min, max) bounds it)
    form_field: bool = False
    length: Length | None = None
    range: Range | None = None
    suggest: str | None = None  # the cog method that offers values (Discord's autocomplete)
    include_left: bool = False  # a member who left is found too (marked `left`)

    def usage(self) -> str:
        """How the parameter is written in a usage line."""
        shown = "|".join(self.choices) if self.choices else self.name
        if self.many or self.rest:
            shown = f"{self.name}…"
        elif self.form_field:
            shown = f'{self.name}="…"'
        return f"<{shown}>" if self.required else f"[{shown}]"


@dataclass
class CommandSpec:
    """Everything the runtime knows about one command."""

    path: tuple[str, ...]
    help: str
    params: tuple[Param, ...]
    level: Level = Level.MEMBER
    cooldown: tuple[int, float] | None = None
    private: bool = False
    form: Form | None = None  # shown when its fields are not all given; submitting runs this
    prefill: str | None = None  # a cog method `(ctx) -> dict` with the form's current values
    # Where a platform can't run a group's root (Discord), the root runs as this subcommand.
    root_name: str = "run"
    was: tuple[str, ...] = ()  # former names, "role list": typing one points here
    activity: bool = True  # whether a use counts as the member's activity (not an anonymous answer)
    callback: Callable[..., Any] | None = None
    cog: object | None = None

    @property
    def name(self) -> str:
        """The command as typed, without the slash: "role set"."""
        return " ".join(self.path)

    def usage(self) -> str:
        """A one-line usage string: `/role set <member> <role>`."""
        return " ".join([f"/{self.name}", *(p.usage() for p in self.params)])

    def param(self, name: str) -> Param | None:
        """Find a parameter by name."""
        return next((p for p in self.params if p.name == name), None)


@dataclass(frozen=True)
class Marker:
    """What a decorator leaves on a cog method for the registry to collect."""

    kind: Literal["command", "action", "listener", "job"]
    name: str | None = None
    options: dict[str, Any] = field(default_factory=dict)


MARK = "__copbot__"


def command(
    name: str | None = None,
    *,
    level: Level = Level.MEMBER,
    cooldown: tuple[int, float] | None = None,
    private: bool = False,
    form: Form | None = None,
    prefill: str | None = None,
    root_name: str = "run",
    was: str | tuple[str, ...] = (),
    activity: bool = True,  # False: a use stays out of activity (an anonymous written answer)
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a cog method as a command; the plain function is returned unchanged."""
    options = {
        "level": level,
        "cooldown": cooldown,
        "private": private,
        "form": form,
        "prefill": prefill,
        "root_name": root_name,
        "was": tuple(
            " ".join(old.lower().split()) for old in ((was,) if isinstance(was, str) else was)
        ),
        "activity": activity,
    }
    return _mark(Marker("command", name, options))


def action(name: str, *, level: Level = Level.MEMBER, activity: bool = True) -> Callable[..., Any]:
    """Mark a cog method as the handler of a button's presses.

    `activity=False` keeps a press out of the member's activity, where its time would show
    (an anonymous vote).
    """
    return _mark(Marker("action", name, {"level": level, "activity": activity}))


def listener(event: Event) -> Callable[..., Any]:
    """Mark a cog method as a listener of an event (bot/events.py says what each is handed)."""
    return _mark(Marker("listener", event))


# A local-time schedule, or a function of the community's settings giving one (None: off).
Schedule = str | Callable[[Any], str | None]


def job(
    name: str,
    *,
    every: float | None = None,
    daily: Schedule | None = None,
    weekly: Schedule | None = None,
    cron: Schedule | None = None,
    due: str | None = None,
) -> Callable[..., Any]:
    """Mark a cog method as a scheduled job: in each community's time, or every N seconds.

    `daily="10:00"`, `weekly="mon 15:00"` or `cron="15 3 * * *"` run the method once per
    community and period, as `method(run)`; `every=60` runs `method(jobs)` on an interval, and
    `due` names a method giving the next time it has work (so a moved clock stops there).
    """
    given = {"daily": daily, "weekly": weekly, "cron": cron}
    schedules = {kind: value for kind, value in given.items() if value is not None}
    if len(schedules) + (every is not None) != 1:
        raise TypeError(f"job {name}: give exactly one of every=, daily=, weekly= or cron=")
    return _mark(Marker("job", name, {"every": every, "schedule": schedules, "due": due}))


def _mark(marker: Marker) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        setattr(func, MARK, marker)
        return func

    return decorate


def build_spec(func: Callable[..., Any], marker: Marker) -> CommandSpec:
    """Read a command's spec off its signature and docstring."""
    path = tuple((marker.name or func.__name__).split())
    doc = inspect.getdoc(func) or ""
    help_text = doc.splitlines()[0] if doc else ""
    if not help_text or len(help_text) > 100:
        raise TypeError(f"/{' '.join(path)}: the docstring is the help text, 1 to 100 characters")
    form = marker.options["form"]
    params = tuple(_read_params(func, has_form=form is not None))
    return CommandSpec(path=path, help=help_text, params=params, **marker.options)


def _read_params(func: Callable[..., Any], *, has_form: bool) -> list[Param]:
    hints = typing.get_type_hints(func, include_extras=True)
    signature = inspect.signature(func)
    found = [p for p in signature.parameters.values() if p.name not in ("self", "ctx")]
    keyword_only = [p for p in found if p.kind is inspect.Parameter.KEYWORD_ONLY]
    if not has_form and len(keyword_only) > 1:
        raise TypeError(f"{func.__name__}: only one keyword-only parameter can take the rest")
    params = []
    for parameter in found:
        params.append(_read_param(parameter, hints[parameter.name], has_form=has_form))
    return params


def _read_param(parameter: inspect.Parameter, hint: Any, *, has_form: bool) -> Param:
    description, length, bounds, suggest, include_left = "", None, None, None, False
    if get_origin(hint) is Annotated:
        hint, *extras = get_args(hint)
        for extra in extras:
            if isinstance(extra, str):
                description = extra
            elif isinstance(extra, Length):
                length = extra
            elif isinstance(extra, Range):
                bounds = extra
            elif isinstance(extra, Suggest):
                suggest = extra.method
            elif isinstance(extra, IncludeLeft):
                include_left = True
    required = parameter.default is inspect.Parameter.empty
    hint = _strip_optional(hint)
    many = 0
    if get_origin(hint) is list and get_args(hint) == (Member,):
        hint, many = Member, (length.max if length and length.max else 25)
    kind, choices = _kind_of(hint)
    keyword_only = parameter.kind is inspect.Parameter.KEYWORD_ONLY
    if keyword_only and kind is not str:
        raise TypeError(f"{parameter.name}: a keyword-only parameter must be text")
    return Param(
        name=parameter.name,
        kind=kind,
        description=description,
        choices=choices,
        required=required,
        default=None if required else parameter.default,
        rest=keyword_only and not has_form,
        many=many,
        form_field=keyword_only and has_form,
        length=length,
        range=bounds,
        suggest=suggest,
        include_left=include_left,
    )


def _strip_optional(hint: Any) -> Any:
    if get_origin(hint) in (Union, types.UnionType):
        remaining = [arg for arg in get_args(hint) if arg is not type(None)]
        if len(remaining) == 1:
            return remaining[0]
    return hint


def _kind_of(hint: Any) -> tuple[type, tuple[str, ...]]:
    if get_origin(hint) is Literal:
        return str, tuple(str(arg) for arg in get_args(hint))
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return str, tuple(str(member.value) for member in hint)
    if hint in (str, int, bool, Member):
        return hint, ()
    raise TypeError(f"unsupported parameter type {hint!r}")


def convert(param: Param, value: object) -> object:
    """Turn a raw value (text, or a platform's typed value) into the parameter's type."""
    if param.many:
        return _to_members(param, value)
    if param.kind is Member:
        return value if isinstance(value, MemberRef) else MemberRef(name=str(value).lstrip("@"))
    if param.kind is bool:
        return _to_bool(param, value)
    if param.kind is int:
        return _to_int(param, value)
    text = str(value).strip()
    if param.choices:
        return _to_choice(param, text)
    return _check_length(param, text)


def _to_members(param: Param, value: object) -> list[MemberRef]:
    listed = value if isinstance(value, list) else [value]
    refs = [v if isinstance(v, MemberRef) else MemberRef(name=str(v).lstrip("@")) for v in listed]
    least = param.length.min if param.length and param.length.min else 1
    if len(refs) < least:
        raise ParseError(f"Name at least {least} member{'s' if least > 1 else ''}, like @alice.")
    if len(refs) > param.many:
        raise ParseError(f"That's {len(refs)} members; name {param.many} at most.")
    unique = list(dict.fromkeys(refs))
    return unique


def _to_bool(param: Param, value: object) -> bool:
    if isinstance(value, bool):
        return value
    try:
        return yes_no(value, name=param.name)
    except ValueRuleError as error:
        raise ParseError(f"{error}, not “{render.echo(value)}”.") from None


def _to_int(param: Param, value: object) -> int:
    bounds = param.range or Range()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # a platform's typed integer still meets the bounds
    try:
        return whole_number(value, name=param.name, low=bounds.min, high=bounds.max)
    except ValueRuleError as error:
        raise ParseError(f"{error}, not “{render.echo(value)}”.") from None


def _to_choice(param: Param, text: str) -> str:
    for choice in param.choices:
        if choice.lower() == text.lower():
            return choice
    allowed = ", ".join(param.choices)
    raise ParseError(f"`{param.name}` must be one of: {allowed} (not “{render.echo(text)}”).")


# Without a declared Length, a word (a name, a tag) or a line of text still has a sane bound,
# so a 100,000-character argument is refused before any query or echo.
WORD_MAX, TEXT_MAX = 100, 2000


def _check_length(param: Param, text: str) -> str:
    length = param.length
    most = length.max if length and length.max is not None else None
    most = most if most is not None else (TEXT_MAX if param.rest else WORD_MAX)
    if len(text) > most:
        raise ParseError(
            f"`{param.name}` is {len(text):,} characters; keep it to {most:,} at most."
        )
    if length and len(text) < length.min:
        raise ParseError(f"`{param.name}` needs at least {length.min} characters.")
    return text
