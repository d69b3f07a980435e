"""Changing settings through the dispatcher: who may, what is read, and what is said back."""

from __future__ import annotations

import json
import random
import re

import pytest

from bot import render
from bot.commands import Level
from bot.runtime import Runtime
from config.community import build_config, settable_keys
from storage import communities
from tests.conftest import PLACE, START, Driver

MOD, ADMIN = Level.MODERATOR, Level.ADMIN
LIVE_PING = re.compile(r"@(everyone|here|channel)", re.IGNORECASE)


async def setting(driver: Driver, key: str) -> str:
    """The line `/config show` prints for a key (a moderator's view: members don't see it)."""
    await driver.run("mo", "/config show", MOD)
    return next(line for line in driver.transport.last().splitlines() if f"`{key}`" in line)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("/config set default_role moderator", "change `default_role` to moderator"),
        ("/config set moderator_role @everyone", "change `moderator_role`"),
        ("/config set roles.moderator.meaning Anyone", "change `roles.moderator.meaning`"),
        ("/config set roles.moderator.entry Just ask", "change `roles.moderator.entry`"),
        ("/config reset moderator_role", "reset `moderator_role`"),
    ],
)
async def test_moderators_cannot_change_who_moderates(
    driver: Driver, line: str, reason: str
) -> None:
    outcome = await driver.run("mo", line, MOD)
    assert not outcome.ok
    assert driver.transport.last() == f"Only admins can {reason}: it decides who moderates."
    await driver.run("mo", "/config show", MOD)
    assert "(changed)" not in driver.transport.last()


async def test_a_moderator_cannot_make_newcomers_moderators(driver: Driver) -> None:
    await driver.run("mo", "/config set default_role moderator", MOD)
    await driver.join("eve")
    outcome = await driver.run("eve", "/config set page_size 5")
    assert not outcome.ok and driver.transport.last() == "Only moderators can use /config set."


async def test_admins_can_change_who_moderates_and_moderators_cannot_undo_it(
    driver: Driver,
) -> None:
    await driver.run("ad", "/config set default_role moderator", ADMIN)
    assert driver.transport.last() == "Saved: `default_role` is now moderator."
    await driver.run("mo", "/config set default_role member", MOD)
    assert (
        driver.transport.last()
        == "Only admins can change `default_role`: it decides who moderates."
    )
    await driver.run("mo", "/config reset default_role", MOD)
    assert driver.transport.last().startswith("Only admins can reset `default_role`")
    await driver.run("ad", "/config set moderator_role Stewards", ADMIN)
    assert driver.transport.last() == "Saved: `moderator_role` is now Stewards."
    await driver.run("mo", "/config set default_role leader", MOD)
    assert "Only admins" in driver.transport.last()  # still moderator until an admin moves it
    await driver.run("ad", "/config reset default_role", ADMIN)
    assert driver.transport.last() == "Reset: `default_role` is back to its default, member."
    await driver.run("mo", "/config set default_role leader", MOD)
    assert driver.transport.last() == "Saved: `default_role` is now leader."


async def test_reset_puts_the_default_back(driver: Driver) -> None:
    await driver.run("mo", "/config set kudos_channel #thanks", MOD)
    assert driver.transport.last() == "Saved: `kudos_channel` is now thanks."
    await driver.run("mo", "/config reset Kudos_Channel", MOD)
    assert driver.transport.last() == "Reset: `kudos_channel` is back to its default, (empty)."
    assert await setting(driver, "kudos_channel") == "- `kudos_channel`: (empty)"
    await driver.run("mo", "/config reset kudos_channel", MOD)
    assert driver.transport.last() == "`kudos_channel` already has its default: (empty)."
    await driver.run("mo", "/config reset page_sise", MOD)
    assert driver.transport.last().startswith(
        "There is no setting `page_sise`. Did you mean `page_size`?"
    )
    outcome = await driver.run("ann", "/config reset page_size")
    assert not outcome.ok and driver.transport.last() == "Only moderators can use /config reset."


async def test_a_stored_value_that_no_longer_fits_is_shown_and_can_be_reset(
    driver: Driver, runtime: Runtime
) -> None:
    await driver.run("ann", "/ping")  # the community exists from its first command
    community = await runtime.dispatcher.community(PLACE)
    async with runtime.db.session() as session, session.begin():
        await communities.set_override(
            session,
            community_id=community.id,
            key="intro_channel",
            value=json.dumps("[x](javascript:alert(1)) @everyone!"),  # saved before the rule
            member_id=None,
            now=START,
        )
    runtime.dispatcher.configs.forget(community.id)
    assert await setting(driver, "intro_channel") == (
        "- `intro_channel` (the stored change no longer fits, so the default applies): "
        "introductions"
    )
    await driver.run("mo", "/config reset intro_channel", MOD)
    assert driver.transport.last() == (
        "Reset: `intro_channel` is back to its default, introductions."
    )
    assert await setting(driver, "intro_channel") == "- `intro_channel`: introductions"


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("#Hello-World", "hello-world"),
        ("<#C0123ABCD|intros>", "C0123ABCD"),
        ("<#123456789012345678>", "123456789012345678"),
    ],
)
async def test_channel_settings_take_names_ids_and_mentions(
    driver: Driver, value: str, stored: str
) -> None:
    await driver.run("mo", f"/config set intro_channel {value}", MOD)
    assert driver.transport.last() == f"Saved: `intro_channel` is now {render.safe(stored)}."


async def test_channel_settings_refuse_what_is_not_a_channel(driver: Driver) -> None:
    await driver.run("mo", "/config set intro_channel [x](javascript:alert(1)) @everyone!", MOD)
    text = driver.transport.last()
    assert text.startswith("`intro_channel` takes a channel name (lower-case letters, digits")
    assert "javascript" in text and not LIVE_PING.search(render.to_plain(text))
    assert "](" not in text.replace("\\](", "")  # the link is shown as text, not made
    await driver.run("mo", "/config set welcome_channel #", MOD)
    assert driver.transport.last().startswith("`welcome_channel` can't be empty")
    assert await setting(driver, "intro_channel") == "- `intro_channel`: introductions"


async def test_numbers_and_yes_no_in_every_spelling(driver: Driver) -> None:
    for bad in ("--5", "²", "9" * 5000, "@everyone", "5.0", "1_0"):
        outcome = await driver.run("mo", f"/config set page_size {bad}", MOD)
        text = driver.transport.last()
        assert not outcome.ok and text.startswith("`page_size` takes a whole number from 3 to 25")
        assert "reference `" not in text and len(text) < 200
        assert not LIVE_PING.search(render.to_plain(text))
    await driver.run("mo", "/config set leaderboards 0", MOD)
    assert driver.transport.last() == "Saved: `leaderboards` is now no."
    assert await setting(driver, "leaderboards") == "- `leaderboards` (changed): no"
    await driver.run("mo", "/config set leaderboards Yes", MOD)
    assert driver.transport.last() == "Saved: `leaderboards` is now yes."
    await driver.run("mo", "/config set leaderboards perhaps", MOD)
    assert driver.transport.last() == "`leaderboards` takes yes or no, not “perhaps”."


async def test_time_zones_are_stored_as_spelled_in_the_database(driver: Driver) -> None:
    await driver.run("mo", "/config set timezone europe/paris", MOD)
    assert driver.transport.last() == "Saved: `timezone` is now Europe/Paris."
    await driver.run("mo", "/config set timezone utc", MOD)
    assert driver.transport.last() == "Saved: `timezone` is now UTC."
    await driver.run("mo", "/config set timezone Europe/Parris", MOD)
    assert driver.transport.last() == (
        "`timezone` takes an IANA time zone such as UTC, Europe/Paris or America/Chicago, "
        "not “Europe/Parris”."
    )


async def test_refusals_speak_plainly_and_never_echo_raw(driver: Driver) -> None:
    await driver.run("mo", "/config set bogus_key 1", MOD)
    assert driver.transport.last() == (
        "There is no setting `bogus_key`. See every setting with /config show."
    )
    await driver.run("mo", "/config set @everyone 1", MOD)
    text = driver.transport.last()
    assert text.startswith("There is no setting “@") and not LIVE_PING.search(render.to_plain(text))
    await driver.run("mo", f"/config set welcome_text {'x' * 1501}", MOD)
    text = driver.transport.last()
    assert text == "`welcome_text` takes at most 1500 characters; that was 1501."
    assert len(text) < 200 and "String should" not in text
    await driver.run("mo", "/config set roles.member.commitments " + ";".join("abcdefghijk"), MOD)
    assert "`roles.member.commitments` takes at most 10 items" in driver.transport.last()


async def test_badge_rules_say_what_is_wrong(driver: Driver) -> None:
    await driver.run("mo", "/config set badges.hello.rule intros >= -5", MOD)
    assert render.to_plain(driver.transport.last()) == (
        "`badges.hello.rule`: a rule compares with whole numbers from 0 to 1,000,000, not “-5”."
    )
    await driver.run("mo", f"/config set badges.hello.rule intros >= {'9' * 30}", MOD)
    assert "from 0 to 1,000,000" in driver.transport.last()
    await driver.run("mo", "/config set badges.hello.rule intros >= 1 or @everyone", MOD)
    text = driver.transport.last()
    assert text.startswith("`badges.hello.rule`: each part of a rule is a comparison like")
    assert not LIVE_PING.search(render.to_plain(text))
    await driver.run("mo", "/config set badges.hello.rule karma >= 2", MOD)
    assert "the metrics are: intros" in driver.transport.last()
    await driver.run("mo", "/config set badges.hello.rule intros >= 2", MOD)
    assert (
        render.to_plain(driver.transport.last()) == "Saved: `badges.hello.rule` is now intros >= 2."
    )


JUNK = [
    "@everyone",
    "@here hi",
    "<!channel>",
    "<@&123456789012345678>",
    "<#C0123ABCD|@everyone>",
    "[x](javascript:alert(1)) @everyone!",
    "**bold** `code` ~~strike~~ > quote",
    "--5",
    "²",
    "9" * 5000,
    "-" + "9" * 40,
    "\u202eevil",
    "yes",
    "0",
    "#intros",
    "Europe/Paris",
    "intros >= 1",
    "a; b; @everyone",
    "x" * 2000,
]


def junk(rng: random.Random) -> str:
    """A random hostile value: listed junk, random Unicode, or both joined."""
    pieces = [rng.choice(JUNK)]
    if rng.random() < 0.6:
        length = rng.randint(1, 40)
        pieces.append("".join(chr(rng.randint(0x21, 0x2FFF)) for _ in range(length)))
    rng.shuffle(pieces)
    return " ".join(pieces).strip() or "x"


@pytest.mark.parametrize("level", [MOD, Level.OWNER])
async def test_junk_in_every_setting_is_refused_or_saved_never_a_crash(
    driver: Driver, level: Level
) -> None:
    rng = random.Random(8)
    keys = settable_keys(build_config({}))
    lines = [f"/config set {key} {junk(rng)}" for key in keys for _ in range(4)]
    lines += [f"/config set {junk(rng)} 5" for _ in range(20)]
    lines += [f"/config reset {junk(rng)}" for _ in range(20)] + [
        f"/config reset {k}" for k in keys
    ]
    for line in lines:
        outcome = await driver.run("mo", line, level)
        reply = driver.transport.last()
        assert "reference `" not in reply, (line, reply)
        done = reply.startswith(("Saved: ", "Reset: ")) or "already has its default" in reply
        assert outcome.ok == done, (line, reply)
        assert not LIVE_PING.search(render.to_plain(reply)), (line, reply)
        assert len(reply) < 600, (line, reply)
    await driver.run("mo", "/config show", level)
    shown = driver.transport.last()
    assert shown.startswith("**This community's settings**")
    assert "reference `" not in shown and not LIVE_PING.search(render.to_plain(shown))
