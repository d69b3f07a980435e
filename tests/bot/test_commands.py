"""Reading a command's spec off its signature, and converting raw values."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Literal

import pytest

from bot.commands import (
    Length,
    Level,
    Member,
    MemberRef,
    Param,
    Range,
    action,
    command,
    convert,
)
from bot.errors import ParseError
from bot.registry import Registry


class Period(Enum):
    WEEK = "week"
    MONTH = "month"


class Sample:
    """A cog for tests."""

    @command("sample run", level=Level.MODERATOR, cooldown=(2, 10.0), private=True)
    async def run(
        self,
        ctx: object,
        who: Annotated[Member, "Who"],
        times: Annotated[int, "How often", Range(1, 5)],
        loud: bool = False,
        mode: Literal["a", "b"] = "a",
        period: Period = Period.WEEK,
        *,
        note: Annotated[str, "Why", Length(max=10)] = "",
    ) -> None:
        """Run the sample."""

    @action("sample_press")
    async def press(self, ctx: object, arg: str) -> None:
        """Press."""


def _spec():  # type: ignore[no-untyped-def]
    spec = Registry([Sample()]).command("sample run")
    assert spec is not None
    return spec


def test_the_signature_is_the_declaration() -> None:
    spec = _spec()
    assert spec.path == ("sample", "run")
    assert spec.help == "Run the sample."
    assert (spec.level, spec.cooldown, spec.private) == (Level.MODERATOR, (2, 10.0), True)
    names = [(p.name, p.kind, p.required) for p in spec.params]
    assert names == [
        ("who", Member, True),
        ("times", int, True),
        ("loud", bool, False),
        ("mode", str, False),
        ("period", str, False),
        ("note", str, False),
    ]
    assert spec.param("mode").choices == ("a", "b")
    assert spec.param("period").choices == ("week", "month")
    assert spec.param("note").rest
    assert spec.usage() == "/sample run <who> <times> [loud] [a|b] [week|month] [note…]"


def test_decorators_return_the_plain_function() -> None:
    assert Sample.run.__name__ == "run"


def test_convert_checks_types_and_bounds() -> None:
    spec = _spec()
    assert convert(spec.param("times"), "3") == 3
    with pytest.raises(ParseError, match="whole number"):
        convert(spec.param("times"), "three")
    with pytest.raises(ParseError, match="whole number from 1 to 5"):
        convert(spec.param("times"), "6")
    assert convert(spec.param("loud"), "YES") is True
    with pytest.raises(ParseError, match="yes or no"):
        convert(spec.param("loud"), "maybe")
    assert convert(spec.param("mode"), "B") == "b"
    with pytest.raises(ParseError, match="one of: a, b"):
        convert(spec.param("mode"), "c")
    with pytest.raises(ParseError, match="keep it to 10"):
        convert(spec.param("note"), "x" * 11)
    assert convert(spec.param("who"), "@bob") == MemberRef(name="bob")


def test_bad_declarations_are_refused() -> None:
    class NoDoc:
        @command()
        async def nodoc(self, ctx: object) -> None:
            pass

    with pytest.raises(TypeError, match="docstring"):
        Registry([NoDoc()])

    class TwoRests:
        @command()
        async def two(self, ctx: object, *, a: str, b: str) -> None:
            """Two rests."""

    with pytest.raises(TypeError, match="only one keyword-only"):
        Registry([TwoRests()])

    with pytest.raises(ValueError, match="declared twice"):
        Registry([Sample(), Sample()])


def test_registry_finds_groups_and_levels() -> None:
    registry = Registry([Sample()])
    assert [s.name for s in registry.children(("sample",))] == ["sample run"]
    assert registry.visible_to(Level.MEMBER) == []
    assert [s.name for s in registry.visible_to(Level.ADMIN)] == ["sample run"]
    assert "sample_press" in registry.actions


def test_whole_numbers_take_ascii_digits_within_bounds_only() -> None:
    times = _spec().param("times")
    assert times is not None
    for junk in ("²", "٣", "--5", "1_0", "1e3", "0x3", "", "9" * 5000, "@everyone"):
        with pytest.raises(ParseError) as caught:
            convert(times, junk)
        assert "takes a whole number from 1 to 5" in caught.value.message
        assert len(caught.value.message) < 120 and "@everyone" not in caught.value.message
    assert convert(times, "+3") == 3


def test_unbounded_text_still_has_a_sane_length() -> None:
    with pytest.raises(ParseError, match="keep it to 100 at most"):
        convert(Param(name="interest", kind=str), "x" * 100_000)
    with pytest.raises(ParseError, match="keep it to 2,000 at most"):
        convert(Param(name="text", kind=str, rest=True), "x" * 100_000)
