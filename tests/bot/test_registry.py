"""The registry's rules: levels per top-level command, old names, and the README in step."""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import takewhile
from pathlib import Path

import pytest

from bot.commands import Level, command
from bot.configstore import ConfigStore
from bot.metrics import Metric
from bot.registry import Registry
from cogs import build_registry

README = Path(__file__).resolve().parents[2] / "README.md"
WHO = {Level.MEMBER: "everyone", Level.MODERATOR: "moderators", Level.ADMIN: "admins"}
# Top-level commands that mix levels on purpose, and why. Discord lists them to members, and a
# member who tries the moderators' part is refused politely.
MIXED_ON_PURPOSE = {
    "match": "/match stats (moderators) sits beside the members' /match join, as issue 10 names it",
    "outcome": "/outcome remove (moderators) sits beside the members' /outcome add (issue 11)",
}


class Things:
    """A cog whose list moved to a top-level command of its own."""

    @command("thing set", level=Level.MODERATOR)
    async def thing_set(self, ctx: object, name: str) -> None:
        """Set a thing."""

    @command("things", was=("thing list", "Thing  Show"))
    async def things(self, ctx: object) -> None:
        """List the things."""


def test_no_top_level_command_mixes_members_with_moderators() -> None:
    # Discord hides commands from members only per top-level command (default_member_permissions),
    # so a moderator command next to a member one would be shown to members and refused on use.
    levels: dict[str, set[bool]] = defaultdict(set)
    for path, spec in build_registry(ConfigStore()).commands.items():
        levels[path[0]].add(spec.level > Level.MEMBER)
    mixed = sorted(
        name for name, kinds in levels.items() if len(kinds) > 1 and name not in MIXED_ON_PURPOSE
    )
    assert mixed == [], f"split these into a member and a moderator command: {mixed}"


def test_the_readme_lists_every_command_with_who_may_use_it() -> None:
    readme = README.read_text()
    table = readme[readme.index("| command | who | what it does |") :].split("\n\n")[0]
    listed: dict[str, str] = {}
    for row in table.splitlines()[2:]:
        usage, who = row.split("`")[1], row.split(" | ")[1]
        # The command's name is its leading lower-case words: `/config set KEY VALUE`.
        name = takewhile(lambda word: re.fullmatch("[a-z][a-z-]*", word), usage[1:].split())
        listed[" ".join(name)] = who
    registry = build_registry(ConfigStore())
    expected = {spec.name: WHO[spec.level] for spec in registry.commands.values()}
    assert listed == expected


def test_old_names_point_to_the_new_command() -> None:
    registry = Registry([Things()])
    assert registry.moved == {
        ("thing", "list"): registry.commands[("things",)],
        ("thing", "show"): registry.commands[("things",)],
    }
    assert registry.find(("thing", "list")) is None  # an old name never runs the command


def test_an_old_name_that_is_taken_is_refused() -> None:
    class Clash:
        @command("thing list")
        async def thing_list(self, ctx: object) -> None:
            """List things the old way."""

    with pytest.raises(ValueError, match="another command's old name"):
        Registry([Things(), Clash()])
    with pytest.raises(ValueError, match="its old name /thing list is taken"):
        Registry([Clash(), Things()])


class Counting:
    """A cog that gives badge rules a metric."""

    metrics = (Metric("kudos_received", "again", None, "id"),)


def test_metrics_come_from_cogs_then_the_core_and_clash_loudly() -> None:
    registry = build_registry(ConfigStore())
    names = list(registry.metrics)
    assert names[:2] == ["intros", "kudos_received"] and names[-1] == "role"
    assert registry.known_metrics.texts == ("role",)
    with pytest.raises(ValueError, match="badge metric 'kudos_received' is declared twice"):
        registry.add_cog(Counting())
