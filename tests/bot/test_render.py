"""Neutralising member text and rendering neutral Markdown per platform."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from bot import render
from bot.commands import Member

ALICE = Member(1, "U1", "alice")
MASS = re.compile(r"@(everyone|here|channel)\b", re.IGNORECASE)


def test_mass_mentions_are_broken_everywhere() -> None:
    text = render.safe("hi @everyone and @here and @Channel")
    for rendered in (render.to_plain(text), render.to_discord(text), render.to_slack(text)):
        assert not MASS.search(rendered)


def test_platform_mention_syntax_cannot_form() -> None:
    text = render.safe("<!channel> <!here> <@U123> <@&987> <#C1> <@123>")
    slack = render.to_slack(text)
    assert "<!" not in slack and "<@" not in slack and "<#" not in slack
    discord = render.to_discord(text)
    assert "<@&987>" not in discord.replace("\\<", "")  # escaped, so Discord shows it raw
    assert re.search(r"(?<!\\)<[@#!]", discord) is None


def test_link_spoofing_is_neutralised() -> None:
    text = render.safe("[click me](https://evil.example)")
    assert render.to_slack(text) == "[click me](https://evil.example)"
    assert "<https://" not in render.to_slack(text)
    assert render.to_plain(text) == "[click me](https://evil.example)"
    assert "\\[" in render.to_discord(text)


def test_bot_links_render_per_platform() -> None:
    text = "see [the guide](https://example.org/guide)"
    assert render.to_slack(text) == "see <https://example.org/guide|the guide>"
    assert render.to_plain(text) == "see the guide (https://example.org/guide)"
    assert render.to_discord(text) == text


def test_member_markdown_is_literal() -> None:
    text = render.safe("**bold** _x_ `code` snake_case")
    assert render.to_plain(text) == "**bold** _x_ `code` snake_case"
    assert render.to_slack(text) == "**bold** _x_ `code` snake_case"


def test_bot_markup_renders() -> None:
    text = "**Hello** `/intro`"
    assert render.to_plain(text) == "Hello `/intro`"
    assert render.to_slack(text) == "*Hello* `/intro`"


def test_intended_mentions_render_and_are_listed() -> None:
    text = f"thanks {render.mention(ALICE)}"
    assert render.to_plain(text) == "thanks @alice"
    assert render.to_discord(text) == "thanks <@U1>"
    assert render.to_slack(text) == "thanks <@U1>"
    assert render.mentioned_ids(text) == ["U1"]


def test_member_text_cannot_forge_a_mention_marker() -> None:
    forged = "\ue000U999\ue001mallory\ue002"
    assert render.mentioned_ids(render.safe(forged)) == []


def test_slack_escapes_ampersands_and_angles() -> None:
    assert render.to_slack(render.safe("a & b < c > d")) == "a &amp; b &lt; c &gt; d"


def test_trusted_text_keeps_markdown_but_not_pings() -> None:
    text = render.trusted("**Welcome** @everyone <@&1>")
    assert "**Welcome**" in text
    assert not MASS.search(render.to_discord(text))
    assert "<@&1>" not in render.to_slack(text)


def test_clip() -> None:
    assert render.clip("abcdef", 4) == "abc…"
    assert render.clip("abc", 4) == "abc"


@given(st.text(max_size=300))
def test_safe_text_never_pings_on_any_platform(text: str) -> None:
    neutral = render.safe(text)
    assert render.mentioned_ids(neutral) == []
    for rendered in (
        render.to_discord(neutral),
        render.to_slack(neutral),
        render.to_plain(neutral),
    ):
        assert not MASS.search(rendered)
    slack = render.to_slack(neutral)
    assert "<" not in slack and ">" not in slack


@given(
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cc", "Cs", "Co", "Cn"),
            blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
        ),
        max_size=200,
    )
)
def test_safe_text_reads_back_the_same_in_the_console(text: str) -> None:
    text = unicodedata.normalize("NFC", text)
    # The two documented changes: mass mentions and raw mention openers (`<@`, `<#`, …) are
    # broken with a zero-width space; everything else reads back as typed.
    expected = render._MASS_MENTION.sub(lambda m: f"@\u200b{m.group(1)}", text)
    expected = render._PLAIN_RAW_MENTION.sub("<\u200b", expected)
    assert render.to_plain(render.safe(text)) == expected


LIVE = re.compile(r"@(everyone|here|channel)", re.IGNORECASE)


def test_mass_mentions_are_broken_whatever_follows() -> None:
    for text in ("@everyone_", "@here1", "@everyone's", "x@here", "@channelz", "@EVERYONE!"):
        safe = render.safe(text)
        for rendered in (render.to_plain(safe), render.to_discord(safe), render.to_slack(safe)):
            assert not LIVE.search(rendered), (text, rendered)


def test_the_last_net_catches_text_that_skipped_safe() -> None:
    raw = "oops @everyone <@&123> <#456> <!here> <t:1:R> @here1"
    discord = render.to_discord(raw)
    assert not LIVE.search(discord)
    assert re.search(r"<[@#!&t]", discord) is None
    assert not LIVE.search(render.to_slack(raw)) and "<!" not in render.to_slack(raw)
    assert not LIVE.search(render.to_plain(raw))


def test_the_net_keeps_the_bots_own_mentions() -> None:
    text = f"hi {render.mention(ALICE)} and @here"
    assert render.to_discord(text).startswith("hi <@U1> and @\u200bhere")
    assert render.to_slack(text).startswith("hi <@U1> and @\u200bhere")


def test_a_member_named_like_a_mass_mention_does_not_read_as_one() -> None:
    here = Member(2, "here", "here")
    assert not LIVE.search(render.to_plain(f"thanks {render.mention(here)}"))


def test_echo_clips_to_one_line_and_neutralises() -> None:
    shown = render.echo("[@everyone](http://evil)\n" + "x" * 500)
    assert len(shown) < 100 and "\n" not in shown and shown.endswith("…")
    assert not LIVE.search(render.to_plain(shown))
    assert re.search(r"(?<!\\)\]\(", render.to_discord(shown)) is None  # no live masked link


def test_trusted_text_keeps_web_links_only() -> None:
    text = render.trusted("[guide](https://example.org) [x](javascript:alert(1))")
    assert render.to_slack(text).startswith("<https://example.org|guide>")
    assert "\\[x\\]" in render.to_discord(text)
