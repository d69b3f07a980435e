"""Block Kit rendering and slash command text, checked against Slack's limits."""

from __future__ import annotations

import json

from bot import render
from bot.adapters.slack import blocks
from bot.adapters.slack.incoming import command_line, unescape
from bot.commands import Member
from bot.reply import Button, Field, Form, Reply
from tests.fakes.slack.blockkit import check_blocks, check_view

TOP = {"intro", "role", "help", "members"}


def test_long_text_splits_at_line_breaks_within_the_section_limit() -> None:
    lines = [f"- line {i}: " + "word " * 30 for i in range(200)]
    sections = blocks.split_text("\n".join(lines))
    assert len(sections) > 1 and all(len(s) <= blocks.SECTION_TEXT for s in sections)
    assert "\n".join(sections) == "\n".join(lines)


def test_an_overlong_line_is_cut_outside_entities_and_mentions() -> None:
    line = "a" * 2995 + " <@U123> &amp; " + "b" * 4000
    sections = blocks.split_text(line)
    assert all(len(s) <= blocks.SECTION_TEXT for s in sections)
    assert "<@U123>" in sections[1] and "&amp;" in sections[1]


def test_a_huge_message_is_trimmed_to_fifty_blocks_with_its_buttons() -> None:
    text = "\n".join("x" * 2000 for _ in range(80))
    reply = Reply(text, buttons=(Button("Next page", "members_page", "2"),))
    body = blocks.message(reply)
    assert len(body["blocks"]) == blocks.MESSAGE_BLOCKS
    assert body["blocks"][-1]["type"] == "actions"
    assert body["blocks"][-2]["text"]["text"] == blocks.TRIMMED
    assert check_blocks(body["blocks"]) == [] and body["text"]


def test_buttons_clip_labels_map_styles_and_keep_ids_unique() -> None:
    long = Button("L" * 90, "go", "1", style="success")
    reply = Reply("pick", buttons=(long, Button("Stop", "go", "1", style="danger"), long))
    [_, actions] = blocks.message(reply)["blocks"]
    first, second, third = actions["elements"]
    assert len(first["text"]["text"]) == blocks.BUTTON_TEXT and first["style"] == "primary"
    assert second["style"] == "danger" and third["action_id"] == "cb:go:1#3"
    assert {e["value"] for e in actions["elements"]} == {"cb:go:1"}
    assert check_blocks([actions]) == []


def test_member_text_is_escaped_and_only_meant_mentions_survive() -> None:
    ana = Member(1, "U0ANA", "ana")
    text = f"{render.mention(ana)} said: {render.safe('<!here> <@U999> a&b <http://x|y>')}"
    [section] = blocks.message(Reply(text))["blocks"]
    shown = section["text"]["text"]
    assert shown.startswith("<@U0ANA> said:")
    assert "&lt;!here&gt;" in shown and "&lt;@U999&gt;" in shown and "a&amp;b" in shown
    assert shown.count("<") == 1


def test_modal_from_a_form() -> None:
    form = Form(
        "A title that is much longer than Slack allows",
        "intro",
        (
            Field("about", "About you", 500, paragraph=True, placeholder="p" * 200, value="hi"),
            Field("extra", "Extra", 5000, required=False),
        ),
    )
    view = blocks.modal(form, {"channel": "C1"})
    assert check_view(view, ("modal",)) == []
    about, extra = view["blocks"]
    assert about["element"]["initial_value"] == "hi" and about["element"]["multiline"]
    assert len(about["element"]["placeholder"]["text"]) == 150
    assert extra["optional"] and extra["element"]["max_length"] == 3000
    assert json.loads(view["private_metadata"]) == {"channel": "C1"}


def test_home_view_divides_sections_and_stays_valid() -> None:
    view = blocks.home([Reply("**Your intro**\nhi", (Button("Update", "intro_open"),)),
                        Reply("**Your role**")])  # fmt: skip
    assert [b["type"] for b in view["blocks"]] == ["section", "actions", "divider", "section"]
    assert check_view(view, ("home",)) == []
    assert blocks.home([])["blocks"][0]["type"] == "section"


def test_slash_text_becomes_a_core_command_line() -> None:
    assert command_line("/intro", "show <@U1|ana>", TOP) == "/intro show <@U1|ana>"
    assert command_line("/copbot", "role set <@U1|ana> leader", TOP) == "/role set <@U1|ana> leader"
    assert command_line("/copbot", "  ", TOP) == "/help"
    assert command_line("/copbot", "/intro show", TOP) == "/intro show"
    assert command_line("/cop-bot", "members oer", TOP) == "/members oer"  # a renamed umbrella


def test_unescape_turns_slack_markup_back_into_typed_text() -> None:
    text = "a &lt;b&gt; &amp; <#C1|general> <!here> <!subteam^S1|@team> <https://x.org|x> <@U1|a>"
    assert unescape(text) == "a <b> & #general @here @team https://x.org <@U1|a>"
