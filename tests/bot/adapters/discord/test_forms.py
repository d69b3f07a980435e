"""A form's modal carries its command, its guild from a DM, and its hidden values."""

from __future__ import annotations

import pytest

from bot.adapters.discord import render as ui
from bot.reply import Field, Form

FORM = Form("Your answer", "polls answer", (Field("answer", "Answer"),), (("poll", ""),))


def test_the_modal_says_which_command_guild_and_hidden_values_come_back() -> None:
    shown = ui.modal(FORM.carrying(poll="3"), guild_id=123456789012345678)
    assert shown.custom_id == "form:polls answer@123456789012345678?poll=3"
    assert ui.form_target(shown.custom_id) == ("polls answer", 123456789012345678)
    assert ui.form_hidden(shown.custom_id) == {"poll": "3"}


def test_typed_values_win_and_odd_custom_ids_carry_nothing_harmful() -> None:
    assert FORM.carrying(poll="3").returned({"answer": "hi"}) == {"poll": "3", "answer": "hi"}
    assert FORM.returned({"answer": "hi", "poll": "7"}) == {"poll": "7", "answer": "hi"}
    assert ui.form_hidden("form:polls answer") == {}
    assert ui.form_hidden("form:polls answer?%ZZ=%&&=x") == {"%ZZ": "%", "": "x"}
    assert ui.form_target("form:polls answer?poll=1@9") == ("polls answer", None)


def test_a_custom_id_past_discords_limit_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="over 100"):
        ui.modal(FORM.carrying(poll="9" * 90))
