"""Choice and member fields as modal selects, checked by the stand-in and submitted through it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.discord import render as ui
from bot.reply import Field, Form
from tests.bot.adapters.discord.conftest import EPHEMERAL, TOKEN, make_guild, start_env
from tests.bot.form_cog import RECORD_FORM, Recorder
from tests.fakes import discord as fd
from tests.fakes.discord.errors import DiscordHTTPError
from tests.fakes.discord.validate_modals import validate_modal


def payload(form: Form) -> dict[str, Any]:
    """The modal as discord.py sends it."""
    return ui.modal(form).to_dict()  # type: ignore[return-value]


def test_a_choice_is_a_string_select_in_a_label_with_its_value_preselected() -> None:
    shown = payload(RECORD_FORM.prefilled({"kind": "webinar"}))
    label = shown["components"][1]
    assert label["type"] == 18 and label["label"] == "Type"
    select = label["component"]
    assert select["type"] == 3 and select["custom_id"] == "kind"
    assert (select["min_values"], select["max_values"], select["required"]) == (1, 1, True)
    assert [(o["value"], o["default"]) for o in select["options"]] == [
        ("guide", False),
        ("webinar", True),
        ("dataset", False),
    ]
    assert len(validate_modal(shown)) == 3  # the stand-in takes it as Discord would


def test_a_member_field_is_a_user_select_with_its_members_preselected() -> None:
    shown = payload(RECORD_FORM.prefilled({"contributors": "<@111>, @ana, <@!222>"}))
    select = shown["components"][2]["component"]
    assert select["type"] == 5 and select["max_values"] == 3 and "options" not in select
    # Only mentions by id can be preselected; a typed name has no id.
    assert [(str(d["id"]), d["type"]) for d in select["default_values"]] == [
        ("111", "user"),
        ("222", "user"),
    ]
    validate_modal(shown)


def test_an_optional_member_field_may_be_left_empty() -> None:
    form = Form("Who", "x", (Field("who", "Who", members=5, required=False),))
    select = payload(form)["components"][0]["component"]
    assert (select["min_values"], select["max_values"], select["required"]) == (0, 5, False)


def test_fields_no_platform_could_show_are_refused_when_written() -> None:
    with pytest.raises(ValueError, match="1-25 distinct"):
        Field("kind", "Type", choices=tuple(f"c{n}" for n in range(26)))
    with pytest.raises(ValueError, match="members"):
        Field("who", "Who", members=26)
    with pytest.raises(ValueError, match="either"):
        Field("who", "Who", choices=("a",), members=1)


def _label(component: dict[str, Any], text: str = "Type") -> dict[str, Any]:
    return {
        "title": "T",
        "custom_id": "form:x",
        "components": [{"type": 18, "label": text, "component": component}],
    }


@pytest.mark.parametrize(
    ("modal", "where"),
    [
        (_label({"type": 3, "custom_id": "k", "options": []}), "options"),
        (_label({"type": 3, "custom_id": "k"}), "options"),
        (
            _label(
                {
                    "type": 3,
                    "custom_id": "k",
                    "options": [{"label": f"o{n}", "value": f"o{n}"} for n in range(26)],
                }
            ),
            "options",
        ),
        (_label({"type": 3, "custom_id": "k", "options": [{"label": "", "value": "a"}]}), "label"),
        (_label({"type": 5, "custom_id": "who"}, "x" * 46), "label"),
        (_label({"type": 5, "custom_id": "who", "max_values": 26}), "max_values"),
        (
            _label(
                {
                    "type": 5,
                    "custom_id": "who",
                    "max_values": 1,
                    "default_values": [{"type": "user", "id": "1"}, {"type": "user", "id": "2"}],
                }
            ),
            "default_values",
        ),
        (
            {
                "title": "T",
                "custom_id": "form:x",
                "components": [{"type": 1, "components": [{"type": 5, "custom_id": "who"}]}],
            },
            "type",
        ),
    ],
)
def test_the_stand_in_rejects_selects_discord_rejects(modal: dict[str, Any], where: str) -> None:
    with pytest.raises(DiscordHTTPError) as raised:
        validate_modal(modal)
    assert raised.value.code == 50035 and where in str(raised.value.errors)


def test_submitted_selects_read_as_the_text_a_command_would_be_typed() -> None:
    components = [
        {"type": 18, "component": {"type": 4, "custom_id": "title", "value": "Lab guide"}},
        {"type": 18, "component": {"type": 3, "custom_id": "kind", "values": ["guide"]}},
        {"type": 18, "component": {"type": 5, "custom_id": "who", "values": ["1", "22"]}},
        {"type": 18, "component": {"type": 5, "custom_id": "none", "values": []}},
        {"type": 18, "component": {"type": 3, "custom_id": "left", "values": []}},
    ]
    assert ui.submitted_values(components) == {
        "title": "Lab guide",
        "kind": "guide",
        "who": "<@1>, <@22>",
        "none": "",
        "left": "",
    }


@pytest.fixture
async def served(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> AsyncIterator[tuple[fd.FakeDiscord, Recorder, fd.FakeGuild, int]]:
    """A connected copbot that has the recorder cog's command."""
    async with fd.FakeDiscord(token=TOKEN) as fake:
        guild, channels = await make_guild(fake, "Outcomes")
        db_url = f"sqlite+aiosqlite:///{tmp_path / 'copbot.db'}"
        runtime, front = await start_env(monkeypatch, fake, db_url=db_url, connect=False)
        recorder = Recorder()
        runtime.registry.add_cog(recorder)  # before the start, so its command is synced
        await front.start()
        try:
            await front.client.wait_until_ready()
            yield fake, recorder, guild, channels["general"]
        finally:
            await front.close()
            await runtime.close()


async def test_a_modal_with_selects_runs_the_command_with_their_strings(
    served: tuple[fd.FakeDiscord, Recorder, fd.FakeGuild, int],
) -> None:
    fake, recorder, guild, general = served
    ana = await fake.add_member(guild.id, "ana")
    ben = await fake.add_member(guild.id, "ben")
    sent = await fake.slash(guild.id, general, ana, "fieldtest", {})
    modal = (await sent.callback())["data"]
    assert [c["component"]["type"] for c in modal["components"]] == [4, 3, 5]
    values = {"title": "Lab safety guide", "kind": ["guide"], "contributors": [ana, ben]}
    submitted = await fake.submit_modal(guild.id, general, ana, modal["custom_id"], values)
    await submitted.callback(timeout=5)
    assert recorder.received == [
        {
            "title": "Lab safety guide",
            "kind": "guide",
            "contributors": f"<@{ana.id}>, <@{ben.id}>",
            "register": "",
        }
    ]
    assert recorder.named == [[str(ana.id), str(ben.id)]]  # the parser resolved them
    answer = submitted.response_message()
    assert answer is not None and answer.flags & EPHEMERAL
    assert "Recorded Lab safety guide (guide)" in answer.content


async def test_the_stand_in_only_submits_what_the_client_lets_a_member_pick(
    served: tuple[fd.FakeDiscord, Recorder, fd.FakeGuild, int],
) -> None:
    fake, recorder, guild, general = served
    ana = await fake.add_member(guild.id, "ana")
    sent = await fake.slash(guild.id, general, ana, "fieldtest", {})
    custom_id = (await sent.callback())["data"]["custom_id"]
    for bad in ({"kind": ["podcast"]}, {"kind": ["guide", "webinar"]}, {"contributors": []}):
        values = {"title": "t", "kind": ["guide"], "contributors": [ana], **bad}
        with pytest.raises(fd.DriverError):
            await fake.submit_modal(guild.id, general, ana, custom_id, values)
    assert recorder.received == []
