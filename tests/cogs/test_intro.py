"""Intros: the form, saving and updating, the card, history, the directory, the welcome."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot import render
from bot.clock import ManualClock
from bot.errors import UserError
from bot.reply import FormRequest, ToChannel, ToMember
from bot.runtime import Runtime
from cogs.intro import normalise_interests
from storage.models import IntroRow
from tests.conftest import Driver

INTRO = '/intro about="I teach chemistry" goals="find OER partners" interests="OER, Chemistry, oer"'


async def test_intro_with_every_field_saves_and_posts_a_card(driver: Driver) -> None:
    outcome = await driver.run("ann", INTRO)
    assert outcome.ok
    card = driver.transport.posts("introductions")[0].reply.text
    assert "introduced themselves" in card and "I teach chemistry" in card
    assert "oer, chemistry" in card  # normalised: lower-case, de-duplicated
    assert render.mentioned_ids(card) == ["ann"]
    assert "Thanks for introducing yourself" in driver.transport.answer()
    assert driver.transport.to_invoker()[-1].reply.private


async def test_intro_without_fields_opens_the_form_prefilled_on_update(driver: Driver) -> None:
    await driver.run("ann", "/intro")
    form = driver.transport.forms()[0].form
    assert [f.name for f in form.fields] == ["about", "goals", "interests", "can_help"]
    assert all(not f.value for f in form.fields)
    await driver.run("ann", INTRO)
    driver.transport.clear()
    await driver.run("ann", "/intro")
    values = {f.name: f.value for f in driver.transport.forms()[0].form.fields}
    assert values["goals"] == "find OER partners" and values["interests"] == "oer, chemistry"


async def test_running_intro_again_keeps_history(driver: Driver, clock: ManualClock) -> None:
    await driver.run("ann", INTRO)
    clock.advance(timedelta(days=30))
    await driver.run("ann", '/intro about="I teach" goals="lead a work group" interests=oer')
    assert "updated their intro" in driver.transport.posts("introductions")[-1].reply.text
    await driver.run("ann", "/intro history")
    history = driver.transport.answer()
    assert "2 versions" in history
    assert history.index("lead a work group") < history.index("find OER partners")
    assert "2026-12-02 (current)" in history and "2026-11-02" in history


async def test_intro_show_for_self_other_and_missing(driver: Driver) -> None:
    await driver.run("ann", INTRO)
    await driver.run("bob", "/intro show")
    assert "You haven't introduced yourself yet" in driver.transport.answer()
    assert driver.transport.to_invoker()[-1].reply.buttons[0].action == "intro_open"
    await driver.run("bob", "/intro show @ann")
    assert "I teach chemistry" in driver.transport.answer()
    await driver.run("ann", "/intro show @bob")
    assert "hasn't written an intro yet" in driver.transport.answer()
    await driver.run("ann", "/intro show @ghost")
    assert "I can't find @ghost" in driver.transport.answer()


async def test_mass_mentions_in_an_intro_never_ping(driver: Driver) -> None:
    await driver.run(
        "eve", '/intro about="hi @everyone <!channel> <@&123>" goals="@here" interests=x'
    )
    card = driver.transport.posts("introductions")[0].reply.text
    for rendered in (render.to_discord(card), render.to_slack(card), render.to_plain(card)):
        assert "@everyone" not in rendered and "@here" not in rendered
    assert "<!channel>" not in render.to_slack(card)
    assert render.mentioned_ids(card) == ["eve"]


async def test_over_long_and_empty_fields_are_refused_and_nothing_is_lost(
    driver: Driver, runtime: Runtime
) -> None:
    await driver.run("ann", INTRO)
    values = {"about": "x" * 501, "goals": "g", "interests": "a"}
    outcome = await driver.submit("ann", "intro", values)
    assert outcome.error and outcome.error.field == "about"
    assert "501 characters; keep it to 500" in driver.transport.answer()
    outcome = await driver.submit("ann", "intro", {"about": "a", "goals": "  ", "interests": "a"})
    assert outcome.error and outcome.error.field == "goals"
    async with runtime.db.session() as session:
        intros = (await session.exec(select(IntroRow))).all()
    assert len(intros) == 1 and intros[0].about == "I teach chemistry"


def test_interests_are_normalised_and_bounded() -> None:
    assert normalise_interests(" OER ,#Chemistry;  open   science\noer") == (
        "oer",
        "chemistry",
        "open science",
    )
    with pytest.raises(UserError, match="at least one"):
        normalise_interests(" , ")
    with pytest.raises(UserError, match="top 10"):
        normalise_interests(",".join(map(str, range(11))))
    with pytest.raises(UserError, match="40 characters"):
        normalise_interests("x" * 41)


async def test_directory_pages_and_filters(driver: Driver, clock: ManualClock) -> None:
    for n in range(12):
        clock.advance(timedelta(minutes=1))
        tags = "oer, art" if n % 2 else "oer"
        await driver.run(f"m{n:02}", f'/intro about="member {n}" goals=g interests="{tags}"')
    driver.transport.clear()
    await driver.run("viewer", "/members")
    page = driver.transport.to_invoker()[-1]
    assert "12 members who introduced themselves** (page 1 of 2)" in page.reply.text
    assert page.reply.text.index("m11") < page.reply.text.index("m10")  # newest first
    await driver.press("viewer", page.reply.buttons[0].custom_id)
    assert "(page 2 of 2)" in driver.transport.answer() and "m00" in driver.transport.answer()
    await driver.run("viewer", "/members ART")
    assert "**6 members interested in art**" in driver.transport.answer()
    await driver.run("viewer", "/members knitting")
    assert "Nobody lists “knitting”" in driver.transport.answer()
    assert "oer" in driver.transport.answer()


async def test_newcomers_get_a_welcome_dm_with_the_intro_button(driver: Driver) -> None:
    await driver.join("newt")
    dm = driver.transport.sent[0]
    assert isinstance(dm, ToMember) and dm.member.name == "newt"
    assert "Welcome to Testers, newt!" in dm.reply.text
    assert "Introduce yourself with /intro" in dm.reply.text  # the member role's commitments
    button = dm.reply.buttons[0]
    assert button.label == "Introduce yourself"
    driver.transport.clear()
    await driver.press("newt", button.custom_id)
    assert isinstance(driver.transport.sent[0], FormRequest)
    await driver.submit(
        "newt", "intro", {"about": "new here", "goals": "learn", "interests": "oer"}
    )
    assert isinstance(driver.transport.sent[1], ToChannel)


async def test_welcome_falls_back_to_the_welcome_channel(driver: Driver) -> None:
    driver.transport.closed_dms.add("shy")
    await driver.join("shy")
    post = driver.transport.posts("welcome")[0]
    assert render.mentioned_ids(post.reply.text) == ["shy"]


async def test_home_page_shows_the_intro_or_invites_one(driver: Driver, runtime: Runtime) -> None:
    from bot.dispatch import Actor
    from tests.conftest import PLACE

    dispatcher = runtime.dispatcher
    await dispatcher.emit(PLACE, Actor("ann", "ann"), "home_opened", driver.transport)
    first = driver.transport.to_invoker()[0].reply
    assert first.private and "You haven't introduced yourself yet" in first.text
    assert first.buttons[0].action == "intro_open"
    await driver.run("ann", INTRO)
    driver.transport.clear()
    await dispatcher.emit(PLACE, Actor("ann", "ann"), "home_opened", driver.transport)
    sections = [item.reply.text for item in driver.transport.to_invoker()]
    assert sections[0].startswith("**Your intro** (last updated 2026-11-02)")
    assert "I teach chemistry" in sections[0]
    assert sections[1].startswith("**Your role**\n**Member**")


async def test_one_version_is_counted_in_the_singular(driver: Driver) -> None:
    await driver.run("ann", INTRO)
    await driver.run("ann", "/intro history")
    assert driver.transport.answer().startswith(
        "**How ann's intro evolved: 1 version, newest first**\n- 2026-11-02 (current)"
    )


async def test_the_welcome_greets_once(driver: Driver) -> None:
    await driver.join("newt")
    dm = driver.transport.sent[0]
    assert isinstance(dm, ToMember)
    first, second = dm.reply.text.split("\n")[:2]
    assert first == "**Welcome to Testers, newt!**"
    assert second.startswith("This is a community of practice")
    assert dm.reply.text.count("Welcome") == 1


async def test_the_intro_history_of_someone_who_left(driver: Driver, runtime: Runtime) -> None:
    from bot.dispatch import Actor
    from tests.conftest import PLACE

    await driver.run("ann", INTRO)
    await runtime.dispatcher.emit(PLACE, Actor("ann", "ann"), "member_left", driver.transport)
    await driver.run("bob", "/intro history @ann")
    assert driver.transport.answer().startswith("**Intro history of ann (left): 1 version")
    await driver.run("bob", "/members")
    assert driver.transport.answer().startswith("Nobody has introduced themselves yet")


async def test_interests_typed_back_are_neutralised(driver: Driver) -> None:
    await driver.run("ann", INTRO)
    await driver.run("bob", "/members **knit**")
    assert driver.transport.answer().startswith("Nobody lists “\\*\\*knit\\*\\*” as an interest")
