"""Choice and member fields asked in the console: numbered choices, mentions typed as today."""

from __future__ import annotations

from bot.adapters.console_forms import CANCELLED, TRIES, UNFINISHED, Answers, ask
from bot.reply import Form
from tests.bot.form_cog import RECORD_FORM


async def answering(
    lines: list[str], form: Form = RECORD_FORM
) -> tuple[Answers, list[str], list[str]]:
    """Ask the form with scripted lines: what came of it, the prompts and the notes."""
    prompts: list[str] = []
    notes: list[str] = []
    script = iter(lines)

    async def read(prompt: str) -> str | None:
        prompts.append(prompt)
        return next(script, None)

    return await ask(form, read, notes.append), prompts, notes


async def test_choices_are_listed_numbered_and_taken_by_number() -> None:
    answers, prompts, notes = await answering(["Lab guide", "2", "@ana, @ben"])
    assert answers.values == {"title": "Lab guide", "kind": "webinar", "contributors": "@ana, @ben"}
    assert "  Type: 1. guide  2. webinar  3. dataset" in notes
    assert prompts[1] == "  Type (required, a number or a choice): "
    assert prompts[2] == "  Contributors (required, @name, @name; up to 3): "


async def test_a_choice_may_be_typed_in_any_case_and_comes_back_as_written() -> None:
    answers, _, _ = await answering(["t", "DataSet", "@ana"])
    assert answers.values is not None and answers.values["kind"] == "dataset"


async def test_anything_else_is_asked_again_with_a_friendly_line() -> None:
    answers, prompts, notes = await answering(["t", "podcast", "7", "guide", "@ana"])
    assert answers.values is not None and answers.values["kind"] == "guide"
    asked_again = [n for n in notes if "isn't one of the Type choices" in n]
    assert len(asked_again) == 2 and "1 to 3" in asked_again[0] and "“podcast”" in asked_again[0]
    assert sum(p.startswith("  Type") for p in prompts) == 3


async def test_a_prefilled_choice_is_kept_on_an_empty_line_and_a_command_cancels() -> None:
    form = RECORD_FORM.prefilled({"kind": "webinar", "contributors": "@ana"})
    answers, prompts, _ = await answering(["t", "", ""], form)
    assert answers.values == {"title": "t", "kind": "webinar", "contributors": "@ana"}
    assert prompts[1].endswith("[webinar]: ")
    cancelled, _, notes = await answering(["t", "/ping"])
    assert cancelled.values is None and cancelled.next_line == "/ping" and CANCELLED in notes


async def test_wrong_choices_give_up_like_empty_answers() -> None:
    answers, _, notes = await answering(["t", *["nope"] * TRIES])
    assert answers.values is None and UNFINISHED in notes
