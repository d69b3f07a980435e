"""Self-tests: uploads, edits and injected failures, as an unmodified AsyncWebClient sees them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack import FakeSlack
from tests.fakes.slack.spec import catalogue

PNG = b"\x89PNG\r\n\x1a\nfake"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.add_user("U1", "ada")
        fake.add_channel("C0GENERAL", "general", members=["U1"])
        fake.add_channel("C0OUTSIDE", "outside", bot_is_member=False)
        yield fake


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(base_url=fake.api_url, token=fake.bot_token)


async def error_of(call: object) -> str:
    """The error Slack answered an awaited call with."""
    with pytest.raises(SlackApiError) as raised:
        await call  # type: ignore[misc]
    return str(raised.value.response["error"])


async def test_files_upload_v2_shares_the_bytes_with_their_alt_text(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    answer = await client.files_upload_v2(
        channel="C0GENERAL", file=PNG, filename="chart.png", title="Chart", alt_txt="A chart"
    )
    [upload] = fake.files_in("C0GENERAL")
    assert answer["file"]["id"] == upload.id and answer["file"]["title"] == "Chart"
    assert (upload.data, upload.length, upload.alt_txt) == (PNG, len(PNG), "A chart")
    [share] = fake.messages_in("C0GENERAL")
    assert share.files == [upload.id] and share.to_slack(fake.bot_id)["upload"] is True
    assert [c.method for c in fake.calls()] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]
    assert fake.warnings == []


async def test_getting_an_upload_url_checks_its_arguments(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    nameless = client.api_call("files.getUploadURLExternal", params={"length": 3})
    assert await error_of(nameless) == "invalid_arguments"
    assert fake.calls()[-1].response["response_metadata"] == {
        "messages": ["missing required: filename"]
    }
    zero = client.files_getUploadURLExternal(filename="a.png", length=0)
    assert await error_of(zero) == "missing_argument"
    long_alt = client.files_getUploadURLExternal(filename="a.png", length=3, alt_txt="x" * 1001)
    assert await error_of(long_alt) == "alt_txt_too_large"


async def test_completing_needs_the_bytes_once_and_a_conversation(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    announced = await client.files_getUploadURLExternal(filename="a.png", length=len(PNG))
    files = [{"id": announced["file_id"], "title": "a"}]
    early = client.files_completeUploadExternal(files=files, channel_id="C0GENERAL")
    assert await error_of(early) == "file_not_found"  # nothing was uploaded yet
    async with (
        aiohttp.ClientSession() as session,
        session.post(announced["upload_url"], data=PNG) as response,
    ):
        assert response.status == 200 and await response.text() == f"OK - {len(PNG)}"
    to_a_user = client.files_completeUploadExternal(files=files, channel_id="U1")
    assert await error_of(to_a_user) == "invalid_arguments"
    outside = client.files_completeUploadExternal(files=files, channel_id="C0OUTSIDE")
    assert await error_of(outside) == "not_in_channel"
    await client.files_completeUploadExternal(files=files, channel_id="C0GENERAL")
    again = client.files_completeUploadExternal(files=files, channel_id="C0GENERAL")
    assert await error_of(again) == "file_not_found"
    assert [f.title for f in fake.files_in("C0GENERAL")] == ["a"]


async def test_chat_update_keeps_blocks_unless_sent_and_only_edits_the_bots_own(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}
    posted = await client.chat_postMessage(channel="C0GENERAL", text="hi", blocks=[section])
    await client.chat_update(channel="C0GENERAL", ts=posted["ts"], text="hello")
    [message] = fake.messages_in("C0GENERAL")
    assert (message.text, message.blocks) == ("hello", [section])
    await client.chat_update(channel="C0GENERAL", ts=posted["ts"], text="bare", blocks=[])
    assert message.blocks == [] and message.edits == 2
    assert message.versions == [("hi", [section]), ("hello", [section])]
    missing = client.chat_update(channel="C0GENERAL", ts="1.000001", text="x")
    assert await error_of(missing) == "message_not_found"
    bad = client.chat_update(channel="C0GENERAL", ts=posted["ts"], text="x", blocks=[{"type": "x"}])
    assert await error_of(bad) == "invalid_blocks"
    fake.messages[0].author = "U1"
    theirs = client.chat_update(channel="C0GENERAL", ts=posted["ts"], text="x")
    assert await error_of(theirs) == "cant_update_message"


async def test_injected_failures_answer_with_their_status_then_stop(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.fail_next("chat.postMessage", "internal_error", status=500, count=1)
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C0GENERAL", text="hi")
    response = raised.value.response
    assert (response.status_code, response["error"]) == (500, "internal_error")
    assert "Retry-After" not in response.headers
    fake.fail_next("chat.update", retry_after=12)
    with pytest.raises(SlackApiError) as raised:
        await client.chat_update(channel="C0GENERAL", ts="1.1", text="x")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "12"
    assert (await client.chat_postMessage(channel="C0GENERAL", text="hi"))["ok"]


def test_the_upload_methods_are_known_with_their_required_arguments() -> None:
    assert catalogue()["files.getUploadURLExternal"].required == {"filename", "length"}
    assert catalogue()["files.completeUploadExternal"].required == {"files"}
