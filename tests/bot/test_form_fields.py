"""A submitted choice must be one of the field's choices; a member field may hold many mentions."""

from __future__ import annotations

from bot.dispatch import Actor
from bot.reply import MAX_MEMBERS, Field
from bot.runtime import Runtime
from tests.bot.form_cog import Recorder
from tests.conftest import PLACE, RecordingTransport


async def test_a_choice_off_the_list_is_refused_beside_its_field(runtime: Runtime) -> None:
    recorder = Recorder()
    runtime.registry.add_cog(recorder)
    values = {"title": "t", "kind": "podcast", "contributors": "<@1>"}
    outcome = await runtime.dispatcher.submit_form(
        PLACE, Actor("1", "ana"), "fieldtest", values, RecordingTransport()
    )
    assert not outcome.ok and outcome.error is not None and outcome.error.field == "kind"
    assert "must be one of: guide, webinar, dataset" in outcome.error.message
    assert recorder.received == []


def test_a_member_field_holds_its_most_members_whatever_its_text_length() -> None:
    # 25 Discord mentions ("<@20 digits>, ") are longer than the default 500 characters.
    mentions = ", ".join(f"<@{n:020d}>" for n in range(MAX_MEMBERS))
    assert Field("who", "Who", max_length=10, members=MAX_MEMBERS).limit >= len(mentions)
    assert Field("kind", "Type", choices=("guide", "webinar")).limit == len("webinar")
