"""Self-tests: an unmodified slack-bolt AsyncApp against FakeSlack, in both transports."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack import Driver, FakeSlack, SocketModeDriver
from tests.fakes.slack.api import HANDLERS
from tests.fakes.slack.spec import catalogue

MODAL = {
    "type": "modal",
    "callback_id": "intro_modal",
    "title": {"type": "plain_text", "text": "Introduce yourself"},
    "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [
        {
            "type": "input",
            "block_id": "bio",
            "label": {"type": "plain_text", "text": "Bio"},
            "element": {"type": "plain_text_input", "action_id": "bio_input"},
        }
    ],
}
POLL = [
    {
        "type": "actions",
        "block_id": "poll",
        "elements": [
            {
                "type": "button",
                "action_id": "vote",
                "value": "yes",
                "text": {"type": "plain_text", "text": "Yes"},
            }
        ],
    }
]
HOME = {
    "type": "home",
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Welcome home"}}],
}


def build_app(fake: FakeSlack, seen: list[dict[str, Any]]) -> AsyncApp:
    """A small bolt app exercising the flows copbot needs; `seen` collects event bodies."""
    client = AsyncWebClient(base_url=fake.api_url, token=fake.bot_token)
    app = AsyncApp(client=client, signing_secret=fake.signing_secret)

    @app.command("/intro")
    async def intro(ack: Any, respond: Any, command: dict[str, Any]) -> None:
        await ack()
        await respond(f"Hello <@{command['user_id']}>: {command['text']}")

    @app.command("/form")
    async def form(ack: Any, client: AsyncWebClient, body: dict[str, Any]) -> None:
        await ack()
        await client.views_open(trigger_id=body["trigger_id"], view=MODAL)

    @app.command("/poll")
    async def poll(ack: Any, say: Any) -> None:
        await ack()
        await say(text="Vote!", blocks=POLL)

    @app.view("intro_modal")
    async def submitted(ack: Any, view: dict[str, Any]) -> None:
        bio = view["state"]["values"]["bio"]["bio_input"]["value"]
        if len(bio) < 5:
            await ack(response_action="errors", errors={"bio": "Tell us a bit more"})
        else:
            await ack()

    @app.view("sloppy_modal")
    async def sloppy(ack: Any) -> None:
        await ack(response_action="errors", errors={"no_such_block": "Oops"})

    @app.action("vote")
    async def vote(ack: Any, respond: Any, action: dict[str, Any]) -> None:
        await ack()
        await respond(text=f"Voted {action['value']}", replace_original=True)

    @app.event("app_home_opened")
    async def home(client: AsyncWebClient, event: dict[str, Any]) -> None:
        await client.views_publish(user_id=event["user"], view=HOME)

    @app.event("member_joined_channel")
    async def joined(event: dict[str, Any], request: Any) -> None:
        seen.append({"event": event, "retry": request.headers.get("x-slack-retry-num")})

    return app


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.add_user("U1", "ada", is_admin=True, display_name="Ada")
        fake.add_user("U2", "bob")
        fake.add_channel("C1", "general", members=["U1", "U2"])
        yield fake


@pytest.fixture
def seen() -> list[dict[str, Any]]:
    return []


@pytest.fixture
async def socket_driver(fake: FakeSlack, seen: list[dict[str, Any]]) -> AsyncIterator[Driver]:
    handler = AsyncSocketModeHandler(build_app(fake, seen), fake.app_token)
    await handler.connect_async()
    try:
        yield fake.socket_driver()
    finally:
        await handler.close_async()  # before the fake stops, or slack_sdk reconnects


@pytest.fixture
async def http_app_url(fake: FakeSlack, seen: list[dict[str, Any]]) -> AsyncIterator[str]:
    runner = web.AppRunner(build_app(fake, seen).web_app(), shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}/slack/events"
    finally:
        await runner.cleanup()


@pytest.fixture(params=["socket", "http"])
def driver(request: pytest.FixtureRequest, fake: FakeSlack) -> Driver:
    if request.param == "socket":
        return request.getfixturevalue("socket_driver")
    return fake.http_driver(request.getfixturevalue("http_app_url"))


# -- both transports -------------------------------------------------------------------------


async def test_slash_command_acked_and_answered_ephemerally(driver: Driver, fake: FakeSlack):
    ack = await driver.slash("/intro", "hi there", user_id="U1", channel_id="C1")
    assert ack.ok and ack.payload is None
    [message] = await fake.wait_for(lambda: fake.ephemerals("U1"))
    assert message.text == "Hello <@U1>: hi there" and message.source == "response_url"
    # respond() sends no response_type; Slack's default for a response_url is ephemeral.
    assert fake.responses("U1")[0].body.get("response_type") is None
    assert fake.messages_in("C1") == [] and fake.warnings == []


async def test_views_open_with_the_issued_trigger(driver: Driver, fake: FakeSlack):
    await driver.slash("/form", user_id="U1", channel_id="C1")
    [opened] = await fake.wait_for(lambda: fake.views_opened("U1"))
    assert opened["callback_id"] == "intro_modal"
    assert fake.calls("views.open")[0].response["ok"] and fake.warnings == []


async def test_view_submission_errors_reach_the_driver(driver: Driver, fake: FakeSlack):
    await driver.slash("/form", user_id="U1", channel_id="C1")
    await fake.wait_for(lambda: fake.views_opened("U1"))
    ack = await driver.view_submission("U1", "intro_modal", {"bio": {"bio_input": "hi"}})
    assert ack.ok and ack.response_action == "errors"
    assert ack.payload == {"response_action": "errors", "errors": {"bio": "Tell us a bit more"}}
    assert ack.problems == [] and fake.current_modal("U1") is not None
    with pytest.raises(ValueError, match="no input"):
        await driver.view_submission("U1", "intro_modal", {"bio": {"typo": "x"}})
    ack = await driver.view_submission("U1", "intro_modal", {"bio": {"bio_input": "Ada here"}})
    assert ack.ok and ack.response_action is None and fake.current_modal("U1") is None


async def test_errors_for_a_block_the_view_lacks_are_flagged(driver: Driver):
    # The fake never saw this modal opened, so it synthesizes one with the given inputs.
    ack = await driver.view_submission("U2", "sloppy_modal", {"name": {"name_input": "Bob"}})
    assert ack.ok and ack.problems == [
        "errors key 'no_such_block' is not an input block_id of the view"
    ]


async def test_block_action_on_a_posted_message(driver: Driver, fake: FakeSlack):
    await driver.slash("/poll", user_id="U1", channel_id="C1")
    [poll] = await fake.wait_for(lambda: fake.messages_in("C1"))
    ack = await driver.block_action("U1", "vote", message=poll)
    assert ack.ok
    await fake.wait_for(lambda: poll.text == "Voted yes")
    assert poll.edits == 1 and fake.warnings == []


async def test_app_home_opened_publishes_the_home_tab(driver: Driver, fake: FakeSlack):
    ack = await driver.event("app_home_opened", user="U1")
    assert ack.ok
    [view] = await fake.wait_for(lambda: fake.views_published("U1"))
    assert view["blocks"][0]["text"]["text"] == "Welcome home"


async def test_retried_event_is_delivered_with_retry_headers(
    driver: Driver, fake: FakeSlack, seen: list[dict[str, Any]]
):
    await driver.event("member_joined_channel", user="U2", channel="C1", event_id="Ev1")
    ack = await driver.event(
        "member_joined_channel",
        user="U2",
        channel="C1",
        event_id="Ev1",
        retry_num=1,
        retry_reason="http_timeout",
    )
    assert ack.ok
    await fake.wait_for(lambda: len(seen) == 2)
    # Socket Mode sends retry_attempt=0 on a first delivery, which bolt turns into a header.
    first = ["0"] if isinstance(driver, SocketModeDriver) else None
    assert seen[0]["retry"] == first and seen[1]["retry"] == ["1"]
    assert seen[1]["event"]["channel_type"] == "C"


# -- HTTP mode only --------------------------------------------------------------------------


async def test_http_rejects_bad_signature_and_stale_timestamp(fake: FakeSlack, http_app_url: str):
    driver = fake.http_driver(http_app_url)
    assert (await driver.slash("/intro", user_id="U1", channel_id="C1")).status == 200
    forged = await driver.tampered(secret="not-the-secret").slash("/intro", user_id="U1")
    stale = await driver.tampered(age=6 * 60).slash("/intro", user_id="U1")
    assert forged.status == 401 and stale.status == 401
    challenge = await driver.url_verification("abc")
    assert challenge.status == 200 and challenge.payload == {"challenge": "abc"}


# -- Socket Mode only ------------------------------------------------------------------------


async def test_socket_mode_uses_aiohttp_client_and_reconnects(fake: FakeSlack, seen: list):
    handler = AsyncSocketModeHandler(build_app(fake, seen), fake.app_token)
    assert isinstance(handler.client, SocketModeClient)  # slack_sdk.socket_mode.aiohttp
    await handler.connect_async()
    try:
        await fake.socket.send_disconnect("refresh_requested")
        await fake.socket.wait_connected(count=2)
        assert len(fake.calls("apps.connections.open")) == 2
        ack = await fake.socket_driver().slash("/intro", "again", user_id="U1", channel_id="C1")
        assert ack.ok
    finally:
        await handler.close_async()


async def test_unhandled_command_is_never_acked(fake: FakeSlack, socket_driver: Driver):
    ack = await fake.socket_driver(ack_timeout=0.5).slash("/nothing", user_id="U1")
    assert not ack.ok and ack.status is None


# -- Web API rules ---------------------------------------------------------------------------


async def test_invalid_blocks_are_rejected(fake: FakeSlack):
    client = AsyncWebClient(base_url=fake.api_url, token=fake.bot_token)
    button = {"type": "button", "action_id": "b", "text": {"type": "plain_text", "text": "x" * 76}}
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(
            channel="C1", text="t", blocks=[{"type": "actions", "elements": [button]}]
        )
    assert raised.value.response["error"] == "invalid_blocks"
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C1", text="x" * 40_001)
    assert raised.value.response["error"] == "msg_too_long"
    assert fake.messages_in("C1") == []


async def test_trigger_ids_expire_and_are_single_use(fake: FakeSlack):
    client = AsyncWebClient(base_url=fake.api_url, token=fake.bot_token)
    trigger = fake.issue_trigger("U1")
    await client.views_open(trigger_id=trigger, view=MODAL)
    for trigger_id, error in [(trigger, "exchanged_trigger_id"), ("1.2.abc", "invalid_trigger_id")]:
        with pytest.raises(SlackApiError) as raised:
            await client.views_open(trigger_id=trigger_id, view=MODAL)
        assert raised.value.response["error"] == error
    fake.trigger_ttl = 0.0
    with pytest.raises(SlackApiError) as raised:
        await client.views_open(trigger_id=fake.issue_trigger("U1"), view=MODAL)
    assert raised.value.response["error"] == "expired_trigger_id"


async def test_auth_and_method_errors(fake: FakeSlack):
    cases = [
        (None, "auth.test", "not_authed"),
        ("xoxb-wrong", "auth.test", "invalid_auth"),
        (fake.app_token, "auth.test", "not_allowed_token_type"),
        (fake.bot_token, "chat.teleport", "unknown_method"),
    ]
    for token, method, error in cases:
        with pytest.raises(SlackApiError) as raised:
            await AsyncWebClient(base_url=fake.api_url, token=token).api_call(method)
        assert raised.value.response["error"] == error
    app_client = AsyncWebClient(base_url=fake.api_url)
    opened = await app_client.apps_connections_open(app_token=fake.app_token)
    assert opened["url"].startswith("ws://127.0.0.1:")


async def test_channels_users_and_dms(fake: FakeSlack):
    client = AsyncWebClient(base_url=fake.api_url, token=fake.bot_token)
    fake.add_channel("C2", "ops", members=["U1"], bot_is_member=False)
    fake.add_user("U3", "carol", is_primary_owner=True)
    fake.set_unreachable("U2", "cannot_dm_bot")
    for call, error in [
        (client.chat_postMessage(channel="C404", text="hi"), "channel_not_found"),
        (client.chat_postMessage(channel="C2", text="hi"), "not_in_channel"),
        (client.chat_postEphemeral(channel="C1", user="U3", text="hi"), "user_not_in_channel"),
        (client.conversations_open(users="U2"), "cannot_dm_bot"),
        (client.users_info(user="U404"), "user_not_found"),
    ]:
        with pytest.raises(SlackApiError) as raised:
            await call
        assert raised.value.response["error"] == error
    carol = (await client.users_info(user="U3"))["user"]
    assert carol["is_primary_owner"] and carol["is_owner"] and carol["is_admin"]
    dm = (await client.conversations_open(users="U1"))["channel"]["id"]
    await client.chat_postMessage(channel=dm, text="welcome")
    assert [m.text for m in fake.dms("U1")] == ["welcome"]
    assert (await client.conversations_info(channel="C1"))["channel"]["name"] == "general"


async def test_users_list_pages_with_cursor(fake: FakeSlack):
    client = AsyncWebClient(base_url=fake.api_url, token=fake.bot_token)
    ids: list[str] = []
    async for page in await client.users_list(limit=2):
        ids += [member["id"] for member in page["members"]]
    assert ids == ["U0FAKEBOT", "USLACKBOT", "U1", "U2"]
    assert len(fake.calls("users.list")) == 2


async def test_unknown_arguments_are_warned(fake: FakeSlack):
    client = AsyncWebClient(base_url=fake.api_url, token=fake.bot_token)
    await client.chat_postMessage(channel="C1", text="hi", colour="red")
    assert fake.warnings == ["chat.postMessage: arguments Slack ignores: ['colour']"]


async def test_form_encoded_calls_with_a_form_token(fake: FakeSlack):
    client = AsyncWebClient(base_url=fake.api_url)
    form = {
        "token": fake.bot_token,
        "channel": "C1",
        "text": "form",
        "blocks": json.dumps([{"type": "divider"}]),
    }
    await client.api_call("chat.postMessage", data=form)
    [message] = fake.messages_in("C1")
    assert message.blocks == [{"type": "divider"}] and fake.calls()[0].token == fake.bot_token


async def test_injected_429_is_retried_by_the_rate_limit_handler(fake: FakeSlack):
    fake.inject_429("chat.postMessage", times=1, retry_after=0)
    client = AsyncWebClient(
        base_url=fake.api_url,
        token=fake.bot_token,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    response = await client.chat_postMessage(channel="C1", text="eventually")
    assert response["ok"]
    assert [c.status for c in fake.calls("chat.postMessage")] == [429, 200]
    fake.inject_429("chat.postMessage", retry_after=7)
    with pytest.raises(SlackApiError) as raised:
        await AsyncWebClient(base_url=fake.api_url, token=fake.bot_token).chat_postMessage(
            channel="C1", text="no retry handler"
        )
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "7"


def test_every_served_method_exists_in_slack():
    # apps.connections.open postdates the 2021 spec; spec.NEWER_METHODS adds it.
    assert sorted(set(HANDLERS) - set(catalogue())) == []
    assert catalogue()["chat.postEphemeral"].required >= {"channel", "user"}
