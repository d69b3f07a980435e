"""The digest names nobody who paused their public credit (/privacy credit off), in any section."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.commands import Level
from bot.pages import Page, to_chat, to_html, to_markdown
from bot.runtime import Runtime
from tests.cogs.digesting import page_now
from tests.conftest import PLACE, Driver

QUIET = "quillon"  # the member who pauses their credit: a name found nowhere else on the page
MOD = Level.MODERATOR


async def _week(driver: Driver, clock: ManualClock) -> None:
    """A week where quillon is in every kind of section, alongside ana and bob."""
    run = driver.run
    driver.runtime.dispatcher.transports[PLACE.platform] = lambda place: driver.transport
    await run("bob", "/ping")  # known here, but not a newcomer who introduced themselves
    steps = [
        (QUIET, '/intro about="q" goals="g" interests="oer"'),  # a paused newcomer
        ("ana", '/intro about="a" goals="g" interests="maths"'),
        (QUIET, "/kudos @ana for the reading list"),  # a paused giver
        ("ana", f"/kudos @{QUIET} @bob for the workshop"),  # a paused receiver among others
        ("bob", f"/kudos @{QUIET} for the notes"),  # a paused receiver alone
        ("ana", '/need add what="help writing a grant" tags="grants"'),
        ("ana", f"/need done 1 @{QUIET}"),  # a paused helper
        ("bob", '/need add what="a chemistry reviewer" tags="chemistry"'),
        ("bob", "/need done 2 @ana"),
        (
            "ana",
            '/outcome add title="Open lab manual" type=guide link=https://example.org/lab '
            f'contributors="@{QUIET} reviewer, @bob editor"',
        ),
        (
            QUIET,
            '/group propose name="Open labs" purpose="p" produces=guide capacity=4 '
            'ends=2027-03-01 roles="writer"',
        ),
        ("bob", '/group join "Open labs" writer'),
    ]
    for who, line in steps:
        assert (await run(who, line)).ok, (line, driver.transport.answer())
    for who in (QUIET, "ana"):
        outcome = await run("mod", f"/badge grant @{who} Advocate Spoke about us", MOD)
        assert outcome.ok, driver.transport.answer()
    clock.advance(timedelta(minutes=1))  # a period ends before its `until`


def _renderings(page: Page) -> list[str]:
    return [to_chat(page, most=50), to_markdown(page), to_html(page)]


def _lines(page: Page) -> dict[str, list[str]]:
    return {s.title: [line.text for line in s.lines] for s in page.sections}


async def test_a_paused_member_is_named_nowhere_in_the_digest(
    driver: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await _week(driver, clock)
    named = await page_now(runtime, PLACE)
    for text in _renderings(named):
        assert QUIET in text  # the week does name quillon, until they pause
    assert (await driver.run(QUIET, "/privacy credit off")).ok
    page = await page_now(runtime, PLACE)
    for text in _renderings(page):
        assert QUIET not in text.lower()
        assert "ana" in text and "bob" in text
    lines = _lines(page)
    assert lines["👋 New members"] == ["ana: maths", "and 1 other"]  # counted, not named
    assert lines["🙌 Kudos"] == ["ana → bob: for the workshop"]  # left out by name, or whole
    assert "📣 Advocate: ana and 1 other" in lines["🏅 Badges earned"]
    assert lines["🤝 Needs met"] == [
        "#2 a chemistry reviewer, with help from ana",
        "#1 help writing a grant",  # the need met is still news; its helper goes unnamed
    ]
    outcome = lines["Outcomes published"]
    assert len(outcome) == 1 and outcome[0].startswith("Open lab manual (guide, ")
    assert outcome[0].endswith(" by ana and bob")
    assert lines["Work groups"] == ["Open labs (guide): started"]  # it names no member
    # Totals are not credit: every summary counts as it did.
    assert [s.summary for s in page.sections] == [s.summary for s in named.sections]


async def test_turning_credit_back_on_names_them_again(
    driver: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await _week(driver, clock)
    before = await page_now(runtime, PLACE)
    await driver.run(QUIET, "/privacy credit off")
    await driver.run(QUIET, "/privacy credit on")
    after = await page_now(runtime, PLACE)
    assert _lines(after) == _lines(before)
    assert to_markdown(after) == to_markdown(before)


async def test_only_the_member_who_paused_is_left_out(
    driver: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await _week(driver, clock)
    await driver.run("bob", "/privacy credit off")
    page = await page_now(runtime, PLACE)
    for text in _renderings(page):
        assert "bob" not in text and QUIET in text
    assert _lines(page)["🙌 Kudos"] == [
        f"ana → {QUIET}: for the workshop",
        f"{QUIET} → ana: for the reading list",
    ]
