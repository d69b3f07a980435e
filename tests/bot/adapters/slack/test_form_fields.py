"""Choice and member fields as Block Kit selects, checked by FakeSlack and submitted through it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.adapters.slack import blocks
from bot.reply import Field, Form
from tests.bot.adapters.slack.harness import ADA, BOB, CAROL, GENERAL, MODES, Bot, slack_bot
from tests.bot.form_cog import RECORD_FORM, Recorder
from tests.fakes.slack.blockkit import check_blocks, check_view


def test_a_choice_is_a_static_select_with_its_value_as_the_initial_option() -> None:
    modal = blocks.modal(RECORD_FORM.prefilled({"kind": "webinar"}), {"channel": GENERAL})
    assert check_view(modal) == []
    element = modal["blocks"][1]["element"]
    assert element["type"] == "static_select" and element["action_id"] == "kind"
    assert [o["value"] for o in element["options"]] == ["guide", "webinar", "dataset"]
    assert element["options"][0]["text"] == {"type": "plain_text", "text": "guide", "emoji": True}
    assert element["initial_option"]["value"] == "webinar"
    assert not modal["blocks"][1]["optional"]


def test_a_member_field_is_a_multi_users_select_with_its_members_preselected() -> None:
    form = RECORD_FORM.prefilled({"contributors": "<@U0ADA|ada>, @someone, <@U0BOB>"})
    element = blocks.modal(form, {})["blocks"][2]["element"]
    assert element == {
        "type": "multi_users_select",
        "action_id": "contributors",
        "max_selected_items": 3,
        "initial_users": ["U0ADA", "U0BOB"],  # a typed name has no id to preselect
    }


def test_a_long_choice_is_shown_clipped_and_returned_whole() -> None:
    choice = "a very long kind of outcome " * 3
    [block] = blocks.modal(Form("T", "x", (Field("k", "K", choices=(choice,)),)), {})["blocks"]
    option = block["element"]["options"][0]
    assert len(option["text"]["text"]) <= 75 and option["value"] == choice
    assert check_blocks([block]) == []


def _select(**element: Any) -> list[dict[str, Any]]:
    base = {"type": "static_select", "action_id": "k"}
    return [
        {
            "type": "input",
            "block_id": "k",
            "label": {"type": "plain_text", "text": "K"},
            "element": {**base, **element},
        }
    ]


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text}, "value": value}


@pytest.mark.parametrize(
    "bad",
    [
        _select(options=[]),
        _select(options=[_option(f"o{n}", f"o{n}") for n in range(101)]),
        _select(options=[_option("x" * 76, "x")]),
        _select(options=[_option("x", "x" * 151)]),
        _select(options=[_option("x", "x")], initial_option=_option("y", "y")),
        _select(type="multi_users_select", max_selected_items=0),
    ],
)
def test_fake_slack_rejects_selects_slack_rejects(bad: list[dict[str, Any]]) -> None:
    assert check_blocks(bad) != []


def test_submitted_selects_read_as_the_text_a_command_would_be_typed() -> None:
    view = {
        "state": {
            "values": {
                "title": {"title": {"type": "plain_text_input", "value": "Guide"}},
                "kind": {
                    "kind": {"type": "static_select", "selected_option": _option("g", "guide")}
                },
                "left": {"left": {"type": "static_select", "selected_option": None}},
                "who": {"who": {"type": "multi_users_select", "selected_users": ["U1", "U2"]}},
                "none": {"none": {"type": "multi_users_select", "selected_users": []}},
            }
        }
    }
    assert blocks.submitted_values(view) == {
        "title": "Guide",
        "kind": "guide",
        "left": "",
        "who": "<@U1>, <@U2>",
        "none": "",
    }


@pytest.fixture(params=MODES)
async def served(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Bot, Recorder]]:
    recorder = Recorder()
    async with slack_bot(request.param, cogs=(recorder,)) as bot:
        yield bot, recorder


async def _open(bot: Bot, user: str) -> dict[str, Any]:
    ack = await bot.driver.slash("/fieldtest", user_id=user, channel_id=GENERAL)
    assert ack.ok
    record = await bot.fake.wait_for(lambda: bot.fake.current_modal(user, "fieldtest"))
    return record.view


async def test_a_modal_with_selects_runs_the_command_with_their_strings(
    served: tuple[Bot, Recorder],
) -> None:
    bot, recorder = served
    modal = await _open(bot, ADA)
    kinds = [b["element"]["type"] for b in modal["blocks"]]
    assert kinds == ["plain_text_input", "static_select", "multi_users_select"]
    assert json.loads(modal["private_metadata"])["hidden"] == {"register": ""}
    values = {
        "title": {"title": "Lab safety guide"},
        "kind": {"kind": "webinar"},
        "contributors": {"contributors": [BOB, CAROL]},
    }
    submitted = await bot.driver.view_submission(ADA, "fieldtest", values)
    assert submitted.ok and submitted.response_action is None, submitted.payload
    await bot.settle()
    assert recorder.received == [
        {
            "title": "Lab safety guide",
            "kind": "webinar",
            "contributors": f"<@{BOB}>, <@{CAROL}>",
            "register": "",
        }
    ]
    assert recorder.named == [[BOB, CAROL]]  # the parser resolved the mentions
    thanks = await bot.fake.wait_for(lambda: bot.fake.ephemerals(ADA))
    assert "Recorded Lab safety guide (webinar)" in str(thanks[-1].blocks or thanks[-1].text)


async def test_fake_slack_only_submits_what_the_client_lets_a_member_pick(
    served: tuple[Bot, Recorder],
) -> None:
    bot, recorder = served
    await _open(bot, ADA)
    for bad in ({"kind": {"kind": "podcast"}}, {"contributors": {"contributors": [BOB] * 4}}):
        values = {"title": {"title": "t"}, "kind": {"kind": "guide"}, **bad}
        with pytest.raises(ValueError):
            await bot.driver.view_submission(ADA, "fieldtest", values)
    assert recorder.received == []
