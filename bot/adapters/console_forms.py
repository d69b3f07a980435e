"""Asking a form's fields in the console, one line each, without swallowing other commands."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot import render
from bot.reply import Field, Form

CANCELLED = "The form was cancelled; nothing was saved."
UNFINISHED = "The form was left unfinished; nothing was saved."
# Empty answers to a required field before the console gives up: piped input that does not
# know about the form must not hang it, and a person gets a few chances.
TRIES = 3

Read = Callable[[str], Awaitable[str | None]]
Note = Callable[[str], None]


@dataclass
class Answers:
    """What came of asking: the values (None: nothing to submit) and a line to run next."""

    values: dict[str, str] | None
    next_line: str | None = None


async def ask(form: Form, read: Read, note: Note) -> Answers:
    """Ask each field in turn; a command or meta-command line cancels the form and runs."""
    note(
        f"{render.to_plain(render.echo(form.title))}: one line per field; an empty line keeps "
        "the value shown. A line starting with / or : cancels the form."
    )
    values: dict[str, str] = {}
    for field in form.fields:
        answer = await _answer(field, read, note)
        if answer is None or answer.startswith(("/", ":")):
            note(UNFINISHED if answer is None else CANCELLED)
            return Answers(None, answer)
        values[field.name] = answer
    return Answers(values)


async def _answer(field: Field, read: Read, note: Note) -> str | None:
    """One field's value, asked again while a required field is empty or a choice is not one."""
    need = "required" if field.required else "optional"
    current = f" [{render.to_plain(render.echo(field.value))}]" if field.value else ""
    label = render.to_plain(render.echo(field.label))
    if field.choices:
        note(f"  {label}: " + "  ".join(f"{n}. {_plain(c)}" for n, c in _numbered(field)))
        what = "a number or a choice"
    elif field.members:
        what = "@name" if field.members == 1 else f"@name, @name; up to {field.members}"
    else:
        what = f"up to {field.max_length}"
    for _ in range(TRIES):
        line = await read(f"  {label} ({need}, {what}){current}: ")
        if line is None:
            return None
        answer = line.strip()
        if answer.startswith(("/", ":")):
            return answer
        if answer and field.choices:
            chosen = _choice(field, answer)
            if chosen is not None:
                return chosen
            note(
                f"“{_plain(answer)}” isn't one of the {label} choices: type its number, 1 to "
                f"{len(field.choices)}, or the choice itself."
            )
            continue
        if answer or not field.required or field.value:
            return answer or field.value
        note(f"{label} is required: type a value, or a line starting with / or : to cancel.")
    return None


def _numbered(field: Field) -> list[tuple[int, str]]:
    return list(enumerate(field.choices, start=1))


def _choice(field: Field, answer: str) -> str | None:
    """The choice an answer names, by its number or its text (any case); None if none."""
    if answer.isdigit() and 1 <= int(answer) <= len(field.choices):
        return field.choices[int(answer) - 1]
    folded = answer.casefold()
    return next((c for c in field.choices if c.casefold() == folded), None)


def _plain(text: str) -> str:
    return render.to_plain(render.echo(text))
