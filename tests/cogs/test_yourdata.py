"""/my-data, /forget-me, /forget-member and forget_on_leave: members' data is theirs."""

from __future__ import annotations

import json

import pytest

from bot import memberdata
from bot.clock import ManualClock
from bot.configstore import ConfigStore
from bot.dispatch import Actor
from bot.runtime import Runtime
from cogs import build_registry
from tests.cogs.polling import Polling, polling_on
from tests.cogs.yourdata import ADMIN, buttons, everything, export_of, press_as, tallies_match_kudos
from tests.conftest import PLACE


@pytest.fixture
async def polling(runtime: Runtime, clock: ManualClock) -> Polling:
    """A community where ana touched every feature."""
    polling = await polling_on(runtime, clock)
    await everything(polling)
    return polling


async def test_my_data_holds_every_feature_and_names_others_only(polling: Polling) -> None:
    data = await export_of(polling, "ana")
    assert data["Intro"]["intros"][0]["about"] == "a"
    assert set(data["Intro"]["interests"]) == {"maths", "oer"}
    kudos = data["Kudos"]
    assert [k["member"] for k in kudos["kudos_given"]] == ["bob"]
    assert {k["member"] for k in kudos["kudos_received"]} >= {"bob"}
    assert data["Badges"]["badges"][0]["badge"] == "advocate"
    assert data["Needs"]["needs_and_offers"][0]["helped_by"] == "bob"
    assert data["Matching"]["matching"]["status"] == "in"
    assert data["Matching"]["would_rather_not_meet"] == ["cy"]
    assert data["Matching"]["rounds"][0]["answer"] == "met"
    assert data["Outcomes"]["outcome_credits"][0]["role"] == "reviewer"
    assert data["Groups"]["work_groups_led"] == ["Open labs"]
    assert {p["part"] for p in data["Polls"]["polls_answered"]} == {"choice"}
    assert data["Polls"]["named_votes"] == [{"poll": 2, "chose": "Yes"}]
    assert data["Preferences"]["privacy"][0]["credit_off"] is True
    assert len(data["Impact"]["impact_reports"]) == 1
    assert data["Core"]["member"]["name"] == "ana"
    text = json.dumps(data)
    # bob's intro ("b", chemistry) is his, not hers; only his name appears.
    assert "chemistry" not in text and '"about": "b"' not in text


async def test_every_table_holding_a_member_is_claimed() -> None:
    hooks = memberdata.with_core(build_registry(ConfigStore()).data_hooks)
    assert memberdata.unclaimed(hooks.values()) == set()
    without_kudos = {name: hook for name, hook in hooks.items() if name != "Kudos"}
    assert memberdata.unclaimed(without_kudos.values()) == {"kudos", "kudos_group", "kudos_tally"}
    assert "poll_answer" not in memberdata.member_tables()  # anonymous: tied to nobody


async def test_keep_my_data_changes_nothing(polling: Polling) -> None:
    before = await export_of(polling, "ana")
    assert (await polling.run("ana", "/forget-me")).ok
    assert (await polling.driver.press("ana", buttons(polling)["Keep my data"].custom_id)).ok
    assert "Nothing was changed" in polling.sent.answer()
    after = await export_of(polling, "ana")
    before.pop("exported_at"), after.pop("exported_at")
    assert after["Kudos"] == before["Kudos"] and after["Intro"] == before["Intro"]


async def test_forget_me_erases_everything_and_corrects_the_rest(polling: Polling) -> None:
    await polling.run("bob", "/kudos top")
    assert (await polling.run("ana", "/forget-me")).ok
    assert (await polling.driver.press("ana", buttons(polling)["Forget me"].custom_id)).ok
    assert "forgotten" in polling.sent.answer()
    await tallies_match_kudos(polling)
    # ana comes back as someone new: copbot holds nothing of who she was.
    data = await export_of(polling, "ana")
    for name, section in data.items():
        if isinstance(section, dict) and name != "Core":
            assert all(not value for value in section.values()), (name, section)
    assert data["Core"]["member"]["joined_at"] is None
    await polling.run("bob", "/kudos top")
    top = polling.sent.answer()
    assert "ana" not in top and "bob" in top
    await polling.run("bob", "/outcome show 1")
    assert "a former member (reviewer)" in polling.sent.answer()


async def test_forget_member_is_for_admins(polling: Polling) -> None:
    refused = await polling.run("bob", "/forget-member @ana")
    assert not refused.ok
    assert (await polling.run("mod", "/forget-member @ana", ADMIN)).ok
    forget = buttons(polling)["Forget them"].custom_id
    assert not (await polling.driver.press("bob", forget)).ok  # a member can't press it for her
    assert "Only admins" in polling.sent.answer()
    assert (await press_as(polling, "mod", forget, ADMIN)).ok
    await tallies_match_kudos(polling)
    assert not (await press_as(polling, "mod", forget, ADMIN)).ok  # already forgotten


async def test_leaving_keeps_data_unless_forget_on_leave(polling: Polling) -> None:
    runtime = polling.runtime
    transport = polling.driver.transport
    await runtime.dispatcher.emit(PLACE, Actor("cy", "cy"), "member_left", transport)
    assert (await polling.run("mod", "/config set forget_on_leave yes", ADMIN)).ok
    await runtime.dispatcher.emit(PLACE, Actor("ana", "ana"), "member_left", transport)
    await polling.run("bob", "/outcome show 1")
    assert "a former member (reviewer)" in polling.sent.answer()
    await polling.run("bob", "/intro history @cy")
    assert polling.sent.answer()  # cy, who left before the setting, is still known
    await tallies_match_kudos(polling)
