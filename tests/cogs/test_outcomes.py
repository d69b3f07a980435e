"""Outcomes register: adding (form or fields), refusals, the post, credits and consent."""

from __future__ import annotations

import pytest

from bot.commands import Level
from bot.dispatch import Actor
from bot.reply import ToMember
from bot.runtime import Runtime
from tests.conftest import PLACE, Driver

LAB = (
    '/outcome add title="Open lab manual" type=guide link=https://example.org/lab '
    'license="CC BY 4.0" description="How we run open labs" '
    'contributors="@alice author, @bob reviewer"'
)


@pytest.fixture
async def people(driver: Driver) -> Driver:
    """alice, bob, cy and dee have been seen."""
    for name in ("alice", "bob", "cy", "dee"):
        await driver.run(name, "/ping")
    driver.transport.clear()
    return driver


async def test_an_outcome_is_saved_posted_and_its_contributors_told(people: Driver) -> None:
    assert (await people.run("cy", LAB)).ok, people.transport.texts()
    assert people.transport.answer() == (
        "Saved as Outcome #1: **Open lab manual**, crediting alice (author), bob (reviewer) and "
        "cy (author). It's posted in #general."
    )
    [posted] = people.transport.posts("general")
    text = posted.reply.text
    assert "Outcome #1: Open lab manual** (guide)" in text
    assert "alice" in text and "(reviewer)" in text and "License: CC BY 4.0" in text
    assert "example.org/lab" in text
    dms = [i for i in people.transport.sent if isinstance(i, ToMember)]
    assert sorted(dm.member.name for dm in dms) == ["alice", "bob"]
    assert all(dm.reply.buttons[0].label == "Remove me" for dm in dms)


async def test_the_adder_keeps_their_own_role_and_the_license_defaults(people: Driver) -> None:
    line = (
        '/outcome add title="Talk" type=TALK link=http://example.org/t '
        'contributors="@alice presenter"'
    )
    assert (await people.run("alice", line)).ok, people.transport.texts()
    assert people.transport.answer().startswith(
        "Saved as Outcome #1: **Talk**, crediting alice (presenter)."
    )
    await people.run("alice", "/outcome show 1")
    shown = people.transport.answer()
    assert "Type: talk · License: CC BY 4.0" in shown


async def test_without_the_required_fields_the_form_opens(people: Driver) -> None:
    await people.run("alice", '/outcome add title="Open lab manual"')
    [form] = people.transport.forms()
    assert form.form.command == "outcome add"
    assert [f.name for f in form.form.fields][:4] == ["title", "type", "link", "license"]
    values = {"title": "Lab", "type": "guide", "link": "https://example.org", "license": ""}
    assert (await people.submit("alice", "outcome add", values)).ok
    assert "Saved as Outcome #1" in people.transport.answer()


async def test_the_forms_menus_are_the_communitys_own(people: Driver) -> None:
    await people.run("mod", "/config set outcome_types guide; zine; podcast", Level.MODERATOR)
    people.transport.clear()
    await people.run("alice", "/outcome add")
    fields = {f.name: f for f in people.transport.forms()[-1].form.fields}
    assert fields["type"].choices == ("guide", "zine", "podcast")
    assert fields["license"].choices[:2] == ("CC BY 4.0", "CC BY-SA 4.0")
    assert fields["title"].choices == ()


async def test_bad_outcomes_are_refused_saying_what_is_allowed(people: Driver) -> None:
    base = 'title="T" type=guide link=https://example.org'
    cases = {
        f'/outcome add title="{"x" * 121}" type=guide link=https://e.org': "keep it to 120",
        '/outcome add title="T" type=poem link=https://e.org': "The type must be one of: guide;",
        '/outcome add title="T" type=guide link="javascript:alert(1)"': "starting with http://",
        '/outcome add title="T" type=guide link=ftp://example.org/x': "starting with http://",
        '/outcome add title="T" type=guide link=https://': "starting with http://",
        f"/outcome add {base} license=GPL": "The license must be one of: CC BY 4.0;",
        f'/outcome add {base} description="{"d" * 501}"': "keep it to 500",
        f'/outcome add {base} contributors="@alice boss"': "The role must be one of: author;",
        f'/outcome add {base} contributors="@nobody author"': "can't find @nobody",
        f'/outcome add {base} contributors="alice"': "Write each contributor as @name role",
    }
    for line, message in cases.items():
        outcome = await people.run("cy", line)
        assert not outcome.ok, line
        assert message in people.transport.answer(), (line, people.transport.answer())
    assert not people.transport.posts("general")


async def test_a_bot_and_more_than_twenty_contributors_are_refused(
    people: Driver, runtime: Runtime
) -> None:
    dispatcher = runtime.dispatcher
    await dispatcher.run_line(PLACE, Actor("robo", "robo", is_bot=True), "/ping", people.transport)
    base = '/outcome add title="T" type=guide link=https://example.org'
    await people.run("alice", f'{base} contributors="@robo author"')
    assert "is a bot" in people.transport.answer()
    for n in range(21):
        await people.run(f"m{n}", "/ping")
    many = ", ".join(f"@m{n} author" for n in range(21))
    assert not (await people.run("alice", f'{base} contributors="{many}"')).ok
    assert "That's 22 contributors; an outcome credits 20 at most." in people.transport.answer()


async def test_remove_me_withdraws_only_that_credit(people: Driver) -> None:
    await people.run("cy", LAB)
    dm = next(
        i for i in people.transport.sent if isinstance(i, ToMember) and i.member.name == "bob"
    )
    assert (await people.press("bob", dm.reply.buttons[0].custom_id)).ok
    assert "no longer credited on Outcome #1" in people.transport.answer()
    await people.run("cy", "/outcome show 1")
    shown = people.transport.answer()
    assert "bob" not in shown and "alice (author)" in shown and "Open lab manual" in shown
    assert not (await people.press("bob", dm.reply.buttons[0].custom_id)).ok
    assert "aren't credited" in people.transport.answer()


async def test_the_register_pages_and_filters_by_type_and_member(people: Driver) -> None:
    await people.run("cy", LAB)
    await people.run("dee", '/outcome add title="Webinar one" type=webinar link=https://e.org/w')
    await people.run("alice", "/outcomes")
    lines = people.transport.answer().splitlines()
    assert lines[0] == "**Outcomes: 2, newest first**"
    assert lines[1].startswith("- Outcome #2 **Webinar one** (webinar, CC BY 4.0) by dee")
    assert lines[2].startswith("- Outcome #1 **Open lab manual** (guide, CC BY 4.0) by alice")
    await people.run("alice", "/outcomes guide")
    assert people.transport.answer().startswith("**Outcomes of type guide: 1")
    await people.run("alice", "/outcomes @dee")
    assert people.transport.answer().startswith("**Outcomes crediting dee: 1")
    await people.run("alice", "/outcomes webinar @alice")
    assert people.transport.answer().startswith("No outcomes of type webinar crediting alice yet")
    assert not (await people.run("alice", "/outcomes poem")).ok
    await people.run("mod", "/config set page_size 3", Level.MODERATOR)
    for n in range(3):
        await people.run("dee", f'/outcome add title="More {n}" type=other link=https://e.org')
    await people.run("alice", "/outcomes")
    answer = people.transport.to_invoker()[-1]
    assert answer.reply.text.startswith("**Outcomes: 5, newest first** (page 1 of 2)")
    nxt = next(b for b in answer.reply.buttons if "Next" in b.label)
    assert (await people.press("alice", nxt.custom_id)).ok
    assert "Outcome #2 **Webinar one**" in people.transport.answer()


async def test_edit_credit_and_uncredit_are_for_contributors_and_moderators(
    people: Driver,
) -> None:
    await people.run("cy", LAB)
    assert not (await people.run("dee", '/outcome edit 1 title="Mine"')).ok
    assert "Only outcome #1's contributors and moderators" in people.transport.answer()
    assert (await people.run("alice", '/outcome edit 1 title="Open lab manual v2"')).ok
    assert "Outcome #1: Open lab manual v2" in people.transport.answer()
    assert not (await people.run("alice", "/outcome edit 1 link=ftp://x.org")).ok
    people.transport.clear()
    assert (await people.run("alice", "/outcome edit 1")).ok  # nothing to change: the form
    [form] = people.transport.forms()
    values = {f.name: f.value for f in form.form.fields}
    assert values["title"] == "Open lab manual v2" and values["license"] == "CC BY 4.0"
    assert dict(form.form.hidden) == {"outcome": "1"}
    assert "guide" in {f.name: f for f in form.form.fields}["type"].choices
    submitted = {**values, "description": "", "outcome": "1", "title": "Open lab manual v3"}
    assert (await people.submit("alice", "outcome edit", submitted)).ok
    assert "Outcome #1: Open lab manual v3" in people.transport.answer()
    assert not (await people.submit("dee", "outcome edit", submitted)).ok  # hidden is input
    assert (await people.run("mod", "/outcome edit 1 license=cc0 1.0", Level.MODERATOR)).ok is False
    assert (await people.run("mod", '/outcome edit 1 license="cc0 1.0"', Level.MODERATOR)).ok
    people.transport.clear()
    assert (await people.run("bob", "/outcome credit 1 @dee designer")).ok
    assert people.transport.answer() == "Credited **dee** as designer on Outcome #1."
    assert any(isinstance(i, ToMember) and i.member.name == "dee" for i in people.transport.sent)
    assert not (await people.run("bob", "/outcome credit 1 @dee designer")).ok
    assert not (await people.run("bob", "/outcome credit 1 @dee chef")).ok
    assert "The role must be one of" in people.transport.answer()
    assert (await people.run("bob", "/outcome uncredit 1 @dee")).ok
    assert not (await people.run("bob", "/outcome uncredit 1 @dee")).ok
    assert "isn't credited" in people.transport.answer()
    assert not (await people.run("dee", "/outcome credit 1 @dee author")).ok


async def test_remove_is_for_moderators_and_keeps_the_row(people: Driver) -> None:
    await people.run("cy", LAB)
    assert not (await people.run("cy", "/outcome remove 1 spam")).ok
    assert (await people.run("mod", "/outcome remove 1 not ours to share", Level.MODERATOR)).ok
    assert "who, when and why are on record" in people.transport.answer()
    await people.run("cy", "/outcomes")
    assert people.transport.answer().startswith("No outcomes yet")
    assert not (await people.run("cy", "/outcome show 1")).ok
    assert "There is no outcome #1 any more" in people.transport.answer()
    await people.run("dee", '/outcome add title="Next" type=other link=https://e.org')
    assert "Outcome #2" in people.transport.answer()
