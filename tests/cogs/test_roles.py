"""Roles: expectations, changing a role, and the roles with who holds which."""

from __future__ import annotations

from bot import render
from bot.commands import Level
from bot.reply import ToMember
from tests.conftest import Driver


async def test_expectations_lists_every_role_or_one(driver: Driver) -> None:
    await driver.run("ann", "/expectations")
    text = driver.transport.last()
    for role in ("Member", "Contributor", "Leader", "Moderator"):
        assert f"**{role}**" in text
    assert "Commitments:" in text and "Ways in:" in text
    await driver.run("ann", "/expectations LEADER")
    assert driver.transport.last().startswith("**Leader**")
    await driver.run("ann", "/expectations wizard")
    assert (
        "There is no role “wizard”. The roles are: member, contributor" in driver.transport.last()
    )


async def test_a_moderator_sets_a_role_and_it_is_announced(driver: Driver) -> None:
    await driver.run("bob", "/ping")
    outcome = await driver.run("mod", "/role set @bob leader", Level.MODERATOR)
    assert outcome.ok
    announcement = driver.transport.posts(None)[0].reply.text
    assert "is now a **leader**" in announcement
    assert render.mentioned_ids(announcement) == ["bob"]
    await driver.run("ann", "/roles leader")
    assert "**Leader** (1): bob" in driver.transport.last()
    await driver.run("mod", "/role set @bob leader", Level.MODERATOR)
    assert "already a leader" in driver.transport.last()


async def test_members_cannot_set_roles(driver: Driver) -> None:
    await driver.run("bob", "/ping")
    outcome = await driver.run("ann", "/role set @bob leader")
    assert not outcome.ok
    assert driver.transport.last() == "Only moderators can use /role set."


async def test_only_admins_make_or_unmake_moderators(driver: Driver) -> None:
    await driver.run("bob", "/ping")
    await driver.run("mod", "/role set @bob moderator", Level.MODERATOR)
    assert driver.transport.last() == "Only admins can make or unmake moderators."
    assert (await driver.run("boss", "/role set @bob moderator", Level.ADMIN)).ok
    assert (await driver.run("bob", "/config set page_size 5")).ok  # bob now moderates


async def test_roles_say_what_each_expects_and_who_holds_it(driver: Driver) -> None:
    for name in ("ann", "bob", "cy"):
        await driver.run(name, "/ping")
    await driver.run("boss", "/role set @cy contributor", Level.ADMIN)
    await driver.run("ann", "/roles")
    lines = driver.transport.last().splitlines()
    assert lines[0] == "**The roles and who holds them**"
    assert lines[1] == "**Member** (3): ann, bob, boss"
    assert lines[2].startswith("Everyone who joins: here to learn, ask and share. Expects: ")
    assert "Introduce yourself with /intro; Be kind" in lines[2]
    assert lines[3] == "**Contributor** (1): cy"
    # Roles nobody holds yet still say what they mean, in the community's order.
    assert lines[5] == "**Leader** (0): nobody yet"
    assert lines[6].startswith("Members who steer: ") and "Expects: Host or co-host" in lines[6]
    assert lines[7] == "**Moderator** (0): nobody yet"
    assert lines[-1] == "How to step into a role: /expectations."
    await driver.run("ann", "/roles LEADER")
    assert driver.transport.last().splitlines()[:2] == [
        "**The leader role**",
        "**Leader** (0): nobody yet",
    ]


async def test_the_old_role_list_points_to_roles(driver: Driver) -> None:
    outcome = await driver.run("ann", "/role list")
    assert not outcome.ok and driver.transport.last() == "/role list is now /roles."
    await driver.run("ann", "/ROLE List leader")
    assert driver.transport.last() == "/role list is now /roles: try /roles leader."
    await driver.run("ann", "/role list @everyone **x**")
    assert "@everyone" not in render.to_plain(driver.transport.last())
    await driver.run("ann", "/help role list")
    assert driver.transport.last().startswith("/role list is now /roles.\n\n`/roles [role]`")
    assert (await driver.run("ann", "/role")).ok is False
    assert driver.transport.last() == "/role needs one more word: /role set."


async def test_bad_role_and_unknown_member(driver: Driver) -> None:
    await driver.run("mod", "/role set @ghost leader", Level.MODERATOR)
    assert "I can't find @ghost" in driver.transport.last()
    await driver.run("mod", "/role set @mod king", Level.MODERATOR)
    assert "There is no role “king”" in driver.transport.last()


async def test_nobody_below_admin_changes_their_own_role(driver: Driver) -> None:
    await driver.run("mod", "/ping")
    await driver.run("mod", "/role set @mod leader", Level.MODERATOR)
    assert driver.transport.last() == (
        "You can't change your own role. Ask an admin if it should change."
    )
    await driver.run("boss", "/role set @mod moderator", Level.ADMIN)
    await driver.run("mod", "/role set @mod member")  # a moderator by role, not by platform
    assert driver.transport.last().startswith("You can't change your own role.")
    assert (await driver.run("boss", "/role set @boss leader", Level.ADMIN)).ok


async def test_a_moderator_cannot_unmake_a_moderator(driver: Driver) -> None:
    await driver.run("bob", "/ping")
    await driver.run("boss", "/role set @bob moderator", Level.ADMIN)
    outcome = await driver.run("mod", "/role set @bob leader", Level.MODERATOR)
    assert not outcome.ok
    assert driver.transport.last() == "Only admins can make or unmake moderators."


async def test_promotions_are_celebrated_and_demotions_told_privately(driver: Driver) -> None:
    await driver.run("bob", "/ping")
    await driver.run("mod", "/role set @bob leader", Level.MODERATOR)
    [post] = driver.transport.posts(None)
    assert post.reply.text.startswith("🎉 ") and "is now a **leader**" in post.reply.text
    assert driver.transport.answer() == "Done: bob is now a leader (and it is announced)."
    driver.transport.clear()
    await driver.run("mod", "/role set @bob contributor", Level.MODERATOR)
    assert driver.transport.posts(None) == []
    [dm] = [item for item in driver.transport.sent if isinstance(item, ToMember)]
    assert dm.member.name == "bob" and "🎉" not in dm.reply.text
    assert dm.reply.text.startswith("Your role in Testers is now **contributor**: ")
    assert driver.transport.answer() == (
        "Done: bob is now a contributor (not announced; they were told privately)."
    )


async def test_role_names_typed_back_are_clipped_and_neutralised(driver: Driver) -> None:
    await driver.run("ann", "/expectations **wizard**")
    assert "There is no role “\\*\\*wizard\\*\\*”" in driver.transport.last()
    await driver.run("ann", "/roles " + "x" * 95)
    shown = driver.transport.last()
    assert "x" * 59 + "…”" in shown and "x" * 61 not in shown
