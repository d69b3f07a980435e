"""Channel settings: names by the platforms' rules, ids, mentions, and channels that exist."""

from __future__ import annotations

import pytest

from config.channels import channel_value, check_exists, is_channel_id
from config.errors import SettingError
from config.values import ValueRuleError


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("#Intros", "intros"),
        ("  hello-world_2 ", "hello-world_2"),
        ("Éléves", "éléves"),
        ("", ""),
        ("123456789012345678", "123456789012345678"),
        ("C0123ABCD", "C0123ABCD"),
        ("<#C0123ABCD|intros>", "C0123ABCD"),
        ("<#C0123ABCD>", "C0123ABCD"),
        ("<#123456789012345678>", "123456789012345678"),
        ("x" * 80, "x" * 80),
    ],
)
def test_channel_names_ids_and_mentions(typed: str, stored: str) -> None:
    assert channel_value(typed, name="intro_channel") == stored


@pytest.mark.parametrize(
    "typed",
    [
        "[x](javascript:alert(1)) @everyone!",
        "two words",
        "@here",
        "x" * 81,
        "<#intros>",
        "<@&123456789012345678>",
        "intros²",
        "`code`",
    ],
)
def test_other_values_are_refused_with_the_rule(typed: str) -> None:
    with pytest.raises(ValueRuleError, match=r"`intro_channel` takes a channel name \(lower-case"):
        channel_value(typed, name="intro_channel")


def test_ids_are_told_from_names() -> None:
    assert is_channel_id("123456789012345678") and is_channel_id("G01234567")
    assert not is_channel_id("1234") and not is_channel_id("c0123abcd")


def test_a_channel_the_platform_lacks_is_refused_with_similar_names() -> None:
    names = ["general", "introductions", "intro-chat", "we`ird"]
    check_exists("intro_channel", "introductions", names)
    check_exists("intro_channel", "anything", None)  # the platform can't tell
    check_exists("intro_channel", "123456789012345678", names)  # an id: the platform's own
    check_exists("kudos_channel", "", names)  # "": where the command ran
    with pytest.raises(SettingError) as caught:
        check_exists("intro_channel", "introductons", names)
    assert caught.value.message == (
        "There is no channel `#introductons` here, so `intro_channel` can't use it. "
        "Did you mean `#introductions`, `#intro-chat`? "
        "Create the channel first, or name one that exists."
    )
