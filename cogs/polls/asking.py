"""What a moderator's /poll ask may say: the form, and each value read by its rule."""

from __future__ import annotations

from bot import render
from bot.errors import UserError
from bot.reply import Field, Form
from config.values import ValueRuleError, whole_number, yes_no

MIN_OPTIONS, MAX_OPTIONS = 2, 10
OPTION_MAX = 80  # a button's label on Discord
QUESTION_MAX = 200
MIN_HOURS, MAX_HOURS = 1, 336  # as the poll_open_hours setting allows: up to two weeks
ASK_FORM = Form(
    title="Ask the community",
    command="poll ask",
    fields=(
        Field("question", "Question", QUESTION_MAX, placeholder="Which day suits you?"),
        Field("options", "Options, separated by ;", 900, placeholder="Monday; Wednesday; Friday"),
        Field("hours", "Hours open (1 to 336)", 20, required=False, placeholder="72"),
        Field("anonymous", "Anonymous? yes or no", 20, required=False, placeholder="yes"),
    ),
)
ANSWER_FORM = Form(
    title="Your answer",
    command="polls answer",
    fields=(Field("answer", "Your answer (anonymous)", 500, paragraph=True),),
    hidden=(("poll", ""),),  # which poll's ✍️ was pressed (empty: the newest asking for words)
)


def answer_form(number: int, question: str) -> Form:
    """The one-field form a poll's ✍️ Answer button opens."""
    field = Field("answer", question, 500, paragraph=True)
    form = Form(f"Poll #{number} (anonymous)", ANSWER_FORM.command, (field,), ANSWER_FORM.hidden)
    return form.carrying(poll=str(number))


def read_question(text: str) -> str:
    """The question, on one line."""
    question = " ".join(text.split())
    if not question:
        raise UserError("Say what the poll asks, like: /poll ask Which day suits you?")
    return question


def read_options(text: str) -> list[str]:
    """2 to 10 different options, separated by `;`."""
    options = [" ".join(part.split()) for part in text.split(";")]
    options = [option for option in options if option]
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise UserError(
            f"A poll takes {MIN_OPTIONS} to {MAX_OPTIONS} options, separated by ; "
            f'(like options="Monday; Friday"), not {len(options)}.',
            field="options",
        )
    too_long = next((option for option in options if len(option) > OPTION_MAX), None)
    if too_long:
        raise UserError(
            f"Keep each option to {OPTION_MAX} characters (“{render.echo(too_long, 20)}” is "
            "longer).",
            field="options",
        )
    seen: set[str] = set()
    for option in options:
        if option.casefold() in seen:
            raise UserError(
                f"Each option must be different: “{render.echo(option)}” is there twice.",
                field="options",
            )
        seen.add(option.casefold())
    return options


def read_hours(text: str, default: int) -> int:
    """How many hours the poll stays open: 1 to 336, or the community's default."""
    if not text.strip():
        return default
    try:
        return whole_number(text, name="hours", low=MIN_HOURS, high=MAX_HOURS)
    except ValueRuleError as error:
        raise UserError(f"{error}, not “{render.echo(text)}”.", field="hours") from None


def read_anonymous(text: str) -> bool:
    """Whether the poll is anonymous: yes unless told otherwise."""
    if not text.strip():
        return True
    try:
        return yes_no(text, name="anonymous")
    except ValueRuleError as error:
        raise UserError(f"{error}, not “{render.echo(text)}”.", field="anonymous") from None
