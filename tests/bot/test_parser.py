"""The shared text parser: words, quotes, key=value, mentions, rest of line."""

from __future__ import annotations

import contextlib
from typing import Annotated, Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands import Marker, Member, MemberRef, build_spec
from bot.errors import ParseError
from bot.parser import parse_args, parse_member, split_command, tokenize


async def _thank(self, ctx, member: Annotated[Member, "Who"], *, reason: str) -> None:  # type: ignore[no-untyped-def]
    """Thank someone."""


async def _form(self, ctx, *, about: str, goals: str, extra: str = "") -> None:  # type: ignore[no-untyped-def]
    """Fill a form."""


async def _top(self, ctx, period: str = "week", count: int = 10) -> None:  # type: ignore[no-untyped-def]
    """Optional positionals."""


THANK = build_spec(
    _thank,
    Marker("command", "thank", {"level": 0, "cooldown": None, "private": False, "form": None}),
)
FORM = build_spec(
    _form,
    Marker("command", "form", {"level": 0, "cooldown": None, "private": False, "form": object()}),
)
TOP = build_spec(
    _top, Marker("command", "top", {"level": 0, "cooldown": None, "private": False, "form": None})
)


def test_tokenize_words_quotes_and_keys() -> None:
    tokens = tokenize('one "two three" key="a b" k2=v “smart quotes”')
    assert [t.text for t in tokens] == ["one", "two three", "a b", "v", "smart quotes"]
    assert [t.key for t in tokens] == [None, None, "key", "k2", None]


def test_unclosed_quote_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="quote"):
        tokenize('say "hello')


def test_apostrophe_is_just_a_letter() -> None:
    assert [t.text for t in tokenize("it's fine")] == ["it's", "fine"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@alice", MemberRef(name="alice")),
        ("alice", MemberRef(name="alice")),
        ("<@U123ABC|alice>", MemberRef(external_id="U123ABC", name="alice")),
        ("<@U123ABC>", MemberRef(external_id="U123ABC")),
        ("<@1234567890>", MemberRef(external_id="1234567890")),
        ("<@!1234567890>", MemberRef(external_id="1234567890")),
    ],
)
def test_member_forms(text: str, expected: MemberRef) -> None:
    assert parse_member(text) == expected


def test_rest_of_line_keeps_spacing_and_punctuation() -> None:
    values = parse_args(THANK, "@bob  for the   slides, and key=value too!")
    assert values == {
        "member": MemberRef(name="bob"),
        "reason": "for the   slides, and key=value too!",
    }


def test_single_quoted_rest_loses_its_quotes() -> None:
    assert parse_args(THANK, '@bob "thanks a lot"')["reason"] == "thanks a lot"


def test_key_values_fill_form_fields_in_any_order() -> None:
    values = parse_args(FORM, 'goals="learn OER" about="I teach"')
    assert values == {"goals": "learn OER", "about": "I teach"}


def test_unknown_key_is_plain_text() -> None:
    assert parse_args(THANK, "@bob a=b")["reason"] == "a=b"


def test_optional_positionals_by_position_or_key() -> None:
    assert parse_args(TOP, "month 5") == {"period": "month", "count": "5"}
    assert parse_args(TOP, "count=3") == {"count": "3"}


def test_too_many_words_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="don't know what to do"):
        parse_args(TOP, "month 5 extra")


def test_a_key_given_twice_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="twice"):
        parse_args(FORM, "about=a about=b")


def test_split_command_finds_the_longest_path() -> None:
    known = {("role",), ("role", "set"), ("intro",)}
    assert split_command("role set @bob leader", known) == (("role", "set"), "@bob leader")
    assert split_command("ROLE @bob", known) == (("role",), "@bob")
    assert split_command("nothing here", known) == ((), "nothing here")


@given(st.text(max_size=200))
def test_parser_never_crashes_on_any_text(text: str) -> None:
    with contextlib.suppress(ParseError):
        parse_args(THANK, text)


async def _many(self, ctx, member: Annotated[list[Member], "Who"], *, reason: str) -> None:  # type: ignore[no-untyped-def]
    """Thank several."""


async def _board(  # type: ignore[no-untyped-def]
    self,
    ctx,
    period: Literal["week", "month"] = "month",
    by: Literal["received", "given"] = "received",
) -> None:
    """Choices in any order."""


MANY = build_spec(
    _many, Marker("command", "many", {"level": 0, "cooldown": None, "private": False, "form": None})
)
BOARD = build_spec(
    _board,
    Marker("command", "board", {"level": 0, "cooldown": None, "private": False, "form": None}),
)


@pytest.mark.parametrize(
    "line",
    [
        "@bob and @carol thanks for the help",
        "@bob, @carol thanks for the help",
        "@bob,@carol thanks for the help",
        "@bob & @carol thanks for the help",
        "@bob @carol thanks for the help",
        "<@U1|bob> and <@U2|carol> thanks for the help",
    ],
)
def test_members_joined_by_and_commas_and_ampersands(line: str) -> None:
    values = parse_args(MANY, line)
    names = [ref.name for ref in values["member"]]  # type: ignore[union-attr]
    assert names == ["bob", "carol"]
    assert values["reason"] == "thanks for the help"


def test_a_joiner_before_plain_text_starts_the_reason() -> None:
    values = parse_args(MANY, "@bob and thanks a lot")
    assert [ref.name for ref in values["member"]] == ["bob"]  # type: ignore[union-attr]
    assert values["reason"] == "and thanks a lot"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("given", {"by": "given"}),
        ("given week", {"by": "given", "period": "week"}),
        ("week GIVEN", {"period": "week", "by": "GIVEN"}),
        ("month", {"period": "month"}),
    ],
)
def test_choices_are_read_in_any_order(line: str, expected: dict[str, str]) -> None:
    assert parse_args(BOARD, line) == expected


def test_an_unknown_word_is_echoed_clipped_and_neutralised() -> None:
    with pytest.raises(ParseError) as caught:
        parse_args(BOARD, "week given @everyone" + "x" * 500)
    assert "@everyone" not in caught.value.message and len(caught.value.message) < 120


def test_a_keyed_member_starts_a_list_that_mentions_continue() -> None:
    values = parse_args(MANY, "member=@bob @alice thanks")
    assert [ref.name for ref in values["member"]] == ["bob", "alice"]  # type: ignore[union-attr]
    assert values["reason"] == "thanks"


def test_plain_words_fill_the_first_form_field_not_given_by_key() -> None:
    assert parse_args(FORM, 'I teach "OER" goals=learn') == {
        "goals": "learn",
        "about": 'I teach "OER"',
    }
    assert parse_args(FORM, 'goals=learn "I teach"') == {"goals": "learn", "about": "I teach"}
    with pytest.raises(ParseError, match="twice"):
        parse_args(FORM, "I teach about=again")
