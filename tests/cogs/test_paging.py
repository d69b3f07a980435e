"""Every list pages the same way: forward, back, first, and a page past the end shows the last."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.commands import Level
from bot.reply import Button, Reply
from tests.conftest import Driver

MOD = Level.MODERATOR
NAMES = ("ana", "bob", "cy", "dee", "eve", "fay", "gus", "hal")


@pytest.fixture
async def small_pages(driver: Driver) -> Driver:
    """Everyone in NAMES has been seen, and lists show 3 entries a page."""
    await driver.run("mod", "/config set page_size 3", MOD)
    for name in NAMES:
        await driver.run(name, "/ping")
    driver.transport.clear()
    return driver


def button(reply: Reply, label: str) -> Button:
    """The button with this label."""
    return next(b for b in reply.buttons if b.label == label)


def to_page(sample: Button, number: int) -> str:
    """The custom id of a press on the same list for any page, as an old button might carry."""
    key, _, _ = sample.arg.rpartition(":")
    return Button(sample.label, sample.action, f"{key}:{number}" if key else str(number)).custom_id


async def walk(driver: Driver, who: str, line: str, pages: int) -> list[str]:
    """Open a list, page to its end, back, to the first, and past the end; every page's text."""
    await driver.run(who, line)
    reply = driver.transport.to_invoker()[-1].reply
    first = reply
    assert f"(page 1 of {pages})" in reply.text, reply.text
    assert [b.label for b in reply.buttons] == ["Next"]
    assert reply.private
    texts = [reply.text]
    for number in range(2, pages + 1):
        await driver.press(who, button(reply, "Next").custom_id)
        reply = driver.transport.to_invoker()[-1].reply
        assert f"(page {number} of {pages})" in reply.text, reply.text
        texts.append(reply.text)
    labels = [b.label for b in reply.buttons]
    assert labels == (["First", "Previous"] if pages > 2 else ["Previous"])
    assert all(len(b.custom_id) <= 72 for b in reply.buttons)
    await driver.press(who, button(reply, "Previous").custom_id)
    assert f"(page {pages - 1} of {pages})" in driver.transport.answer()
    if pages > 2:
        await driver.press(who, button(reply, "First").custom_id)
        assert f"(page 1 of {pages})" in driver.transport.answer()
    await driver.press(who, to_page(button(first, "Next"), 99))
    assert driver.transport.answer() == texts[-1]  # past the end: the last page
    return texts


async def test_the_member_directory_pages(small_pages: Driver, clock: ManualClock) -> None:
    for name in NAMES[:7]:
        clock.advance(timedelta(minutes=1))
        await small_pages.run(name, f'/intro about="I am {name}" goals=learn interests="oer"')
    texts = await walk(small_pages, "hal", "/members oer", pages=3)
    assert all(f"**{name}**" in "".join(texts) for name in NAMES[:7])
    assert texts[0].startswith("**7 members interested in oer** (page 1 of 3)")


async def test_the_leaderboard_pages(small_pages: Driver) -> None:
    await small_pages.run("ana", "/kudos @bob @cy @dee @eve @fay for the rota")
    await small_pages.run("gus", "/kudos @hal @ana for the rota")
    texts = await walk(small_pages, "bob", "/kudos top month received", pages=3)
    assert "7. **" in texts[2] and "You received 1 and gave 0 this month." in texts[2]


async def test_kudos_history_pages(small_pages: Driver) -> None:
    for giver in NAMES[1:]:
        await small_pages.run(giver, "/kudos @ana for the notes")
    texts = await walk(small_pages, "bob", "/kudos history @ana", pages=3)
    assert all(f"from **{giver}**" in "".join(texts) for giver in NAMES[1:])


async def test_intro_history_pages_through_every_version(
    small_pages: Driver, clock: ManualClock
) -> None:
    for version in range(7):
        clock.advance(timedelta(minutes=15))  # past the intro cooldown
        await small_pages.run("ana", f'/intro about="me" goals="goal {version}" interests=oer')
    texts = await walk(small_pages, "bob", "/intro history @ana", pages=3)
    assert texts[0].startswith("**How ana's intro evolved: 7 versions, newest first** (page 1")
    assert all(f"goal {version}" in "".join(texts) for version in range(7))


async def test_badges_list_pages(small_pages: Driver) -> None:
    texts = await walk(small_pages, "ana", "/badges list", pages=4)  # 10 badges by default
    assert "(`mentor`)" in texts[3]


async def test_a_members_badges_page(small_pages: Driver) -> None:
    for badge in ("hello", "generous", "valued", "regular", "stalwart", "advocate", "mentor"):
        await small_pages.run("mod", f"/badge grant @ana {badge} For everything you do", MOD)
    texts = await walk(small_pages, "bob", "/badges @ana", pages=3)
    assert texts[0].startswith("**ana's badges (7)** (page 1 of 3)")
    assert "🧭 **Mentor**" in texts[2]


async def test_advocates_page(small_pages: Driver) -> None:
    for name in NAMES[:7]:
        await small_pages.run("mod", f"/badge grant @{name} mentor Welcomes newcomers", MOD)
    texts = await walk(small_pages, "hal", "/advocates", pages=3)
    assert "📣 **Advocate**: nobody yet" in texts[0] and "Most generous" in texts[0]
    assert "Most generous" not in texts[1] and "nobody yet" not in texts[1]
    shown = "".join(texts)
    assert all(name in shown for name in NAMES[:7])


async def test_roles_reach_every_holder(small_pages: Driver) -> None:
    await small_pages.run("boss", "/role set @cy leader", Level.ADMIN)
    texts = await walk(small_pages, "ana", "/roles", pages=4)  # 8 names, mod and boss
    assert texts[0].startswith("**The roles and who holds them** (page 1 of 4)\n**Member** (9): ")
    assert "**Leader** (1): cy" in texts[3]  # after every member, in the community's order
    assert "**Contributor** (0): nobody yet" in texts[3] and "nobody yet" not in texts[0]
    shown = "".join(texts)
    assert all(name in shown for name in (*NAMES, "mod", "boss"))
    texts = await walk(small_pages, "ana", "/roles member", pages=3)
    assert "cy" not in "".join(texts)


async def test_a_short_list_has_no_buttons_and_no_page_label(small_pages: Driver) -> None:
    await small_pages.run("ana", "/kudos @bob for the notes")
    await small_pages.run("bob", "/kudos history")
    reply = small_pages.transport.to_invoker()[-1].reply
    assert reply.buttons == () and "page" not in reply.text
    assert reply.text.startswith("**Kudos of bob**\n")
